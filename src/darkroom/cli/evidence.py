"""`darkroom evidence`: register exhibits, list them, verify them against their source."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, select, text

from darkroom.cli.common import (
    ActorOption,
    CaseOption,
    JsonOption,
    actor_name,
    emit_jsonl,
    err,
    opened_case,
    out,
)
from darkroom.errors import IntegrityError
from darkroom.evidence.intake import add_exhibit
from darkroom.evidence.scan import ScanProgress
from darkroom.evidence.verify import VerifyReport, verify_exhibit
from darkroom.model import SeizureFacts
from darkroom.store import CaseStore, schema
from darkroom.timeutil import parse_user_time, zone

app = typer.Typer(help="Register seized exhibits, list and verify them.", no_args_is_help=True)


class _ScanDisplay:
    """Rich progress for a scan whose total is not known in advance."""

    def __init__(self, label: str) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn(f"[bold]{label}[/]"),
            BarColumn(bar_width=None, pulse_style="cyan"),
            TextColumn(
                "{task.fields[files]} files  {task.fields[mb]:.1f} MB  {task.fields[errors]} unreadable"
            ),
            TimeElapsedColumn(),
            console=err(),
            transient=True,
        )
        self.task = self.progress.add_task(label, total=None, files=0, mb=0.0, errors=0)

    def tick(self, progress: ScanProgress) -> None:
        self.progress.update(self.task, files=progress.files, mb=progress.bytes / 1e6, errors=progress.errors)


@app.command("add")
def add(
    path: Annotated[Path, typer.Argument(help="Folder, file, or zip/tar(.gz) archive to register.")],
    exhibit: Annotated[str, typer.Option("--exhibit", help="Exhibit reference, unique in the case.")],
    seized_from: Annotated[str, typer.Option("--seized-from", help="From whom or where it was seized.")],
    seized_at: Annotated[str, typer.Option("--seized-at", help="When (ISO date/time; local to the zone).")],
    seized_by: Annotated[str, typer.Option("--seized-by", help="Who seized it.")],
    description: Annotated[str | None, typer.Option("--description", help="What it is.")] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="The device's zone when it differs from the case's.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Hashing threads (default: cores).")
    ] = None,
    case: CaseOption = None,
    actor: ActorOption = None,
) -> None:
    """Register an exhibit: hash every file (MD5, SHA-1, SHA-256 in one pass) and record it."""
    with opened_case(case) as store:
        case_zone = store.info().timezone
        if timezone:
            zone(timezone)
        facts = SeizureFacts(
            seized_from=seized_from,
            seized_at=parse_user_time(seized_at, timezone or case_zone),
            seized_by=seized_by,
            description=description,
            timezone=timezone,
        )
        display = _ScanDisplay(f"registering {exhibit}")
        with display.progress:
            result = add_exhibit(store, path, exhibit, facts, actor_name(actor), display.tick, workers)
        verb = "resumed and completed" if result.resumed else "registered"
        out().print(
            f"{verb} exhibit [bold]{result.exhibit_ref}[/]: {result.file_count} files, "
            f"{result.total_bytes / 1e6:.1f} MB, {result.unreadable} unreadable, "
            f"{result.archives_failed} archives unreadable, "
            f"{result.shared_with_other_exhibits} distinct files also in other exhibits"
        )
        out().print(f"manifest sha256 {result.manifest_sha256}")


def _exhibit_rows(store: CaseStore) -> list[dict[str, Any]]:
    e = schema.exhibits.c
    rows: list[dict[str, Any]] = []
    with store.read() as conn:
        for row in conn.execute(select(schema.exhibits).order_by(e.id)):
            rows.append(
                {
                    "exhibit": row.ref,
                    "source_path": os.fsdecode(row.source_path),
                    "source_kind": row.source_kind,
                    "status": row.intake_status,
                    "files": row.file_count,
                    "bytes": row.total_bytes,
                    "seized_from": row.seized_from,
                    "seized_at_utc": row.seized_at_utc,
                    "seized_by": row.seized_by,
                    "description": row.description,
                    "timezone": row.timezone,
                    "registered_at_utc": row.registered_at_utc,
                    "manifest_sha256": row.manifest_sha256,
                }
            )
    return rows


@app.command("list")
def list_exhibits(case: CaseOption = None, json_output: JsonOption = False) -> None:
    """List the case's exhibits with their seizure facts and intake state."""
    with opened_case(case) as store:
        rows = _exhibit_rows(store)
    if json_output:
        emit_jsonl(rows)
        return
    table = Table("exhibit", "status", "files", "MB", "seized from", "seized at (UTC)", "by", "source")
    for row in rows:
        table.add_row(
            row["exhibit"],
            row["status"],
            str(row["files"]),
            f"{row['bytes'] / 1e6:.1f}",
            row["seized_from"],
            row["seized_at_utc"][:16],
            row["seized_by"],
            row["source_path"],
        )
    out().print(table)


