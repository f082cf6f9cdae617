"""Read-side views of triage for the CLI, the web app and `darkroom person show`: alerts with
the messages that raised them, the priority queue, and one subject's breakdown."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from darkroom.store import CaseStore
from darkroom.triage.factors import factors_of
from darkroom.triage.subjects import SubjectIndex, load_subjects

ADVISORY = "Advisory only: this score orders the team's work; it is not a decision or evidence."

_ALERTS_SQL = """
SELECT id, event_key, event_date, event_date_end, date_precision, date_text, date_message_id, urgent,
       reference_seized_at_utc, categories_json, subjects_json, leads_json, conversations_json,
       first_message_at_utc, last_message_at_utc, status, active
FROM alerts {where}
ORDER BY urgent DESC, event_date, first_message_at_utc, id
"""
_ALERT_MESSAGES_SQL = text(
    """
    SELECT am.alert_id, am.message_id, am.role, m.sent_at_utc, m.body, m.sender_account_id, m.locator,
           e.ref AS exhibit, f.display_path AS path, c.title AS conversation, c.platform,
           m.conversation_id
    FROM alert_messages am JOIN messages m ON m.id = am.message_id
    JOIN exhibits e ON e.id = m.exhibit_id JOIN files f ON f.id = m.file_id
    JOIN conversations c ON c.id = m.conversation_id
    WHERE am.alert_id IN (SELECT value FROM json_each(:ids))
    ORDER BY am.alert_id, m.sent_at_utc, m.id
    """
)
_HITS_OF_SQL = text(
    "SELECT message_id, category, term, span_start, span_end FROM indicator_hits "
    "WHERE message_id IN (SELECT value FROM json_each(:ids)) ORDER BY message_id, span_start"
)


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """A message that raised an alert, with its provenance and the hits found in it."""

    message_id: int
    role: str
    sent_at_utc: str | None
    sender: str | None
    body: str
    exhibit: str
    path: str
    locator: str
    conversation: str | None
    platform: str
    hits: list[dict[str, Any]]
    conversation_id: int


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert (one planned event) as investigators see it."""

    id: int
    event_key: str
    event_date: str
    event_date_end: str
    precision: str
    date_text: str
    urgent: bool
    status: str
    active: bool
    reference_seized_at_utc: str
    categories: dict[str, int]
    subjects: list[dict[str, str]]
    leads: list[str]
    conversations: list[int]
    first_message_at_utc: str
    last_message_at_utc: str
    messages: list[AlertMessage] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_alerts(
    conn: Connection,
    urgent_only: bool = False,
    include_inactive: bool = False,
    subject_key: str | None = None,
    subjects: SubjectIndex | None = None,
) -> list[AlertView]:
    """Alerts, most urgent first (urgent, then the soonest event), each with its messages; with
    `subject_key`, only those the subject took part in or led (filtered in SQL)."""
    clauses = [] if include_inactive else ["active = 1"]
    if urgent_only:
        clauses.append("urgent = 1")
    if subject_key is not None:
        clauses.append(
            "(EXISTS (SELECT 1 FROM json_each(subjects_json) WHERE value = :subject) "
            "OR EXISTS (SELECT 1 FROM json_each(leads_json) WHERE value = :subject))"
        )
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = conn.execute(text(_ALERTS_SQL.format(where=where)), {"subject": subject_key}).all()
    if not rows:
        return []
    subjects = subjects or load_subjects(conn)
    messages = _alert_messages(conn, [int(row.id) for row in rows], subjects)
    labels = subjects.labels
    return [
        AlertView(
            id=int(row.id),
            event_key=row.event_key,
            event_date=row.event_date,
            event_date_end=row.event_date_end,
            precision=row.date_precision,
            date_text=row.date_text,
            urgent=bool(row.urgent),
            status=row.status,
            active=bool(row.active),
            reference_seized_at_utc=row.reference_seized_at_utc,
            categories=json.loads(row.categories_json),
            subjects=[{"subject": s, "label": labels.get(s, s)} for s in json.loads(row.subjects_json)],
            leads=json.loads(row.leads_json),
            conversations=json.loads(row.conversations_json),
            first_message_at_utc=row.first_message_at_utc,
            last_message_at_utc=row.last_message_at_utc,
            messages=messages.get(int(row.id), []),
        )
        for row in rows
    ]


