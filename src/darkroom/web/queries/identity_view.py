"""Persons for the pages, read through darkroom.identity.queries and masked for the viewer.

The identity module knows nothing of clearances; here restricted accounts, persons and the
identifiers only a restricted account holds are masked or left out before anything is shown.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import Connection, text

from darkroom.identity.queries import PersonDetail, person_detail
from darkroom.web.access import RESTRICTED_LABEL, CaseView
from darkroom.web.deps import TimedCache
from darkroom.web.queries import PER_PAGE, Page, clamp_page
from darkroom.web.redaction import redactor_for


def _restricted_ids(conn: Connection, table: str, ids: set[int]) -> set[int]:
    """Which of these accounts or persons are marked restricted."""
    if not ids:
        return set()
    rows = conn.execute(
        text(f"SELECT id FROM {table} WHERE restricted = 1 AND id IN (SELECT value FROM json_each(:ids))"),
        {"ids": json.dumps(sorted(ids))},
    )
    return {int(row.id) for row in rows}


def _ref_id(ref: str, kind: str) -> int | None:
    prefix, _, number = ref.partition(":")
    return int(number) if prefix == kind and number.isdigit() else None


# darkroom.identity.queries.list_persons aggregates every person's exhibits before it pages (1.6 s for
# page 1 and 45 s for page 30 on the dark-room case); this pages the person ids first and aggregates
# the same figures for those 50 only.
_PERSONS_PAGE_SQL = text(
    """
    WITH page AS (
        SELECT id, label, restricted FROM persons
        WHERE retired_at_utc IS NULL AND (restricted = 0 OR :cleared = 1)
        ORDER BY id LIMIT :limit OFFSET :offset
    ),
    members (person_id, account_id, contact_id, method, probability, confirmed) AS (
        SELECT l.person_id, l.account_id, NULL, l.method, l.probability, l.confirmed
        FROM person_links l JOIN page ON page.id = l.person_id
        UNION ALL
        SELECT k.person_id, NULL, k.contact_id, k.method, k.probability, k.confirmed
        FROM person_contacts k JOIN page ON page.id = k.person_id
    )
    SELECT page.id, page.label, page.restricted,
           COALESCE(SUM(m.account_id IS NOT NULL), 0) AS accounts,
           COALESCE(SUM(m.contact_id IS NOT NULL), 0) AS contacts,
           COALESCE(MIN(COALESCE(m.probability, 1.0)), 1.0) AS confidence,
           COALESCE(SUM(m.method = 'model' AND m.confirmed = 0), 0) AS model_links,
           COALESCE(MIN(m.confirmed), 0) AS confirmed
    FROM page LEFT JOIN members m ON m.person_id = page.id
    GROUP BY page.id ORDER BY page.id
    """
)
_PAGE_EXHIBITS_SQL = text(
    """
    WITH ids AS (SELECT value AS person_id FROM json_each(:ids)),
    accounts AS (SELECT l.person_id, l.account_id FROM person_links l JOIN ids USING (person_id))
    SELECT DISTINCT x.person_id, e.ref FROM (
        SELECT a.person_id, n.exhibit_id FROM accounts a JOIN account_names n ON n.account_id = a.account_id
        UNION SELECT a.person_id, c.exhibit_id FROM accounts a
            JOIN conversation_participants p ON p.account_id = a.account_id
            JOIN conversations c ON c.id = p.conversation_id
        UNION SELECT k.person_id, c.exhibit_id FROM person_contacts k JOIN ids USING (person_id)
            JOIN contacts c ON c.id = k.contact_id
    ) x JOIN exhibits e ON e.id = x.exhibit_id ORDER BY x.person_id, e.ref
    """
)


def persons_page(conn: Connection, view: CaseView, number: int) -> Page:
    """Active persons by number with records, exhibits and confidence (the weakest link); restricted
    ones only with clearance."""
    number = clamp_page(number)
    params = {"cleared": view.cleared_flag, "limit": PER_PAGE + 1, "offset": (number - 1) * PER_PAGE}
    rows = [dict(r._mapping) for r in conn.execute(_PERSONS_PAGE_SQL, params)]
    shown = rows[:PER_PAGE]
    exhibits: dict[int, list[str]] = {}
    for found in conn.execute(_PAGE_EXHIBITS_SQL, {"ids": json.dumps([r["id"] for r in shown])}):
        exhibits.setdefault(int(found.person_id), []).append(str(found.ref))
    for row in shown:
        row["person_id"] = row["id"]
        row["restricted"] = bool(row["restricted"])
        row["confirmed"] = bool(row["confirmed"]) and row["accounts"] + row["contacts"] > 0
        row["exhibits"] = exhibits.get(row["id"], [])
    return Page(shown, number, PER_PAGE, len(rows) > PER_PAGE)


def _restricted_identifier_values(conn: Connection, account_ids: set[int]) -> set[tuple[str, str]]:
    """(kind, value) of identifiers the restricted accounts hold, to be left out for the uncleared."""
    if not account_ids:
        return set()
    rows = conn.execute(
        text(
            "SELECT i.kind, i.value_norm FROM account_identifiers ai JOIN identifiers i "
            "ON i.id = ai.identifier_id WHERE ai.account_id IN (SELECT value FROM json_each(:ids))"
        ),
        {"ids": json.dumps(sorted(account_ids))},
    )
    return {(str(r.kind), str(r.value_norm)) for r in rows}


def _members(view: CaseView, detail: PersonDetail, hidden_accounts: set[int]) -> list[dict[str, Any]]:
    members = []
    for member in detail.members:
        item = asdict(member)
        account_id = _ref_id(member.ref, "account")
        item["account_id"] = account_id
        item["restricted"] = account_id in hidden_accounts
        item["model_only"] = member.method == "model" and not member.confirmed
        if account_id is not None and account_id in hidden_accounts and not view.cleared:
            continue
        members.append(item)
    return members


def _mask_person(
    view: CaseView, person_id: int | None, label: str, hidden: set[int]
) -> tuple[int | None, str]:
    if person_id is not None and person_id in hidden and not view.cleared:
        return None, RESTRICTED_LABEL
    return person_id, label


_VERSION_SQL = text(
    "SELECT (SELECT MAX(id) FROM decisions) AS decision, (SELECT MAX(id) FROM identity_runs) AS run, "
    "(SELECT MAX(id) FROM messages) AS message"
)


def _detail(
    conn: Connection, view: CaseView, person_id: int, cache: TimedCache | None
) -> PersonDetail | None:
    """person_detail, kept per person when a cache is given: a suspect's partners cost 0.1-0.35 s on a
    large case. Any decision, resolution run or new message makes a new key; flags are read fresh."""
    if cache is None:
        return person_detail(conn, person_id)
    version = conn.execute(_VERSION_SQL).one()
    key = f"{view.case.case_id}:{person_id}:{version.decision}:{version.run}:{version.message}"
    found: PersonDetail | None = cache.get(key, lambda: person_detail(conn, person_id))
    return found


def person_page(
    conn: Connection, view: CaseView, person_id: int, cache: TimedCache | None = None
) -> dict[str, Any] | None:
    """A person as identity resolution and decisions left it, masked for the viewer (restricted names
    redacted from records' names and provenance); None when absent or restricted to this viewer. A
    retired person comes back with `merged_into` set."""
    detail = _detail(conn, view, person_id, cache)
    flags = conn.execute(
        text("SELECT restricted, retired_at_utc, merged_into FROM persons WHERE id = :id"), {"id": person_id}
    ).first()
    if detail is None or flags is None or not view.visible(flags.restricted):
        return None
    detail = replace(
        detail,
        restricted=bool(flags.restricted),
        retired_at_utc=flags.retired_at_utc,
        merged_into=flags.merged_into,
    )
    account_ids = {a for m in detail.members if (a := _ref_id(m.ref, "account")) is not None}
    hidden_accounts = _restricted_ids(conn, "accounts", account_ids)
    other_persons = {p.person_id for p in detail.partners if p.person_id is not None}
    other_persons |= {c.other_person_id for c in detail.candidates if c.other_person_id is not None}
    hidden_persons = _restricted_ids(conn, "persons", other_persons)
    found: dict[str, Any] = {
        "id": detail.person_id,
        "label": detail.label,
        "restricted": detail.restricted,
        "created_at_utc": detail.created_at_utc,
        "updated_at_utc": detail.updated_at_utc,
        "retired_at_utc": detail.retired_at_utc,
        "merged_into": detail.merged_into,
        "members": _members(view, detail, hidden_accounts),
        "exhibits": list(detail.exhibits),
        "decisions": [asdict(d) for d in detail.decisions],
    }
    # A card's display names and its file's path may name a restricted person, and so may the reason
    # an investigator typed for a decision.
    redactor = redactor_for(conn, view)
    redactor.rows(found["members"], "names", "provenance")
    redactor.rows(found["decisions"], "reason", "object_ref")
    found["accounts"] = [m for m in found["members"] if m["kind"] == "account"]
    found["confidence"] = min((m["probability"] or 1.0 for m in found["members"]), default=1.0)
    found["model_links"] = sum(1 for m in found["members"] if m["model_only"])
    secret = set() if view.cleared else _restricted_identifier_values(conn, hidden_accounts)
    found["identifiers"] = [asdict(i) for i in detail.identifiers if (i.kind, i.value) not in secret]
    found["partners"] = _partners(conn, view, detail, hidden_persons)
    found["candidates"] = []
    for candidate in detail.candidates:
        other_id, other_label = _mask_person(
            view, candidate.other_person_id, candidate.other_label, hidden_persons
        )
        if other_label == RESTRICTED_LABEL:
            continue
        found["candidates"].append(
            {**asdict(candidate), "other_person_id": other_id, "other_label": other_label}
        )
    return found


def _partners(
    conn: Connection, view: CaseView, detail: PersonDetail, hidden_persons: set[int]
) -> list[dict[str, Any]]:
    """Conversation partners; restricted persons and accounts masked."""
    restricted_accounts: set[str] = set()
    if not view.cleared and detail.partners:
        rows = conn.execute(
            text(
                "SELECT platform || ':' || handle_norm AS account FROM accounts WHERE restricted = 1 "
                "AND platform || ':' || handle_norm IN (SELECT value FROM json_each(:accounts))"
            ),
            {"accounts": json.dumps([p.account for p in detail.partners])},
        )
        restricted_accounts = {str(r.account) for r in rows}
    partners = []
    for partner in detail.partners:
        person_id, label = _mask_person(view, partner.person_id, partner.label, hidden_persons)
        account = partner.account
        if account in restricted_accounts:
            account, label, person_id = RESTRICTED_LABEL, RESTRICTED_LABEL, None
        partners.append({**asdict(partner), "person_id": person_id, "label": label, "account": account})
    return partners


def visible_person(conn: Connection, view: CaseView, person_id: int) -> bool:
    """The person exists, is active, and the viewer may see it (for decisions naming another person)."""
    row = conn.execute(
        text("SELECT restricted, retired_at_utc FROM persons WHERE id = :id"), {"id": person_id}
    ).first()
    return row is not None and row.retired_at_utc is None and view.visible(row.restricted)


def visible_refs(conn: Connection, view: CaseView, refs: list[str]) -> bool:
    """Every `account:ID` among the refs is visible to the viewer (contact cards are not restricted)."""
    account_ids = {a for ref in refs if (a := _ref_id(ref, "account")) is not None}
    return view.cleared or not _restricted_ids(conn, "accounts", account_ids)
