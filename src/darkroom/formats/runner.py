"""`darkroom process`: every registered parser over the files no parser has handled yet.

Worker processes sniff and parse; the calling process is the one writer. A worker sends a
file's records in parts while it parses, and the writer stores them as they come, in one
transaction per file: each file's records and its status (parsed, unsupported, failed) are
committed together, so an interrupted run resumes at the next file. Archive members and seized
SQLite databases are parsed from working copies inside the case folder (`derived/working/FILE_ID/`);
a database keeps its `-wal` and `-shm` files beside it, since the WAL holds the newest rows.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, insert, select

from darkroom.errors import DarkroomError
from darkroom.evidence import audit
from darkroom.evidence.archives import Location
from darkroom.evidence.intake import location_of
from darkroom.formats.base import Parser
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
from darkroom.formats.stream import MessageChunk
from darkroom.formats.worker import (
    ParseOutcome,
    ParseTask,
    Part,
    RegistryFacts,
    parse_file,
    prepare_worker,
)
from darkroom.identifiers.stage import (
    IdentifierIds,
    Occurrence,
    account_and_contact_occurrences,
    run_identifier_stage,
    store_occurrences,
)
from darkroom.store import CaseStore, schema
from darkroom.store.records import FileSource, FileWrite, RecordWriter, forget_file
from darkroom.timeutil import to_iso, utc_now
from darkroom.workers import StreamPool

# Records of other files held in memory while one file is written; past it their workers wait.
BUFFERED_RECORDS = 200_000
# A file is written as its parts come once it has sent this many records (else once it is parsed).
STREAM_FROM_RECORDS = 20_000


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


class _Discarded(Exception):
    """Thrown into a file's write transaction to roll it back."""


@dataclass(slots=True)
class _Open:
    """The file being written now: its write transaction and what it holds so far."""

    task: ParseTask
    rerun: bool
    transaction: AbstractContextManager[Connection]
    conn: Connection
    file_write: FileWrite
    parts: int = 0


@dataclass(slots=True)
class _Waiting:
    """A file whose parts (or outcome) came while another file was being written."""

    task: ParseTask
    rerun: bool
    parts: list[Part] = field(default_factory=list)
    records: int = 0
    outcome: ParseOutcome | None = None


class _Storer:
    """The writer's side of the stream: one file written at a time, the others held until then."""

    def __init__(
        self,
        store: CaseStore,
        signature: str,
        summary: ProcessSummary,
        on_file: Callable[[ParseOutcome], None] | None,
    ) -> None:
        self.store = store
        self.region = store.info().region
        self.writer = RecordWriter(self.region)
        self.identifier_ids = IdentifierIds()
        self.signature = signature
        self.summary = summary
        self.on_file = on_file
        self.current: _Open | None = None
        self.waiting: dict[int, _Waiting] = {}
        self.buffered = 0

    # -- the stream ---------------------------------------------------------------------------

    def part(self, task: ParseTask, part: Part, rerun: bool) -> None:
        if self.current is not None and self.current.task.file_id == task.file_id:
            self._feed(part)
            return
        waiting = self.waiting.setdefault(task.file_id, _Waiting(task, rerun))
        waiting.parts.append(part)
        waiting.records += len(part)
        self.buffered += len(part)
        self._drain()

    def done(self, task: ParseTask, outcome: ParseOutcome, rerun: bool) -> None:
        if self.current is not None and self.current.task.file_id == task.file_id:
            self._close(outcome)
        else:
            self.waiting.setdefault(task.file_id, _Waiting(task, rerun)).outcome = outcome
        self._drain()

    def restart(self, task: ParseTask, _rerun: bool) -> None:
        if self.current is not None and self.current.task.file_id == task.file_id:
            self._discard()
        waiting = self.waiting.pop(task.file_id, None)
        if waiting is not None:
            self.buffered -= waiting.records
        self._drain()

    def died(self, task: ParseTask, reason: str) -> ParseOutcome:
        return ParseOutcome(
            task.file_id, "failed", error=f"the parser process died while reading this file ({reason})"
        )

    def may_read(self, task: ParseTask) -> bool:
        current = self.current
        return current is None or current.task.file_id == task.file_id or self.buffered < BUFFERED_RECORDS

    def abandon(self) -> None:
        """Roll back the file being written (Ctrl-C, an error): the next run parses it again."""
        if self.current is not None:
            self._discard()

    # -- writing ------------------------------------------------------------------------------

    def _drain(self) -> None:
        """While no file is being written, write the next one ready (in arrival order): a parsed file,
        or a large one still being parsed, which is then written as its parts come. (A small file is
        written once parsed, so the write lock is held only briefly for it.)"""
        while self.current is None:
            ready = next(
                (
                    w
                    for w in self.waiting.values()
                    if w.outcome is not None or w.records >= STREAM_FROM_RECORDS
                ),
                None,
            )
            if ready is None:
                return
            waiting = self.waiting.pop(ready.task.file_id)
            self.buffered -= waiting.records
            self._open(waiting.task, waiting.rerun)
            if waiting.outcome is None or waiting.outcome.status == "parsed":
                for part in waiting.parts:  # (what a failed parse sent is never written)
                    self._feed(part)
            if waiting.outcome is not None:
                self._close(waiting.outcome)

    def _open(self, task: ParseTask, rerun: bool) -> _Open:
        transaction = self.store.write()
        conn = transaction.__enter__()
        if rerun:
            forget_file(conn, task.file_id)
        file_write = self.writer.open_file(conn, FileSource(task.exhibit_id, task.file_id))
        self.current = _Open(task, rerun, transaction, conn, file_write)
        return self.current

    def _feed(self, part: Part) -> None:
        current = self.current
        if current is None:
            msg = "a part arrived with no file open"
            raise RuntimeError(msg)
        current.parts += 1
        if isinstance(part, MessageChunk):
            current.file_write.add_messages(part)
        else:
            current.file_write.add_records(part)

    def _discard(self) -> None:
        current, self.current = self.current, None
        if current is not None:
            current.transaction.__exit__(_Discarded, _Discarded(), None)
            self.writer.rolled_back()

    def _close(self, outcome: ParseOutcome) -> None:
        """The file's status (and, when parsed, its links and identifiers); one commit."""
        current = self.current
        if current is None:
            msg = "no file is open"
            raise RuntimeError(msg)
        if outcome.status != "parsed" and current.parts:
            self._discard()  # what a failed parse sent is not kept
            current = self._open(current.task, current.rerun)
        conn, task = current.conn, current.task
        warnings = list(outcome.warnings)
        record_count = 0
        if outcome.status == "parsed":
            counts = current.file_write.finish()
            warnings.extend(counts.problems)
            record_count = counts.records
            if outcome.identifiers_read:
                self._identifiers(current)
        version = outcome.parser_version if outcome.parser else self.signature
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
        self.current = None
        current.transaction.__exit__(None, None, None)
        self.writer.committed()
        self.summary.processed += 1
        if self.on_file:
            self.on_file(outcome)

    def _identifiers(self, current: _Open) -> None:
        """The file's identifiers: its accounts and contacts read here, its messages by the worker."""
        source = current.file_write.source
        in_messages = (
            Occurrence(kind, value, raw, "message_id", message_id, source.exhibit_id, source.file_id, locator)
            for message_id, kind, value, raw, locator in current.file_write.occurrences
        )
        found = chain(account_and_contact_occurrences(current.conn, source.file_id, self.region), in_messages)
        self.summary.identifier_occurrences += store_occurrences(
            current.conn, self.identifier_ids, source.file_id, found
        )
        self.summary.identifier_files += 1


