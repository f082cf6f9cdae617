"""Media for a package: counts by category and the categorised items' hashes, never an image.

Two kinds of media belong to a suspect: everything on the exhibits the investigator names as
seized from him (`--exhibit`), and every picture or video carried by a message of one of his
conversations (sent by him or received by him). Known-good, non-pertinent and uncategorised items
are counted, not listed; every other item is listed with its MD5, SHA-1 and SHA-256.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from darkroom.media.queries import media_items
from darkroom.reports.scope import SuspectScope
from darkroom.reports.sections import MediaItem, MediaSection

UNCATEGORISED = "uncategorised"
NOT_LISTED = frozenset({UNCATEGORISED, "known-good", "non-pertinent"})

_CARRIED_SQL = text(
    """
    SELECT l.file_id, MAX(msg.sender_account_id IN (SELECT value FROM json_each(:a))) AS sent
    FROM media_message_links l JOIN messages msg ON msg.id = l.message_id
    WHERE msg.conversation_id IN (SELECT value FROM json_each(:c))
    GROUP BY l.file_id
    """
)


def _relations(conn: Connection, scope: SuspectScope) -> dict[int, str]:
    """file id -> on-exhibit | sent | received (the first that holds, in that order)."""
    relation: dict[int, str] = {}
    for row in conn.execute(
        _CARRIED_SQL, {"a": scope.ids_json("accounts"), "c": scope.ids_json("conversations")}
    ):
        relation[int(row.file_id)] = "sent" if row.sent else "received"
    if scope.own_exhibit_ids:
        own = conn.execute(
            text("SELECT m.file_id FROM media m JOIN files f ON f.id = m.file_id "
                 "WHERE f.exhibit_id IN (SELECT value FROM json_each(:e))"),
            {"e": json.dumps(list(scope.own_exhibit_ids))},
        )  # fmt: skip
        relation.update({int(r.file_id): "on-exhibit" for r in own})
    return relation


def _item(row: dict[str, Any], relation: str) -> MediaItem:
    return MediaItem(
        file_id=int(row["file_id"]),
        exhibit_ref=str(row["exhibit"]),
        path=str(row["path"]),
        category=str(row["category"] or UNCATEGORISED),
        relation=relation,
        md5=row["md5"],
        sha1=row["sha1"],
        sha256=row["sha256"],
    )


def media_section(conn: Connection, scope: SuspectScope) -> MediaSection:
    """Counts by case category over the suspect's media, and the listed (categorised) items."""
    relation = _relations(conn, scope)
    counts: dict[str, int] = {}
    listed: list[MediaItem] = []
    where = "WHERE f.id IN (SELECT value FROM json_each(:ids))"
    for row in media_items(conn, where, {"ids": json.dumps(sorted(relation))}):
        item = _item(row, relation[int(row["file_id"])])
        counts[item.category] = counts.get(item.category, 0) + 1
        if item.category not in NOT_LISTED:
            listed.append(item)
    listed.sort(key=lambda i: (i.category, i.exhibit_ref, i.path))
    own_refs = conn.execute(
        text("SELECT ref FROM exhibits WHERE id IN (SELECT value FROM json_each(:e)) ORDER BY ref"),
        {"e": json.dumps(list(scope.own_exhibit_ids))},
    )
    return MediaSection(
        counts=tuple(sorted(counts.items())),
        items=tuple(listed),
        own_exhibits=tuple(str(r.ref) for r in own_refs),
    )
