"""Who sent what: a picture or video that is also a chat or email attachment is linked to the
messages that carried it, so the case shows who sent or received which item, when, and on which
device — the core of distribution charges.

Chat exports and app databases name an attachment by its file name (`IMG-20240323-WA0002.jpg`);
the file itself sits in the same exhibit (beside the export, or in the app's media folder). A
name is linked when it points at one picture: the only file of that name in the exhibit, or
several copies with the same SHA-256 (an extraction often holds the app's media folder and a
report's copy), else the one in the chat file's own folder. A name that fits different
pictures equally is left unlinked and counted, never guessed.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, text

from darkroom.store import CaseStore, execute_many

_MEDIA_FILES_SQL = text(
    "SELECT f.id, f.exhibit_id, f.display_path, f.sha256 FROM files f JOIN media m ON m.file_id = f.id"
)
_ATTACHMENTS_SQL = text(
    """
    SELECT a.id, a.message_id, a.name, a.file_id, m.exhibit_id, src.display_path AS chat_path
    FROM message_attachments a JOIN messages m ON m.id = a.message_id JOIN files src ON src.id = m.file_id
    WHERE a.name IS NOT NULL OR a.file_id IS NOT NULL
    """
)


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """Attachments linked to media files, and those whose name fitted several files."""

    linked: int
    ambiguous: int
    unresolved: int


def _base_name(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


Candidate = tuple[int, str, str | None]  # file id, display path, SHA-256


def _pick(candidates: list[Candidate], chat_folder: str) -> tuple[list[int], str] | None:
    if len(candidates) == 1:
        return [candidates[0][0]], "name-in-exhibit"
    if len({sha256 for _, _, sha256 in candidates}) == 1 and candidates[0][2]:
        return [file_id for file_id, _, _ in candidates], "name-in-exhibit-same-content"
    beside = [c for c in candidates if posixpath.dirname(c[1]) == chat_folder]
    if len(beside) == 1:
        return [beside[0][0]], "name-beside-chat"
    return None


def _resolve(conn: Connection) -> tuple[list[tuple[int, int, int, str]], int, int]:
    by_name: dict[tuple[int, str], list[Candidate]] = defaultdict(list)
    for row in conn.execute(_MEDIA_FILES_SQL):
        by_name[(row.exhibit_id, _base_name(row.display_path))].append((row.id, row.display_path, row.sha256))
    media_ids = {file_id for files in by_name.values() for file_id, _, _ in files}
    links: list[tuple[int, int, int, str]] = []
    ambiguous = unresolved = 0
    for row in conn.execute(_ATTACHMENTS_SQL):
        if row.file_id is not None and row.file_id in media_ids:
            links.append((row.file_id, row.message_id, row.id, "recorded"))
            continue
        candidates = by_name.get((row.exhibit_id, _base_name(row.name or "")), [])
        picked = _pick(candidates, posixpath.dirname(row.chat_path)) if candidates else None
        if picked is not None:
            links.extend((file_id, row.message_id, row.id, picked[1]) for file_id in picked[0])
        elif candidates:
            ambiguous += 1
        else:
            unresolved += 1
    return links, ambiguous, unresolved


def run_links(store: CaseStore) -> LinkSummary:
    """Relink every attachment to the media files of its exhibit (idempotent)."""
    with store.write() as conn:
        links, ambiguous, unresolved = _resolve(conn)
        conn.execute(text("DELETE FROM media_message_links"))
        execute_many(
            conn,
            "INSERT OR IGNORE INTO media_message_links (file_id, message_id, attachment_id, link_kind) "
            "VALUES (?, ?, ?, ?)",
            links,
        )
    return LinkSummary(len(links), ambiguous, unresolved)
