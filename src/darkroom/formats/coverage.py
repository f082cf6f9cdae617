"""Coverage for disclosure: which files need parsing, and the statuses recorded without a parser
(archives, unreadable files, database companions, media), and the report by status and format.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Connection, insert, select, text

from darkroom.formats.base import Parser
from darkroom.store import CaseStore, schema
from darkroom.store.records import forget_file
from darkroom.timeutil import to_iso, utc_now

ARCHIVE_PARSER = "archive"  # archives are walked at intake; their members are parsed one by one
COMPANION_PARSER = "sqlite-companion"  # -wal/-shm/-journal files, read with their database


def registry_signature(parsers: list[Parser]) -> str:
    """Changes whenever a parser is added or a version bumped: unsupported files are then retried."""
    text = ";".join(f"{p.name}={p.version}" for p in parsers)
    return "registry:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def mark_archives(conn: Connection) -> None:
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


def mark_companions(conn: Connection) -> None:
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


def mark_unreadable(conn: Connection) -> None:
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


def candidates(conn: Connection, versions: dict[str, str], signature: str) -> list[tuple[Any, bool]]:
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
        elif needs_rerun(row.status, row.parser, row.parser_version, versions, signature):
            picked.append((row, True))
    return picked


MEDIA_TYPES = ("image/", "video/", "audio/")


def leave_media_out(
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
                    error="media file: no chat or contact parser reads it (pictures, videos: media stage)",
                )
            )
    return [(row, rerun) for row, rerun in picked if row.id not in media_ids]


def needs_rerun(
    status: str, parser: str | None, version: str | None, versions: dict[str, str], signature: str
) -> bool:
    if status == "unsupported" and parser is None:
        return version != signature
    return parser is not None and parser in versions and versions[parser] != version


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
