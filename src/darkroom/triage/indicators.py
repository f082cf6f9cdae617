"""The indicator stage: every parsed message read once per lexicon set, hits stored with their
category, term, span in the body and the message they came from.

Incremental and resumable per file (`indicator_passes`): a file is read again only when the
lexicons changed or the file was parsed again. Messages stream in id order, in batches that
are matched in one pass and written in one transaction; a file's pass row is written with its
last batch, so an interrupted run redoes at most the files it was in the middle of.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from darkroom.store import CaseStore
from darkroom.store.case import execute_many
from darkroom.timeutil import to_iso, utc_now
from darkroom.triage.scanner import IndicatorScanner

Progress = Callable[[int, int], None]
BATCH_MESSAGES = 20_000
SCANNED_KINDS = ("text", "media")  # media messages may carry a caption

_TODO_SQL = """
SELECT fp.file_id, fp.parsed_at_utc, COALESCE(mc.n, 0) AS messages
FROM file_parses fp
LEFT JOIN indicator_passes ip ON ip.file_id = fp.file_id
LEFT JOIN (SELECT file_id, COUNT(*) AS n FROM messages GROUP BY file_id) mc ON mc.file_id = fp.file_id
WHERE fp.status = 'parsed'
  AND (ip.file_id IS NULL OR ip.lexicon_sha256 <> :sha OR ip.parsed_at_utc <> fp.parsed_at_utc)
ORDER BY fp.file_id
"""
_MESSAGES_SQL = (
    "SELECT id, conversation_id, sender_account_id, body FROM messages "
    "WHERE file_id = ? AND id > ? AND kind IN ('text', 'media') ORDER BY id LIMIT ?"
)
_INSERT_HIT = (
    "INSERT INTO indicator_hits (message_id, file_id, conversation_id, sender_account_id, category, term, "
    "lexicon, language, weight, span_start, span_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_RECORD_FILE_SQL = (
    "INSERT OR REPLACE INTO indicator_passes "
    "(file_id, lexicon_sha256, parsed_at_utc, messages, hits, at_utc) VALUES (?, ?, ?, ?, ?, ?)"
)


@dataclass(slots=True)
class IndicatorSummary:
    """What one indicator pass did."""

    matcher: str
    files_scanned: int = 0
    messages_scanned: int = 0
    body_chars: int = 0
    hits: int = 0
    files_pruned: int = 0
    per_category: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _FileState:
    file_id: int
    parsed_at_utc: str
    messages: int = 0
    hits: int = 0


@dataclass(slots=True)
class _Batch:
    """Messages waiting to be matched, and the files they came from."""

    rows: list[Any] = field(default_factory=list)
    file_of_row: list[_FileState] = field(default_factory=list)
    finished: list[_FileState] = field(default_factory=list)
    started: list[int] = field(default_factory=list)


def _prune(conn: Connection) -> int:
    """Forget passes and hits of files that are no longer parsed (re-parse pending, or gone)."""
    stale = [
        int(row[0])
        for row in conn.execute(
            text(
                "SELECT ip.file_id FROM indicator_passes ip "
                "LEFT JOIN file_parses fp ON fp.file_id = ip.file_id "
                "WHERE fp.file_id IS NULL OR fp.status <> 'parsed'"
            )
        )
    ]
    execute_many(conn, "DELETE FROM indicator_hits WHERE file_id = ?", [(f,) for f in stale])
    execute_many(conn, "DELETE FROM indicator_passes WHERE file_id = ?", [(f,) for f in stale])
    conn.execute(
        text("DELETE FROM indicator_hits WHERE file_id NOT IN (SELECT file_id FROM indicator_passes)")
    )
    return len(stale)


def _file_rows(store: CaseStore, file_id: int) -> Iterator[Sequence[Any]]:
    """A file's messages in id order, in chunks (a one-chat file may hold a million)."""
    after = 0
    while True:
        with store.read() as conn:  # plain tuples: the driver's rows, without SQLAlchemy's per-row work
            rows = conn.exec_driver_sql(_MESSAGES_SQL, (file_id, after, BATCH_MESSAGES)).fetchall()
        if not rows:
            return
        yield rows
        after = int(rows[-1][0])


def run_indicators(
    store: CaseStore, scanner: IndicatorScanner, progress: Progress | None = None
) -> IndicatorSummary:
    """Bring indicator hits up to date for every parsed file; returns what was done."""
    sha = scanner.lexicons.sha256_hex
    summary = IndicatorSummary(matcher=scanner.engine)
    with store.write() as conn:
        summary.files_pruned = _prune(conn)
        todo = [
            (int(r.file_id), str(r.parsed_at_utc), int(r.messages))
            for r in conn.execute(text(_TODO_SQL), {"sha": sha})
        ]
    total = sum(count for _, _, count in todo)
    batch = _Batch()
    for file_id, parsed_at, _ in todo:
        state = _FileState(file_id, parsed_at)
        batch.started.append(file_id)
        for rows in _file_rows(store, file_id):
            batch.rows.extend(rows)
            batch.file_of_row.extend([state] * len(rows))
            if len(batch.rows) >= BATCH_MESSAGES:
                _flush(store, scanner, batch, summary, sha)
                batch = _Batch()
                if progress:
                    progress(summary.messages_scanned, total)
        batch.finished.append(state)
        summary.files_scanned += 1
    _flush(store, scanner, batch, summary, sha)
    if progress:
        progress(summary.messages_scanned, total)
    return summary


def _flush(
    store: CaseStore, scanner: IndicatorScanner, batch: _Batch, summary: IndicatorSummary, sha: str
) -> None:
    """Match one batch and write its hits, and the pass rows of the files it finished, at once."""
    bodies = [row[3] for row in batch.rows]
    for state in batch.file_of_row:
        state.messages += 1
    hit_rows: list[tuple[Any, ...]] = []
    for index, hits in enumerate(scanner.scan(bodies)):
        if not hits:
            continue
        message_id, conversation_id, sender_account_id, _ = batch.rows[index]
        state = batch.file_of_row[index]
        for hit in hits:
            term = hit.term
            hit_rows.append(
                (message_id, state.file_id, conversation_id, sender_account_id, term.category, term.text,
                 term.lexicon, term.language, term.weight, hit.start, hit.end)
            )  # fmt: skip
            state.hits += 1
            summary.per_category[term.category] = summary.per_category.get(term.category, 0) + 1
    now = to_iso(utc_now())
    with store.write() as conn:
        execute_many(conn, "DELETE FROM indicator_hits WHERE file_id = ?", [(f,) for f in batch.started])
        execute_many(conn, _INSERT_HIT, hit_rows)
        execute_many(
            conn,
            _RECORD_FILE_SQL,
            [(s.file_id, sha, s.parsed_at_utc, s.messages, s.hits, now) for s in batch.finished],
        )
    summary.messages_scanned += len(bodies)
    summary.body_chars += sum(len(body) for body in bodies)
    summary.hits += len(hit_rows)
