"""Triage for the pages, read through darkroom.triage.queries and masked for the viewer: the
advisory queue, alerts (most urgent first) with the messages that raised them, a person's priority
breakdown, and the indicator spans of a page of messages.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Final

from sqlalchemy import Connection, text

from darkroom.clearance import with_restricted_participants
from darkroom.store import CaseStore
from darkroom.triage.queries import ADVISORY, AlertView, list_alerts, priority_breakdown, priority_queue
from darkroom.web.access import RESTRICTED_LABEL, CaseView
from darkroom.web.deps import TimedCache
from darkroom.web.queries import PER_PAGE, Page, clamp_page
from darkroom.web.redaction import redactor_for

NOT_RUN: Final = "Triage has not run on this case (darkroom triage run, or darkroom analyse)."
ALERTS_PER_PAGE: Final = 20
ALERT_EXISTS_SQL: Final = text("SELECT 1 FROM alerts WHERE id = :id")
_TABLE_SQL: Final = text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name")


def _has_table(conn: Connection, name: str) -> bool:
    return conn.execute(_TABLE_SQL, {"name": name}).first() is not None


def has_run(conn: Connection) -> bool:
    """A triage run finished on this case (a case made while migration 0007 was a placeholder has
    no triage tables: it shows as not triaged rather than failing)."""
    if (
        conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'triage_runs'")
        ).first()
        is None
    ):
        return False
    found = conn.execute(text("SELECT 1 FROM triage_runs WHERE finished_at_utc IS NOT NULL LIMIT 1")).first()
    return found is not None


def hidden_subjects(conn: Connection, view: CaseView, keys: list[str]) -> set[str]:
    """Which subject keys ('person:ID', 'account:ID') the viewer may not see."""
    if view.cleared or not keys:
        return set()
    rows = conn.execute(
        text(
            "SELECT 'person:' || id AS k FROM persons WHERE restricted = 1 AND 'person:' || id IN "
            "(SELECT value FROM json_each(:keys)) UNION SELECT 'account:' || id FROM accounts "
            "WHERE restricted = 1 AND 'account:' || id IN (SELECT value FROM json_each(:keys))"
        ),
        {"keys": json.dumps(sorted(set(keys)))},
    )
    return {str(r.k) for r in rows}


def _link(subject: str) -> dict[str, int | None]:
    kind, _, number = subject.partition(":")
    valid = number.isdigit()
    return {
        "person_id": int(number) if valid and kind == "person" else None,
        "account_id": int(number) if valid and kind == "account" else None,
    }


def queue_page(conn: Connection, view: CaseView, number: int) -> Page:
    """The advisory queue by priority, with reasons; restricted subjects left out."""
    number = clamp_page(number)
    entries = priority_queue(conn, PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
    window = entries[:PER_PAGE]
    hidden = hidden_subjects(conn, view, [e.subject for e in window])
    items = [{**e.as_dict(), **_link(e.subject)} for e in window if e.subject not in hidden]
    return Page(items, number, PER_PAGE, len(entries) > PER_PAGE)


_SENDERS_SQL = text(
    "SELECT m.id, m.sender_account_id, a.restricted AS account_restricted, p.restricted AS person_restricted "
    "FROM messages m LEFT JOIN accounts a ON a.id = m.sender_account_id "
    "LEFT JOIN person_links l ON l.account_id = m.sender_account_id "
    "LEFT JOIN persons p ON p.id = l.person_id "
    "WHERE m.id IN (SELECT value FROM json_each(:ids))"
)


def _masked_alert(conn: Connection, view: CaseView, alert: AlertView) -> dict[str, Any]:
    found = alert.as_dict()
    keys = [s["subject"] for s in found["subjects"]] + list(found["leads"])
    hidden = hidden_subjects(conn, view, keys)
    found["subjects"] = [
        {**s, **_link(s["subject"])}
        if s["subject"] not in hidden
        else {"subject": "", "label": RESTRICTED_LABEL}
        for s in found["subjects"]
    ]
    found["leads"] = [k if k not in hidden else RESTRICTED_LABEL for k in found["leads"]]
    secret: set[int] = set()
    hidden_conversations: set[int] = set()
    if not view.cleared:
        rows = conn.execute(_SENDERS_SQL, {"ids": json.dumps([m["message_id"] for m in found["messages"]])})
        secret = {int(r.id) for r in rows if r.account_restricted or r.person_restricted}
        hidden_conversations = with_restricted_participants(
            conn, (m["conversation_id"] for m in found["messages"])
        )
    redactor = redactor_for(conn, view)
    for message in found["messages"]:
        if message["message_id"] in secret:
            message["sender"] = RESTRICTED_LABEL
        if message["conversation_id"] in hidden_conversations:
            message["conversation"] = RESTRICTED_LABEL
        redactor.fields(message, "conversation", "path", "locator")
        message["spans"] = [
            (h["span"][0], h["span"][1], f"{h['category']}: {h['term']}") for h in message["hits"]
        ]
    return found


_RUN_SQL = text("SELECT MAX(id) AS run FROM triage_runs")
_FACTORS_SQL = text("SELECT MAX(audit_seq) AS seq FROM subject_factors")
_DECISION_SQL = text("SELECT MAX(id) AS decision FROM decisions")


def _alerts(
    conn: Connection, view: CaseView, cache: TimedCache | None, urgent_only: bool, include_inactive: bool
) -> list[AlertView]:
    """list_alerts (every alert with its messages: ~70 ms on the dark-room case), kept a few seconds
    per triage run when a cache is given; masking is applied fresh on every request."""
    if cache is None:
        return list_alerts(conn, urgent_only, include_inactive)
    run = conn.execute(_RUN_SQL).scalar()
    key = f"alerts:{view.case.case_id}:{run}:{urgent_only}:{include_inactive}"
    found: list[AlertView] = cache.get(key, lambda: list_alerts(conn, urgent_only, include_inactive))
    return found


def forget_alerts(cache: TimedCache, view: CaseView) -> None:
    """After a status change this worker shows at once (others within the cache's time to live)."""
    cache.drop_prefix(f"alerts:{view.case.case_id}:")


def alerts_page(
    conn: Connection,
    view: CaseView,
    number: int,
    include_inactive: bool = False,
    cache: TimedCache | None = None,
) -> Page:
    """Alerts, most urgent first (urgent, then the soonest event), with their raising messages."""
    number = clamp_page(number)
    alerts = _alerts(conn, view, cache, False, include_inactive)
    window = alerts[(number - 1) * ALERTS_PER_PAGE : number * ALERTS_PER_PAGE]
    items = [_masked_alert(conn, view, alert) for alert in window]
    return Page(items, number, ALERTS_PER_PAGE, len(alerts) > number * ALERTS_PER_PAGE)


def urgent_alerts(
    conn: Connection, view: CaseView, limit: int = 5, cache: TimedCache | None = None
) -> list[dict[str, Any]]:
    """The most urgent open alerts, for the dashboard."""
    alerts = [a for a in _alerts(conn, view, cache, True, False) if a.status == "open"][:limit]
    return [_masked_alert(conn, view, alert) for alert in alerts]


def person_priority(
    store: CaseStore, view: CaseView, person_id: int, cache: TimedCache | None = None
) -> tuple[dict[str, Any] | None, str]:
    """A person's advisory priority with its reasons, factors and alerts, or why there is none.
    priority_breakdown reads every subject and alert (0.1-0.2 s on the dark-room case): with a cache
    it is kept per triage run, decision and recorded factor (all it shows; an alert's status is not
    shown here), for the cache's time to live."""
    with store.read() as conn:
        if not has_run(conn):
            return None, NOT_RUN
        version = (conn.execute(_RUN_SQL).scalar(), conn.execute(_DECISION_SQL).scalar(),
                   conn.execute(_FACTORS_SQL).scalar())  # fmt: skip
    if cache is None:
        breakdown = asdict(priority_breakdown(store, person_id))
    else:
        key = f"priority:{view.case.case_id}:{person_id}:{version}"
        breakdown = asdict(cache.get(key, lambda: priority_breakdown(store, person_id)))
    if breakdown["rank"] is None and not breakdown["reasons"]:
        return None, "Triage found nothing about this person in the last run."
    breakdown["advisory"] = ADVISORY
    return breakdown, ""


def message_spans(conn: Connection, message_ids: list[int]) -> dict[int, list[tuple[int, int, str]]]:
    """Indicator hits per message as (start, end, 'category: term') character spans of the body."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    if not message_ids or not _has_table(conn, "indicator_hits"):
        return found
    rows = conn.execute(
        text(
            "SELECT message_id, category, term, span_start, span_end FROM indicator_hits "
            "WHERE message_id IN (SELECT value FROM json_each(:ids)) ORDER BY message_id, span_start"
        ),
        {"ids": json.dumps(message_ids)},
    )
    for row in rows:
        found.setdefault(int(row.message_id), []).append(
            (int(row.span_start), int(row.span_end), f"{row.category}: {row.term}")
        )
    return found
