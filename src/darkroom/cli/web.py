"""`darkroom serve`, `darkroom user …` and `darkroom member …`: the web app and who may use it.

Users and memberships live in the server database, `darkroom-server.db`, in the folder that
holds the case folders (`--cases-dir`; for `--case DIR`, the folder DIR is in).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from darkroom.cli.common import (
    ActorOption,
    CaseOption,
    JsonOption,
    actor_name,
    case_root,
    emit_jsonl,
    err,
    opened_case,
    out,
)
from darkroom.errors import InvalidInput
from darkroom.evidence import audit

if TYPE_CHECKING:
    from darkroom.web.cases import ServedCases
    from darkroom.web.serverdb import ServerDb

user_app = typer.Typer(help="Users of the web app (server database beside the cases).", no_args_is_help=True)
member_app = typer.Typer(help="Who may see which case, and with which clearance.", no_args_is_help=True)

CasesDirOption = Annotated[
    Path,
    typer.Option(
        "--cases-dir",
        envvar="DARKROOM_CASES_DIR",
        help="The folder holding the case folders and darkroom-server.db (default: current folder).",
    ),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]


def _server_db(cases_dir: Path) -> ServerDb:
    from darkroom.web.serverdb import open_server_db  # noqa: PLC0415 - argon2 only when needed

    return open_server_db(cases_dir.expanduser().resolve() / "darkroom-server.db")


def _read_password(password_stdin: bool) -> str:
    """From stdin (scripts) or a hidden prompt typed twice; never from an option (shell history)."""
    if password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise InvalidInput("--password-stdin: standard input is empty")
        return line.rstrip("\r\n")
    password: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (no spaces).")],
    role: Annotated[str, typer.Option("--role", help="admin, lead, investigator, analyst or examiner.")],
    cases_dir: CasesDirOption = Path(),
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user; the password is prompted (or read with --password-stdin). There is no default."""
    db = _server_db(cases_dir)
    user = db.add_user(name, role, _read_password(password_stdin))
    out().print(f"user {user.name} ({user.role}) created in {db.path}")


