"""For court, the same case and options give the same bytes: every export format written twice, a day
apart by the clock (and in processes with other hash seeds), is byte-identical; GEXF is dated by the
network's build."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

import darkroom
from darkroom import timeutil
from darkroom.clearance import Clearance
from darkroom.network.build import run_network
from darkroom.reports.exporters.base import run_export
from darkroom.store import CaseStore
from tests.reports.conftest import BuiltCase

FORMATS = ("graphml", "gexf", "csv", "ftm", "vics")
DAY_SECONDS = 86_400.0
Clock = Callable[[float], None]


def _contents(root: Path) -> dict[str, bytes]:
    """Every file below `root` by its path relative to it (one file, or a CSV folder's two)."""
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p.relative_to(root.parent)): p.read_bytes() for p in files}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Moves the wall clock (time.time, time.strftime/localtime/gmtime, darkroom's utc_now) by an offset."""
    real_time, real_localtime, real_gmtime = time.time, time.localtime, time.gmtime
    real_strftime = time.strftime
    offset = [0.0]

    def shifted() -> float:
        return real_time() + offset[0]

    def utc_now() -> datetime:
        return datetime.now(UTC) + timedelta(seconds=offset[0])

    monkeypatch.setattr(time, "time", shifted)
    monkeypatch.setattr(
        time, "localtime", lambda secs=None: real_localtime(shifted() if secs is None else secs)
    )
    monkeypatch.setattr(time, "gmtime", lambda secs=None: real_gmtime(shifted() if secs is None else secs))
    monkeypatch.setattr(
        time, "strftime", lambda fmt, t=None: real_strftime(fmt, t or real_localtime(shifted()))
    )
    real_utc_now = timeutil.utc_now
    for module in list(sys.modules.values()):
        named = getattr(module, "__name__", None)
        if (
            isinstance(named, str)
            and named.startswith("darkroom")
            and (getattr(module, "utc_now", None) is real_utc_now)
        ):
            monkeypatch.setattr(module, "utc_now", utc_now)

    def move(days: float) -> None:
        offset[0] = days * DAY_SECONDS

    yield move


@pytest.fixture
def networked(case_copy: BuiltCase) -> Iterator[CaseStore]:
    store = CaseStore.open(case_copy.root)
    run_network(store, "analyst")
    yield store
    store.close()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("clearance", ["standard", "restricted"])
def test_an_export_a_day_later_has_the_same_bytes(
    networked: CaseStore, tmp_path: Path, clock: Clock, fmt: str, clearance: Clearance
) -> None:
    written: list[dict[str, bytes]] = []
    for day, folder in ((0, "monday"), (1, "tuesday")):
        clock(day)
        (tmp_path / folder).mkdir()
        out = tmp_path / folder / f"case.{fmt}"
        result = run_export(networked, fmt, out, "analyst", clearance)
        assert result.files
        written.append(_contents(out))
    assert written[0] and written[0] == written[1]


def test_the_clock_moves_what_it_should(clock: Clock) -> None:
    """The fixture does move every clock the exporters could read (else the test above proves nothing)."""
    before_day, before_now = time.strftime("%Y-%m-%d"), timeutil.utc_now()
    clock(1)
    assert time.strftime("%Y-%m-%d") != before_day
    from darkroom.evidence import audit  # noqa: PLC0415 - the name audit rows are dated by

    assert audit.utc_now() - before_now >= timedelta(hours=23)


def test_gexf_is_dated_by_the_network_build_not_by_today(
    networked: CaseStore, tmp_path: Path, clock: Clock
) -> None:
    with networked.write() as conn:
        conn.execute(text("UPDATE network_builds SET built_at_utc = '2026-02-03T23:30:00.000000+00:00'"))
    clock(40)
    run_export(networked, "gexf", tmp_path / "n.gexf", "analyst")
    head = (tmp_path / "n.gexf").read_text(encoding="utf-8")[:600]
    assert 'lastmodifieddate="2026-02-03"' in head
    assert time.strftime("%Y-%m-%d") not in head


_EXPORT_ALL = """
import sys
from pathlib import Path
from darkroom.reports.exporters.base import run_export
from darkroom.store import CaseStore
store = CaseStore.open(Path(sys.argv[1]))
out = Path(sys.argv[2])
for fmt in {formats!r}:
    run_export(store, fmt, out / ("case." + fmt), "analyst")
store.close()
"""


def test_exports_in_processes_with_other_hash_seeds_have_the_same_bytes(
    networked: CaseStore, tmp_path: Path
) -> None:
    """Set and dict orders that depend on the string hash seed would differ between runs of the CLI."""
    networked.close()
    source = Path(darkroom.__file__).parents[1]
    written = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(source)}
        script = _EXPORT_ALL.format(formats=FORMATS)
        ran = subprocess.run(
            [sys.executable, "-c", script, str(networked.root), str(out)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert ran.returncode == 0, ran.stderr
        written.append(
            {name: data for fmt in FORMATS for name, data in _contents(out / f"case.{fmt}").items()}
        )
    assert len(written[0]) == len(FORMATS) + 1  # csv is two files
    assert written[0] == written[1]