def process_case(
    store: CaseStore,
    actor: str,
    workers: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[ParseOutcome], None] | None = None,
) -> ProcessSummary:
    """Parse every file that needs it; returns the case's coverage by status and format."""
    # One worker starts loading the parsers now, while this process does the same and lists the
    # work; more join when there is more than one file.
    with StreamPool(parse_file, 1, prepare_worker) as pool:
        summary = _parse_files(store, actor, pool, workers, on_start, on_file)
    with store.write() as conn:
        mark_companions(conn)
    files_read, occurrences = run_identifier_stage(store)
    summary.identifier_files += files_read
    summary.identifier_occurrences += occurrences
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


def _parse_files(
    store: CaseStore,
    actor: str,
    pool: StreamPool[ParseTask, Part, ParseOutcome],
    workers: int | None,
    on_start: Callable[[int], None] | None,
    on_file: Callable[[ParseOutcome], None] | None,
) -> ProcessSummary:
    """The files that need a parser, through the pool, each stored as its parts arrive."""
    facts, signature = _registry_facts(pool)
    versions = facts.versions
    info = store.info()
    with store.write() as conn:
        mark_archives(conn)
        mark_unreadable(conn)
    with store.read() as conn:
        picked = candidates(conn, versions, signature)
    if not facts.reads_media:
        picked = leave_media_out(store, picked, signature)
    with store.read() as conn:
        tasks = [(_task(conn, store, row, info.region, info.timezone), rerun) for row, rerun in picked]
    if on_start:
        on_start(len(tasks))
    summary = ProcessSummary()
    storer = _Storer(store, signature, summary, on_file)
    gc.disable()  # receiving and writing millions of records; collected once at the end
    try:
        pool.grow(_worker_count(workers, len(tasks)))
        pool.run(iter(tasks), storer)
    except KeyboardInterrupt as err:
        storer.abandon()
        with store.write() as conn:
            audit.append(conn, actor, "process.interrupted", "case", {"processed": summary.processed})
        msg = (
            f"interrupted; {summary.processed} files parsed this run. "
            "Run `darkroom process` again to parse the rest."
        )
        raise ProcessInterrupted(msg) from err
    finally:
        storer.abandon()
        gc.enable()
        gc.collect()
    return summary


@dataclass(frozen=True, slots=True)
class _Registered:
    """A parser as `registry_signature` reads it: its name and version."""

    name: str
    version: str


def _registry_facts(pool: StreamPool[ParseTask, Part, ParseOutcome]) -> tuple[RegistryFacts, str]:
    """The parsers' names and versions (and the registry's signature), from the first worker, which
    loads them anyway: this process need not import every parser too. A broken registry is loaded
    here, to report its error."""
    facts = pool.prepared()
    if not isinstance(facts, RegistryFacts):
        parsers = load_parsers()  # raises the registry's error
        versions = {p.name: p.version for p in parsers}
        facts = RegistryFacts(versions, any(getattr(p, "reads_media", False) for p in parsers))
    named = [_Registered(name, version) for name, version in facts.versions.items()]
    return facts, registry_signature(cast("list[Parser]", named))  # it reads only .name and .version


def _worker_count(workers: int | None, tasks: int) -> int:
    """Parser processes: as asked, else one per core; never more than there are files."""
    return max(1, min(workers or os.cpu_count() or 1, tasks))
