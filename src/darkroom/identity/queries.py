"""Read-side views of resolved persons for the CLI, the web app and reports: small typed
functions over one connection, each returning frozen records."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.identity.records import owner_only_values, parsed_fields


@dataclass(frozen=True, slots=True)
class PersonSummary:
    """One row of the persons listing."""

    person_id: int
    label: str
    accounts: int
    contacts: int
    exhibits: tuple[str, ...]
    confidence: float  # the weakest link's probability (1.0 when every link is deterministic)
    model_links: int  # links only the model made (never confirmed)
    confirmed: bool  # every link confirmed by an investigator
    restricted: bool


@dataclass(frozen=True, slots=True)
class MemberView:
    """An account or card of a person and how it was linked."""

    ref: str
    kind: str  # account | contact
    platform: str
    handle: str | None
    names: tuple[str, ...]
    exhibits: tuple[str, ...]
    method: str
    probability: float | None
    confirmed: bool
    reasons: dict[str, Any]
    provenance: str | None  # a card's exhibit:file:locator


@dataclass(frozen=True, slots=True)
class IdentifierView:
    """A strong identifier the person's records hold."""

    kind: str
    value: str
    records: int
    is_shared: bool
    shared_reason: str | None


@dataclass(frozen=True, slots=True)
class PartnerView:
    """Someone the person's accounts converse with."""

    person_id: int | None
    label: str
    account: str  # platform:handle of the partner account
    conversations: int
    messages: int


@dataclass(frozen=True, slots=True)
class DecisionView:
    """An investigator decision about the person."""

    decision_id: int
    kind: str
    subject: str
    object_ref: str | None
    reason: str
    actor: str
    at_utc: str
    audit_seq: int


@dataclass(frozen=True, slots=True)
class CandidateView:
    """A scored pair for review between one of the person's records and another record."""

    own_ref: str
    other_ref: str
    other_person_id: int | None
    other_label: str
    probability: float
    status: str
    reasons: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PersonDetail:
    """Everything known about one person."""

    person_id: int
    label: str
    restricted: bool
    created_at_utc: str
    updated_at_utc: str | None
    retired_at_utc: str | None
    merged_into: int | None
    members: tuple[MemberView, ...]
    identifiers: tuple[IdentifierView, ...]
    exhibits: tuple[str, ...]
    partners: tuple[PartnerView, ...]
    decisions: tuple[DecisionView, ...]
    candidates: tuple[CandidateView, ...]


_MEMBERS_CTE = """
WITH members (person_id, ref, account_id, contact_id, method, probability, confirmed, reasons_json) AS (
    SELECT person_id, 'account:' || account_id, account_id, NULL, method, probability, confirmed, reasons_json
    FROM person_links
    UNION ALL
    SELECT person_id, 'contact:' || contact_id, NULL, contact_id, method, probability, confirmed, reasons_json
    FROM person_contacts
),
member_exhibits (person_id, exhibit_id) AS (
    SELECT m.person_id, n.exhibit_id FROM members m JOIN account_names n ON n.account_id = m.account_id
    UNION SELECT m.person_id, c.exhibit_id FROM members m
        JOIN conversation_participants p ON p.account_id = m.account_id
        JOIN conversations c ON c.id = p.conversation_id
    UNION SELECT m.person_id, c.exhibit_id FROM members m JOIN contacts c ON c.id = m.contact_id
)
"""

_LIST_SQL = (
    _MEMBERS_CTE
    + """
SELECT p.id, p.label, p.restricted,
       SUM(m.account_id IS NOT NULL) AS accounts, SUM(m.contact_id IS NOT NULL) AS contacts,
       MIN(COALESCE(m.probability, 1.0)) AS confidence,
       SUM(m.method = 'model' AND m.confirmed = 0) AS model_links,
       MIN(m.confirmed) AS confirmed,
       (SELECT GROUP_CONCAT(e.ref) FROM (SELECT DISTINCT x.exhibit_id FROM member_exhibits x
            WHERE x.person_id = p.id) y JOIN exhibits e ON e.id = y.exhibit_id) AS exhibit_refs
FROM persons p JOIN members m ON m.person_id = p.id
WHERE p.retired_at_utc IS NULL {where}
GROUP BY p.id
ORDER BY {order}, p.id
LIMIT :limit OFFSET :offset
"""
)

