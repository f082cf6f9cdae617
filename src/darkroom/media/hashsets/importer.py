"""Importing a hash-set file into the case: streamed in batches, recorded with its source's SHA-256.

The set's row is written first (status `importing`), entries follow in batches of BATCH_ROWS, each
its own write transaction so a multi-GB import never holds the write lock for long; then the row
becomes `done` with its counts and one audit entry. Any failure (bad file, interruption, a file that
changed while read) deletes the entries written so far and leaves the row `failed` with the error, also
audited; a later import under the same name replaces a failed row. A name that is done or importing is
refused. Matching should consider only sets whose status is `done`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, text

from darkroom.errors import DarkroomError, InvalidInput
from darkroom.evidence import audit
from darkroom.hashfile import sha256_of_file
from darkroom.media.hashsets.base import HashEntry, HashSetReader, ReadContext, SkippedEntry
from darkroom.media.hashsets.csv_set import CsvReader
from darkroom.media.hashsets.registry import detect_reader, reader_named
from darkroom.store import CaseStore
from darkroom.timeutil import to_iso, utc_now

BATCH_ROWS = 20_000
AUDIT_SAMPLES = 20
SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")

_INSERT_ENTRY = (
    "INSERT INTO hashset_entries (hashset_id, locator, md5, sha1, sha256, pdq, pdq_quality, photodna, "
    "category, series, victim_identified, offender_identified, is_distributed, source_media_id, extra_json) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_HASHSET_COLUMNS = (
    "id, name, format, scheme, source_path, source_sha256, source_size, known_good, entry_count, "
    "skipped_count, status, error, imported_at_utc, imported_by"
)


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where an import is: hashing the source, then reading it (bytes read, entries written)."""

    phase: Literal["hashing", "reading"]
    done_bytes: int
    total_bytes: int
    entries: int


ProgressCallback = Callable[[ImportProgress], None]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import wrote and learnt; `same_source_as` names done sets with the same source SHA-256."""

    hashset_id: int
    name: str
    format: str
    scheme: str
    format_version: str | None
    model: str | None
    known_good: bool
    entry_count: int
    skipped_count: int
    skip_samples: tuple[SkippedEntry, ...]
    skip_reasons: Mapping[str, int]
    source_sha256: str
    source_size: int
    same_source_as: tuple[str, ...]
    replaced_failed_import: bool
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HashSetInfo:
    """One row of `hashsets`."""

    id: int
    name: str
    format: str
    scheme: str
    source_path: str
    source_sha256: str
    source_size: int
    known_good: bool
    entry_count: int
    skipped_count: int
    status: str
    error: str | None
    imported_at_utc: str
    imported_by: str


@dataclass(frozen=True, slots=True)
class _Started:
    hashset_id: int
    source_sha256: str
    same_source_as: tuple[str, ...]
    replaced_failed_import: bool


def import_hashset(
    store: CaseStore,
    path: Path,
    fmt: str | None,
    name: str | None,
    actor: str,
    *,
    scheme: str | None = None,
    delimiter: str | None = None,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import one hash-set file (format given, or detected when certain) under `name` (default: file stem).

    `scheme` overrides the category scheme the reader chose (e.g. "vics" for a CSV of VICS codes).
    Raises InvalidInput (or another DarkroomError) after recording a failed import.
    """
    path = path.expanduser()
    if not path.is_file():
        msg = f"{path} is not a file"
        raise InvalidInput(msg)
    if path.stat().st_size == 0:
        msg = f"{path.name} is empty"
        raise InvalidInput(msg)
    reader = _choose_reader(path, fmt, delimiter)
    set_name = (name if name is not None else path.stem).strip()
    if not set_name:
        raise InvalidInput("a hash set needs a name (--name)")
    if scheme is not None and (not scheme or not set(scheme) <= SCHEME_CHARS):
        msg = f"a scheme name is lower-case letters, digits and dashes, not {scheme!r}"
        raise InvalidInput(msg)
    before = path.stat()
    sha256_hex = _sha256_of(path, before.st_size, progress)
    started = _start(store, set_name, reader, path, sha256_hex, before.st_size, actor, scheme)
    ctx = ReadContext(reader.default_scheme)
    try:
        entry_count = _load_entries(store, started.hashset_id, reader, path, ctx, progress)
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            msg = f"{path.name} changed while it was imported; import it again once it is complete"
            raise InvalidInput(msg)
    except BaseException as error:
        _record_failure(store, started, set_name, reader, ctx, error, actor)
        raise
    result = ImportResult(
        hashset_id=started.hashset_id,
        name=set_name,
        format=reader.name,
        scheme=scheme or ctx.facts.scheme,
        format_version=ctx.facts.format_version,
        model=ctx.facts.model,
        known_good=ctx.facts.known_good,
        entry_count=entry_count,
        skipped_count=ctx.skipped_count,
        skip_samples=tuple(ctx.skip_samples),
        skip_reasons=dict(ctx.skip_reasons.most_common()),
        source_sha256=sha256_hex,
        source_size=before.st_size,
        same_source_as=started.same_source_as,
        replaced_failed_import=started.replaced_failed_import,
        notes=tuple(ctx.facts.notes),
    )
    _finish(store, result, path, actor)
    return result


