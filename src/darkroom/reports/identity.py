"""The suspect's identities for a package: each linked account with the evidence and confidence of
its link, which links an investigator confirmed and which rest on the model alone, the account's
identifiers with where they were seen, and the investigators' decisions (identity decisions and lead
marks), whose reasons are printed through the redaction engine (`SuspectScope.typed`).

A restricted account (an undercover officer's, a victim's) keeps its place in the list, so the
reader knows one exists, but its handle, names and identifiers show only with clearance.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from darkroom.clearance import REDACTED
from darkroom.reports.facts import provenance
from darkroom.reports.scope import SuspectScope
from darkroom.reports.sections import (
    AccountName,
    DecisionRecord,
    IdentifierEvidence,
    Identity,
    IdentityLink,
    LinkStatus,
    Occurrence,
)

OCCURRENCES_SHOWN = 5  # per identifier; the total is given, `darkroom identifier show` lists all

_LINKS_SQL = text(
    """
    SELECT a.id, a.platform, a.handle, a.restricted, a.first_seen_utc, a.last_seen_utc,
           l.method, l.probability, l.reasons_json, l.confirmed
    FROM person_links l JOIN accounts a ON a.id = l.account_id
    WHERE l.person_id = :p ORDER BY l.confirmed DESC, l.method, a.platform, a.handle
    """
)

_NAMES_SQL = text(
    """
    SELECT n.display_name, n.file_id, n.locator, e.ref AS exhibit_ref, f.display_path AS path
    FROM account_names n LEFT JOIN files f ON f.id = n.file_id LEFT JOIN exhibits e ON e.id = f.exhibit_id
    WHERE n.account_id = :a ORDER BY n.display_name, e.ref, f.display_path
    """
)

_IDENTIFIERS_SQL = text(
    """
    SELECT i.id, i.kind, i.value_norm, i.is_shared,
           (SELECT COUNT(*) FROM identifier_occurrences o
            WHERE o.identifier_id = i.id AND o.account_id = :a) AS total
    FROM account_identifiers ai JOIN identifiers i ON i.id = ai.identifier_id
    WHERE ai.account_id = :a ORDER BY i.kind, i.value_norm
    """
)

_OCCURRENCES_SQL = text(
    """
    SELECT o.raw_value, o.file_id, o.locator, e.ref AS exhibit_ref, f.display_path AS path
    FROM identifier_occurrences o JOIN files f ON f.id = o.file_id JOIN exhibits e ON e.id = o.exhibit_id
    WHERE o.identifier_id = :i AND o.account_id = :a ORDER BY e.ref, f.display_path, o.id LIMIT :n
    """
)


def link_status(method: str, confirmed: bool) -> LinkStatus:
    """Confirmed by an investigator; else a deterministic rule; else the model alone (DESIGN)."""
    if confirmed or method == "investigator":
        return "confirmed"
    if method == "deterministic":
        return "deterministic"
    return "model-only"


def reason_lines(reasons_json: str) -> tuple[str, ...]:
    """The link's reasons as lines, whatever shape the identity stage stored (object or list)."""
    try:
        reasons: Any = json.loads(reasons_json or "{}")
    except json.JSONDecodeError:
        return (reasons_json,)
    if isinstance(reasons, dict):
        return tuple(f"{key}: {_plain(value)}" for key, value in sorted(reasons.items()))
    if isinstance(reasons, list):
        return tuple(_plain(value) for value in reasons)
    return (_plain(reasons),)


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _names(conn: Connection, account_id: int) -> tuple[AccountName, ...]:
    return tuple(
        AccountName(str(r.display_name), provenance(r) if r.file_id is not None else None)
        for r in conn.execute(_NAMES_SQL, {"a": account_id})
    )


def _identifiers(conn: Connection, account_id: int) -> tuple[IdentifierEvidence, ...]:
    found = []
    for row in conn.execute(_IDENTIFIERS_SQL, {"a": account_id}).all():
        occurrences = tuple(
            Occurrence(str(o.raw_value), provenance(o))
            for o in conn.execute(_OCCURRENCES_SQL, {"i": row.id, "a": account_id, "n": OCCURRENCES_SHOWN})
        )
        found.append(
            IdentifierEvidence(
                str(row.kind), str(row.value_norm), bool(row.is_shared), occurrences, int(row.total)
            )
        )
    return tuple(found)


def _link(conn: Connection, scope: SuspectScope, row: Any) -> IdentityLink:
    hidden = bool(row.restricted) and not scope.cleared
    return IdentityLink(
        account_id=int(row.id),
        platform=str(row.platform),
        handle=REDACTED if hidden else str(row.handle),
        restricted=bool(row.restricted),
        names=(AccountName(REDACTED, None),) if hidden else _names(conn, int(row.id)),
        method=str(row.method),
        probability=None if row.probability is None else float(row.probability),
        reasons=(REDACTED,) if hidden else tuple(map(scope.typed, reason_lines(str(row.reasons_json)))),
        status=link_status(str(row.method), bool(row.confirmed)),
        first_seen_utc=row.first_seen_utc,
        last_seen_utc=row.last_seen_utc,
        identifiers=() if hidden else _identifiers(conn, int(row.id)),
    )


_DECISIONS_SQL = text(
    """
    SELECT d.audit_seq, d.at_utc, d.actor, d.kind, d.subject, d.object_ref, d.reason FROM decisions d
    WHERE d.subject IN (SELECT value FROM json_each(:r))
       OR EXISTS (SELECT 1 FROM json_each(:r) ref
                  WHERE instr(',' || d.object_ref || ',', ',' || ref.value || ',') > 0)
    ORDER BY d.at_utc, d.id
    """
)


def _decisions(conn: Connection, scope: SuspectScope) -> tuple[DecisionRecord, ...]:
    """Decisions whose subject or object is the person or one of his accounts (identity decisions, and
    lead marks, whose object lists every account the lead stood for); reasons as the reader may see them."""
    refs = [f"person:{scope.person_id}", *(f"account:{a}" for a in scope.account_ids)]
    return tuple(
        DecisionRecord(
            int(r.audit_seq),
            str(r.at_utc),
            str(r.actor),
            str(r.kind),
            str(r.subject),
            r.object_ref,
            scope.typed(str(r.reason)),
        )
        for r in conn.execute(_DECISIONS_SQL, {"r": json.dumps(refs)})
    )


def identity(conn: Connection, scope: SuspectScope) -> Identity:
    """The suspect's person record, every linked account and the decisions about them."""
    person = conn.execute(
        text("SELECT id, label, restricted, created_at_utc FROM persons WHERE id = :p"),
        {"p": scope.person_id},
    ).one()
    links = tuple(_link(conn, scope, row) for row in conn.execute(_LINKS_SQL, {"p": scope.person_id}).all())
    return Identity(
        person_id=int(person.id),
        label=scope.shown(str(person.label), bool(person.restricted)),
        restricted=bool(person.restricted),
        created_at_utc=str(person.created_at_utc),
        links=links,
        decisions=_decisions(conn, scope),
    )
