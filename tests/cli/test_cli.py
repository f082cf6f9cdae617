"""CLI conventions: --case falls back to $DARKROOM_CASE then the current folder; --json gives JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkroom import __version__
from tests.conftest import CliRunner


def test_version_and_help(cli: CliRunner) -> None:
    assert cli("--version").out.strip() == f"darkroom {__version__}"
    helped = cli("--help")
    assert helped.code == 0
    for group in ("case", "evidence", "audit"):
        assert group in helped.out


def test_case_from_environment_then_current_folder(
    case_dir: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DARKROOM_CASE", str(case_dir))
    (info,) = cli("case", "info", "--json").jsonl()
    assert info["name"] == "Operation Test"
    assert info["region"] == "NO"
    assert info["timezone"] == "Europe/Oslo"
    monkeypatch.delenv("DARKROOM_CASE")
    monkeypatch.chdir(case_dir)
    assert cli("case", "info", "--json").jsonl()[0]["case_id"] == info["case_id"]
    monkeypatch.chdir(tmp_path)
    missing = cli("case", "info")
    assert missing.code == 2
    assert "is not a darkroom case" in missing.err


def test_listings_print_one_json_object_per_line(case_dir: Path, cli: CliRunner) -> None:
    out = cli("audit", "log", "--case", case_dir, "--json").out
    lines = out.splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["action"] == "case.init"


def test_usage_errors_exit_2_without_traceback(cli: CliRunner) -> None:
    result = cli("evidence", "add")
    assert result.code == 2
    assert "Traceback" not in result.err
