"""Every CLI command is in the README's table, so the documentation cannot fall behind the code."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.main import get_command

from darkroom.cli.app import app

README = Path(__file__).resolve().parent.parent / "README.md"


def _command_paths(command: object, prefix: str = "darkroom") -> list[str]:
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        return [prefix]
    paths: list[str] = []
    for name, sub in sorted(subcommands.items()):
        paths.extend(_command_paths(sub, f"{prefix} {name}"))
    return paths


def test_every_command_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    paths = _command_paths(get_command(app))
    assert len(paths) >= 8
    missing = [path for path in paths if f"`{path}" not in readme]
    assert not missing, f"document these in README.md: {missing}"


def test_app_is_a_typer_app() -> None:
    assert isinstance(app, typer.Typer)
