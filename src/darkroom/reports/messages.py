"""Message excerpts with their context, and the suspect's timeline.

An excerpt is a chosen message (an anchor) with the `context` messages before and after it in
its conversation, ordered by time then id; anchors whose windows overlap share one excerpt.
Anchors come from the investigator (`--message`), bookmarks and indicator hits; without any,
the suspect's first text message in each of his busiest conversations is shown, labelled so.
Message text is shown as recorded; a restricted sender's identity is redacted, not the text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from darkroom.clearance import REDACTED, with_restricted_participants
from darkroom.reports.facts import provenance
from darkroom.reports.scope import SuspectScope, local_text
from darkroom.reports.sections import (
    Excerpt,
    ExcerptMessage,
    Identity,
    Provenance,
    TimelineEvent,
    TimelineKind,
)

FALLBACK_CONVERSATIONS = 10
TIMELINE_CONVERSATIONS = 100


@dataclass(frozen=True, slots=True)
class Anchor:
    """A message chosen for an excerpt, and why it was chosen."""

    message_id: int
    reason: str


_ORDER = "COALESCE(m.sent_at_utc, '')"

_MESSAGE_SQL = f"""
SELECT m.id, m.conversation_id, m.sent_at_utc, m.body, m.kind, m.sender_account_id, m.exhibit_id,
       m.file_id, m.locator, e.ref AS exhibit_ref, f.display_path AS path,
       a.platform AS sender_platform, a.handle AS sender_handle, a.restricted AS sender_restricted,
       (SELECT n.display_name FROM account_names n WHERE n.account_id = m.sender_account_id
        AND n.file_id = m.file_id ORDER BY n.display_name LIMIT 1) AS sender_name
