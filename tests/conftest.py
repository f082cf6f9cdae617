"""Shared fixtures: run the real CLI in-process, and make cases and exhibit trees on disk."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from darkroom.cli.app import run


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def jsonl(self) -> list[dict]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


CliRunner = Callable[..., CliResult]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run `darkroom ARGS…` in-process; returns exit code, stdout and stderr."""

    def invoke(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def case_dir(tmp_path: Path, cli: CliRunner) -> Path:
    """An initialised, empty case."""
    case = tmp_path / "case"
    result = cli("case", "init", "--case", case, "--name", "Operation Test", "--actor", "examiner1")
    assert result.code == 0, result.err
    return case


SEIZURE = [
    "--seized-from",
    "Suspect A, flat 1",
    "--seized-at",
    "2026-03-14T06:10",
    "--seized-by",
    "DC Example",
]


def add_args(case: Path, source: Path, ref: str) -> list[str | Path]:
    """The arguments of `evidence add` with standard seizure facts."""
    return ["evidence", "add", source, "--case", case, "--exhibit", ref, *SEIZURE]