def _alert_messages(
    conn: Connection, alert_ids: list[int], subjects: SubjectIndex
) -> dict[int, list[AlertMessage]]:
    labels = subjects.labels
    rows = conn.execute(_ALERT_MESSAGES_SQL, {"ids": json.dumps(alert_ids)}).all()
    hits: dict[int, list[dict[str, Any]]] = {}
    for hit in conn.execute(_HITS_OF_SQL, {"ids": json.dumps(sorted({int(r.message_id) for r in rows}))}):
        hits.setdefault(int(hit.message_id), []).append(
            {"category": hit.category, "term": hit.term, "span": [hit.span_start, hit.span_end]}
        )
    found: dict[int, list[AlertMessage]] = {}
    for row in rows:
        sender = None
        if row.sender_account_id is not None:
            key = subjects.key(int(row.sender_account_id))
            sender = labels.get(key, key)
        found.setdefault(int(row.alert_id), []).append(
            AlertMessage(
                int(row.message_id), row.role, row.sent_at_utc, sender, row.body, row.exhibit, row.path,
                row.locator, row.conversation, row.platform, hits.get(int(row.message_id), []),
                int(row.conversation_id),
            )
        )  # fmt: skip
    return found


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """One line of the priority queue."""

    rank: int
    subject: str
    label: str
    score: float
    reasons: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "advisory": True}


def priority_queue(conn: Connection, limit: int | None = None, offset: int = 0) -> list[QueueEntry]:
    """The queue as the last triage run left it, highest priority first (from `offset`)."""
    rows = conn.execute(
        text(
            "SELECT queue_rank, subject_key, label, score, reasons_json FROM priority_scores "
            "ORDER BY queue_rank LIMIT :n OFFSET :offset"
        ),
        {"n": -1 if limit is None else limit, "offset": offset},
    )
    return [
        QueueEntry(int(r.queue_rank), r.subject_key, r.label, float(r.score), json.loads(r.reasons_json))
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class PriorityBreakdown:
    """A subject's score, its reasons, the factors recorded and its alerts; score 0 and rank
    None when the last run found nothing about the subject."""

    subject: str
    label: str
    score: float
    rank: int | None
    profile: str | None
    computed_at_utc: str | None
    reasons: list[dict[str, Any]]
    factors: dict[str, dict[str, Any]]
    alerts: list[dict[str, Any]]
    advisory: str = ADVISORY

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def priority_breakdown(store: CaseStore, subject: str | int) -> PriorityBreakdown:
    """Why a subject (a person id, or a key 'person:ID' / 'account:ID') stands where it does."""
    key = f"person:{subject}" if isinstance(subject, int) else subject
    with store.read() as conn:
        subjects = load_subjects(conn)
        row = conn.execute(
            text(
                "SELECT score, queue_rank, reasons_json, profile, computed_at_utc FROM priority_scores "
                "WHERE subject_key = :k"
            ),
            {"k": key},
        ).first()
        factors = factors_of(conn, subjects.keys_of(key))
        alerts = [
            {"alert_id": a.id, "event_date": a.event_date, "date_text": a.date_text, "urgent": a.urgent,
             "status": a.status, "led": key in a.leads}
            for a in list_alerts(conn, subject_key=key, subjects=subjects)
        ]  # fmt: skip
    return PriorityBreakdown(
        subject=key,
        label=subjects.labels.get(key, key),
        score=float(row.score) if row else 0.0,
        rank=int(row.queue_rank) if row else None,
        profile=row.profile if row else None,
        computed_at_utc=row.computed_at_utc if row else None,
        reasons=json.loads(row.reasons_json) if row else [],
        factors=factors,
        alerts=alerts,
    )
