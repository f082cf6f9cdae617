"""`darkroom process` (run the parsers) and `darkroom files` (what was and was not read)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import select

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
from darkroom.store import schema

if TYPE_CHECKING:
    from darkroom.formats.worker import ParseOutcome
    from darkroom.media.stage import MediaSummary
    from darkroom.media.worker import MediaOutcome
    from darkroom.store import CaseStore

STATUSES = ("parsed", "unsupported", "failed")


def _file_progress(label: str) -> tuple[Progress, TaskID]:
    """A per-file progress bar on stderr with a running count of failed files."""
    progress = Progress(
        TextColumn(f"[bold]{label}[/]"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=err(),
        transient=True,
    )
    return progress, progress.add_task(label, total=None, failed=0)


def process(
    case: CaseOption = None,
    actor: ActorOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Parser processes (default: cores).")
    ] = None,
) -> None:
    """Run every registered parser over the files no parser has handled yet, then analyse every
    picture and video (PDQ, EXIF, blurred thumbnail); resumable."""
    from darkroom.formats.runner import process_case  # noqa: PLC0415 - keeps start-up fast

    progress, task = _file_progress("parsing")
    failed = 0

    def on_file(outcome: ParseOutcome) -> None:
        nonlocal failed
        failed += outcome.status == "failed"
        progress.update(task, advance=1, failed=failed)

    with opened_case(case) as store:
        with progress:
            summary = process_case(
                store, actor_name(actor), workers, lambda total: progress.update(task, total=total), on_file
            )
        media_summary, media_status = _media_stage(store, actor_name(actor), workers)
    console = out()
    console.print(
        f"processed {summary.processed} files this run; identifiers read in {summary.identifier_files} "
        f"files ({summary.identifier_occurrences} occurrences)"
    )
    table = Table("status", "files")
    for status in STATUSES:
        table.add_row(status, str(summary.by_status.get(status, 0)))
    console.print(table)
    formats = Table("format", "files parsed")
    for name, count in summary.by_format.items():
        formats.add_row(name, str(count))
    console.print(formats)
    if summary.by_status.get("failed") or summary.by_status.get("unsupported"):
        console.print("see what was not read: darkroom files --status failed|unsupported")
    media = Table("media", "files")
    for name, count in sorted(media_status.items()):
        media.add_row(name, str(count))
    console.print(f"media analysed this run: {media_summary.analysed}, failed: {media_summary.failed}")
    console.print(media)
    if any(name.endswith("failed") for name in media_status):
        console.print("pictures and videos not decoded: darkroom media list --status failed")


def _media_stage(store: CaseStore, actor: str, workers: int | None) -> tuple[MediaSummary, dict[str, int]]:
    """Decode, hash and describe every picture and video (the media stage of `process`)."""
    from darkroom.media.stage import media_coverage, run_media_stage  # noqa: PLC0415 - start-up

    progress, task = _file_progress("media")
    failed = 0

    def on_file(outcome: MediaOutcome) -> None:
        nonlocal failed
        failed += outcome.facts is None
        progress.update(task, advance=1, failed=failed)

    with progress:
        summary = run_media_stage(
            store, actor, workers, lambda total: progress.update(task, total=total), on_file
        )
    return summary, media_coverage(store)


def files(
    case: CaseOption = None,
    status: Annotated[str | None, typer.Option("--status", help="parsed, unsupported or failed.")] = None,
    format_name: Annotated[str | None, typer.Option("--format", help="Only files this parser read.")] = None,
    exhibit: Annotated[str | None, typer.Option("--exhibit", help="Only this exhibit.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Parse coverage per file: parsed (records, warnings), unsupported, or failed (with the error)."""
    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"--status must be one of {', '.join(STATUSES)}")
    f, p, e = schema.files.c, schema.file_parses.c, schema.exhibits.c
    query = (
        select(
            e.ref,
            f.display_path,
            f.sha256,
            f.mime_type,
            p.status,
            p.parser,
            p.record_count,
            p.warning_count,
            p.error,
        )
        .join(schema.file_parses, p.file_id == f.id)
        .join(schema.exhibits, e.id == f.exhibit_id)
        .order_by(f.exhibit_id, f.id)
    )
    if status:
        query = query.where(p.status == status)
    if format_name:
        query = query.where(p.parser == format_name)
    if exhibit:
        query = query.where(e.ref == exhibit)
    with opened_case(case) as store, store.read() as conn:
        for row in conn.execute(query):
            record = {
                "exhibit": row.ref,
                "path": row.display_path,
                "sha256": row.sha256,
                "mime_type": row.mime_type,
                "status": row.status,
                "format": row.parser,
                "records": row.record_count,
                "warnings": row.warning_count,
                "error": row.error,
            }
            if json_output:
                emit_jsonl([record])
            else:
                detail = row.error or f"{row.record_count} records, {row.warning_count} warnings"
                typer.echo(f"{row.ref}\t{row.status}\t{row.parser or '-'}\t{row.display_path}\t{detail}")
