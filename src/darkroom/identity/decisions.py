"""Investigators' decisions on persons: merge, split, confirm, reject a link.

Each decision is a row in `decisions`, an entry in the audit chain, and the record-level
constraints it implies (`identity_constraints`): must-links, cannot-links and confirmations
between accounts and cards. Every `identity resolve` applies them before any evidence, so a
decision wins on every re-run; a later decision overrides an earlier one it contradicts. The
decision also takes effect at once on the current persons.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.identity.clusters import Link
from darkroom.identity.persist import (
    MemberLink,
    PersonPlan,
    parse_ref,
    persist_persons,
    refresh_candidate_persons,
)
from darkroom.store import CaseStore
from darkroom.timeutil import to_iso

DecisionKind = Literal["merge", "split", "confirm", "reject-link"]
ConstraintKind = Literal["must-link", "cannot-link", "confirm"]


@dataclass(slots=True)
class Constraints:
    """What all decisions so far require of the records, newest decision winning."""

    must_link: list[Link] = field(default_factory=list)
    cannot_link: set[tuple[str, str]] = field(default_factory=set)
    confirmed: set[str] = field(default_factory=set)
    pinned: set[str] = field(default_factory=set)


def _pair(left: str, right: str) -> tuple[str, str]:
    return (left, right) if left <= right else (right, left)


_CONSTRAINTS_SQL = text(
    "SELECT c.decision_id, c.kind, c.left_ref, c.right_ref, d.kind AS decision, d.reason "
    "FROM identity_constraints c JOIN decisions d ON d.id = c.decision_id ORDER BY c.decision_id, c.rowid"
)


def load_constraints(conn: Connection) -> Constraints:
    """Every decision's constraints, applied oldest first so a newer one replaces what it contradicts."""
    must: dict[tuple[str, str], Link] = {}
    cannot: set[tuple[str, str]] = set()
    found = Constraints()
    for row in conn.execute(_CONSTRAINTS_SQL):
        pair = _pair(row.left_ref, row.right_ref)
        if row.kind == "must-link":
            cannot.discard(pair)
            reasons = {"rule": "investigator decision", "decision": row.decision_id, "kind": row.decision}
            must[pair] = Link(pair[0], pair[1], "investigator", 1.0, reasons)
            found.pinned.update(pair)
        elif row.kind == "cannot-link":
            must.pop(pair, None)
            cannot.add(pair)
        else:
            found.confirmed.add(row.left_ref)
            found.pinned.add(row.left_ref)
    found.must_link = [must[p] for p in sorted(must, key=lambda p: -must[p].reasons["decision"])]
    found.cannot_link = cannot
    return found


def _members(conn: Connection) -> dict[int, list[MemberLink]]:
    sql = text(
        "SELECT l.person_id, 'account:' || l.account_id AS ref, l.method, l.probability, l.reasons_json, "
        "l.confirmed FROM person_links l JOIN persons p ON p.id = l.person_id "
        "WHERE p.retired_at_utc IS NULL "
        "UNION ALL SELECT c.person_id, 'contact:' || c.contact_id, c.method, c.probability, c.reasons_json, "
        "c.confirmed FROM person_contacts c JOIN persons p ON p.id = c.person_id "
        "WHERE p.retired_at_utc IS NULL"
    )
    found: dict[int, list[MemberLink]] = {}
    for row in conn.execute(sql):
        member = MemberLink(
            str(row.ref),
            row.method,
            float(row.probability or 1.0),
            json.loads(row.reasons_json),
            bool(row.confirmed),
        )
        found.setdefault(int(row.person_id), []).append(member)
    for members in found.values():
        members.sort(key=lambda m: m.ref)
    return found


def _person(members: dict[int, list[MemberLink]], person_id: int) -> list[MemberLink]:
    if person_id not in members:
        raise InvalidInput(
            f"person {person_id} does not exist (or was merged into another); see `darkroom persons`"
        )
    return members[person_id]


def _by_decision(member: MemberLink, decision_id: int) -> MemberLink:
    reasons = {"rule": "investigator decision", "decision": decision_id, "earlier": dict(member.reasons)}
    return replace(member, method="investigator", probability=1.0, reasons=reasons, confirmed=True)


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    """The decision's id, its audit row, and the persons it left."""

    decision_id: int
    audit_seq: int
    persons: tuple[int, ...]


def _record(
    conn: Connection,
    actor: str,
    kind: DecisionKind,
    person_id: int,
    object_ref: str | None,
    reason: str,
    details: dict[str, Any],
) -> tuple[int, int]:
    if not reason.strip():
        raise InvalidInput("a decision needs a reason (--reason)")
    entry = audit.append(conn, actor, f"person.{kind}", f"person:{person_id}", {**details, "reason": reason})
    decision_id = int(
        conn.execute(
            text(
                "INSERT INTO decisions (kind, subject, object_ref, reason, actor, at_utc, audit_seq) "
                "VALUES (:kind, :subject, :object, :reason, :actor, :at, :seq) RETURNING id"
            ),
            {
                "kind": f"person.{kind}",
                "subject": f"person:{person_id}",
                "object": object_ref,
                "reason": reason.strip(),
                "actor": actor,
                "at": to_iso(entry.at),
                "seq": entry.seq,
            },
        ).scalar_one()
    )
    return decision_id, entry.seq


def _constrain(
    conn: Connection, decision_id: int, kind: ConstraintKind, pairs: Iterable[tuple[str, str]]
) -> None:
    rows = [(decision_id, kind, left, right) for left, right in pairs]
    if rows:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO identity_constraints (decision_id, kind, left_ref, right_ref) "
            "VALUES (?, ?, ?, ?)",
            rows,
        )


