"""Conversations, their messages with provenance, and full-text search; restricted accounts masked,
restricted names redacted from titles, file paths and attachment names (darkroom.web.redaction)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from darkroom.clearance import with_restricted_participants
from darkroom.errors import InvalidInput
from darkroom.web.access import RESTRICTED_LABEL, CaseView
from darkroom.web.queries import PER_PAGE, Page, clamp_page, limits, page_of
from darkroom.web.redaction import redactor_for

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

# Search never ranks every hit: ranking a common word over 1.5 M messages costs 0.1-0.6 s. The
# default order is the FTS rowid (last stored first), which FTS5 walks natively and stops at the
# page (keyset paging by rowid: every hit stays reachable); `relevance` ranks (bm25) only the newest
# RELEVANCE_CANDIDATES hits, and the page says so.
RELEVANCE_CANDIDATES = 2000
_SEARCH_COLUMNS = """
m.id, m.sent_at_utc, m.locator, m.conversation_id, c.platform, c.title, e.ref AS exhibit,
f.display_path AS file, a.handle_norm AS sender, a.restricted AS sender_restricted
"""
_SEARCH_FROM = """
FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
JOIN conversations c ON c.id = m.conversation_id JOIN exhibits e ON e.id = m.exhibit_id
JOIN files f ON f.id = m.file_id LEFT JOIN accounts a ON a.id = m.sender_account_id
WHERE messages_fts MATCH :query {where}
"""
_STORED_SQL = (
    "SELECT "
    + _SEARCH_COLUMNS
    + ", snippet(messages_fts, 0, char(1), char(2), '…', 16) AS snippet "
    + _SEARCH_FROM
    + " {before} ORDER BY messages_fts.rowid DESC LIMIT :limit"
)
_RELEVANCE_SQL = (
    "SELECT * FROM (SELECT "
    + _SEARCH_COLUMNS
    + ", bm25(messages_fts) AS score "
    + _SEARCH_FROM
    + " ORDER BY messages_fts.rowid DESC LIMIT :candidates)"
    + " ORDER BY score, id DESC LIMIT :limit OFFSET :offset"
)
_SNIPPETS_SQL = text(
    "SELECT rowid, snippet(messages_fts, 0, char(1), char(2), '…', 16) AS snippet FROM messages_fts "
    "WHERE messages_fts MATCH :query AND rowid IN (SELECT value FROM json_each(:ids))"
)
SearchOrder = Literal["stored", "relevance"]


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of hits. Stored order pages by `next_before` (a message id); relevance by number,
    among the newest `candidates` hits only (`capped` when there were more)."""

    items: list[dict[str, Any]]
    order: SearchOrder
    number: int
    has_next: bool
    next_before: int | None
    capped: bool
    candidates: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1


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
    _mask_titles(conn, view, page.items)
    redactor_for(conn, view).rows(page.items, "title", "file", "locator")
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
    _mask_titles(conn, view, [found])
    redactor_for(conn, view).fields(found, "title", "file", "locator", "external_id")
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
    redactor = redactor_for(conn, view)
    for row in page.items:
        _mask_sender(view, row)
        row["attachments"] = attachments.get(row["id"], [])
        redactor.fields(row, "file", "locator")
        redactor.rows(row["attachments"], "name")
    return page


def _mask_titles(conn: Connection, view: CaseView, rows: list[dict[str, Any]], key: str = "id") -> None:
    """A conversation's title is often the other party's name: with a restricted participant it is
    shown only to cleared viewers (as in reports)."""
    if view.cleared or not rows:
        return
    hidden = with_restricted_participants(conn, [int(row[key]) for row in rows])
    for row in rows:
        if int(row[key]) in hidden and row.get("title"):
            row["title"] = RESTRICTED_LABEL


def _mask_sender(view: CaseView, row: dict[str, Any]) -> None:
    restricted = row.pop("sender_restricted")
    row["sender_restricted"] = bool(restricted)
    row["sender"] = view.handle(row["sender"], restricted)
    if not view.visible(restricted):
        row["sender_id"] = None


def _run_search(conn: Connection, sql: str, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    try:
        return [dict(r._mapping) for r in conn.execute(text(sql), {"query": query, **params})]
    except OperationalError as err:
        raise InvalidInput(f"cannot search for {query!r}: {err.orig}") from err


def search_page(
    conn: Connection,
    view: CaseView,
    query: str,
    number: int = 1,
    platform: str | None = None,
    exhibit: str | None = None,
    order: SearchOrder = "stored",
    before: int | None = None,
) -> SearchPage:
    """Full-text hits (FTS5 syntax, diacritics folded) with snippets and provenance; see _STORED_SQL."""
    where, params = _filters(platform, exhibit, None)
    per_page = PER_PAGE
    if order == "relevance":
        number = clamp_page(number)
        bounds = {
            "candidates": RELEVANCE_CANDIDATES,
            "limit": per_page + 1,
            "offset": (number - 1) * per_page,
        }
        rows = _run_search(conn, _RELEVANCE_SQL.format(where=where), query, {**params, **bounds})
        shown = rows[:per_page]
        total = _run_search(
            conn,
            f"SELECT COUNT(*) AS n FROM (SELECT m.id {_SEARCH_FROM.format(where=where)} LIMIT :cap)",
            query,
            {**params, "cap": RELEVANCE_CANDIDATES + 1},
        )[0]["n"]
        snippets = {
            int(r.rowid): r.snippet
            for r in conn.execute(
                _SNIPPETS_SQL, {"query": query, "ids": json.dumps([r["id"] for r in shown])}
            )
        }
        for row in shown:
            row.pop("score")
            row["snippet"] = snippets.get(row["id"], "")
        found = SearchPage(shown, order, number, len(rows) > per_page, None, total > RELEVANCE_CANDIDATES,
                           RELEVANCE_CANDIDATES)  # fmt: skip
    else:
        keyset = "AND messages_fts.rowid < :before" if before is not None else ""
        bounds = {"limit": per_page + 1, **({"before": before} if before is not None else {})}
        rows = _run_search(conn, _STORED_SQL.format(where=where, before=keyset), query, {**params, **bounds})
        shown = rows[:per_page]
        more = len(rows) > per_page
        found = SearchPage(shown, order, 1 if before is None else 2, more, shown[-1]["id"] if more else None,
                           False, 0)  # fmt: skip
    for row in found.items:
        _mask_sender(view, row)
    _mask_titles(conn, view, found.items, key="conversation_id")
    redactor_for(conn, view).rows(found.items, "title", "file", "locator")
    return found


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
