"""Investigators' marks on leads: `lead identify` and `lead dismiss`, audited, winning on re-run.

A mark is kept per account (or identifier) the lead stood for when it was marked, so it
survives identity resolution re-grouping accounts into other persons: a node is identified or
dismissed when any of its accounts is, the newest mark winning. Each mark is one row in
`decisions` (with its audit sequence number) and one `lead.identify` / `lead.dismiss` audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.store import CaseStore
from darkroom.timeutil import to_iso, utc_now

MarkStatus = Literal["identified", "dismissed"]
_VERB: dict[MarkStatus, str] = {"identified": "identify", "dismissed": "dismiss"}


@dataclass(frozen=True, slots=True)
class LeadRef:
    """A lead as stored: its row id, key, label and what it stands for."""

    lead_id: int
    lead_key: str
    label: str
    node_key: str | None
    identifier_id: int | None


@dataclass(frozen=True, slots=True)
class Mark:
    """A mark just written."""

    lead: LeadRef
    status: MarkStatus
    subjects: tuple[str, ...]
    decision_id: int
    audit_seq: int


def find_lead(conn: Connection, lead: str) -> LeadRef:
    """A lead by its number (as `darkroom leads` lists it) or its key (`account:12`)."""
    value = lead.strip()
    column = "id" if value.isdigit() else "lead_key"
    row = conn.execute(
        text(f"SELECT id, lead_key, label, node_key, identifier_id FROM leads WHERE {column} = :value"),
        {"value": int(value) if value.isdigit() else value},
    ).first()
    if row is None:
        msg = f"no lead {lead!r}; list them with `darkroom leads` (run `darkroom network build` first)"
        raise InvalidInput(msg)
    return LeadRef(int(row.id), str(row.lead_key), str(row.label), row.node_key, row.identifier_id)


def lead_subjects(conn: Connection, lead: LeadRef) -> tuple[str, ...]:
    """The accounts (or the identifier) a lead stands for now."""
    if lead.identifier_id is not None:
        return (f"identifier:{lead.identifier_id}",)
    node = str(lead.node_key)
    kind, _, number = node.partition(":")
    if kind == "account":
        return (node,)
    rows = conn.execute(
        text("SELECT account_id FROM person_links WHERE person_id = :person ORDER BY account_id"),
        {"person": int(number)},
    )
    subjects = tuple(f"account:{row.account_id}" for row in rows)
    if not subjects:
        msg = f"person {number} holds no accounts any more; rebuild the network and list the leads again"
        raise InvalidInput(msg)
    return subjects


def mark_lead(store: CaseStore, lead: str, status: MarkStatus, reason: str, actor: str) -> Mark:
    """Record an investigator's mark on a lead (audited), covering every account it stands for."""
    if not reason.strip():
        raise InvalidInput("a mark needs a reason (--reason)")
    with store.write() as conn:
        found = find_lead(conn, lead)
        subjects = lead_subjects(conn, found)
        details = {
            "label": found.label,
            "reason": reason.strip(),
            "status": status,
            "subjects": list(subjects),
        }
        entry = audit.append(conn, actor, f"lead.{_VERB[status]}", found.lead_key, details)
        decision = conn.execute(
            text(
                "INSERT INTO decisions (kind, subject, object_ref, reason, actor, at_utc, audit_seq) "
                "VALUES (:kind, :subject, :object_ref, :reason, :actor, :at, :seq) RETURNING id"
            ),
            {
                "kind": f"lead-{_VERB[status]}",
                "subject": found.lead_key,
                "object_ref": ",".join(subjects),
                "reason": reason.strip(),
                "actor": actor,
                "at": to_iso(utc_now()),
                "seq": entry.seq,
            },
        )
        decision_id = int(decision.scalar_one())
        conn.execute(
            text(
                "INSERT INTO lead_marks (subject_key, status, decision_id) VALUES (:subject, :status, :id) "
                "ON CONFLICT (subject_key) DO UPDATE SET status = excluded.status, "
                "decision_id = excluded.decision_id"
            ),
            [{"subject": s, "status": status, "id": decision_id} for s in subjects],
        )
    return Mark(found, status, subjects, decision_id, entry.seq)
