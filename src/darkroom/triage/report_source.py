"""Triage results for a prosecution package: the indicator hits and planned events in the suspect's
conversations, with provenance and never the priority score (`reports.providers.TRIAGE_HOOK`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, text

from darkroom.reports.sections import IndicatorHit, Indicators, PlannedEvent, Provenance, Unavailable

if TYPE_CHECKING:
    from darkroom.reports.scope import SuspectScope

# A package lists at most this many hits; the text says how many there were in all.
MAX_HITS = 200

_HITS_SQL = text(
    """
    SELECT h.message_id, h.category, h.term, h.span_start, h.span_end, m.body, m.locator,
           e.ref AS exhibit_ref, f.id AS file_id, f.display_path AS path
    FROM indicator_hits h JOIN messages m ON m.id = h.message_id
    JOIN files f ON f.id = m.file_id JOIN exhibits e ON e.id = m.exhibit_id
    WHERE h.conversation_id IN (SELECT value FROM json_each(:conversations))
    ORDER BY m.sent_at_utc, m.id, h.span_start LIMIT :limit
    """
)
_ALERTS_SQL = text(
    """
    SELECT DISTINCT a.id, a.event_date, a.event_date_end, a.date_precision, a.date_text, a.urgent,
           a.categories_json, m.locator, e.ref AS exhibit_ref, f.id AS file_id, f.display_path AS path
    FROM alerts a JOIN alert_messages am ON am.alert_id = a.id
    JOIN messages hit ON hit.id = am.message_id
    JOIN messages m ON m.id = a.date_message_id
    JOIN files f ON f.id = m.file_id JOIN exhibits e ON e.id = m.exhibit_id
    WHERE a.active = 1 AND hit.conversation_id IN (SELECT value FROM json_each(:conversations))
    ORDER BY a.event_date, a.id
    """
)


def _has_triage(conn: Connection) -> bool:
    found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'triage_runs'"))
    if found.first() is None:
        return False
    return (
        conn.execute(text("SELECT 1 FROM triage_runs WHERE finished_at_utc IS NOT NULL")).first() is not None
    )


def _planned(row: Row[Any]) -> PlannedEvent:
    data = row._mapping
    same_day = data["event_date"] == data["event_date_end"]
    span = data["event_date"] if same_day else f"{data['event_date']} to {data['event_date_end']}"
    categories = ", ".join(sorted(json.loads(data["categories_json"])))
    urgency = "urgent: " if data["urgent"] else ""
    return PlannedEvent(
        planned_for_utc=data["event_date"],
        planned_for_local=f"{span} (written \u201c{data['date_text']}\u201d)",
        description=f"{urgency}{categories}",
        provenance=Provenance(data["exhibit_ref"], data["file_id"], data["path"], data["locator"]),
    )


def indicators_for(conn: Connection, scope: SuspectScope) -> Indicators | Unavailable:
    """Hits (category: term, the matched words) and planned events of the suspect's conversations."""
    if not _has_triage(conn):
        return Unavailable("triage has not run on this case (`darkroom triage run` or `darkroom analyse`)")
    conversations = json.dumps(list(scope.conversation_ids))
    hits = tuple(
        IndicatorHit(
            message_id=row.message_id,
            indicator=f"{row.category}: {row.term}",
            matched_text=row.body[row.span_start : row.span_end],
            provenance=Provenance(row.exhibit_ref, row.file_id, row.path, row.locator),
        )
        for row in conn.execute(_HITS_SQL, {"conversations": conversations, "limit": MAX_HITS})
    )
    planned = tuple(_planned(row) for row in conn.execute(_ALERTS_SQL, {"conversations": conversations}))
    if not hits and not planned:
        return Unavailable("triage found no indicator and no planned event in the suspect's conversations")
    return Indicators(hits, planned)
