"""Bookmarks and notes on messages, media and persons, and restricted marks: every write audited."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, Final, Literal

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.timeutil import to_iso, utc_now
from darkroom.web.access import CaseView
from darkroom.web.queries import Page, limits, page_of
from darkroom.web.redaction import redactor_for

SubjectKind = Literal["message", "media", "person"]
RestrictableKind = Literal["person", "account"]
MAX_NOTE_CHARS: Final = 10_000
_EXISTS: Final[dict[str, str]] = {
    "message": "SELECT 0 AS restricted FROM messages WHERE id = :id",
    "media": "SELECT 0 AS restricted FROM media WHERE file_id = :id",
    "person": "SELECT restricted FROM persons WHERE id = :id",
    "account": "SELECT restricted FROM accounts WHERE id = :id",
}


def subject_visible(conn: Connection, view: CaseView, kind: str, subject_id: int) -> bool:
    """The subject exists in this case and the viewer may see it."""
    sql = _EXISTS.get(kind)
    if sql is None:
        return False
    row = conn.execute(text(sql), {"id": subject_id}).first()
    return row is not None and view.visible(row.restricted)


def add_bookmark(conn: Connection, view: CaseView, kind: SubjectKind, subject_id: int, label: str) -> int:
    """Bookmark a record for the user (once per user and record); returns the bookmark id."""
    existing = conn.execute(
        text("SELECT id FROM bookmarks WHERE subject_kind = :k AND subject_id = :s AND created_by = :u"),
        {"k": kind, "s": subject_id, "u": view.user.name},
    ).first()
    if existing is not None:
        return int(existing.id)
    entry = audit.append(
        conn, view.user.name, "workspace.bookmark", f"{kind}:{subject_id}", {"label": label[:200]}
    )
    return int(
        conn.execute(
            text(
                "INSERT INTO bookmarks (subject_kind, subject_id, label, created_by, created_at_utc, "
                "audit_seq) VALUES (:k, :s, :l, :u, :t, :q) RETURNING id"
            ),
            {
                "k": kind,
                "s": subject_id,
                "l": label[:200],
                "u": view.user.name,
                "t": to_iso(utc_now()),
                "q": entry.seq,
            },
        ).scalar_one()
    )


def remove_bookmark(conn: Connection, view: CaseView, bookmark_id: int) -> bool:
    """Remove one of the user's own bookmarks (audited); False when they have no such bookmark."""
    row = conn.execute(
        text("SELECT subject_kind, subject_id FROM bookmarks WHERE id = :id AND created_by = :u"),
        {"id": bookmark_id, "u": view.user.name},
    ).first()
    if row is None:
        return False
    audit.append(conn, view.user.name, "workspace.unbookmark", f"{row.subject_kind}:{row.subject_id}", {})
    conn.execute(text("DELETE FROM bookmarks WHERE id = :id"), {"id": bookmark_id})
    return True


def add_note(conn: Connection, view: CaseView, kind: SubjectKind, subject_id: int, body: str) -> int:
    """A note on a record (notes are never edited; the audit chain holds the text's digest)."""
    clean = body.strip()
    if not clean:
        raise InvalidInput("a note needs some text")
    if len(clean) > MAX_NOTE_CHARS:
        raise InvalidInput(f"a note holds at most {MAX_NOTE_CHARS} characters")
    entry = audit.append(conn, view.user.name, "workspace.note", f"{kind}:{subject_id}", {"text": clean})
    return int(
        conn.execute(
            text(
                "INSERT INTO notes (subject_kind, subject_id, body, created_by, created_at_utc, audit_seq) "
                "VALUES (:k, :s, :b, :u, :t, :q) RETURNING id"
            ),
            {
                "k": kind,
                "s": subject_id,
                "b": clean,
                "u": view.user.name,
                "t": to_iso(utc_now()),
                "q": entry.seq,
            },
        ).scalar_one()
    )


def notes_of(
    conn: Connection, view: CaseView, kind: SubjectKind, subject_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Notes per record, oldest first; restricted names redacted for a viewer without clearance (a
    cleared colleague's note may name an undercover officer)."""
    redactor = redactor_for(conn, view)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = conn.execute(
        text(
            "SELECT id, subject_id, body, created_by, created_at_utc FROM notes WHERE subject_kind = :k "
            "AND subject_id IN (SELECT value FROM json_each(:ids)) ORDER BY id"
        ),
        {"k": kind, "ids": json.dumps(subject_ids)},
    )
    for row in rows:
        note = dict(row._mapping)
        redactor.fields(note, "body")
        found[row.subject_id].append(note)
    return found


def my_bookmarks_of(
    conn: Connection, view: CaseView, kind: SubjectKind, subject_ids: list[int]
) -> dict[int, int]:
    """The user's bookmark id per record, for the records that have one."""
    rows = conn.execute(
        text(
            "SELECT id, subject_id FROM bookmarks WHERE subject_kind = :k AND created_by = :u "
            "AND subject_id IN (SELECT value FROM json_each(:ids))"
        ),
        {"k": kind, "u": view.user.name, "ids": json.dumps(subject_ids)},
    )
    return {int(row.subject_id): int(row.id) for row in rows}


def bookmarks_page(conn: Connection, view: CaseView, number: int) -> Page:
    """Every bookmark of the case, newest first; bookmarks on records the viewer may not see are left
    out, restricted names redacted from labels."""
    rows = conn.execute(
        text(
            """
            SELECT b.id, b.subject_kind, b.subject_id, b.label, b.created_by, b.created_at_utc,
                   (SELECT COUNT(*) FROM notes n WHERE n.subject_kind = b.subject_kind
                    AND n.subject_id = b.subject_id) AS notes,
                   CASE WHEN b.subject_kind = 'message' THEN (SELECT m.conversation_id FROM messages m
                    WHERE m.id = b.subject_id) END AS conversation_id
            FROM bookmarks b
            WHERE b.subject_kind != 'person' OR :cleared = 1
               OR (SELECT restricted FROM persons p WHERE p.id = b.subject_id) = 0
            ORDER BY b.id DESC LIMIT :limit OFFSET :offset
            """
        ),
        {"cleared": view.cleared_flag, **limits(number)},
    )
    found = [dict(r._mapping) for r in rows]
    redactor_for(conn, view).rows(found, "label")  # a label may quote a chat title or a file name
    return page_of(found, number, 50)


def set_restricted(
    conn: Connection, view: CaseView, kind: RestrictableKind, subject_id: int, restricted: bool
) -> None:
    """A lead marks or unmarks a person or account as restricted (audited).

    Identity resolution derives a person's flag from its accounts (restricted when any is), and
    every decision or re-run rewrites persons; so marking a person marks its accounts too, or
    the mark would be lost at the next decision.
    """
    accounts: list[int] = []
    if kind == "person":
        accounts = [
            int(r.account_id)
            for r in conn.execute(
                text("SELECT account_id FROM person_links WHERE person_id = :id ORDER BY account_id"),
                {"id": subject_id},
            )
        ]
        conn.execute(
            text("UPDATE persons SET restricted = :r WHERE id = :id"),
            {"r": int(restricted), "id": subject_id},
        )
    else:
        accounts = [subject_id]
    conn.execute(
        text("UPDATE accounts SET restricted = :r WHERE id IN (SELECT value FROM json_each(:ids))"),
        {"r": int(restricted), "ids": json.dumps(accounts)},
    )
    action = "restrict.mark" if restricted else "restrict.unmark"
    details = {"restricted": restricted, "accounts": accounts}
    audit.append(conn, view.user.name, action, f"{kind}:{subject_id}", details)
