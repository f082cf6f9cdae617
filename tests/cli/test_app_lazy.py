"""The root command imports only what the run needs, and still knows every command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from darkroom.cli.app import _ENTRIES, build_app, run


def test_one_command_builds_only_its_group() -> None:
    from typer.main import get_command  # noqa: PLC0415

    group = get_command(build_app("evidence"))
    assert set(group.commands) == {"evidence"}  # type: ignore[attr-defined]
    assert set(get_command(build_app()).commands) == set(_ENTRIES)  # type: ignore[attr-defined]


def test_evidence_add_does_not_import_the_analysis_stack() -> None:
    code = (
        "import sys\n"
        "from darkroom.cli.app import run\n"
        "run(['evidence', '--help'])\n"
        "heavy = [m for m in ('splink', 'duckdb', 'igraph', 'fastapi', 'weasyprint', 'darkroom.cli.web')"
        " if m in sys.modules]\n"
        "print('heavy:' + ','.join(heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "heavy:"


@pytest.mark.parametrize("argv", [["--help"], ["no-such-command"], ["--version"]])
def test_help_typos_and_version_see_the_whole_tree(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(argv)
    out = capsys.readouterr()
    if argv == ["no-such-command"]:
        assert code == 2
        assert "No such command" in out.err
    else:
        assert code == 0
        if argv == ["--help"]:
            for name in ("evidence", "analyse", "serve", "alerts"):
                assert name in out.out