_ORDERS = {
    "id": "p.id",
    "records": "(SUM(m.account_id IS NOT NULL) + SUM(m.contact_id IS NOT NULL)) DESC",
    "confidence": "MIN(COALESCE(m.probability, 1.0))",
}


def list_persons(
    conn: Connection, offset: int = 0, limit: int = 100, name: str | None = None, order: str = "id"
) -> list[PersonSummary]:
    """Active persons, a page at a time; `name` filters on the label; `order`: id, records, confidence."""
    if order not in _ORDERS:
        raise InvalidInput(f"unknown order {order!r}; use one of {', '.join(_ORDERS)}")
    where = "AND p.label LIKE :name" if name else ""
    sql = text(_LIST_SQL.format(where=where, order=_ORDERS[order]))
    params = {"limit": limit, "offset": offset, "name": f"%{name}%" if name else None}
    return [
        PersonSummary(
            person_id=int(row.id),
            label=str(row.label),
            accounts=int(row.accounts or 0),
            contacts=int(row.contacts or 0),
            exhibits=tuple(sorted(set(str(row.exhibit_refs).split(",")))) if row.exhibit_refs else (),
            confidence=float(row.confidence),
            model_links=int(row.model_links or 0),
            confirmed=bool(row.confirmed),
            restricted=bool(row.restricted),
        )
        for row in conn.execute(sql, params)
    ]


def count_persons(conn: Connection) -> int:
    """How many active persons the case holds (for paging)."""
    return int(conn.execute(text("SELECT COUNT(*) FROM persons WHERE retired_at_utc IS NULL")).scalar_one())


def person_of(conn: Connection, ref: str) -> int | None:
    """The active person holding a record (`account:ID` / `contact:ID`), if any."""
    kind, _, number = ref.partition(":")
    table, column = ("person_links", "account_id") if kind == "account" else ("person_contacts", "contact_id")
    if kind not in {"account", "contact"} or not number.isdigit():
        return None
    found = conn.execute(
        text(f"SELECT person_id FROM {table} WHERE {column} = :id"), {"id": int(number)}
    ).scalar_one_or_none()
    return None if found is None else int(found)


def resolve_record(conn: Connection, value: str) -> str:
    """A record ref from what an investigator types: `12`, `account:12`, `contact:7`, `telegram:dark_fox`."""
    text_value = value.strip()
    if text_value.isdigit():
        text_value = f"account:{text_value}"
    kind, _, rest = text_value.partition(":")
    if kind in {"account", "contact"} and rest.isdigit():
        table = "accounts" if kind == "account" else "contacts"
        if conn.execute(text(f"SELECT 1 FROM {table} WHERE id = :id"), {"id": int(rest)}).first() is None:
            raise InvalidInput(f"there is no {kind} {rest} in this case")
        return text_value
    found = conn.execute(
        text("SELECT id FROM accounts WHERE platform = :p AND (handle_norm = :h OR handle_norm = lower(:h))"),
        {"p": kind, "h": rest.strip().lstrip("@")},
    ).first()
    if found is None:
        raise InvalidInput(
            f"no account {value!r}; give an account id, account:ID, contact:ID or PLATFORM:HANDLE"
        )
    return f"account:{found[0]}"


def person_detail(conn: Connection, person_id: int) -> PersonDetail | None:
    """One person with members, identifiers, exhibits, partners, decisions and candidates."""
    row = conn.execute(text("SELECT * FROM persons WHERE id = :id"), {"id": person_id}).first()
    if row is None:
        return None
    members = _members(conn, person_id)
    exhibits = tuple(sorted({e for m in members for e in m.exhibits}))
    return PersonDetail(
        person_id=person_id,
        label=str(row.label),
        restricted=bool(row.restricted),
        created_at_utc=str(row.created_at_utc),
        updated_at_utc=row.updated_at_utc,
        retired_at_utc=row.retired_at_utc,
        merged_into=row.merged_into,
        members=members,
        identifiers=_identifiers(conn, person_id),
        exhibits=exhibits,
        partners=_partners(conn, person_id),
        decisions=_decisions(conn, person_id),
        candidates=_candidates(conn, person_id),
    )


