"""The console script loads the CLI with the collector paused, runs the command with it on, and
exits with the command's code; the installed `darkroom` script is this entry point."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from darkroom import __version__
from darkroom.cli import app, entry


@pytest.fixture
def restored_collector() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_the_command_runs_with_the_collector_on_and_its_code_is_the_exit_code(
    monkeypatch: pytest.MonkeyPatch, restored_collector: None
) -> None:
    seen: list[tuple[bool, int]] = []

    def run() -> int:
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        return 3

    monkeypatch.setattr(app, "run", run)
    with pytest.raises(SystemExit) as done:
        entry.main()
    assert done.value.code == 3
    assert seen and seen[0][0], "the command must run with the collector on"
    assert seen[0][1] > 0  # what was loaded is frozen out of collection


def test_the_installed_script_is_the_entry_point() -> None:
    script = Path(sys.executable).with_name("darkroom")
    assert "darkroom.cli.entry" in script.read_text(encoding="utf-8")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and __version__ in done.stdout
