"""Leads for the pages, read through darkroom.network.queries and masked for the viewer.

A lead standing for a restricted person or account is shown only with clearance.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Final

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.network.queries import lead_detail, list_leads
from darkroom.web.access import CaseView
from darkroom.web.queries import Page, clamp_page
from darkroom.web.redaction import redactor_for

LEADS_PER_PAGE: Final = 50


def _restricted_nodes(conn: Connection, node_keys: list[str]) -> set[str]:
    rows = conn.execute(
        text(
            "SELECT n.node_key FROM network_nodes n LEFT JOIN persons p ON p.id = n.person_id "
            "LEFT JOIN accounts a ON a.id = n.account_id "
            "WHERE n.node_key IN (SELECT value FROM json_each(:k)) "
            "AND COALESCE(p.restricted, a.restricted, 0) = 1"
        ),
        {"k": json.dumps(node_keys)},
    )
    return {str(r.node_key) for r in rows}


def _node_link(node_key: str | None) -> dict[str, Any]:
    kind, _, number = (node_key or "").partition(":")
    return {"person_id": int(number) if kind == "person" else None,
            "account_id": int(number) if kind == "account" else None}  # fmt: skip


def leads_page(conn: Connection, view: CaseView, number: int, include_closed: bool = False) -> Page:
    """Leads by rank (closed ones after the open ones on request), restricted ones left out."""
    number = clamp_page(number)
    rows = list_leads(conn, LEADS_PER_PAGE + 1, include_closed, offset=(number - 1) * LEADS_PER_PAGE)
    window = rows[:LEADS_PER_PAGE]
    node_keys = [r.lead_key for r in window if not r.lead_key.startswith("identifier:")]
    hidden = set() if view.cleared else _restricted_nodes(conn, node_keys)
    items = [
        {**asdict(r), "reasons": list(r.reasons), **_node_link(r.lead_key)}
        for r in window
        if r.lead_key not in hidden
    ]
    has_next = len(rows) > LEADS_PER_PAGE
    return Page(items, number, LEADS_PER_PAGE, has_next)


def lead_node(conn: Connection, lead_id: int) -> tuple[str, str | None] | None:
    """(lead_key, node_key) of a lead, if it exists."""
    row = conn.execute(text("SELECT lead_key, node_key FROM leads WHERE id = :id"), {"id": lead_id}).first()
    return None if row is None else (str(row.lead_key), row.node_key)


def lead_page(conn: Connection, view: CaseView, lead_id: int) -> dict[str, Any] | None:
    """One lead with reasons, evidence (exhibit, file, locator) and marks (restricted names redacted
    from the evidence and the marks' reasons); None when absent or hidden."""
    found = lead_node(conn, lead_id)
    if found is None:
        return None
    lead_key, node_key = found
    if node_key is not None and not view.cleared and _restricted_nodes(conn, [node_key]):
        return None
    try:
        detail = lead_detail(conn, str(lead_id))
    except InvalidInput:
        return None
    redactor = redactor_for(conn, view)
    for evidence in detail["evidence"]:
        redactor.fields(evidence, "title", "file", "locator", "display_name")
        redactor.rows(evidence.get("sent_by_lead") or [], "file", "locator")
    redactor.rows(detail["marks"], "reason")  # typed by an investigator: may name anyone
    detail.update(_node_link(node_key))
    detail["node_key"] = node_key
    detail["lead_key"] = lead_key
    return detail