def _print_report(report: VerifyReport) -> None:
    console = out()
    state = "[green]unchanged[/]" if report.ok else "[red]CHANGED[/]"
    console.print(f"exhibit [bold]{report.exhibit_ref}[/]: {state} ({report.checked} entries checked)")
    for label, items in (
        ("changed", report.changed),
        ("missing", report.missing),
        ("new", report.new),
        ("records", report.record_problems),
    ):
        for item in items:
            console.print(f"  {label:>8}: {item}", markup=False)


@app.command("verify")
def verify(
    exhibit: Annotated[
        str | None, typer.Option("--exhibit", help="Only this exhibit (default: all).")
    ] = None,
    case: CaseOption = None,
    actor: ActorOption = None,
    json_output: JsonOption = False,
) -> None:
    """Re-hash exhibit sources; exit 0 when unchanged, 3 listing every changed, missing and new file."""
    with opened_case(case) as store:
        refs = [exhibit] if exhibit else [row["exhibit"] for row in _exhibit_rows(store)]
        reports: list[VerifyReport] = []
        for ref in refs:
            display = _ScanDisplay(f"verifying {ref}")
            with display.progress:
                reports.append(verify_exhibit(store, ref, actor_name(actor), display.tick))
    if json_output:
        emit_jsonl(report.as_dict() for report in reports)
    else:
        for report in reports:
            _print_report(report)
    bad = [r.exhibit_ref for r in reports if not r.ok]
    if bad:
        raise IntegrityError(f"verification found differences in {', '.join(bad)}")


@app.command("duplicates")
def duplicates(
    case: CaseOption = None,
    json_output: JsonOption = False,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 100,
) -> None:
    """Files identical (same SHA-256) across several exhibits."""
    sql = text(
        "SELECT f.sha256, COUNT(DISTINCT f.exhibit_id) AS exhibits, COUNT(*) AS copies, "
        "MIN(f.size) AS size, GROUP_CONCAT(DISTINCT e.ref) AS refs "
        "FROM files f JOIN exhibits e ON e.id = f.exhibit_id WHERE f.sha256 IS NOT NULL "
        "GROUP BY f.sha256 HAVING COUNT(DISTINCT f.exhibit_id) > 1 "
        "ORDER BY exhibits DESC, copies DESC, f.sha256 LIMIT :limit"
    )
    with opened_case(case) as store, store.read() as conn:
        rows = [
            {
                "sha256": r.sha256,
                "exhibits": r.exhibits,
                "copies": r.copies,
                "size": r.size,
                "exhibit_refs": sorted(r.refs.split(",")),
            }
            for r in conn.execute(sql, {"limit": limit})
        ]
    if json_output:
        emit_jsonl(rows)
        return
    table = Table("sha256", "exhibits", "copies", "size", "in")
    for row in rows:
        table.add_row(
            row["sha256"],
            str(row["exhibits"]),
            str(row["copies"]),
            str(row["size"]),
            ", ".join(row["exhibit_refs"]),
        )
    out().print(table)


@app.command("files")
def files(
    exhibit: Annotated[str | None, typer.Option("--exhibit", help="Only this exhibit.")] = None,
    unreadable: Annotated[
        bool, typer.Option("--unreadable", help="Only files that could not be read.")
    ] = False,
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """List registered files with their hashes, type and timestamps."""
    f, e = schema.files.c, schema.exhibits.c
    query = (
        select(schema.files, e.ref).join(schema.exhibits, e.id == f.exhibit_id).order_by(f.exhibit_id, f.id)
    )
    if exhibit:
        query = query.where(e.ref == exhibit)
    if unreadable:
        query = query.where(f.read_error.is_not(None))
    with opened_case(case) as store, store.read() as conn:
        count = 0
        for row in conn.execute(query):
            count += 1
            record = {
                "exhibit": row.ref,
                "path": row.display_path,
                "path_hex": row.path.hex(),
                "kind": row.entry_kind,
                "size": row.size,
                "md5": row.md5,
                "sha1": row.sha1,
                "sha256": row.sha256,
                "mime_type": row.mime_type,
                "mtime_utc": row.mtime_utc,
                "read_error": row.read_error,
                "archive_status": row.archive_status,
            }
            if json_output:
                emit_jsonl([record])
            else:
                note = f"  [{row.read_error}]" if row.read_error else ""
                typer.echo(f"{row.ref}\t{row.sha256 or '-'}\t{row.size}\t{row.display_path}{note}")
        if not json_output:
            total = conn.execute(select(func.count()).select_from(schema.files)).scalar_one()
            err().print(f"{count} of {total} files")
