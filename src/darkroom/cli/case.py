"""`darkroom case`: create a case folder and show its settings."""

from __future__ import annotations

from typing import Annotated

import typer

from darkroom.cli.common import (
    ActorOption,
    CaseOption,
    JsonOption,
    actor_name,
    case_root,
    emit_jsonl,
    opened_case,
    out,
    print_head,
)
from darkroom.evidence import audit
from darkroom.store import CaseStore

app = typer.Typer(help="Create a case and show its settings.", no_args_is_help=True)


@app.command("init")
def init(
    name: Annotated[str, typer.Option("--name", help="Case name, e.g. an operation name.")],
    case: CaseOption = None,
    region: Annotated[
        str, typer.Option("--region", help="Default region for national phone numbers.")
    ] = "NO",
    timezone: Annotated[str, typer.Option("--timezone", help="Case time zone (IANA).")] = "Europe/Oslo",
    actor: ActorOption = None,
) -> None:
    """Create a case folder with its database, audit chain and anchor."""
    root = case_root(case)
    store = CaseStore.create(root, name, region, timezone)
    try:
        info = store.info()
        with store.write() as conn:
            details = {
                "name": info.name,
                "region": info.region,
                "timezone": info.timezone,
                "case_id": info.case_id,
            }
            audit.append(conn, actor_name(actor), "case.init", f"case:{info.case_id}", details)
        out().print(f"created case [bold]{info.name}[/] in {root.resolve()}")
        print_head(store)
    finally:
        store.close()


@app.command("info")
def info(case: CaseOption = None, json_output: JsonOption = False) -> None:
    """Show the case's name, region, time zone and schema version."""
    with opened_case(case) as store:
        case_info = store.info()
        row = {
            "case_id": case_info.case_id,
            "name": case_info.name,
            "region": case_info.region,
            "timezone": case_info.timezone,
            "created_at_utc": case_info.created_at.isoformat(),
            "schema_version": case_info.schema_version,
            "path": str(store.root.resolve()),
        }
    if json_output:
        emit_jsonl([row])
        return
    for key, value in row.items():
        out().print(f"{key:>15}: {value}")
