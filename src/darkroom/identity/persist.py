"""Writing resolved groups as persons: ids kept where membership carries over, labels, the link
rows of accounts and cards, the review candidates and the shared-identifier marks."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.identity.clusters import LinkMethodName
from darkroom.identity.features import name_tokens
from darkroom.identity.records import name_rank
from darkroom.identity.shared import SharedVerdict
from darkroom.timeutil import to_iso, utc_now


def parse_ref(ref: str) -> tuple[str, int]:
    """('account' | 'contact', id) of a record ref."""
    kind, _, number = ref.partition(":")
    if kind not in {"account", "contact"} or not number.isdigit():
        raise InvalidInput(f"{ref!r} is not a record reference (account:ID or contact:ID)")
    return kind, int(number)


@dataclass(frozen=True, slots=True)
class MemberLink:
    """How one record belongs to its person."""

    ref: str
    method: LinkMethodName
    probability: float
    reasons: Mapping[str, Any] = field(default_factory=dict)
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class PersonPlan:
    """A person to write: its members, and whether it stands even with one record."""

    members: tuple[MemberLink, ...]
    pinned: bool = False
    requested_id: int | None = None  # keep this person's id (an investigator acted on it)

    @property
    def refs(self) -> frozenset[str]:
        return frozenset(m.ref for m in self.members)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored pair that did not merge, for review."""

    left: str
    right: str
    probability: float
    status: str  # review | handles-only | blocked
    reasons: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PersistOutcome:
    """Which person ids were kept, created and retired."""

    person_of: dict[str, int]
    kept: int
    created: int
    retired: int


_MEMBERS_SQL = text(
    "SELECT p.id, 'account:' || l.account_id AS ref FROM persons p JOIN person_links l ON l.person_id = p.id "
    "WHERE p.retired_at_utc IS NULL UNION ALL "
    "SELECT p.id, 'contact:' || c.contact_id FROM persons p JOIN person_contacts c ON c.person_id = p.id "
    "WHERE p.retired_at_utc IS NULL"
)


def current_members(conn: Connection) -> dict[int, set[str]]:
    """Every active person's record refs."""
    found: dict[int, set[str]] = defaultdict(set)
    for row in conn.execute(_MEMBERS_SQL):
        found[int(row[0])].add(str(row[1]))
    return found


def _assign_ids(plans: Sequence[PersonPlan], old: Mapping[int, set[str]]) -> dict[int, int]:
    """Plan index -> old person id, greedily by shared members (each id used once)."""
    owner: dict[str, int] = {ref: pid for pid, refs in old.items() for ref in refs}
    overlaps: list[tuple[int, int, int]] = []
    assigned: dict[int, int] = {}
    used: set[int] = set()
    for index, plan in enumerate(plans):
        if plan.requested_id is not None and plan.requested_id in old and plan.requested_id not in used:
            assigned[index] = plan.requested_id
            used.add(plan.requested_id)
    for index, plan in enumerate(plans):
        counts = Counter(owner[ref] for ref in plan.refs if ref in owner)
        overlaps.extend((-count, pid, index) for pid, count in counts.items())
    for _, pid, index in sorted(overlaps):
        if index not in assigned and pid not in used:
            assigned[index] = pid
            used.add(pid)
    return assigned


_NAMES_SQL = text(
    "SELECT 'account:' || a.id AS ref, COALESCE(n.display_name, a.handle) AS name, a.handle, a.restricted, "
    "a.platform FROM accounts a LEFT JOIN account_names n ON n.account_id = a.id "
    "UNION ALL SELECT 'contact:' || c.id, c.display_name, NULL, 0, NULL FROM contacts c"
)
# Platforms where people name themselves (a saved contact name says how someone else sees them).
_SELF_NAMED = frozenset({"email", "facebook", "telegram", "xmpp", "forum", "discord", "instagram", "twitter"})


def _last(name: str) -> str:
    tokens = name_tokens(name)
    return tokens[-1] if len(tokens) > 1 else ""


