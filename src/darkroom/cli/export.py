"""`darkroom export`: the case for partners' tools (GraphML/GEXF/CSV, FollowTheMoney, VICS), audited."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from darkroom.cli.common import (
    ActorOption,
    CaseOption,
    ClearanceOption,
    JsonOption,
    actor_name,
    emit_jsonl,
    opened_case,
    out,
)


def export(
    format_name: Annotated[str, typer.Option("--format", help="graphml, gexf, csv, ftm or vics.")],
    out_path: Annotated[Path, typer.Option("--out", help="The file (or, for csv, the folder) to write.")],
    clearance: ClearanceOption = "standard",
    case: CaseOption = None,
    actor: ActorOption = None,
    json_output: JsonOption = False,
) -> None:
    """Export the case for Gephi, i2/Maltego-style import, Aleph (FollowTheMoney) or hash sharing (VICS);
    restricted records (undercover officers, victims) are redacted unless --clearance restricted;
    every file written is recorded in the audit chain with its SHA-256 and the clearance."""
    export_and_report(format_name, out_path, clearance, case, actor, json_output)


def export_and_report(
    format_name: str, out_path: Path, clearance: str, case: Path | None, actor: str | None, json_output: bool
) -> None:
    """Run one exporter on the case and print (or emit as JSON Lines) what it wrote: the one path
    behind `darkroom export` and its aliases, so each writes the same files and audit row."""
    from darkroom.clearance import clearance_of  # noqa: PLC0415
    from darkroom.reports.exporters.base import run_export  # noqa: PLC0415 - start-up

    cleared = clearance_of(clearance)
    with opened_case(case) as store:
        result = run_export(store, format_name, out_path.expanduser(), actor_name(actor), cleared)
    if json_output:
        emit_jsonl(
            {
                "path": str(path),
                "sha256": sha256_hex,
                "clearance": cleared,
                "counts": dict(result.counts),
                "audit_seq": result.audit_seq,
            }
            for path, sha256_hex in result.files
        )
        return
    console = out()
    for path, sha256_hex in result.files:
        console.print(f"wrote {path} sha256 {sha256_hex}", markup=False)
    console.print(", ".join(f"{name}: {count}" for name, count in result.counts) or "nothing to export")
    console.print(clearance_line(cleared), markup=False)


def clearance_line(clearance: str) -> str:
    """What an export did with restricted records, for the last line of its output."""
    shown = "restricted records written" if clearance == "restricted" else "restricted records redacted"
    return f"clearance {clearance}: {shown}"
