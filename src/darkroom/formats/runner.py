"""`darkroom process`: every registered parser over the files no parser has handled yet.

Worker processes sniff and parse; the calling process is the one writer. Each file's records
and its status (parsed, unsupported, failed) are committed together, so an interrupted run
resumes at the next file. Archive members and seized SQLite databases are parsed from working
copies inside the case folder (`derived/working/FILE_ID/`); a database keeps its `-wal` and
`-shm` files beside it, since the WAL holds the newest rows.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, text

from darkroom.errors import DarkroomError, WrongFormat
from darkroom.evidence import audit
from darkroom.evidence.archives import Location, open_location
from darkroom.evidence.intake import location_of
from darkroom.formats.base import ParseContext, Parser
from darkroom.formats.registry import choose, load_parsers
from darkroom.formats.transport import Transported, pack
from darkroom.identifiers.stage import run_identifier_stage
from darkroom.store import CaseStore, schema
from darkroom.store.records import FileSource, RecordWriter, forget_file
from darkroom.timeutil import to_iso, utc_now

SQLITE_MAGIC = b"SQLite format 3\x00"
HEAD_BYTES = 65536
ARCHIVE_PARSER = "archive"  # archives are walked at intake; their members are parsed one by one
COMPANION_PARSER = "sqlite-companion"  # -wal/-shm/-journal files, read with their database


class ProcessInterrupted(DarkroomError):
    """Ctrl-C during `process`: what was committed stays; the next run parses the rest."""

    exit_code = 130


@dataclass(frozen=True, slots=True)
class ParseTask:
    """Everything a worker needs to parse one file, without access to the store."""

    file_id: int
    exhibit_id: int
    exhibit_ref: str
    display_path: str
    name: str
    location: Location
    siblings: tuple[tuple[str, Location], ...]  # ("-wal", location) for SQLite databases
    region: str
    zone_name: str
    working_dir: Path
    spool_dir: Path


@dataclass(slots=True)
class ParseOutcome:
    """What a worker found: status, the parser that claimed the file, records and warnings."""

    file_id: int
    status: str
    parser: str | None = None
    parser_version: str | None = None
    records: list[Transported] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class ProcessSummary:
    """Files by status and format after a run, plus what this run did."""

    processed: int = 0
    identifier_files: int = 0
    identifier_occurrences: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)


def registry_signature(parsers: list[Parser]) -> str:
    """Changes whenever a parser is added or a version bumped: unsupported files are then retried."""
    text = ";".join(f"{p.name}={p.version}" for p in parsers)
    return "registry:" + hashlib.sha256(text.encode()).hexdigest()[:16]


# -- worker side ------------------------------------------------------------------------------

_worker_parsers: list[Parser] | None = None


def _parsers() -> list[Parser]:
    global _worker_parsers  # noqa: PLW0603 - one registry load per worker process
    if _worker_parsers is None:
        _worker_parsers = load_parsers()
    return _worker_parsers


def _read_head(location: Location, spool_dir: Path) -> bytes:
    with open_location(location, spool_dir) as stream:
        return stream.read(HEAD_BYTES)


def _copy_to(location: Location, spool_dir: Path, target: Path) -> None:
    with open_location(location, spool_dir) as stream, target.open("wb") as copy:
        shutil.copyfileobj(stream, copy, 1 << 20)


def _materialize(task: ParseTask, head: bytes, parser: Parser) -> tuple[Path, bool]:
    """A path the parser can open, and whether it is a throw-away copy."""
    is_database = head.startswith(SQLITE_MAGIC)
    if not task.location.chain and not is_database:
        return Path(os.fsdecode(task.location.fs_path)), False
    folder = task.working_dir / str(task.file_id)
    target = folder / "file" / task.name
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy_to(task.location, task.spool_dir, target)
    for suffix, sibling in task.siblings:
        _copy_to(sibling, task.spool_dir, target.with_name(task.name + suffix))
    if not task.location.chain:
        _copy_companions(Path(os.fsdecode(task.location.fs_path)).parent, target.parent, folder, parser)
    return target, not is_database


def _copy_companions(source_dir: Path, target_dir: Path, folder: Path, parser: Parser) -> None:
    """Files a parser reads beside its database (WhatsApp's wa.db, ContactsV2, the owner's prefs),
    copied into the working folder with the same relative layout when they exist in the exhibit."""
    for relative in getattr(parser, "companions", ()):
        source = source_dir / relative
        target = (target_dir / relative).resolve()
        if not source.is_file() or source.is_symlink() or not target.is_relative_to(folder.resolve()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def parse_file(task: ParseTask) -> ParseOutcome:
    """Sniff and parse one file in a worker; never raises (a failure is an outcome)."""
    outcome = ParseOutcome(task.file_id, "unsupported")
    copy: Path | None = None
    try:
        head = _read_head(task.location, task.spool_dir)
        choice = choose(_parsers(), Path(task.name), head)
        if choice is None:
            outcome.error = "no parser recognised this file"
            return outcome
        outcome.parser, outcome.parser_version = choice.parser.name, choice.parser.version
        path, throw_away = _materialize(task, head, choice.parser)
        copy = path if throw_away else None
        ctx = ParseContext(
            task.exhibit_ref,
            task.display_path,
            task.region,
            task.zone_name,
            task.working_dir,
            derived_dir=task.working_dir.parent,
        )
        gc.disable()  # millions of short-lived tuples: the cyclic collector would rescan them over and over
        try:
            outcome.records = pack(choice.parser.parse(path, ctx))
        finally:
            gc.enable()
        outcome.warnings = ctx.warnings
        outcome.status = "parsed"
    except WrongFormat as declined:
        outcome.status, outcome.records = "unsupported", []
        outcome.error = f"{outcome.parser} declined it: {declined}"
    except Exception as err:  # noqa: BLE001 - one bad file is recorded as failed, never aborts the run
        outcome.status, outcome.records = "failed", []
        outcome.error = f"{type(err).__name__}: {err}"
    finally:
        if copy is not None:
            copy.unlink(missing_ok=True)
    return outcome


# -- writer side ------------------------------------------------------------------------------


def _mark_archives(conn: Connection) -> None:
    """Archives are containers: their members are the files parsed; a failed walk is a failure."""
    f, p = schema.files.c, schema.file_parses.c
    rows = conn.execute(
        select(f.id, f.archive_status, f.archive_error)
        .outerjoin(schema.file_parses, p.file_id == f.id)
        .where(f.is_archive == 1, p.file_id.is_(None))
    ).all()
    now = to_iso(utc_now())
    for file_id, archive_status, archive_error in rows:
        failed = archive_status == "failed"
        conn.execute(
            insert(schema.file_parses).values(
                file_id=file_id,
                parser=ARCHIVE_PARSER,
                parser_version="1",
                status="failed" if failed else "parsed",
                record_count=0,
                warning_count=0,
                error=f"archive could not be read: {archive_error}" if failed else None,
                parsed_at_utc=now,
            )
        )


_COMPANIONS_SQL = """
SELECT c.id, p.status, d.display_path FROM files c
JOIN files d ON d.exhibit_id = c.exhibit_id AND COALESCE(d.container_id, 0) = COALESCE(c.container_id, 0)
     AND c.path IN (CAST(d.path || '-wal' AS BLOB), CAST(d.path || '-shm' AS BLOB),
                    CAST(d.path || '-journal' AS BLOB))