@user_app.command("passwd")
def user_passwd(
    name: Annotated[str, typer.Argument(help="User name.")],
    cases_dir: CasesDirOption = Path(),
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password; their open sessions end."""
    db = _server_db(cases_dir)
    db.set_password(name, _read_password(password_stdin))
    out().print(f"password of {name} changed; their sessions were closed")


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(help="User name.")],
    cases_dir: CasesDirOption = Path(),
    enable: Annotated[bool, typer.Option("--enable", help="Enable the user again instead.")] = False,
) -> None:
    """Disable a user (their sessions end at once), or enable them again with --enable."""
    _server_db(cases_dir).set_disabled(name, not enable)
    out().print(f"user {name} {'enabled' if enable else 'disabled'}")


@user_app.command("list")
def user_list(cases_dir: CasesDirOption = Path(), json_output: JsonOption = False) -> None:
    """Every user with role and state."""
    rows = [{"name": u.name, "role": u.role, "disabled": u.disabled} for u in _server_db(cases_dir).users()]
    if json_output:
        emit_jsonl(rows)
        return
    for row in rows:
        typer.echo(f"{row['name']}\t{row['role']}\t{'disabled' if row['disabled'] else 'active'}")


ServerDbOption = Annotated[
    Path | None, typer.Option("--cases-dir", help="Server db folder (default: the case's parent).")
]


def _cases_dir_of(case: Path | None, cases_dir: Path | None) -> Path:
    return cases_dir if cases_dir is not None else case_root(case).expanduser().resolve().parent


@member_app.command("add")
def member_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    case: CaseOption = None,
    clearance: Annotated[
        str, typer.Option("--clearance", help="'restricted' to see restricted records, else 'standard'.")
    ] = "standard",
    cases_dir: ServerDbOption = None,
    actor: ActorOption = None,
) -> None:
    """Give a user access to a case (audited in the case), or change their clearance there."""
    db = _server_db(_cases_dir_of(case, cases_dir))
    with opened_case(case) as store:
        info = store.info()
        membership = db.add_member(name, info.case_id, info.name, clearance, actor_name(actor))
        with store.write() as conn:
            details = {"user": name, "clearance": membership.clearance}
            audit.append(conn, actor_name(actor), "member.add", f"case:{info.case_id}", details)
    out().print(f"{name} is a member of {info.name} (clearance {membership.clearance})")


@member_app.command("remove")
def member_remove(
    name: Annotated[str, typer.Argument(help="User name.")],
    case: CaseOption = None,
    cases_dir: ServerDbOption = None,
    actor: ActorOption = None,
) -> None:
    """Take a user's access to a case away (audited in the case)."""
    db = _server_db(_cases_dir_of(case, cases_dir))
    with opened_case(case) as store:
        info = store.info()
        if not db.remove_member(name, info.case_id):
            raise InvalidInput(f"{name} is not a member of {info.name}")
        with store.write() as conn:
            audit.append(conn, actor_name(actor), "member.remove", f"case:{info.case_id}", {"user": name})
    out().print(f"{name} is no longer a member of {info.name}")


@member_app.command("list")
def member_list(
    case: CaseOption = None,
    cases_dir: ServerDbOption = None,
    json_output: JsonOption = False,
) -> None:
    """The members of a case with their clearance."""
    db = _server_db(_cases_dir_of(case, cases_dir))
    with opened_case(case) as store:
        case_id = store.info().case_id
    rows = [
        {"user": m.user_name, "case": m.case_name, "clearance": m.clearance}
        for m in db.memberships(case_id=case_id)
    ]
    if json_output:
        emit_jsonl(rows)
        return
    for row in rows:
        typer.echo(f"{row['user']}\t{row['clearance']}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    cases_dir: Annotated[
        Path | None,
        typer.Option("--cases-dir", envvar="DARKROOM_CASES_DIR", help="Serve every case folder in DIR."),
    ] = None,
    case: Annotated[Path | None, typer.Option("--case", help="Serve this one case folder.")] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (loopback unless you say otherwise).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, max=64, help="Server processes (one per core serves the most users)."
        ),
    ] = 1,
) -> None:
    """Run the team's web application over the cases (users from the server database beside them)."""
    from darkroom.web.cases import ServedCases  # noqa: PLC0415 - FastAPI only when serving

    if case is not None and cases_dir is not None:
        raise InvalidInput("give --case or --cases-dir, not both")
    served = (
        ServedCases.for_case(case) if case is not None else ServedCases.for_cases_dir(cases_dir or Path())
    )
    run_server(served, host, port, workers)


def run_server(served: ServedCases, host: str, port: int, workers: int = 1) -> None:
    """Check there is a user, then serve until Ctrl-C."""
    import uvicorn  # noqa: PLC0415

    from darkroom.web.app import SERVE_CASE_ENV, SERVE_CASES_DIR_ENV, create_app  # noqa: PLC0415

    db = _server_db(served.cases_dir)
    if db.user_count() == 0:
        raise InvalidInput(
            f"no users yet in {db.path}; create the first administrator with\n"
            f"  darkroom user add NAME --role admin --cases-dir {served.cases_dir}\n"
            f"then give people cases with `darkroom member add NAME --case CASE_FOLDER`"
        )
    if not _is_loopback(host):
        err().print(f"[yellow]serving on {host}, not loopback: put TLS (a reverse proxy) in front[/]")
    app = create_app(served)
    cases = app.state.web.registry.cases()
    err().print(
        f"serving {len(cases)} case(s) from {served.cases_dir} on http://{host}:{port} (Ctrl-C stops)"
    )
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)
        return
    app.state.web.registry.close()
    target = served.only_case or served.cases_dir
    os.environ[SERVE_CASE_ENV if served.only_case else SERVE_CASES_DIR_ENV] = str(target)
    uvicorn.run(
        "darkroom.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        server_header=False,
    )