def _star(refs: Sequence[str]) -> list[tuple[str, str]]:
    return [(refs[0], ref) for ref in refs[1:]]


def _apply(
    conn: Connection, members: dict[int, list[MemberLink]], plans: dict[int, PersonPlan]
) -> tuple[int, ...]:
    """Write every person again, the changed ones from `plans` (keeping their ids where asked)."""
    ordered = [plans.get(pid, PersonPlan(tuple(m))) for pid, m in sorted(members.items())]
    ordered.extend(plan for key, plan in sorted(plans.items()) if key not in members)
    outcome = persist_persons(conn, ordered)
    refresh_candidate_persons(conn)
    touched = {
        outcome.person_of[m.ref]
        for plan in plans.values()
        for m in plan.members
        if m.ref in outcome.person_of
    }
    return tuple(sorted(touched))


def merge_persons(
    store: CaseStore, actor: str, person_id: int, other_id: int, reason: str
) -> DecisionOutcome:
    """One person: every record of `other_id` joins `person_id`."""
    if person_id == other_id:
        raise InvalidInput("a person cannot be merged with itself")
    with store.write() as conn:
        members = _members(conn)
        first, second = _person(members, person_id), _person(members, other_id)
        refs = [m.ref for m in first] + [m.ref for m in second]
        details = {"into": person_id, "merged": other_id, "records": refs}
        decision_id, seq = _record(conn, actor, "merge", person_id, f"person:{other_id}", reason, details)
        _constrain(conn, decision_id, "must-link", _star(refs))
        plan = PersonPlan(tuple(_by_decision(m, decision_id) for m in [*first, *second]), pinned=True)
        del members[other_id]
        persons = _apply(conn, members, {person_id: replace(plan, requested_id=person_id)})
    return DecisionOutcome(decision_id, seq, persons)


def split_person(
    store: CaseStore, actor: str, person_id: int, refs: Sequence[str], reason: str
) -> DecisionOutcome:
    """The given records leave the person and form a person of their own."""
    with store.write() as conn:
        members = _members(conn)
        current = _person(members, person_id)
        held = {m.ref for m in current}
        leaving = sorted(set(refs))
        missing = [r for r in leaving if r not in held]
        if missing or not leaving:
            raise InvalidInput(f"person {person_id} does not hold {', '.join(missing) or 'any record given'}")
        staying = [m for m in current if m.ref not in leaving]
        if not staying:
            raise InvalidInput("a split must leave at least one record with the person")
        details = {"person": person_id, "split_off": leaving, "staying": [m.ref for m in staying]}
        decision_id, seq = _record(conn, actor, "split", person_id, ",".join(leaving), reason, details)
        _constrain(conn, decision_id, "cannot-link", [(a, b.ref) for a in leaving for b in staying])
        _constrain(conn, decision_id, "must-link", _star(leaving))
        _constrain(conn, decision_id, "confirm", [(r, r) for r in leaving])
        new = PersonPlan(
            tuple(_by_decision(m, decision_id) for m in current if m.ref in leaving), pinned=True
        )
        kept = PersonPlan(tuple(staying), requested_id=person_id)
        persons = _apply(conn, members, {person_id: kept, -1: new})
    return DecisionOutcome(decision_id, seq, persons)


def confirm_person(
    store: CaseStore, actor: str, person_id: int, refs: Sequence[str], reason: str
) -> DecisionOutcome:
    """Confirm the person's links (all, or only the given records')."""
    with store.write() as conn:
        members = _members(conn)
        current = _person(members, person_id)
        held = [m.ref for m in current]
        chosen = sorted(set(refs)) if refs else held
        missing = [r for r in chosen if r not in held]
        if missing:
            raise InvalidInput(f"person {person_id} does not hold {', '.join(missing)}")
        details = {"person": person_id, "confirmed": chosen}
        object_ref = ",".join(chosen) if refs else None
        decision_id, seq = _record(conn, actor, "confirm", person_id, object_ref, reason, details)
        anchor = next(r for r in held if r not in chosen) if refs and len(chosen) < len(held) else chosen[0]
        _constrain(conn, decision_id, "must-link", [(anchor, r) for r in chosen if r != anchor])
        _constrain(conn, decision_id, "confirm", [(r, r) for r in chosen])
        updated = tuple(replace(m, confirmed=True) if m.ref in chosen else m for m in current)
        persons = _apply(conn, members, {person_id: PersonPlan(updated, pinned=True, requested_id=person_id)})
    return DecisionOutcome(decision_id, seq, persons)


def reject_link(store: CaseStore, actor: str, person_id: int, ref: str, reason: str) -> DecisionOutcome:
    """The record is not this person: it leaves, and no re-run will put it back."""
    parse_ref(ref)
    with store.write() as conn:
        members = _members(conn)
        current = _person(members, person_id)
        if ref not in {m.ref for m in current}:
            raise InvalidInput(f"person {person_id} does not hold {ref}")
        staying = [m for m in current if m.ref != ref]
        details = {"person": person_id, "rejected": ref}
        decision_id, seq = _record(conn, actor, "reject-link", person_id, ref, reason, details)
        _constrain(conn, decision_id, "cannot-link", [(ref, m.ref) for m in staying])
        persons = _apply(conn, members, {person_id: PersonPlan(tuple(staying), requested_id=person_id)})
    return DecisionOutcome(decision_id, seq, persons)
