"""`darkroom audit`: show the hash-chained audit log and verify it."""

from __future__ import annotations

from typing import Annotated

import typer

from darkroom.cli.common import CaseOption, JsonOption, emit_jsonl, opened_case, out
from darkroom.errors import IntegrityError
from darkroom.evidence import audit

app = typer.Typer(help="Show and verify the append-only audit log.", no_args_is_help=True)


@app.command("log")
def log(
    case: CaseOption = None,
    json_output: JsonOption = False,
    action: Annotated[str | None, typer.Option("--action", help="Only actions starting with this.")] = None,
) -> None:
    """Every audit row in order: time (UTC), actor, action, object, details and hashes."""
    with opened_case(case) as store, store.read() as conn:
        for entry in audit.entries(conn, action):
            row = {
                "seq": entry.seq,
                "at_utc": entry.at.isoformat(),
                "actor": entry.actor,
                "action": entry.action,
                "object": entry.object_ref,
                "details": entry.details,
                "prev_hash": entry.prev_hash,
                "row_hash": entry.row_hash,
            }
            if json_output:
                emit_jsonl([row])
            else:
                details = audit.canonical_details(entry.details)
                typer.echo(
                    f"{entry.seq:>6}  {entry.at.isoformat(timespec='seconds')}  {entry.actor:<12} "
                    f"{entry.action:<28} {entry.object_ref}  {details}  {entry.row_hash[:16]}"
                )


@app.command("verify")
def verify(
    case: CaseOption = None,
    head: Annotated[
        str | None, typer.Option("--head", help="A head hash kept outside the case; it must be in the chain.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Check every row's hash and link, the anchor file, and (optionally) a head kept elsewhere."""
    with opened_case(case) as store:
        report = audit.verify_chain(store, head)
    if json_output:
        emit_jsonl(
            [
                {
                    "ok": report.ok,
                    "rows": report.row_count,
                    "head_seq": report.head_seq,
                    "head_hash": report.head_hash,
                    "anchor_heads_checked": report.anchor_heads_checked,
                    "problems": report.problems,
                }
            ]
        )
    elif report.ok:
        out().print(
            f"[green]audit chain intact[/]: {report.row_count} rows, "
            f"{report.anchor_heads_checked} anchored heads checked; "
            f"head row {report.head_seq} {report.head_hash}"
        )
    if not report.ok:
        raise IntegrityError("the audit chain failed verification", report.problems)
