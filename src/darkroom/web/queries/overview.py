"""The case dashboard, parse coverage, evidence with custody, and the audit log view."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, text

from darkroom.web.access import CaseView
from darkroom.web.queries import Page, limits, page_of
from darkroom.web.redaction import redactor_for

_COUNTS_SQL = text(
    """
    SELECT (SELECT COUNT(*) FROM exhibits) AS exhibits,
           (SELECT COUNT(*) FROM files) AS files,
           (SELECT COUNT(*) FROM messages) AS messages,
           (SELECT COUNT(*) FROM conversations) AS conversations,
           (SELECT COUNT(*) FROM accounts) AS accounts,
           (SELECT COUNT(*) FROM contacts) AS contacts,
           (SELECT COUNT(*) FROM identifiers) AS identifiers,
           (SELECT COUNT(*) FROM persons) AS persons,
           (SELECT COUNT(*) FROM media WHERE status = 'done') AS media,
           (SELECT COUNT(*) FROM media WHERE status = 'failed') AS media_failed,
           (SELECT COUNT(DISTINCT file_id) FROM media_matches) AS media_matched,
           (SELECT COUNT(*) FROM media_series) AS media_series,
           (SELECT COUNT(*) FROM audit_log) AS audit_rows
    """
)

_EXHIBITS_SQL = text(
    "SELECT id, ref, seized_from, seized_at_utc, seized_by, description, intake_status, file_count, "
    "total_bytes, manifest_sha256, registered_at_utc, completed_at_utc FROM exhibits ORDER BY ref"
)

_COVERAGE_SQL = text(
    """
    SELECT e.ref AS exhibit, p.status, COUNT(*) AS files
    FROM file_parses p JOIN files f ON f.id = p.file_id JOIN exhibits e ON e.id = f.exhibit_id
    GROUP BY e.ref, p.status ORDER BY e.ref, p.status
    """
)

_FORMATS_SQL = text(
    "SELECT COALESCE(parser, '(none)') AS parser, status, COUNT(*) AS files FROM file_parses "
    "GROUP BY parser, status ORDER BY files DESC"
)

_FILES_SQL = text(
    """
    SELECT f.id, e.ref AS exhibit, f.display_path AS path, f.mime_type, f.size, p.status, p.parser,
           p.record_count, p.warning_count, p.error
    FROM file_parses p JOIN files f ON f.id = p.file_id JOIN exhibits e ON e.id = f.exhibit_id
    WHERE p.status = :status ORDER BY p.file_id LIMIT :limit OFFSET :offset
    """
)


def counts(conn: Connection) -> dict[str, int]:
    """What the case holds, by kind of record."""
    return {key: int(value or 0) for key, value in conn.execute(_COUNTS_SQL).one()._mapping.items()}


def exhibits(conn: Connection) -> list[dict[str, Any]]:
    """Every exhibit with its seizure facts and intake state (exhibits are few)."""
    return [dict(row._mapping) for row in conn.execute(_EXHIBITS_SQL)]


def coverage(conn: Connection) -> dict[str, Any]:
    """Parse coverage per exhibit and per parser, with totals by status."""
    per_exhibit: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {"parsed": 0, "unsupported": 0, "failed": 0}
    for row in conn.execute(_COVERAGE_SQL):
        per_exhibit.setdefault(row.exhibit, {"parsed": 0, "unsupported": 0, "failed": 0})[row.status] = (
            row.files
        )
        totals[row.status] = totals.get(row.status, 0) + int(row.files)
    formats = [dict(row._mapping) for row in conn.execute(_FORMATS_SQL)]
    return {"totals": totals, "per_exhibit": per_exhibit, "by_parser": formats}


def files_page(conn: Connection, view: CaseView, status: str, number: int) -> Page:
    """Files of one parse status (the unsupported and failed ones are what disclosure needs); restricted
    names redacted from paths and errors."""
    rows = [dict(r._mapping) for r in conn.execute(_FILES_SQL, {"status": status, **limits(number)})]
    redactor_for(conn, view).rows(rows, "path", "error")
    return page_of(rows, number, 50)


_CUSTODY_SQL = text(
    "SELECT seq, at_utc, actor, action, details_json FROM audit_log "
    "WHERE object_ref = :object ORDER BY seq DESC LIMIT 50"
)


def custody(conn: Connection, exhibit_ref: str) -> dict[str, Any]:
    """An exhibit's custody events (newest first) and its latest verification."""
    events = []
    for row in conn.execute(_CUSTODY_SQL, {"object": f"exhibit:{exhibit_ref}"}):
        item = dict(row._mapping)
        item["details"] = json.loads(item.pop("details_json"))
        events.append(item)
    verified = next((e for e in events if e["action"] == "evidence.verify"), None)
    return {"events": events, "last_verify": verified}


def audit_page(
    conn: Connection, view: CaseView, number: int, action_prefix: str | None, object_ref: str | None
) -> Page:
    """Audit rows, newest first, optionally of one action prefix or one object; for a viewer without
    clearance restricted names are redacted from the details (reasons and notes investigators typed,
    titles, paths) and object references. The chain's hashes are of the rows as recorded."""
    clauses: list[str] = []
    params: dict[str, object] = dict(limits(number))
    if action_prefix:
        clauses.append("action >= :lo AND action < :hi")
        params |= {"lo": action_prefix, "hi": action_prefix + "\U0010ffff"}
    if object_ref:
        clauses.append("object_ref = :object")
        params["object"] = object_ref
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = text(
        "SELECT seq, at_utc, actor, action, object_ref, details_json, row_hash FROM audit_log "
        f"{where} ORDER BY seq DESC LIMIT :limit OFFSET :offset"
    )
    redactor = redactor_for(conn, view)
    rows = []
    for row in conn.execute(sql, params):
        item = dict(row._mapping)
        item["details"] = redactor.value(json.loads(item.pop("details_json")))
        redactor.fields(item, "object_ref")
        rows.append(item)
    return page_of(rows, number, 50)