def _labels(conn: Connection, plans: Sequence[PersonPlan]) -> tuple[list[str], list[bool]]:
    """Each person's label (its most telling, most frequent name) and whether it is restricted."""
    wanted = {ref for plan in plans for ref in plan.refs}
    names: dict[str, list[str]] = defaultdict(list)
    own: set[str] = set()
    handles: dict[str, str] = {}
    restricted: set[str] = set()
    for row in conn.execute(_NAMES_SQL):
        ref = str(row.ref)
        if ref not in wanted:
            continue
        if row.name and name_tokens(row.name):
            names[ref].append(str(row.name))
            if row.platform in _SELF_NAMED:
                own.add(" ".join(str(row.name).split()))
        if row.handle:
            handles[ref] = str(row.handle)
        if row.restricted:
            restricted.add(ref)
    # A surname belongs to few persons; "home", "work" or "gym" after a first name to many.
    spread: Counter[str] = Counter()
    for plan in plans:
        spread.update({_last(n) for ref in plan.refs for n in names.get(ref, [])})
    labels: list[str] = []
    flags: list[bool] = []
    for plan in plans:
        counts = Counter(" ".join(n.split()) for ref in plan.refs for n in set(names.get(ref, [])))
        if counts:
            labels.append(
                max(
                    counts,
                    key=lambda n: (name_rank(n)[0], n in own, -spread[_last(n)], name_rank(n), counts[n], n),
                )
            )
        else:
            labels.append(min((handles[r] for r in plan.refs if r in handles), default="unnamed"))
        flags.append(bool(plan.refs & restricted))
    return labels, flags


def persist_persons(conn: Connection, plans: Sequence[PersonPlan]) -> PersistOutcome:
    """Replace every person's membership with the plans; a person keeps its id while it keeps
    most of its records, a person left without records is retired (pointing where they went)."""
    plans = [p for p in plans if len(p.members) >= 2 or p.pinned]
    old = current_members(conn)
    assigned = _assign_ids(plans, old)
    labels, restricted = _labels(conn, plans)
    now = to_iso(utc_now())
    conn.execute(text("DELETE FROM person_links"))
    conn.execute(text("DELETE FROM person_contacts"))
    person_of: dict[str, int] = {}
    ids: list[int] = []
    for index, plan in enumerate(plans):
        params = {"label": labels[index], "restricted": int(restricted[index]), "now": now}
        if index in assigned:
            pid = assigned[index]
            conn.execute(
                text(
                    "UPDATE persons SET label = :label, restricted = :restricted, updated_at_utc = :now, "
                    "retired_at_utc = NULL, merged_into = NULL WHERE id = :id"
                ),
                {**params, "id": pid},
            )
        else:
            pid = int(
                conn.execute(
                    text(
                        "INSERT INTO persons (label, restricted, created_at_utc, updated_at_utc) "
                        "VALUES (:label, :restricted, :now, :now) RETURNING id"
                    ),
                    params,
                ).scalar_one()
            )
        ids.append(pid)
        for member in plan.members:
            person_of[member.ref] = pid
    _write_links(conn, plans, ids)
    retired = _retire(conn, old, set(assigned.values()), person_of, now)
    return PersistOutcome(person_of, len(assigned), len(plans) - len(assigned), retired)


_UNRESTRICTED_OF_RESTRICTED_SQL = text(
    "SELECT l.account_id FROM person_links l JOIN persons p ON p.id = l.person_id "
    "JOIN accounts a ON a.id = l.account_id WHERE p.restricted = 1 AND a.restricted = 0 ORDER BY l.account_id"
)


def restrict_accounts_of_restricted_persons(conn: Connection) -> list[int]:
    """A restricted person's accounts are restricted too, also one resolution linked to them later:
    need-to-know must not end where an identity grows (a wrong link then hides too much, never too
    little, and shows to those cleared). Returns the accounts newly restricted."""
    accounts = [int(r.account_id) for r in conn.execute(_UNRESTRICTED_OF_RESTRICTED_SQL)]
    if accounts:
        conn.execute(
            text("UPDATE accounts SET restricted = 1 WHERE id IN (SELECT value FROM json_each(:ids))"),
            {"ids": json.dumps(accounts)},
        )
    return accounts


def _write_links(conn: Connection, plans: Sequence[PersonPlan], ids: Sequence[int]) -> None:
    accounts: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    for plan, pid in zip(plans, ids, strict=True):
        for m in plan.members:
            kind, number = parse_ref(m.ref)
            row = (
                pid,
                number,
                m.method,
                m.probability,
                json.dumps(dict(m.reasons), sort_keys=True),
                int(m.confirmed),
            )
            (accounts if kind == "account" else contacts).append(row)
    if accounts:
        conn.exec_driver_sql(
            "INSERT INTO person_links (person_id, account_id, method, probability, reasons_json, confirmed) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            accounts,
        )
    if contacts:
        conn.exec_driver_sql(
            "INSERT INTO person_contacts (person_id, contact_id, method, probability, reasons_json, "
            "confirmed) VALUES (?, ?, ?, ?, ?, ?)",
            contacts,
        )


