"""Case and exhibit facts for a package: seizure facts, custody history from the audit chain,
hash verification status, what could not be read (disclosure) and the appendix of cited files."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from darkroom.evidence.intake import manifest_digest
from darkroom.reports.scope import SuspectScope
from darkroom.reports.sections import (
    CaseFacts,
    ChainHead,
    CitedFile,
    CustodyEvent,
    ExhibitDisclosure,
    ExhibitFacts,
    Provenance,
    UnreadFile,
    Verification,
    VerificationState,
)

# Files listed per exhibit (failures first): WeasyPrint lays out long tables slowly, and thousands of
# unsupported paths help no reader; every file is counted by status and type, `darkroom files` lists all.
DISCLOSURE_LIMIT = 60


def provenance(row: Any) -> Provenance:
    """Provenance from a row that selected `exhibit_ref`, `file_id`, `path` and `locator`."""
    return Provenance(str(row.exhibit_ref), int(row.file_id), str(row.path), str(row.locator))


def case_facts(conn: Connection) -> CaseFacts:
    """The case's name, id, region and zone."""
    settings: dict[str, str] = dict(conn.execute(text("SELECT key, value FROM case_settings")).all())
    return CaseFacts(
        case_id=settings["case_id"],
        name=settings["name"],
        region=settings["region"],
        timezone=settings["timezone"],
        created_at_utc=settings["created_at_utc"],
    )


def chain_head(conn: Connection) -> ChainHead:
    """The audit chain's last row, read in the same snapshot as the package's data."""
    row = conn.execute(text("SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1")).first()
    if row is None:
        return ChainHead(0, "0" * 64)
    return ChainHead(int(row.seq), str(row.row_hash))


def _summary(details: dict[str, Any]) -> str:
    """A short line of an audit row's details (digests kept whole: a court compares them)."""
    parts = []
    for key in sorted(details):
        value = details[key]
        if isinstance(value, (dict, list)):
            value = json.dumps(value, sort_keys=True, ensure_ascii=False)
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _custody(
    conn: Connection, scope: SuspectScope, ref: str, records_match: bool
) -> tuple[tuple[CustodyEvent, ...], Verification]:
    """The exhibit's audit rows (their details hold typed seizure facts: redacted as the reader may see
    them), and its verification status from the latest `evidence.verify` row."""
    rows = conn.execute(
        text(
            "SELECT seq, at_utc, actor, action, details_json FROM audit_log "
            "WHERE object_ref = :o ORDER BY seq"
        ),
        {"o": f"exhibit:{ref}"},
    ).all()
    events = []
    verification = Verification("never", None, None, "never re-hashed since intake", records_match)
    for row in rows:
        details = json.loads(row.details_json)
        event = CustodyEvent(
            int(row.seq), str(row.at_utc), str(row.actor), str(row.action), scope.typed(_summary(details))
        )
        events.append(event)
        if row.action == "evidence.verify":
            state: VerificationState = "verified" if details.get("ok") is True else "changed"
            verification = Verification(state, event.at_utc, event.actor, event.summary, records_match)
    return tuple(events), verification


def exhibit_facts(
    conn: Connection, scope: SuspectScope, cited_exhibit_ids: Iterable[int]
) -> tuple[ExhibitFacts, ...]:
    """Every exhibit the package covers: the suspect's and any other exhibit a cited file is in."""
    ids = sorted(set(scope.exhibit_ids) | set(cited_exhibit_ids))
    rows = conn.execute(
        text("SELECT * FROM exhibits WHERE id IN (SELECT value FROM json_each(:ids)) ORDER BY ref"),
        {"ids": json.dumps(ids)},
    ).all()
    facts = []
    for row in rows:
        records_match = (
            row.manifest_sha256 is not None and manifest_digest(conn, row.id) == row.manifest_sha256
        )
        custody, verification = _custody(conn, scope, row.ref, records_match)
        facts.append(
            ExhibitFacts(
                exhibit_id=int(row.id),
                ref=str(row.ref),
                description=None if row.description is None else scope.typed(str(row.description)),
                seized_from=scope.typed(str(row.seized_from)),
                seized_at_utc=str(row.seized_at_utc),
                seized_by=scope.typed(str(row.seized_by)),
                timezone=scope.zone_of(int(row.id)),
                source_kind=str(row.source_kind),
                file_count=int(row.file_count),
                total_bytes=int(row.total_bytes),
                manifest_sha256=row.manifest_sha256,
                suspect_appears=int(row.id) in scope.exhibit_ids,
                custody=custody,
                verification=verification,
            )
        )
    return tuple(facts)


