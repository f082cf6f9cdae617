"""Alerts: one row per planned event, kept across re-runs by the event's stable key so an
investigator's status (acknowledged, dismissed) survives; events no longer found go inactive."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.store.case import execute_many
from darkroom.timeutil import to_iso, utc_now
from darkroom.triage.events import PlannedEvent

_UPSERT_SQL = """
INSERT INTO alerts (event_key, event_date, event_date_end, date_precision, date_text, date_message_id, urgent,
    reference_seized_at_utc, categories_json, subjects_json, leads_json, conversations_json,
    first_message_at_utc, last_message_at_utc, active, computed_at_utc)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
ON CONFLICT (event_key) DO UPDATE SET
    event_date = excluded.event_date, event_date_end = excluded.event_date_end,
    date_precision = excluded.date_precision, date_text = excluded.date_text,
    date_message_id = excluded.date_message_id, urgent = excluded.urgent,
    reference_seized_at_utc = excluded.reference_seized_at_utc, categories_json = excluded.categories_json,
    subjects_json = excluded.subjects_json, leads_json = excluded.leads_json,
    conversations_json = excluded.conversations_json, first_message_at_utc = excluded.first_message_at_utc,
    last_message_at_utc = excluded.last_message_at_utc, active = 1, computed_at_utc = excluded.computed_at_utc
"""


STATUSES = ("open", "acknowledged", "dismissed")


def set_alert_status(conn: Connection, alert_id: int, status: str, reason: str, actor: str) -> None:
    """An investigator's status for an alert (inside a write transaction), audited; re-runs keep it."""
    if status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if not reason.strip():
        raise InvalidInput("say why (--reason)")
    row = conn.execute(text("SELECT event_key, status FROM alerts WHERE id = :i"), {"i": alert_id}).first()
    if row is None:
        raise InvalidInput(f"no alert {alert_id} in this case")
    conn.execute(text("UPDATE alerts SET status = :s WHERE id = :i"), {"s": status, "i": alert_id})
    details = {"from": row.status, "to": status, "reason": reason, "event_key": row.event_key}
    audit.append(conn, actor, "triage.alert-status", f"alert:{alert_id}", details)


@dataclass(frozen=True, slots=True)
class AlertSummary:
    """What writing the alerts did."""

    active: int
    urgent: int
    new: int
    gone_inactive: int


def write_alerts(conn: Connection, events: list[PlannedEvent]) -> AlertSummary:
    """Upsert one alert per event, replace their messages, and retire alerts not found again."""
    now = to_iso(utc_now())
    known = {str(row.event_key) for row in conn.execute(text("SELECT event_key FROM alerts"))}
    rows = []
    for event in events:
        seized = event.reference_seized_at
        rows.append(
            (
                event.event_key, event.find.first_day.isoformat(), event.find.last_day.isoformat(),
                event.find.precision, event.find.text, event.date_message_id, int(event.urgent),
                to_iso(seized) if seized else "", json.dumps(dict(sorted(event.categories.items()))),
                json.dumps(sorted(event.subjects)), json.dumps(sorted(event.leads)),
                json.dumps(sorted(event.conversations)), to_iso(event.first_at), to_iso(event.last_at), now,
            )
        )  # fmt: skip
    execute_many(conn, _UPSERT_SQL, rows)
    found = [event.event_key for event in events]
    ids = {
        str(row.event_key): int(row.id)
        for row in conn.execute(text("SELECT id, event_key FROM alerts WHERE active = 1"))
    }
    stale = [key for key in ids if key not in set(found)]
    execute_many(conn, "UPDATE alerts SET active = 0 WHERE event_key = ?", [(key,) for key in stale])
    conn.execute(text("DELETE FROM alert_messages"))
    execute_many(
        conn,
        "INSERT INTO alert_messages (alert_id, message_id, role) VALUES (?, ?, ?)",
        [(ids[e.event_key], mid, role) for e in events for mid, role in sorted(e.roles.items())],
    )
    return AlertSummary(
        active=len(events),
        urgent=sum(1 for e in events if e.urgent),
        new=sum(1 for key in found if key not in known),
        gone_inactive=len(stale),
    )