_ACCOUNT_MEMBERS_SQL = text(
    "SELECT l.account_id, a.platform, a.handle_norm, l.method, l.probability, l.confirmed, l.reasons_json, "
    "(SELECT GROUP_CONCAT(DISTINCT n.display_name) FROM account_names n WHERE n.account_id = a.id) AS names, "
    "(SELECT GROUP_CONCAT(DISTINCT e.ref) FROM account_names n JOIN exhibits e ON e.id = n.exhibit_id "
    " WHERE n.account_id = a.id) AS named_on, "
    "(SELECT GROUP_CONCAT(DISTINCT e.ref) FROM conversation_participants p "
    " JOIN conversations c ON c.id = p.conversation_id JOIN exhibits e ON e.id = c.exhibit_id "
    " WHERE p.account_id = a.id) AS chats_on "
    "FROM person_links l JOIN accounts a ON a.id = l.account_id WHERE l.person_id = :id "
    "ORDER BY a.platform, a.id"
)
_CONTACT_MEMBERS_SQL = text(
    "SELECT k.contact_id, c.display_name, e.ref, f.display_path, c.locator, k.method, k.probability, "
    "k.confirmed, k.reasons_json FROM person_contacts k JOIN contacts c ON c.id = k.contact_id "
    "JOIN exhibits e ON e.id = c.exhibit_id JOIN files f ON f.id = c.file_id WHERE k.person_id = :id "
    "ORDER BY e.ref, c.id"
)


def _split(value: Any) -> tuple[str, ...]:
    return tuple(sorted(set(str(value).split(",")))) if value else ()


def _members(conn: Connection, person_id: int) -> tuple[MemberView, ...]:
    found: list[MemberView] = []
    for row in conn.execute(_ACCOUNT_MEMBERS_SQL, {"id": person_id}):
        found.append(
            MemberView(
                ref=f"account:{row.account_id}",
                kind="account",
                platform=str(row.platform),
                handle=str(row.handle_norm),
                names=_split(row.names),
                exhibits=tuple(sorted(set(_split(row.named_on)) | set(_split(row.chats_on)))),
                method=str(row.method),
                probability=row.probability,
                confirmed=bool(row.confirmed),
                reasons=json.loads(row.reasons_json),
                provenance=None,
            )
        )
    for row in conn.execute(_CONTACT_MEMBERS_SQL, {"id": person_id}):
        found.append(
            MemberView(
                ref=f"contact:{row.contact_id}",
                kind="contact",
                platform="contact-card",
                handle=None,
                names=(str(row.display_name),) if row.display_name else (),
                exhibits=(str(row.ref),),
                method=str(row.method),
                probability=row.probability,
                confirmed=bool(row.confirmed),
                reasons=json.loads(row.reasons_json),
                provenance=f"{row.ref}:{row.display_path}:{row.locator}",
            )
        )
    return tuple(found)


_IDENTIFIERS_SQL = text(
    "SELECT i.id, i.kind, i.value_norm, i.is_shared, r.reason, h.ref, h.raw_value, h.fields_json FROM ("
    " SELECT ai.identifier_id, 'account:' || ai.account_id AS ref, NULL AS raw_value, NULL AS fields_json "
    " FROM account_identifiers ai JOIN person_links l ON l.account_id = ai.account_id "
    " WHERE l.person_id = :id "
    " UNION SELECT o.identifier_id, 'contact:' || o.contact_id, o.raw_value, c.fields_json "
    " FROM identifier_occurrences o JOIN person_contacts k ON k.contact_id = o.contact_id "
    " JOIN contacts c ON c.id = o.contact_id WHERE k.person_id = :id) h "
    "JOIN identifiers i ON i.id = h.identifier_id "
    "LEFT JOIN identifier_shared_reasons r ON r.identifier_id = i.id"
)


