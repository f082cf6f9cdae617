"""`darkroom process`: every registered parser over the files no parser has handled yet.

Worker processes sniff and parse; the calling process is the one writer. Each file's records
and its status (parsed, unsupported, failed) are committed together, so an interrupted run
resumes at the next file. Archive members and seized SQLite databases are parsed from working
copies inside the case folder (`derived/working/FILE_ID/`); a database keeps its `-wal` and
`-shm` files beside it, since the WAL holds the newest rows.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from darkroom.errors import DarkroomError
from darkroom.evidence import audit
from darkroom.evidence.archives import Location
from darkroom.evidence.intake import location_of
from darkroom.formats.coverage import (
    candidates,
    coverage,
    leave_media_out,
    mark_archives,
    mark_companions,
    mark_unreadable,
    registry_signature,
)
from darkroom.formats.registry import load_parsers
from darkroom.formats.worker import ParseOutcome, ParseTask, parse_file
from darkroom.identifiers.stage import run_identifier_stage
from darkroom.store import CaseStore, schema
from darkroom.store.records import FileSource, RecordWriter, forget_file
from darkroom.timeutil import to_iso, utc_now
from darkroom.workers import run_pool


class ProcessInterrupted(DarkroomError):
    """Ctrl-C during `process`: what was committed stays; the next run parses the rest."""

    exit_code = 130


@dataclass(slots=True)
class ProcessSummary:
    """Files by status and format after a run, plus what this run did."""

    processed: int = 0
    identifier_files: int = 0
    identifier_occurrences: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)


# -- writer side ------------------------------------------------------------------------------


def _task(conn: Connection, store: CaseStore, row: Any, region: str, case_zone: str) -> ParseTask:
    e = schema.exhibits.c
    exhibit = conn.execute(select(e.ref, e.source_path, e.timezone).where(e.id == row.exhibit_id)).one()
    source = Path(os.fsdecode(exhibit.source_path))
    location = location_of(conn, row.id, source)
    f = schema.files.c
    siblings: list[tuple[str, Location]] = []
    container = conn.execute(select(f.container_id).where(f.id == row.id)).scalar_one()
    for suffix in ("-wal", "-shm", "-journal"):
        sibling_path = bytes(row.path) + suffix.encode()
        container_match = f.container_id.is_(None) if container is None else f.container_id == container
        sibling = conn.execute(
            select(f.id).where(f.exhibit_id == row.exhibit_id, container_match, f.path == sibling_path)
        ).scalar_one_or_none()
        if sibling is not None:
            siblings.append((suffix, location_of(conn, sibling, source)))
    return ParseTask(
        file_id=row.id,
        exhibit_id=row.exhibit_id,
        exhibit_ref=exhibit.ref,
        display_path=row.display_path,
        name=os.fsdecode(bytes(row.path).rsplit(b"/", 1)[-1]),
        location=location,
        siblings=tuple(siblings),
        region=region,
        zone_name=exhibit.timezone or case_zone,
        working_dir=store.work_dir("working"),
        spool_dir=store.work_dir("spool"),
    )


def _store_outcome(
    store: CaseStore,
    writer: RecordWriter,
    task: ParseTask,
    outcome: ParseOutcome,
    rerun: bool,
    signature: str,
) -> None:
    with store.write() as conn:
        if rerun:
            forget_file(conn, task.file_id)
        warnings = list(outcome.warnings)
        record_count = 0
        if outcome.status == "parsed":
            counts = writer.write(conn, FileSource(task.exhibit_id, task.file_id), outcome.records)
            warnings.extend(counts.problems)
            record_count = counts.records
        version = outcome.parser_version if outcome.parser else signature
        conn.execute(
            insert(schema.file_parses).values(
                file_id=task.file_id,
                parser=outcome.parser,
                parser_version=version,
                status=outcome.status,
                record_count=record_count,
                warning_count=len(warnings),
                error=outcome.error,
                parsed_at_utc=to_iso(utc_now()),
            )
        )
        if warnings:
            conn.execute(
                insert(schema.parse_warnings),
                [{"file_id": task.file_id, "locator": loc, "message": msg} for loc, msg in warnings],
            )


def _died(task: ParseTask, reason: str) -> ParseOutcome:
    return ParseOutcome(
        task.file_id, "failed", error=f"the parser process died while reading this file ({reason})"
    )


def process_case(
    store: CaseStore,
    actor: str,
    workers: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[ParseOutcome], None] | None = None,
) -> ProcessSummary:
    """Parse every file that needs it; returns the case's coverage by status and format."""
    parsers = load_parsers()
    versions = {p.name: p.version for p in parsers}
    signature = registry_signature(parsers)
    info = store.info()
    with store.write() as conn:
        mark_archives(conn)
        mark_unreadable(conn)
    with store.read() as conn:
        picked = candidates(conn, versions, signature)
    if not any(getattr(parser, "reads_media", False) for parser in parsers):
        picked = leave_media_out(store, picked, signature)
    with store.read() as conn:
        tasks = [(_task(conn, store, row, info.region, info.timezone), rerun) for row, rerun in picked]
    if on_start:
        on_start(len(tasks))
    writer = RecordWriter(info.region)
    summary = ProcessSummary()

    def done(task: ParseTask, outcome: ParseOutcome, rerun: bool) -> None:
        _store_outcome(store, writer, task, outcome, rerun, signature)
        summary.processed += 1
        if on_file:
            on_file(outcome)

    gc.disable()  # receiving and writing millions of records; collected once at the end
    try:
        run_pool(parse_file, iter(tasks), workers or max(1, os.cpu_count() or 1), done, _died)
    except KeyboardInterrupt as err:
        with store.write() as conn:
            audit.append(conn, actor, "process.interrupted", "case", {"processed": summary.processed})
        msg = (
            f"interrupted; {summary.processed} files parsed this run. "
            "Run `darkroom process` again to parse the rest."
        )
        raise ProcessInterrupted(msg) from err
    finally:
        gc.enable()
        gc.collect()
    with store.write() as conn:
        mark_companions(conn)
    summary.identifier_files, summary.identifier_occurrences = run_identifier_stage(store)
    summary.by_status, summary.by_format = coverage(store)
    with store.write() as conn:
        details = {
            "processed": summary.processed,
            "by_status": summary.by_status,
            "by_format": summary.by_format,
            "identifier_occurrences": summary.identifier_occurrences,
        }
        audit.append(conn, actor, "process.run", "case", details)
    return summary