def _retire(
    conn: Connection, old: Mapping[int, set[str]], kept: set[int], person_of: Mapping[str, int], now: str
) -> int:
    retired = 0
    for pid, refs in sorted(old.items()):
        if pid in kept:
            continue
        heirs = Counter(person_of[ref] for ref in refs if ref in person_of)
        heir = min(heirs, key=lambda h: (-heirs[h], h)) if heirs else None
        conn.execute(
            text("UPDATE persons SET retired_at_utc = :now, merged_into = :heir WHERE id = :id"),
            {"now": now, "heir": heir, "id": pid},
        )
        retired += 1
    return retired


def persist_candidates(
    conn: Connection, candidates: Iterable[Candidate], person_of: Mapping[str, int]
) -> int:
    """Replace the review list; pairs whose records now share a person are dropped."""
    conn.execute(text("DELETE FROM identity_candidates"))
    rows: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    for c in candidates:
        left, right = sorted((c.left, c.right))
        lp, rp = person_of.get(left), person_of.get(right)
        if (left, right) in seen or (lp is not None and lp == rp):
            continue
        seen.add((left, right))
        rows.append(
            (left, right, lp, rp, c.probability, c.status, json.dumps(dict(c.reasons), sort_keys=True))
        )
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO identity_candidates (left_ref, right_ref, left_person_id, right_person_id, "
            "probability, status, reasons_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def refresh_candidate_persons(conn: Connection) -> None:
    """Point candidates at the persons their records now belong to (after a decision)."""
    person_of: dict[str, int] = {}
    for pid, refs in current_members(conn).items():
        for ref in refs:
            person_of[ref] = pid
    rows = list(conn.execute(text("SELECT id, left_ref, right_ref FROM identity_candidates")))
    for row in rows:
        lp, rp = person_of.get(row.left_ref), person_of.get(row.right_ref)
        if lp is not None and lp == rp:
            conn.execute(text("DELETE FROM identity_candidates WHERE id = :id"), {"id": row.id})
        else:
            conn.execute(
                text(
                    "UPDATE identity_candidates SET left_person_id = :l, right_person_id = :r WHERE id = :id"
                ),
                {"l": lp, "r": rp, "id": row.id},
            )


_IDENTIFIER_SQL = text("SELECT id FROM identifiers WHERE kind = :kind AND value_norm = :value")


def persist_shared(conn: Connection, verdicts: Mapping[str, SharedVerdict]) -> int:
    """Mark the judged identifiers shared with their reasons; clear marks this stage made before
    that no longer hold (marks set by anyone else stay)."""
    now = to_iso(utc_now())
    marked: set[int] = set()
    for key, verdict in sorted(verdicts.items()):
        kind, _, value = key.partition(":")
        found = conn.execute(_IDENTIFIER_SQL, {"kind": kind, "value": value}).scalar_one_or_none()
        if found is None:
            continue
        identifier_id = int(found)
        marked.add(identifier_id)
        conn.execute(text("UPDATE identifiers SET is_shared = 1 WHERE id = :id"), {"id": identifier_id})
        conn.execute(
            text(
                "INSERT INTO identifier_shared_reasons (identifier_id, reason, holders, details_json, "
                "marked_at_utc) VALUES (:id, :reason, :holders, :details, :now) ON CONFLICT (identifier_id) "
                "DO UPDATE SET reason = :reason, holders = :holders, details_json = :details"
            ),
            {
                "id": identifier_id,
                "reason": verdict.reason,
                "holders": verdict.holders,
                "details": json.dumps(verdict.details(), sort_keys=True),
                "now": now,
            },
        )
    stale = [int(r[0]) for r in conn.execute(text("SELECT identifier_id FROM identifier_shared_reasons"))]
    for identifier_id in stale:
        if identifier_id not in marked:
            conn.execute(text("UPDATE identifiers SET is_shared = 0 WHERE id = :id"), {"id": identifier_id})
            conn.execute(
                text("DELETE FROM identifier_shared_reasons WHERE identifier_id = :id"), {"id": identifier_id}
            )
    return len(marked)