FROM messages m JOIN exhibits e ON e.id = m.exhibit_id JOIN files f ON f.id = m.file_id
LEFT JOIN accounts a ON a.id = m.sender_account_id
WHERE m.id IN (SELECT value FROM json_each(:ids)) ORDER BY {_ORDER}, m.id
"""

_BEFORE_SQL = f"""
SELECT m.id FROM messages m WHERE m.conversation_id = :c AND ({_ORDER}, m.id) < (:t, :i)
ORDER BY {_ORDER} DESC, m.id DESC LIMIT :n
"""

_AFTER_SQL = f"""
SELECT m.id FROM messages m WHERE m.conversation_id = :c AND ({_ORDER}, m.id) > (:t, :i)
ORDER BY {_ORDER}, m.id LIMIT :n
"""


def _window(conn: Connection, anchor_row: Any, context: int) -> list[int]:
    params = {"c": anchor_row.conversation_id, "t": anchor_row.sent_at_utc or "", "i": anchor_row.id}
    before = [int(r.id) for r in conn.execute(text(_BEFORE_SQL), params | {"n": context})]
    after = [int(r.id) for r in conn.execute(text(_AFTER_SQL), params | {"n": context})]
    return [*reversed(before), int(anchor_row.id), *after]


def _sender(scope: SuspectScope, row: Any) -> str:
    if row.sender_account_id is None:
        return "-"
    if row.sender_restricted and not scope.cleared:
        return REDACTED
    name = f" ({row.sender_name})" if row.sender_name else ""
    return f"{row.sender_platform}:{row.sender_handle}{name}"


def _excerpt_message(scope: SuspectScope, row: Any, anchors: set[int]) -> ExcerptMessage:
    zone_name = scope.zone_of(int(row.exhibit_id))
    return ExcerptMessage(
        message_id=int(row.id),
        sent_at_utc=str(row.sent_at_utc or ""),
        sent_at_local=local_text(row.sent_at_utc, zone_name, named=False),
        sender=_sender(scope, row),
        sender_is_suspect=row.sender_account_id in scope.account_ids,
        body=str(row.body),
        kind=str(row.kind),
        is_anchor=int(row.id) in anchors,
        provenance=provenance(row),
    )


def conversation_titles(conn: Connection, scope: SuspectScope, ids: Sequence[int]) -> dict[int, str]:
    """Titles as the reader may see them: redacted when a participant is restricted (a title is
    often the other party's name)."""
    rows = conn.execute(
        text("SELECT id, title FROM conversations WHERE id IN (SELECT value FROM json_each(:ids))"),
        {"ids": json.dumps(sorted(set(ids)))},
    )
    hidden = set() if scope.cleared else with_restricted_participants(conn, ids)
    return {int(r.id): REDACTED if int(r.id) in hidden else str(r.title or "") for r in rows}


def excerpts(
    conn: Connection, scope: SuspectScope, anchors: Sequence[Anchor], context: int
) -> tuple[Excerpt, ...]:
    """One excerpt per group of overlapping anchor windows of a conversation, the earliest first."""
    reasons: dict[int, list[str]] = {}
    for anchor in anchors:
        reasons.setdefault(anchor.message_id, [])
        if anchor.reason not in reasons[anchor.message_id]:
            reasons[anchor.message_id].append(anchor.reason)
    rows = conn.execute(text(_MESSAGE_SQL), {"ids": json.dumps(sorted(reasons))}).all()
    groups: list[tuple[int, set[int], list[int]]] = []  # conversation, window ids, anchors
    for row in sorted(rows, key=lambda r: (r.conversation_id, r.sent_at_utc or "", r.id)):
        window = _window(conn, row, context)
        last = groups[-1] if groups else None
        if last is not None and last[0] == row.conversation_id and last[1] & set(window):
            last[1].update(window)
            last[2].append(int(row.id))
        else:
            groups.append((int(row.conversation_id), set(window), [int(row.id)]))
    found = []
    for conversation_id, window_ids, anchor_ids in groups:
        conv = conn.execute(
            text("SELECT c.platform, c.exhibit_id, e.ref FROM conversations c "
                 "JOIN exhibits e ON e.id = c.exhibit_id WHERE c.id = :c"),
            {"c": conversation_id},
        ).one()  # fmt: skip
        members = conn.execute(text(_MESSAGE_SQL), {"ids": json.dumps(sorted(window_ids))}).all()
        found.append(
            Excerpt(
                conversation_id=conversation_id,
                platform=str(conv.platform),
                title=conversation_titles(conn, scope, [conversation_id])[conversation_id],
                exhibit_ref=str(conv.ref),
                zone_name=scope.zone_of(int(conv.exhibit_id)),
                reasons=tuple(dict.fromkeys(r for a in anchor_ids for r in reasons[a])),
                messages=tuple(_excerpt_message(scope, m, set(anchor_ids)) for m in members),
            )
        )
    found.sort(key=lambda x: (x.messages[0].sent_at_utc, x.conversation_id))
    return tuple(found)


_CONVERSATION_STATS_SQL = text(
    """
    SELECT c.id, c.platform, c.title, c.exhibit_id, e.ref AS exhibit_ref, COUNT(m.id) AS messages,
           SUM(m.sender_account_id IN (SELECT value FROM json_each(:a))) AS by_suspect,
           MIN(m.sent_at_utc) AS first_at, MAX(m.sent_at_utc) AS last_at
    FROM conversations c JOIN exhibits e ON e.id = c.exhibit_id JOIN messages m ON m.conversation_id = c.id
    WHERE c.id IN (SELECT value FROM json_each(:c))
    GROUP BY c.id ORDER BY by_suspect DESC, messages DESC, c.id LIMIT :n
    """
)


def fallback_anchors(conn: Connection, scope: SuspectScope) -> list[Anchor]:
    """The suspect's first text message in each of his busiest conversations."""
    anchors = []
    params = {
        "a": scope.ids_json("accounts"),
        "c": scope.ids_json("conversations"),
        "n": FALLBACK_CONVERSATIONS,
    }
    for conv in conn.execute(_CONVERSATION_STATS_SQL, params).all():
        row = conn.execute(
            text(
                f"SELECT m.id FROM messages m WHERE m.conversation_id = :c AND m.kind = 'text' "
                f"AND m.sender_account_id IN (SELECT value FROM json_each(:a)) "
                f"ORDER BY {_ORDER}, m.id LIMIT 1"
            ),
            {"c": conv.id, "a": params["a"]},
        ).first()
        if row is not None:
            anchors.append(Anchor(int(row.id), "first-message"))
    return anchors


def _edge_message(conn: Connection, conversation_id: int, last: bool) -> Provenance:
    direction = "DESC" if last else ""
    row = conn.execute(
        text(
            "SELECT m.file_id, m.locator, e.ref AS exhibit_ref, f.display_path AS path FROM messages m "
            "JOIN exhibits e ON e.id = m.exhibit_id JOIN files f ON f.id = m.file_id "
            f"WHERE m.conversation_id = :c AND m.sent_at_utc IS NOT NULL "
            f"ORDER BY m.sent_at_utc {direction}, m.id {direction} LIMIT 1"
        ),
        {"c": conversation_id},
    ).one()
    return provenance(row)


def _seizures(conn: Connection, scope: SuspectScope) -> list[TimelineEvent]:
    rows = conn.execute(
        text(
            "SELECT id, ref, seized_at_utc, seized_from, seized_by FROM exhibits "
            "WHERE id IN (SELECT value FROM json_each(:e))"
        ),
        {"e": scope.ids_json("exhibits")},
    )
    return [
        TimelineEvent(str(r.seized_at_utc), local_text(r.seized_at_utc, scope.zone_of(int(r.id))), "seizure",
                      str(r.ref), who=scope.typed(str(r.seized_from)), by=scope.typed(str(r.seized_by)))
        for r in rows
    ]  # fmt: skip


def _conversation_events(
    conn: Connection, scope: SuspectScope, title_of: dict[int, str]
) -> list[TimelineEvent]:
    events = []
    params = {
        "a": scope.ids_json("accounts"),
        "c": scope.ids_json("conversations"),
        "n": TIMELINE_CONVERSATIONS,
    }
    for conv in conn.execute(_CONVERSATION_STATS_SQL, params).all():
        if conv.first_at is None:
            continue
        zone_name = scope.zone_of(int(conv.exhibit_id))
        label = f"{conv.platform} '{title_of.get(int(conv.id), conv.title or '')}' ({conv.exhibit_ref})"
        for last, when in ((False, conv.first_at), (True, conv.last_at)):
            kind: TimelineKind = "last-message" if last else "first-message"
            events.append(
                TimelineEvent(
                    str(when),
                    local_text(when, zone_name),
                    kind,
                    label,
                    messages=int(conv.messages),
                    messages_by_suspect=int(conv.by_suspect or 0),
                    provenance=_edge_message(conn, int(conv.id), last),
                )
            )
    return events


def timeline(
    conn: Connection, scope: SuspectScope, identity: Identity, title_of: dict[int, str]
) -> tuple[TimelineEvent, ...]:
    """Seizures, the accounts' first and last sightings, conversations' first and last messages and
    investigator decisions, oldest first. `title_of` gives conversation titles as the reader may see them."""
    events = _seizures(conn, scope) + _conversation_events(conn, scope, title_of)
    for link in identity.links:
        account = f"{link.platform}:{link.handle}"
        sightings: tuple[tuple[TimelineKind, str | None], ...] = (
            ("account-first-seen", link.first_seen_utc),
            ("account-last-seen", link.last_seen_utc),
        )
        for kind, when in sightings:
            if when:
                events.append(TimelineEvent(when, local_text(when, scope.case_zone), kind, account))
    for decision in identity.decisions:
        when = local_text(decision.at_utc, scope.case_zone)
        events.append(
            TimelineEvent(
                decision.at_utc, when, "decision", decision.kind, who=decision.actor, note=decision.reason
            )
        )
    return tuple(sorted(events, key=lambda e: (e.at_utc, e.kind, e.subject)))