def _choose_reader(path: Path, fmt: str | None, delimiter: str | None) -> HashSetReader:
    reader = detect_reader(path) if fmt is None else reader_named(fmt)
    if delimiter is not None:
        if reader.name != "csv":
            msg = "--delimiter applies to --format csv only"
            raise InvalidInput(msg)
        reader = CsvReader(delimiter)
    return reader


def _sha256_of(path: Path, size: int, progress: ProgressCallback | None) -> str:
    """The source file's SHA-256, read once before the import (progress by bytes)."""
    if progress is None:
        return sha256_of_file(path)
    return sha256_of_file(path, lambda done: progress(ImportProgress("hashing", done, size, 0)))


def _start(
    store: CaseStore,
    name: str,
    reader: HashSetReader,
    path: Path,
    sha256_hex: str,
    size: int,
    actor: str,
    scheme: str | None,
) -> _Started:
    """Refuse a taken name, clear a failed one, and write the set's row as `importing`."""
    with store.write() as conn:
        existing = conn.execute(
            text("SELECT id, status FROM hashsets WHERE name = :name"), {"name": name}
        ).first()
        if existing is not None and existing.status != "failed":
            msg = (
                f"a hash set named {name!r} is already in the case (status {existing.status}); "
                f"give another --name, or `darkroom hashset remove {name}` first"
            )
            raise InvalidInput(msg)
        if existing is not None:
            _delete_set(conn, int(existing.id))
        same = conn.execute(
            text("SELECT name FROM hashsets WHERE source_sha256 = :sha AND status = 'done' ORDER BY name"),
            {"sha": sha256_hex},
        )
        same_source_as = tuple(str(row.name) for row in same)
        inserted = conn.execute(
            text(
                "INSERT INTO hashsets (name, format, scheme, source_path, source_sha256, source_size, "
                "status, imported_at_utc, imported_by) VALUES (:name, :format, :scheme, :path, :sha, :size, "
                "'importing', :at, :actor)"
            ),
            {
                "name": name,
                "format": reader.name,
                "scheme": scheme or reader.default_scheme,
                "path": str(path.resolve()),
                "sha": sha256_hex,
                "size": size,
                "at": to_iso(utc_now()),
                "actor": actor,
            },
        )
        return _Started(int(inserted.lastrowid), sha256_hex, same_source_as, existing is not None)


def _entry_row(hashset_id: int, entry: HashEntry) -> tuple[Any, ...]:
    extra_json = (
        json.dumps(entry.extra, ensure_ascii=False, sort_keys=True, default=str) if entry.extra else "{}"
    )
    return (
        hashset_id,
        entry.locator,
        entry.md5,
        entry.sha1,
        entry.sha256,
        entry.pdq,
        entry.pdq_quality,
        entry.photodna,
        entry.category,
        entry.series,
        _flag(entry.victim_identified),
        _flag(entry.offender_identified),
        _flag(entry.is_distributed),
        entry.source_media_id,
        extra_json,
    )


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _load_entries(
    store: CaseStore,
    hashset_id: int,
    reader: HashSetReader,
    path: Path,
    ctx: ReadContext,
    progress: ProgressCallback | None,
) -> int:
    """Stream the reader's entries into the store in batches; returns how many were written."""
    total = path.stat().st_size
    written = 0
    batch: list[tuple[Any, ...]] = []

    def flush() -> None:
        nonlocal written
        with store.write() as conn:
            conn.exec_driver_sql(_INSERT_ENTRY, batch)
        written += len(batch)
        batch.clear()
        if progress is not None:
            progress(ImportProgress("reading", min(ctx.bytes_read, total), total, written))

    for entry in reader.read(path, ctx):
        batch.append(_entry_row(hashset_id, entry))
        if len(batch) >= BATCH_ROWS:
            flush()
    if batch:
        flush()
    if progress is not None:
        progress(ImportProgress("reading", total, total, written))
    return written


def _error_text(error: BaseException) -> str:
    if isinstance(error, DarkroomError):
        return str(error)
    if isinstance(error, KeyboardInterrupt):
        return "the import was interrupted"
    return f"{type(error).__name__}: {error}"


