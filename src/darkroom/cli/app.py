"""The root `darkroom` command: wires the command groups and turns errors into clear messages."""

from __future__ import annotations

import sys

import typer
from rich.text import Text

from darkroom import __version__
from darkroom.cli import (
    analyse,
    audit,
    case,
    comms,
    demo,
    evaluate,
    evidence,
    export,
    hashset,
    identifiers,
    identity,
    media,
    network,
    process,
    report,
    triage,
    web,
)
from darkroom.cli.common import err
from darkroom.cli.synth import synth_command
from darkroom.errors import DarkroomError, IntegrityError

app = typer.Typer(
    name="darkroom",
    help="darkroom: evidence intake with chain of custody, and analysis of online CSE network cases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(case.app, name="case")
app.add_typer(evidence.app, name="evidence")
app.add_typer(audit.app, name="audit")
app.add_typer(identifiers.app, name="identifier")
app.add_typer(hashset.app, name="hashset")
app.add_typer(media.app, name="media")
app.add_typer(identity.identity_app, name="identity")
app.add_typer(identity.person_app, name="person")
app.add_typer(network.app, name="network")
app.add_typer(network.lead_app, name="lead")
app.add_typer(triage.app, name="triage")
app.command("process")(process.process)
app.command("files")(process.files)
app.command("accounts")(comms.accounts)
app.command("persons")(identity.persons)
app.command("search")(comms.search)
app.command("analyse")(analyse.analyse)
app.command("synth")(synth_command)
app.command("demo")(demo.demo)
app.command("eval")(evaluate.evaluate)
app.add_typer(web.user_app, name="user")
app.add_typer(web.member_app, name="member")
app.command("serve")(web.serve)
app.command("report")(report.report)
app.command("export")(export.export)
app.command("leads")(network.leads)
app.command("alerts")(triage.alerts)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"darkroom {__version__}")
        raise typer.Exit


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """darkroom command line."""


def run(argv: list[str] | None = None) -> int:
    """Run one command; user errors become a message and an exit code, never a traceback."""
    try:
        app(args=argv, prog_name="darkroom")
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
