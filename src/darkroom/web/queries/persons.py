"""Persons as identity resolution left them: linked accounts, identifiers, exhibits.

Phase 1 reads `persons` and `person_links` directly; the identity, network and triage query
modules (confidence and why, partners, priority) plug in here when they land.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from darkroom.web.access import CaseView
from darkroom.web.queries import Page, limits, page_of

_PERSONS_SQL = text(
    """
    SELECT p.id, p.label, p.restricted, p.created_at_utc,
           (SELECT COUNT(*) FROM person_links l JOIN accounts a ON a.id = l.account_id
            WHERE l.person_id = p.id AND (a.restricted = 0 OR :cleared = 1)) AS accounts
    FROM persons p WHERE (p.restricted = 0 OR :cleared = 1)
    ORDER BY p.label, p.id LIMIT :limit OFFSET :offset
    """
)

_LINKS_SQL = text(
    """
    SELECT a.id AS account_id, a.platform, a.handle_norm AS handle, a.restricted, l.method, l.probability,
           l.reasons_json, l.confirmed,
           (SELECT COUNT(*) FROM messages m WHERE m.sender_account_id = a.id) AS messages_sent,
           (SELECT GROUP_CONCAT(DISTINCT n.display_name) FROM account_names n
            WHERE n.account_id = a.id) AS names
    FROM person_links l JOIN accounts a ON a.id = l.account_id
    WHERE l.person_id = :person AND (a.restricted = 0 OR :cleared = 1)
    ORDER BY a.platform, a.handle_norm
    """
)

_IDENTIFIERS_SQL = text(
    """
    SELECT DISTINCT i.kind, i.value_norm, i.is_shared
    FROM account_identifiers ai JOIN identifiers i ON i.id = ai.identifier_id
    WHERE ai.account_id IN (SELECT value FROM json_each(:ids)) ORDER BY i.kind, i.value_norm
    """
)

_EXHIBITS_SQL = text(
    """
    SELECT e.ref, e.seized_from, COUNT(*) AS sightings FROM (
        SELECT n.exhibit_id FROM account_names n WHERE n.account_id IN (SELECT value FROM json_each(:ids))
        UNION ALL
        SELECT c.exhibit_id FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id
        WHERE p.account_id IN (SELECT value FROM json_each(:ids))
    ) s JOIN exhibits e ON e.id = s.exhibit_id GROUP BY e.ref, e.seized_from ORDER BY e.ref
    """
)


def persons_page(conn: Connection, view: CaseView, number: int) -> Page:
    """Persons by label; restricted ones only with clearance."""
    rows = [
        dict(r._mapping) for r in conn.execute(_PERSONS_SQL, {"cleared": view.cleared_flag, **limits(number)})
    ]
    return page_of(rows, number, 50)


def person(conn: Connection, view: CaseView, person_id: int) -> dict[str, Any] | None:
    """One person with accounts, identifiers and exhibits; None if absent or restricted to this viewer."""
    row = conn.execute(
        text("SELECT id, label, restricted, created_at_utc FROM persons WHERE id = :id"), {"id": person_id}
    ).first()
    if row is None or not view.visible(row.restricted):
        return None
    found = dict(row._mapping)
    links = []
    for link in conn.execute(_LINKS_SQL, {"person": person_id, "cleared": view.cleared_flag}):
        item = dict(link._mapping)
        item["reasons"] = json.loads(item.pop("reasons_json") or "{}")
        item["names"] = sorted(set((item["names"] or "").split(","))) if item["names"] else []
        links.append(item)
    ids = json.dumps([link["account_id"] for link in links])
    found["accounts"] = links
    found["identifiers"] = [dict(r._mapping) for r in conn.execute(_IDENTIFIERS_SQL, {"ids": ids})]
    found["exhibits"] = [dict(r._mapping) for r in conn.execute(_EXHIBITS_SQL, {"ids": ids})]
    return found
