"""An interrupted intake (killed, or Ctrl-C) resumes on the next `evidence add` without duplicates."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import add_args


def _tree(root: Path, files: int = 1500) -> dict[str, str]:
    """Many small files plus a few larger ones (so a run takes long enough to be stopped)."""
    expected: dict[str, str] = {}
    for index in range(files):
        rel = f"d{index % 20:02d}/f{index:05d}.bin"
        data = hashlib.sha256(str(index).encode()).digest() * (64 + index % 200)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
        expected[rel] = hashlib.sha256(data).hexdigest()
    for index in range(3):
        data = bytes([index]) * (24 << 20)
        (root / f"big{index}.bin").write_bytes(data)
        expected[f"big{index}.bin"] = hashlib.sha256(data).hexdigest()
    return expected


def _recorded(case: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(case / "case.db") as db:
        return db.execute("SELECT display_path, sha256 FROM files ORDER BY display_path").fetchall()


def _start(case: Path, source: Path) -> subprocess.Popen[bytes]:
    darkroom = str(Path(sys.executable).with_name("darkroom"))
    env = {**os.environ, "DARKROOM_INTAKE_BATCH": "50"}
    cmd = [darkroom, *map(str, add_args(case, source, "EX-1")), "--workers", "1"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for_rows(case: Path, process: subprocess.Popen[bytes], at_least: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if len(_recorded(case)) >= at_least:
                return
        except sqlite3.OperationalError:
            pass
        time.sleep(0.02)
    pytest.fail("intake finished or stalled before it could be interrupted")


@pytest.mark.parametrize("stop_signal", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_interrupted_intake_resumes_without_duplicates(
    case_dir: Path, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    source = tmp_path / "phone"
    expected = _tree(source)
    process = _start(case_dir, source)
    try:
        _wait_for_rows(case_dir, process, 100)
        process.send_signal(stop_signal)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    partial = _recorded(case_dir)
    assert 0 < len(partial) < len(expected)
    if stop_signal == signal.SIGINT:
        assert process.returncode == 130
        assert b"Run the same command again to resume" in err
    resumed = subprocess.run(
        [str(Path(sys.executable).with_name("darkroom")), *map(str, add_args(case_dir, source, "EX-1"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed and completed" in resumed.stdout
    final = _recorded(case_dir)
    assert [path for path, _ in final] == sorted(expected)
    assert dict(final) == expected
    with sqlite3.connect(case_dir / "case.db") as db:
        actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert actions[:2] == ["case.init", "evidence.register"]
    assert "evidence.resume" in actions
    assert actions[-1] == "evidence.intake-complete"
    if stop_signal == signal.SIGINT:
        assert "evidence.intake-interrupted" in actions
