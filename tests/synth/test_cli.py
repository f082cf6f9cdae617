"""`darkroom synth` as a Typer command: writes a case, refuses a non-empty folder with exit 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import typer
from typer.testing import CliRunner

from darkroom.cli.synth import synth_command


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("synth")(synth_command)
    return app


def test_synth_command_writes_a_small_case(tmp_path: Path) -> None:
    target = tmp_path / "case"
    result = CliRunner().invoke(_app(), [str(target), "--seed", "3"])
    assert result.exit_code == 0, result.output
    truth = json.loads((target / "truth.json").read_text(encoding="utf-8"))
    assert (truth["scale"], truth["seed"]) == ("small", 3)


def test_synth_command_refuses_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(_app(), [str(tmp_path), "--scale", "medium"])
    assert result.exit_code == 2
    assert "not an empty folder" in re.sub(r"[\s│╭╮╰╯─]+", " ", result.output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_synth_command_rejects_unknown_scale(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), [str(tmp_path / "x"), "--scale", "huge"])
    assert result.exit_code == 2