def _record_failure(
    store: CaseStore,
    started: _Started,
    name: str,
    reader: HashSetReader,
    ctx: ReadContext,
    error: BaseException,
    actor: str,
) -> None:
    """Delete what the import wrote, mark the row failed with the reason, and audit it."""
    message = _error_text(error)
    with store.write() as conn:
        _delete_entries(conn, started.hashset_id)
        conn.execute(
            text(
                "UPDATE hashsets SET status = 'failed', error = :error, entry_count = 0, "
                "skipped_count = :skipped WHERE id = :id"
            ),
            {"error": message, "skipped": ctx.skipped_count, "id": started.hashset_id},
        )
        details = {
            "name": name,
            "format": reader.name,
            "status": "failed",
            "error": message,
            "source_sha256": started.source_sha256,
            "skipped_count": ctx.skipped_count,
        }
        audit.append(conn, actor, "hashset.import", f"hashset:{started.hashset_id}", details)


def _finish(store: CaseStore, result: ImportResult, path: Path, actor: str) -> None:
    """Mark the set done with its counts and learnt scheme; one audit entry says what came in."""
    with store.write() as conn:
        conn.execute(
            text(
                "UPDATE hashsets SET status = 'done', scheme = :scheme, known_good = :known_good, "
                "entry_count = :entries, skipped_count = :skipped WHERE id = :id"
            ),
            {
                "scheme": result.scheme,
                "known_good": int(result.known_good),
                "entries": result.entry_count,
                "skipped": result.skipped_count,
                "id": result.hashset_id,
            },
        )
        details = {
            "name": result.name,
            "status": "done",
            "format": result.format,
            "format_version": result.format_version,
            "model": result.model,
            "scheme": result.scheme,
            "known_good": result.known_good,
            "source_path": str(path.resolve()),
            "source_sha256": result.source_sha256,
            "source_size": result.source_size,
            "entry_count": result.entry_count,
            "skipped_count": result.skipped_count,
            "skip_reasons": dict(list(result.skip_reasons.items())[:AUDIT_SAMPLES]),
            "skip_samples": [f"{s.locator}: {s.reason}" for s in result.skip_samples[:AUDIT_SAMPLES]],
            "same_source_as": list(result.same_source_as),
            "replaced_failed_import": result.replaced_failed_import,
            "notes": list(result.notes[:AUDIT_SAMPLES]),
        }
        audit.append(conn, actor, "hashset.import", f"hashset:{result.hashset_id}", details)


def _delete_entries(conn: Connection, hashset_id: int) -> int:
    """Delete a set's entries and the matches that point at them; returns the matches deleted."""
    matches = conn.execute(
        text(
            "DELETE FROM media_matches "
            "WHERE entry_id IN (SELECT id FROM hashset_entries WHERE hashset_id = :id)"
        ),
        {"id": hashset_id},
    ).rowcount
    conn.execute(text("DELETE FROM hashset_entries WHERE hashset_id = :id"), {"id": hashset_id})
    return int(matches)


def _delete_set(conn: Connection, hashset_id: int) -> int:
    matches = _delete_entries(conn, hashset_id)
    conn.execute(text("DELETE FROM hashsets WHERE id = :id"), {"id": hashset_id})
    return matches


def _info(row: Any) -> HashSetInfo:
    return HashSetInfo(
        id=int(row.id),
        name=row.name,
        format=row.format,
        scheme=row.scheme,
        source_path=row.source_path,
        source_sha256=row.source_sha256,
        source_size=int(row.source_size),
        known_good=bool(row.known_good),
        entry_count=int(row.entry_count),
        skipped_count=int(row.skipped_count),
        status=row.status,
        error=row.error,
        imported_at_utc=row.imported_at_utc,
        imported_by=row.imported_by,
    )


def list_hashsets(store: CaseStore) -> list[HashSetInfo]:
    """Every hash set of the case, by name, whatever its status."""
    with store.read() as conn:
        rows = conn.execute(text(f"SELECT {_HASHSET_COLUMNS} FROM hashsets ORDER BY name"))
        return [_info(row) for row in rows]


def remove_hashset(store: CaseStore, name: str, actor: str) -> HashSetInfo:
    """Delete a hash set, its entries and the matches against them (audited)."""
    with store.write() as conn:
        row = conn.execute(
            text(f"SELECT {_HASHSET_COLUMNS} FROM hashsets WHERE name = :name"), {"name": name}
        ).first()
        if row is None:
            msg = f"the case has no hash set named {name!r}; `darkroom hashset list` shows them"
            raise InvalidInput(msg)
        info = _info(row)
        matches = _delete_set(conn, info.id)
        details = {
            "name": info.name,
            "status": info.status,
            "source_sha256": info.source_sha256,
            "entry_count": info.entry_count,
            "matches_removed": matches,
        }
        audit.append(conn, actor, "hashset.remove", f"hashset:{info.id}", details)
    return info
