"""`darkroom report` end to end, its clear refusals, and the helpers under it (times, the figure)."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from darkroom.reports.neighbourhood import _Node, _svg
from darkroom.reports.scope import local_text, utc_text
from darkroom.timeutil import to_iso
from tests.conftest import CliRunner
from tests.reports.conftest import BuiltCase


def test_report_command_writes_html_by_suffix_and_audits_it(
    case_copy: BuiltCase, tmp_path: Path, cli: CliRunner
) -> None:
    out = tmp_path / "ola.html"
    result = cli(
        "report", "--person", "1", "--out", out, "--lang", "nb", "--case", case_copy.root, "--actor", "dc1"
    )
    assert result.code == 0, result.err
    assert f"sha256 {hashlib.sha256(out.read_bytes()).hexdigest()}" in result.out
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    log = cli("audit", "log", "--case", case_copy.root, "--action", "report.", "--json").jsonl()
    assert [(row["action"], row["actor"], row["object"]) for row in log] == [
        ("report.package", "dc1", "person:1")
    ]


def test_report_command_refuses_bad_input_clearly(
    built_case: BuiltCase, tmp_path: Path, cli: CliRunner
) -> None:
    case = built_case.root
    cases = [
        (["--person", "99"], "no person 99"),
        (["--person", "1", "--lang", "de"], "no package template in 'de'"),
        (["--person", "1", "--format", "docx"], "unknown report format 'docx'"),
        (["--person", "1", "--clearance", "secret"], "--clearance must be"),
        (["--person", "1", "--exhibit", "EX-404"], "no exhibit 'EX-404'"),
    ]
    for args, message in cases:
        result = cli("report", *args, "--out", tmp_path / "x.pdf", "--case", case)
        assert result.code == 2, (args, result.err)
        assert message in result.err and "Traceback" not in result.err
    assert not (tmp_path / "x.pdf").exists()


moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))


@given(
    moments,
    st.sampled_from(["Europe/Oslo", "America/New_York", "Asia/Kolkata", "UTC", "Australia/Lord_Howe"]),
)
def test_local_time_text_names_the_same_instant(moment: datetime, zone_name: str) -> None:
    stored = to_iso(moment)
    shown = local_text(stored, zone_name)
    assert shown.endswith(f" ({zone_name})")
    clock, offset = shown.rsplit(" (", 1)[0].rsplit(" ", 1)
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    local = datetime.strptime(clock, "%Y-%m-%d %H:%M:%S")
    assert local - sign * timedelta(hours=hours, minutes=minutes) == moment.replace(tzinfo=None)
    assert utc_text(stored) == moment.strftime("%Y-%m-%d %H:%M:%S UTC")


@settings(max_examples=60)
@given(st.text(min_size=1, max_size=40), st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=30))
def test_neighbourhood_figure_is_well_formed_svg_for_any_label(center: str, labels: list[str]) -> None:
    nodes = [_Node(label, index + 1, {index % 3}) for index, label in enumerate(labels)]
    figure = _svg(center, nodes)
    root = ET.fromstring(figure)  # escaped: no label can break out of its element
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    circles = root.findall("{http://www.w3.org/2000/svg}circle")
    assert len(circles) == len(labels) + 1
