"""The root `darkroom` command: wires the command groups and turns errors into clear messages."""

from __future__ import annotations

import importlib
import sys

import typer
from rich.text import Text

from darkroom import __version__
from darkroom.cli.common import err
from darkroom.errors import DarkroomError, IntegrityError

# Every top-level command: name -> (module under darkroom.cli, attribute, a group or one command).
# A run imports only the module of the command it was given (the full set for help or a typo):
# start-up time is part of every command, intake throughput included.
_ENTRIES: dict[str, tuple[str, str, bool]] = {
    "case": ("case", "app", True),
    "evidence": ("evidence", "app", True),
    "audit": ("audit", "app", True),
    "identifier": ("identifiers", "app", True),
    "hashset": ("hashset", "app", True),
    "media": ("media", "app", True),
    "identity": ("identity", "identity_app", True),
    "person": ("identity", "person_app", True),
    "network": ("network", "app", True),
    "lead": ("network", "lead_app", True),
    "triage": ("triage", "app", True),
    "process": ("process", "process", False),
    "files": ("process", "files", False),
    "accounts": ("comms", "accounts", False),
    "persons": ("identity", "persons", False),
    "search": ("comms", "search", False),
    "analyse": ("analyse", "analyse", False),
    "synth": ("synth", "synth_command", False),
    "demo": ("demo", "demo", False),
    "eval": ("evaluate", "evaluate", False),
    "user": ("web", "user_app", True),
    "member": ("web", "member_app", True),
    "serve": ("web", "serve", False),
    "report": ("report", "report", False),
    "export": ("export", "export", False),
    "leads": ("network", "leads", False),
    "alerts": ("triage", "alerts", False),
}


def build_app(only: str | None = None) -> typer.Typer:
    """The root Typer app with every command, or with just `only` (what one run needs)."""
    root_app = typer.Typer(
        name="darkroom",
        help="darkroom: evidence intake with chain of custody, and analysis of online CSE network cases.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    root_app.callback()(root)
    for name, (module_name, attribute, is_group) in _ENTRIES.items():
        if only is not None and name != only:
            continue
        target = getattr(importlib.import_module(f"darkroom.cli.{module_name}"), attribute)
        if is_group:
            root_app.add_typer(target, name=name)
        else:
            root_app.command(name)(target)
    return root_app


def __getattr__(name: str) -> typer.Typer:
    """`app`: the full command tree, built when asked for (docs tests, shell completion)."""
    if name == "app":
        return build_app()
    raise AttributeError(name)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"darkroom {__version__}")
        raise typer.Exit


def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """darkroom command line."""


def run(argv: list[str] | None = None) -> int:
    """Run one command; user errors become a message and an exit code, never a traceback."""
    args = sys.argv[1:] if argv is None else argv
    command = next((arg for arg in args if not arg.startswith("-")), None)
    try:
        build_app(command if command in _ENTRIES else None)(args=args, prog_name="darkroom")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except DarkroomError as error:
        console = err()
        console.print(Text.assemble(("error: ", "bold red"), str(error)))
        if isinstance(error, IntegrityError):
            for finding in error.findings:
                console.print(f"  - {finding}", markup=False)
        return error.exit_code
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())


if __name__ == "__main__":
    main()