JOIN file_parses p ON p.file_id = d.id
LEFT JOIN file_parses cp ON cp.file_id = c.id
WHERE cp.file_id IS NULL AND p.parser IS NOT NULL AND p.parser != :companion
"""


_COMPANION_IDS_SQL = """
SELECT c.id FROM files c JOIN files d ON d.exhibit_id = c.exhibit_id
     AND COALESCE(d.container_id, 0) = COALESCE(c.container_id, 0)
     AND c.path IN (CAST(d.path || '-wal' AS BLOB), CAST(d.path || '-shm' AS BLOB),
                    CAST(d.path || '-journal' AS BLOB))
"""


def _mark_companions(conn: Connection) -> None:
    """A database's -wal/-shm/-journal files were read with it: they share its status."""
    now = to_iso(utc_now())
    for file_id, status, database in conn.execute(text(_COMPANIONS_SQL), {"companion": COMPANION_PARSER}):
        conn.execute(
            insert(schema.file_parses).values(
                file_id=file_id,
                parser=COMPANION_PARSER,
                parser_version="1",
                status=status,
                record_count=0,
                warning_count=0,
                error=None if status == "parsed" else f"its database {database} is {status}",
                parsed_at_utc=now,
            )
        )


def _mark_unreadable(conn: Connection) -> None:
    """Files intake could not read are failures of coverage, with the intake error as reason."""
    f, p = schema.files.c, schema.file_parses.c
    rows = conn.execute(
        select(f.id, f.read_error)
        .outerjoin(schema.file_parses, p.file_id == f.id)
        .where(f.entry_kind == "file", f.read_error.is_not(None), p.file_id.is_(None))
    ).all()
    now = to_iso(utc_now())
    for file_id, read_error in rows:
        conn.execute(
            insert(schema.file_parses).values(
                file_id=file_id,
                parser=None,
                parser_version=None,
                status="failed",
                record_count=0,
                warning_count=0,
                error=f"unreadable at intake: {read_error}",
                parsed_at_utc=now,
            )
        )


def _candidates(conn: Connection, versions: dict[str, str], signature: str) -> list[tuple[Any, bool]]:
    """Files to (re)parse: never handled, a parser's version changed, or new parsers since 'unsupported'."""
    f, p = schema.files.c, schema.file_parses.c
    query = (
        select(f.id, f.exhibit_id, f.display_path, f.path, p.status, p.parser, p.parser_version)
        .outerjoin(schema.file_parses, p.file_id == f.id)
        .where(f.entry_kind == "file", f.read_error.is_(None), f.is_archive == 0)
        .order_by(f.id)
    )
    picked: list[tuple[Any, bool]] = []
    companions = {int(row[0]) for row in conn.execute(text(_COMPANION_IDS_SQL))}
    for row in conn.execute(query):
        if row.id in companions:
            continue  # read with its database; marked after the parse
        if row.status is None:
            picked.append((row, False))
        elif _needs_rerun(row.status, row.parser, row.parser_version, versions, signature):
            picked.append((row, True))
    return picked


