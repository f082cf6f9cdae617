"""Conversations, their messages with provenance, and full-text search, restricted accounts masked."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from darkroom.errors import InvalidInput
from darkroom.web.access import CaseView
from darkroom.web.queries import Page, limits, page_of

MESSAGES_PER_PAGE = 100

_CONVERSATIONS_SQL = """
SELECT c.id, c.platform, c.title, c.is_group, c.locator, e.ref AS exhibit, f.display_path AS file,
       (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS message_count
FROM conversations c JOIN exhibits e ON e.id = c.exhibit_id JOIN files f ON f.id = c.file_id
WHERE 1 = 1 {where}
ORDER BY c.id LIMIT :limit OFFSET :offset
"""

_PARTICIPANTS_SQL = text(
    """
    SELECT p.conversation_id, a.id, a.platform, a.handle_norm, a.restricted
    FROM conversation_participants p JOIN accounts a ON a.id = p.account_id
    WHERE p.conversation_id IN (SELECT value FROM json_each(:ids)) ORDER BY a.handle_norm
    """
)

_CONVERSATION_SQL = text(
    """
    SELECT c.id, c.platform, c.title, c.is_group, c.locator, c.external_id, e.ref AS exhibit,
           f.display_path AS file, f.sha256 AS file_sha256
    FROM conversations c JOIN exhibits e ON e.id = c.exhibit_id JOIN files f ON f.id = c.file_id
    WHERE c.id = :id
    """
)

_MESSAGES_SQL = text(
    """
    SELECT m.id, m.sent_at_utc, m.sent_at_raw, m.assumed_zone, m.body, m.kind, m.locator,
           a.id AS sender_id, a.handle_norm AS sender, a.restricted AS sender_restricted,
           e.ref AS exhibit, f.display_path AS file
    FROM messages m LEFT JOIN accounts a ON a.id = m.sender_account_id
    JOIN exhibits e ON e.id = m.exhibit_id JOIN files f ON f.id = m.file_id
    WHERE m.conversation_id = :conversation
    ORDER BY m.sent_at_utc, m.id LIMIT :limit OFFSET :offset
    """
)

_ATTACHMENTS_SQL = text(
    """
    SELECT a.message_id, a.name, a.mime_type,
           (SELECT l.file_id FROM media_message_links l WHERE l.message_id = a.message_id
            AND (l.attachment_id = a.id OR l.attachment_id IS NULL) LIMIT 1) AS media_file_id
    FROM message_attachments a WHERE a.message_id IN (SELECT value FROM json_each(:ids)) ORDER BY a.id
    """
)

_SEARCH_SQL = """
SELECT m.id, m.sent_at_utc, m.locator, m.conversation_id, c.platform, c.title, e.ref AS exhibit,
       f.display_path AS file, a.handle_norm AS sender, a.restricted AS sender_restricted,
       snippet(messages_fts, 0, char(1), char(2), '…', 16) AS snippet
FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
JOIN conversations c ON c.id = m.conversation_id JOIN exhibits e ON e.id = m.exhibit_id
JOIN files f ON f.id = m.file_id LEFT JOIN accounts a ON a.id = m.sender_account_id
WHERE messages_fts MATCH :query {where}
ORDER BY rank LIMIT :limit OFFSET :offset
"""


def _filters(platform: str | None, exhibit: str | None, account_id: int | None) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if platform:
        clauses.append("c.platform = :platform")
        params["platform"] = platform
    if exhibit:
        clauses.append("e.ref = :exhibit")
        params["exhibit"] = exhibit
    if account_id is not None:
        clauses.append(
            "c.id IN (SELECT conversation_id FROM conversation_participants WHERE account_id = :acc)"
        )
        params["acc"] = account_id
    return "".join(f" AND {c}" for c in clauses), params


def conversations_page(
    conn: Connection,
    view: CaseView,
    number: int,
    platform: str | None = None,
    exhibit: str | None = None,
    account_id: int | None = None,
) -> Page:
    """Conversations with provenance, message counts and (masked) participants."""
    where, params = _filters(platform, exhibit, account_id)
    sql = text(_CONVERSATIONS_SQL.format(where=where))
    rows = [dict(r._mapping) for r in conn.execute(sql, {**params, **limits(number)})]
    page = page_of(rows, number, 50)
    people = participants(conn, view, [row["id"] for row in page.items])
    for row in page.items:
        row["participants"] = people.get(row["id"], [])
    return page


def participants(
    conn: Connection, view: CaseView, conversation_ids: list[int]
) -> dict[int, list[dict[str, Any]]]:
    """Participants per conversation; restricted accounts shown only as restricted."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(_PARTICIPANTS_SQL, {"ids": json.dumps(conversation_ids)}):
        visible = view.visible(row.restricted)
        found[row.conversation_id].append(
            {
                "account_id": row.id if visible else None,
                "platform": row.platform,
                "handle": view.handle(row.handle_norm, row.restricted),
                "restricted": bool(row.restricted),
            }
        )
    return found


def conversation(conn: Connection, view: CaseView, conversation_id: int) -> dict[str, Any] | None:
    """One conversation's header, with provenance and participants; None when there is none."""
    row = conn.execute(_CONVERSATION_SQL, {"id": conversation_id}).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found["participants"] = participants(conn, view, [conversation_id]).get(conversation_id, [])
    return found


def messages_page(conn: Connection, view: CaseView, conversation_id: int, number: int) -> Page:
    """One page of a conversation's messages in time order, each with its provenance and attachments."""
    params = {"conversation": conversation_id, **limits(number, MESSAGES_PER_PAGE)}
    rows = [dict(r._mapping) for r in conn.execute(_MESSAGES_SQL, params)]
    page = page_of(rows, number, MESSAGES_PER_PAGE)
    attachments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ids = [row["id"] for row in page.items]
    for att in conn.execute(_ATTACHMENTS_SQL, {"ids": json.dumps(ids)}):
        attachments[att.message_id].append(
            {"name": att.name, "mime_type": att.mime_type, "media_file_id": att.media_file_id}
        )
    for row in page.items:
        _mask_sender(view, row)
        row["attachments"] = attachments.get(row["id"], [])
    return page


def _mask_sender(view: CaseView, row: dict[str, Any]) -> None:
    restricted = row.pop("sender_restricted")
    row["sender_restricted"] = bool(restricted)
    row["sender"] = view.handle(row["sender"], restricted)
    if not view.visible(restricted):
        row["sender_id"] = None


def search_page(
    conn: Connection,
    view: CaseView,
    query: str,
    number: int,
    platform: str | None = None,
    exhibit: str | None = None,
) -> Page:
    """Full-text hits (FTS5 syntax, diacritics folded), best first, with snippets and provenance."""
    where, params = _filters(platform, exhibit, None)
    sql = text(_SEARCH_SQL.format(where=where))
    try:
        rows = [dict(r._mapping) for r in conn.execute(sql, {"query": query, **params, **limits(number)})]
    except OperationalError as err:
        raise InvalidInput(f"cannot search for {query!r}: {err.orig}") from err
    page = page_of(rows, number, 50)
    for row in page.items:
        _mask_sender(view, row)
    return page


def account(conn: Connection, account_id: int) -> dict[str, Any] | None:
    """One account's handle and restricted flag, if it exists."""
    row = conn.execute(
        text("SELECT id, platform, handle_norm, handle, restricted FROM accounts WHERE id = :id"),
        {"id": account_id},
    ).first()
    return None if row is None else dict(row._mapping)


def message_position(conn: Connection, message_id: int) -> tuple[int, int] | None:
    """(conversation, page number) where a message is shown, in the conversation's time order."""
    row = conn.execute(
        text("SELECT conversation_id, sent_at_utc FROM messages WHERE id = :id"), {"id": message_id}
    ).first()
    if row is None:
        return None
    if row.sent_at_utc is None:
        where = "sent_at_utc IS NULL AND id < :id"
    else:
        where = "(sent_at_utc IS NULL OR sent_at_utc < :t OR (sent_at_utc = :t AND id < :id))"
    before = conn.execute(
        text(f"SELECT COUNT(*) FROM messages WHERE conversation_id = :c AND {where}"),
        {"c": row.conversation_id, "t": row.sent_at_utc, "id": message_id},
    ).scalar_one()
    return int(row.conversation_id), int(before) // MESSAGES_PER_PAGE + 1
