"""Registering an exhibit: custody facts, every file hashed and recorded, resumable after a kill.

An exhibit is `registering` until its last file is committed; running `evidence add` again with
the same reference and source picks up where the last run stopped, skipping what is recorded.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select, text, update

from darkroom.errors import DarkroomError, EvidenceError
from darkroom.evidence import audit
from darkroom.evidence.archives import Location
from darkroom.evidence.filetype import ArchiveKind, archive_kind, mime_of
from darkroom.evidence.scan import ArchiveWalk, ScanInterrupted, Scanner, ScanProgress
from darkroom.model import ArchiveStatus, FileRecord, IntakeStatus, SeizureFacts, SourceKind
from darkroom.store import CaseStore, schema
from darkroom.store.case import new_row_id
from darkroom.timeutil import to_iso, utc_now, zone

# Rows per commit; a kill loses at most one batch of work (it is redone on resume).
BATCH_ROWS = int(os.environ.get("DARKROOM_INTAKE_BATCH", "2000"))
BATCH_SECONDS = 2.0
ROWS_PER_INSERT = 400  # 21 columns x 400 rows stays under SQLite's 32,766 bound parameters


class IntakeInterrupted(DarkroomError):
    """The run was stopped (Ctrl-C); what was committed stays, the next run resumes."""

    exit_code = 130


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """What one `evidence add` run achieved, for the summary and the audit row."""

    exhibit_ref: str
    resumed: bool
    file_count: int
    total_bytes: int
    unreadable: int
    archives_failed: int
    shared_with_other_exhibits: int
    manifest_sha256: str


FILE_COLUMNS = (
    "exhibit_id",
    "container_id",
    "path",
    "display_path",
    "entry_kind",
    "size",
    "md5",
    "sha1",
    "sha256",
    "mime_type",
    "mtime_utc",
    "atime_utc",
    "ctime_utc",
    "time_zone_assumed",
    "mode",
    "symlink_target",
    "is_archive",
    "archive_status",
    "archive_error",
    "read_error",
    "recorded_at_utc",
)
_ONE_FILE_ROW = f"({', '.join('?' * len(FILE_COLUMNS))})"
_PENDING = ArchiveStatus.PENDING.value


def _iso(moment: datetime | None) -> str | None:
    """`to_iso`, without its conversion and keyword parsing for the UTC times the scan gives."""
    if moment is None:
        return None
    return moment.isoformat("T", "microseconds") if moment.tzinfo is UTC else to_iso(moment)


def file_values(rec: FileRecord, recorded_at_utc: str) -> tuple[object, ...]:
    """The `files` row of one record, in FILE_COLUMNS order (the hot path's form)."""
    digests = rec.digests
    return (
        rec.exhibit_id,
        rec.container_id,
        rec.path,
        rec.display_path,
        rec.entry_kind.value,
        rec.size,
        digests.md5_hex if digests else None,
        digests.sha1_hex if digests else None,
        digests.sha256_hex if digests else None,
        rec.mime_type,
        _iso(rec.mtime),
        _iso(rec.atime),
        _iso(rec.ctime),
        rec.time_zone_assumed,
        rec.mode,
        rec.symlink_target,
        int(rec.is_archive),
        _PENDING if rec.is_archive else None,
        None,
        rec.read_error,
        recorded_at_utc,
    )


def file_row(rec: FileRecord, recorded_at_utc: str) -> dict[str, Any]:
    """The `files` row of one record."""
    return dict(zip(FILE_COLUMNS, file_values(rec, recorded_at_utc), strict=True))


def _now_iso() -> str:
    return datetime.now(UTC).isoformat("T", "microseconds")


class IntakeSink:
    """Writes records in batches on the calling thread; archives are inserted at once for their id."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self._pending: list[FileRecord] = []  # rows are built at commit, stamped with its time
        self._archive_updates: list[tuple[int, str | None]] = []
        self._last_flush = time.monotonic()

    def record(self, rec: FileRecord) -> int | None:
        if not rec.is_archive:
            self._pending.append(rec)
            if len(self._pending) >= BATCH_ROWS or time.monotonic() - self._last_flush > BATCH_SECONDS:
                self.flush()
            return None
        row = file_row(rec, _now_iso())
        with self.store.write() as conn:
            self._write_pending(conn)
            return new_row_id(conn.execute(schema.files.insert().values(**row)))

    def archive_done(self, container: int, error: str | None) -> None:
        self._archive_updates.append((container, error))
        self.flush()

    def flush(self) -> None:
        """Commit what is buffered (called on batch size, on time, and at the end or a stop)."""
        if self._pending or self._archive_updates:
            with self.store.write() as conn:
                self._write_pending(conn)

    def _write_pending(self, conn: Connection) -> None:
        if self._pending:
            # The hot insert goes straight to the driver, many rows per statement: executemany
            # releases and retakes the GIL for every row, which stalls the hashing threads.
            recorded_at_utc = _now_iso()
            columns = ", ".join(FILE_COLUMNS)
            for start in range(0, len(self._pending), ROWS_PER_INSERT):
                chunk = self._pending[start : start + ROWS_PER_INSERT]
                values = chain.from_iterable(file_values(rec, recorded_at_utc) for rec in chunk)
                sql = f"INSERT INTO files ({columns}) VALUES {', '.join([_ONE_FILE_ROW] * len(chunk))}"
                conn.exec_driver_sql(sql, tuple(values))
            self._pending = []
        for container, error in self._archive_updates:
            status = ArchiveStatus.FAILED if error else ArchiveStatus.WALKED
            conn.execute(
                update(schema.files)
                .where(schema.files.c.id == container)
                .values(archive_status=status.value, archive_error=error)
            )
        self._archive_updates = []
        self._last_flush = time.monotonic()


def source_kind_of(source: Path) -> SourceKind:
    """Folder, plain file, or archive (by content), for the exhibit row."""
    if source.is_dir():
        return SourceKind.FOLDER
    with source.open("rb") as stream:
        head = stream.read(8192)
    return SourceKind.ARCHIVE if archive_kind(mime_of(head)) else SourceKind.FILE


def manifest_digest(conn: Connection, exhibit_id: int) -> str:
    """SHA-256 over every recorded row of an exhibit: `verify` recomputes it to catch edited rows."""
    digest = hashlib.sha256()
    rows = conn.exec_driver_sql(
        "SELECT id, container_id, path, entry_kind, size, md5, sha1, sha256, read_error "
        "FROM files WHERE exhibit_id = ? ORDER BY id",
        (exhibit_id,),
    )
    lines = (
        f"{row_id}\t{container_id or 0}\t{path.hex()}\t{entry_kind}\t{size}\t"
        f"{md5 or ''}\t{sha1 or ''}\t{sha256 or ''}\t{read_error or ''}\n"
        for row_id, container_id, path, entry_kind, size, md5, sha1, sha256, read_error in rows
    )
    for batch in iter(lambda: "".join(islice(lines, 4096)), ""):
        digest.update(batch.encode("utf-8"))
    return digest.hexdigest()


def _find_exhibit(conn: Connection, ref: str) -> Any:
    return conn.execute(select(schema.exhibits).where(schema.exhibits.c.ref == ref)).first()


def _facts_details(facts: SeizureFacts) -> dict[str, Any]:
    return {
        "seized_from": facts.seized_from,
        "seized_at_utc": to_iso(facts.seized_at),
        "seized_by": facts.seized_by,
        "description": facts.description,
        "timezone": facts.timezone,
    }


def _register_or_resume(
    store: CaseStore, source: Path, ref: str, facts: SeizureFacts, actor: str
) -> tuple[int, bool]:
    """Insert the exhibit (custody event) or, for an unfinished one from the same source, resume it."""
    source_bytes = os.fsencode(source)
    with store.write() as conn:
        existing = _find_exhibit(conn, ref)
        if existing is None:
            kind = source_kind_of(source)
            exhibit_id = new_row_id(
                conn.execute(
                    schema.exhibits.insert().values(
                        ref=ref,
                        source_path=source_bytes,
                        source_kind=kind.value,
                        seized_from=facts.seized_from,
                        seized_at_utc=to_iso(facts.seized_at),
                        seized_by=facts.seized_by,
                        description=facts.description,
                        timezone=facts.timezone,
                        intake_status=IntakeStatus.REGISTERING.value,
                        registered_at_utc=to_iso(utc_now()),
                        file_count=0,
                        total_bytes=0,
                    )
                )
            )
            details = {
                "source_path": os.fsdecode(source),
                "source_kind": kind.value,
                **_facts_details(facts),
            }
            audit.append(conn, actor, "evidence.register", f"exhibit:{ref}", details)
            return exhibit_id, False
        if existing.intake_status == IntakeStatus.COMPLETE.value:
            msg = (
                f"exhibit reference {ref!r} is already registered ({existing.file_count} files from "
                f"{os.fsdecode(existing.source_path)}); choose another --exhibit"
            )
            raise EvidenceError(msg)
        if existing.source_path != source_bytes:
            msg = (
                f"exhibit {ref!r} is an unfinished registration of {os.fsdecode(existing.source_path)}, "
                f"not {source}; resume it with that path or choose another --exhibit"
            )
            raise EvidenceError(msg)
        audit.append(conn, actor, "evidence.resume", f"exhibit:{ref}", {"source_path": os.fsdecode(source)})
        return int(existing.id), True


def _resume_state(
    store: CaseStore, exhibit_id: int, source: Path
) -> tuple[set[tuple[int, bytes]], list[ArchiveWalk]]:
    """What a resumed run must skip, and the archives whose members were not all recorded."""
    f = schema.files.c
    done: set[tuple[int, bytes]] = set()
    walks: list[ArchiveWalk] = []
    with store.read() as conn:
        for container_id, path in conn.execute(
            select(f.container_id, f.path).where(f.exhibit_id == exhibit_id)
        ):
            done.add((container_id or 0, path))
        pending = conn.execute(
            select(f.id, f.display_path, f.mime_type).where(
                f.exhibit_id == exhibit_id, f.archive_status == ArchiveStatus.PENDING.value
            )
        ).all()
        for row in pending:
            kind = archive_kind(row.mime_type)
            if kind:
                location = location_of(conn, row.id, source)
                walks.append(ArchiveWalk(row.id, location, kind, row.display_path))
    return done, walks


def location_of(conn: Connection, file_id: int, source: Path) -> Location:
    """How to reach a recorded file's bytes: its path on disk, then the archive members inward."""
    f = schema.files.c
    steps: list[tuple[ArchiveKind, bytes]] = []
    current: int = file_id
    while True:
        container_id, path = conn.execute(select(f.container_id, f.path).where(f.id == current)).one()
        if container_id is None:
            break
        container_mime = conn.execute(select(f.mime_type).where(f.id == container_id)).scalar_one()
        kind = archive_kind(container_mime)
        if kind is None:
            msg = f"file {container_id} holds members but is not an archive"
            raise EvidenceError(msg)
        steps.append((kind, bytes(path)))
        current = int(container_id)
    steps.reverse()
    source_bytes = os.fsencode(source)
    fs_path = os.path.join(source_bytes, path) if os.path.isdir(source_bytes) else source_bytes
    return Location(fs_path, tuple(steps))


def _complete(store: CaseStore, exhibit_id: int, ref: str, resumed: bool, actor: str) -> IntakeResult:
    f = schema.files.c
    with store.write() as conn:
        count, total, unreadable = conn.execute(
            select(func.count(), func.coalesce(func.sum(f.size), 0), func.count(f.read_error)).where(
                f.exhibit_id == exhibit_id
            )
        ).one()
        archives_failed = conn.execute(
            select(func.count()).where(
                f.exhibit_id == exhibit_id, f.archive_status == ArchiveStatus.FAILED.value
            )
        ).scalar_one()
        shared = conn.execute(
            text(
                "SELECT COUNT(DISTINCT f.sha256) FROM files f "
                "WHERE f.exhibit_id = :e AND f.sha256 IS NOT NULL AND EXISTS "
                "(SELECT 1 FROM files g WHERE g.sha256 = f.sha256 AND g.exhibit_id != f.exhibit_id)"
            ),
            {"e": exhibit_id},
        ).scalar_one()
        manifest = manifest_digest(conn, exhibit_id)
        conn.execute(
            update(schema.exhibits)
            .where(schema.exhibits.c.id == exhibit_id)
            .values(
                intake_status=IntakeStatus.COMPLETE.value,
                completed_at_utc=to_iso(utc_now()),
                file_count=count,
                total_bytes=total,
                manifest_sha256=manifest,
            )
        )
        result = IntakeResult(ref, resumed, count, total, unreadable, archives_failed, shared, manifest)
        audit.append(
            conn,
            actor,
            "evidence.intake-complete",
            f"exhibit:{ref}",
            {
                "file_count": count,
                "total_bytes": total,
                "unreadable": unreadable,
                "archives_failed": archives_failed,
                "manifest_sha256": manifest,
            },
        )
    return result


def add_exhibit(
    store: CaseStore,
    source: Path,
    ref: str,
    facts: SeizureFacts,
    actor: str,
    tick: Callable[[ScanProgress], None] | None = None,
    workers: int | None = None,
) -> IntakeResult:
    """Register (or resume) an exhibit and record every file in it."""
    if not ref.strip():
        raise EvidenceError("an exhibit needs a reference (--exhibit)")
    if not os.path.lexists(source):
        msg = f"the exhibit source {source} does not exist"
        raise EvidenceError(msg)
    source = source.resolve()
    exhibit_id, resumed = _register_or_resume(store, source, ref, facts, actor)
    done, resume_walks = _resume_state(store, exhibit_id, source) if resumed else (set(), [])
    zone_name = facts.timezone or store.info().timezone
    scanner = Scanner(
        exhibit_id,
        source,
        zone(zone_name),
        store.work_dir("spool"),
        skip=lambda container, path: (container or 0, path) in done,
        workers=workers,
    )
    sink = IntakeSink(store)
    try:
        scanner.run(sink, resume_walks, tick)
    except ScanInterrupted as err:
        sink.flush()
        with store.write() as conn:
            details = {"files_recorded_this_run": scanner.progress.files}
            audit.append(conn, actor, "evidence.intake-interrupted", f"exhibit:{ref}", details)
        msg = (
            f"interrupted; {scanner.progress.files} files recorded this run. "
            "Run the same command again to resume."
        )
        raise IntakeInterrupted(msg) from err
    sink.flush()
    return _complete(store, exhibit_id, ref, resumed, actor)