MEDIA_TYPES = ("image/", "video/", "audio/")


def _leave_media_out(
    store: CaseStore, picked: list[tuple[Any, bool]], signature: str
) -> list[tuple[Any, bool]]:
    """Pictures, videos and sound (typed at intake) go to the media stage, not to a worker to be
    sniffed by every chat parser: they are recorded as unsupported here, with the reason, unless a
    registered parser declares `reads_media = True`."""
    f = schema.files.c
    media_ids: set[int] = set()
    with store.read() as conn:
        ids = [row.id for row, _ in picked]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            media_ids.update(
                file_id
                for file_id, mime in conn.execute(select(f.id, f.mime_type).where(f.id.in_(chunk)))
                if (mime or "").startswith(MEDIA_TYPES)
            )
    if not media_ids:
        return picked
    now = to_iso(utc_now())
    with store.write() as conn:
        for row, rerun in picked:
            if row.id not in media_ids:
                continue
            if rerun:
                forget_file(conn, row.id)
            conn.execute(
                insert(schema.file_parses).values(
                    file_id=row.id,
                    parser=None,
                    parser_version=signature,
                    status="unsupported",
                    record_count=0,
                    warning_count=0,
                    parsed_at_utc=now,
                    error="media file: no communications parser reads it (the media stage does)",
                )
            )
    return [(row, rerun) for row, rerun in picked if row.id not in media_ids]


def _needs_rerun(
    status: str, parser: str | None, version: str | None, versions: dict[str, str], signature: str
) -> bool:
    if status == "unsupported" and parser is None:
        return version != signature
    return parser is not None and parser in versions and versions[parser] != version


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


def _new_pool(workers: int) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads and connections
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _parse_alone(task: ParseTask) -> ParseOutcome:
    """Re-run one file in a pool of its own, to tell the file that kills its process from bystanders."""
    with _new_pool(1) as pool:
        try:
            return pool.submit(parse_file, task).result()
        except BrokenProcessPool as err:
            return ParseOutcome(
                task.file_id, "failed", error=f"the parser process died while reading this file ({err})"
            )


def _run_pool(
    tasks: Iterator[tuple[ParseTask, bool]],
    workers: int,
    on_done: Callable[[ParseTask, ParseOutcome, bool], None],
) -> None:
    """Parse in worker processes with a bounded number of files in flight. A process that dies
    (a crash in native code, the OOM killer) fails only the file it was reading; the run goes on."""
    pool = _new_pool(workers)
    running: dict[Future[ParseOutcome], tuple[ParseTask, bool]] = {}
    exhausted = False
    try:
        while running or not exhausted:
            while not exhausted and len(running) < workers * 4:
                try:
                    task, rerun = next(tasks)
                except StopIteration:
                    exhausted = True
                    break
                running[pool.submit(parse_file, task)] = (task, rerun)
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken: list[tuple[ParseTask, bool]] = []
            for future in done:
                task, rerun = running.pop(future)
                try:
                    on_done(task, future.result(), rerun)
                except BrokenProcessPool:
                    broken.append((task, rerun))
            if broken:
                broken.extend(running.values())
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                for task, rerun in broken:
                    on_done(task, _parse_alone(task), rerun)
                pool = _new_pool(workers)
    except KeyboardInterrupt:
        _stop_now(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Ctrl-C: end the workers at once; the files they were reading stay unparsed (nothing of them
    was committed) and are parsed on the next run."""
    workers = list((pool._processes or {}).values())  # no public API for this before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()


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
        _mark_archives(conn)
        _mark_unreadable(conn)
    with store.read() as conn:
        picked = _candidates(conn, versions, signature)
    if not any(getattr(parser, "reads_media", False) for parser in parsers):
        picked = _leave_media_out(store, picked, signature)
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
        _run_pool(iter(tasks), workers or max(1, os.cpu_count() or 1), done)
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
        _mark_companions(conn)
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


def coverage(store: CaseStore) -> tuple[dict[str, int], dict[str, int]]:
    """Files by parse status, and parsed files by format: the disclosure coverage report."""
    p = schema.file_parses.c
    by_status: dict[str, int] = {}
    by_format: dict[str, int] = {}
    with store.read() as conn:
        for status, parser in conn.execute(select(p.status, p.parser)):
            by_status[status] = by_status.get(status, 0) + 1
            if status == "parsed" and parser:
                by_format[parser] = by_format.get(parser, 0) + 1
    return dict(sorted(by_status.items())), dict(sorted(by_format.items()))