# A file counts as read when a parser read it, or it is a picture/video the media stage decoded; a
# picture or video the media stage has not looked at yet is "not processed", not "unsupported".
_UNREAD_SQL = text(
    """
    SELECT path, mime_type, status,
           CASE WHEN status = 'not processed' AND parse_status IS NOT NULL
                THEN 'the media stage has not analysed this picture or video yet: run `darkroom process`'
                ELSE reason END AS reason
    FROM (
        SELECT f.display_path AS path, f.mime_type, p.status AS parse_status,
               CASE WHEN f.read_error IS NOT NULL OR m.status = 'failed' THEN 'failed'
                    WHEN p.status IS NULL THEN 'not processed'
                    WHEN p.status = 'unsupported' AND m.file_id IS NULL
                         AND (f.mime_type LIKE 'image/%' OR f.mime_type LIKE 'video/%') THEN 'not processed'
                    ELSE p.status END AS status,
               COALESCE(f.read_error, CASE WHEN m.status = 'failed' THEN 'media: ' || m.error END, p.error,
                        'not processed yet: run `darkroom process`') AS reason
        FROM files f LEFT JOIN file_parses p ON p.file_id = f.id LEFT JOIN media m ON m.file_id = f.id
        WHERE f.exhibit_id = :e AND f.entry_kind = 'file'
          AND (f.read_error IS NOT NULL OR m.status = 'failed' OR p.status IS NULL OR p.status = 'failed'
               OR (p.status = 'unsupported' AND m.file_id IS NULL))
    )
    ORDER BY CASE status WHEN 'failed' THEN 0 WHEN 'not processed' THEN 1 ELSE 2 END, path
    """
)


def disclosure(conn: Connection, exhibits: tuple[ExhibitFacts, ...]) -> tuple[ExhibitDisclosure, ...]:
    """Per exhibit: files that failed, were not supported by any reader, or are not processed yet."""
    sections = []
    for exhibit in exhibits:
        rows = conn.execute(_UNREAD_SQL, {"e": exhibit.exhibit_id}).all()
        counts: Counter[str] = Counter(str(r.status) for r in rows)
        by_type: Counter[tuple[str, str]] = Counter((str(r.status), r.mime_type or "-") for r in rows)
        files = tuple(
            UnreadFile(str(r.path), r.mime_type, str(r.status), str(r.reason))
            for r in rows[:DISCLOSURE_LIMIT]
        )
        sections.append(
            ExhibitDisclosure(
                exhibit_ref=exhibit.ref,
                counts=tuple(sorted(counts.items())),
                by_type=tuple((status, mime, n) for (status, mime), n in sorted(by_type.items())),
                files=files,
                not_listed=len(rows) - len(files),
            )
        )
    return tuple(sections)


def cited_files(conn: Connection, file_ids: Iterable[int]) -> tuple[CitedFile, ...]:
    """The appendix: every cited file with its exhibit, path, size and SHA-256."""
    rows = conn.execute(
        text(
            "SELECT f.id, e.ref, f.display_path, f.size, f.sha256 FROM files f "
            "JOIN exhibits e ON e.id = f.exhibit_id WHERE f.id IN (SELECT value FROM json_each(:ids)) "
            "ORDER BY e.ref, f.display_path"
        ),
        {"ids": json.dumps(sorted(set(file_ids)))},
    )
    return tuple(CitedFile(int(r.id), str(r.ref), str(r.display_path), r.size, r.sha256) for r in rows)


def exhibit_ids_of_files(conn: Connection, file_ids: Iterable[int]) -> set[int]:
    """The exhibits the cited files belong to."""
    rows = conn.execute(
        text("SELECT DISTINCT exhibit_id FROM files WHERE id IN (SELECT value FROM json_each(:ids))"),
        {"ids": json.dumps(sorted(set(file_ids)))},
    )
    return {int(r.exhibit_id) for r in rows}