def _identifiers(conn: Connection, person_id: int) -> tuple[IdentifierView, ...]:
    """Identifiers the person's records hold; a card's field naming the address book's own account
    (Android's sync account) is not the contact's, so it is left out, as resolution leaves it out."""
    holders: dict[int, set[str]] = defaultdict(set)
    rows: dict[int, Any] = {}
    for row in conn.execute(_IDENTIFIERS_SQL, {"id": person_id}):
        if row.fields_json is not None and row.raw_value.strip() in owner_only_values(
            parsed_fields(row.fields_json)
        ):
            continue
        holders[int(row.id)].add(str(row.ref))
        rows[int(row.id)] = row
    found = [
        IdentifierView(str(r.kind), str(r.value_norm), len(holders[key]), bool(r.is_shared), r.reason)
        for key, r in rows.items()
    ]
    return tuple(sorted(found, key=lambda i: (i.is_shared, -i.records, i.kind, i.value)))


_PARTNERS_SQL = text(
    "WITH own AS (SELECT account_id FROM person_links WHERE person_id = :id), "
    "chats AS (SELECT DISTINCT p.conversation_id FROM conversation_participants p "
    " JOIN own USING (account_id)) "
    "SELECT q.account_id, a.platform, a.handle_norm, l.person_id, pe.label, "
    "COUNT(DISTINCT q.conversation_id) AS conversations, "
    "(SELECT COUNT(*) FROM messages m WHERE m.sender_account_id = q.account_id "
    " AND m.conversation_id IN (SELECT conversation_id FROM chats)) AS messages "
    "FROM conversation_participants q JOIN chats USING (conversation_id) "
    "JOIN accounts a ON a.id = q.account_id "
    "LEFT JOIN person_links l ON l.account_id = q.account_id LEFT JOIN persons pe ON pe.id = l.person_id "
    "WHERE q.account_id NOT IN (SELECT account_id FROM own) "
    "GROUP BY q.account_id ORDER BY messages DESC, conversations DESC, a.platform, a.handle_norm LIMIT 200"
)


def _partners(conn: Connection, person_id: int) -> tuple[PartnerView, ...]:
    merged: dict[tuple[int | None, str], list[Any]] = defaultdict(list)
    for row in conn.execute(_PARTNERS_SQL, {"id": person_id}):
        merged[(row.person_id, f"{row.platform}:{row.handle_norm}")].append(row)
    return tuple(
        PartnerView(
            person_id=None if pid is None else int(pid),
            label=str(rows[0].label or account),
            account=account,
            conversations=sum(int(r.conversations) for r in rows),
            messages=sum(int(r.messages) for r in rows),
        )
        for (pid, account), rows in merged.items()
    )


_DECISIONS_SQL = text(
    "SELECT id, kind, subject, object_ref, reason, actor, at_utc, audit_seq FROM decisions "
    "WHERE kind LIKE 'person.%' AND (subject = :ref OR object_ref = :ref) ORDER BY id"
)


def _decisions(conn: Connection, person_id: int) -> tuple[DecisionView, ...]:
    return tuple(
        DecisionView(
            int(r.id),
            str(r.kind),
            str(r.subject),
            r.object_ref,
            str(r.reason),
            str(r.actor),
            str(r.at_utc),
            int(r.audit_seq),
        )
        for r in conn.execute(_DECISIONS_SQL, {"ref": f"person:{person_id}"})
    )


_CANDIDATES_SQL = text(
    "SELECT c.left_ref, c.right_ref, c.left_person_id, c.right_person_id, c.probability, c.status, "
    "c.reasons_json, pl.label AS left_label, pr.label AS right_label FROM identity_candidates c "
    "LEFT JOIN persons pl ON pl.id = c.left_person_id LEFT JOIN persons pr ON pr.id = c.right_person_id "
    "WHERE c.left_person_id = :id OR c.right_person_id = :id ORDER BY c.probability DESC LIMIT 100"
)


def _candidates(conn: Connection, person_id: int) -> tuple[CandidateView, ...]:
    found: list[CandidateView] = []
    for r in conn.execute(_CANDIDATES_SQL, {"id": person_id}):
        mine_left = r.left_person_id == person_id
        own, other = (r.left_ref, r.right_ref) if mine_left else (r.right_ref, r.left_ref)
        other_person = r.right_person_id if mine_left else r.left_person_id
        other_label = (r.right_label if mine_left else r.left_label) or other
        found.append(
            CandidateView(
                str(own),
                str(other),
                other_person,
                str(other_label),
                float(r.probability),
                str(r.status),
                json.loads(r.reasons_json),
            )
        )
    return tuple(found)
