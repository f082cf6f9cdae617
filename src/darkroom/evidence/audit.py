"""The append-only, hash-chained audit log and its verification.

Each row's hash is SHA-256 over a canonical JSON encoding of its other columns, including the
previous row's hash, so editing, deleting, inserting or reordering rows breaks the chain.
Cut-off tails and wholesale recomputation are caught against the anchor file (every head the
chain ever had) or a head an examiner kept elsewhere.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from darkroom.model import AuditEntry
from darkroom.store import CaseStore, schema
from darkroom.store.anchor import read_heads
from darkroom.store.case import AUDIT_HEADS_KEY
from darkroom.timeutil import from_iso, to_iso, utc_now

GENESIS_HASH = "0" * 64


def canonical_details(details: dict[str, Any]) -> str:
    """The one text form of a details object: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_row_hash(
    seq: int,
    at_utc: str,
    actor: str,
    action: str,
    object_ref: str,
    details_json: str,
    prev_hash: str,
) -> str:
    """SHA-256 of the canonical encoding of one row (every column but the hash itself)."""
    encoded = json.dumps(
        [seq, at_utc, actor, action, object_ref, details_json, prev_hash],
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def append(conn: Connection, actor: str, action: str, object_ref: str, details: dict[str, Any]) -> AuditEntry:
    """Append one row inside the caller's write transaction (which holds the write lock)."""
    last = conn.execute(
        select(schema.audit_log.c.seq, schema.audit_log.c.row_hash)
        .order_by(schema.audit_log.c.seq.desc())
        .limit(1)
    ).first()
    seq = 1 if last is None else int(last.seq) + 1
    prev_hash = GENESIS_HASH if last is None else str(last.row_hash)
    at = utc_now()
    at_utc = to_iso(at)
    details_json = canonical_details(details)
    row_hash = compute_row_hash(seq, at_utc, actor, action, object_ref, details_json, prev_hash)
    conn.execute(
        schema.audit_log.insert().values(
            seq=seq,
            at_utc=at_utc,
            actor=actor,
            action=action,
            object_ref=object_ref,
            details_json=details_json,
            prev_hash=prev_hash,
            row_hash=row_hash,
        )
    )
    conn.info.setdefault(AUDIT_HEADS_KEY, []).append((seq, row_hash, at_utc))
    return AuditEntry(seq, at, actor, action, object_ref, details, prev_hash, row_hash)


def entries(conn: Connection, action_prefix: str | None = None) -> Iterator[AuditEntry]:
    """Stream the log in sequence order, optionally only actions starting with a prefix."""
    query = select(schema.audit_log).order_by(schema.audit_log.c.seq)
    if action_prefix:
        query = query.where(schema.audit_log.c.action.startswith(action_prefix))
    for row in conn.execute(query):
        yield AuditEntry(
            seq=row.seq,
            at=from_iso(row.at_utc),
            actor=row.actor,
            action=row.action,
            object_ref=row.object_ref,
            details=json.loads(row.details_json),
            prev_hash=row.prev_hash,
            row_hash=row.row_hash,
        )


@dataclass(slots=True)
class ChainReport:
    """What `audit verify` found: the chain's length and head, and the first problem if any."""

    row_count: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    anchor_heads_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_rows(conn: Connection, report: ChainReport, wanted: dict[int, str]) -> dict[int, str]:
    """Walk the chain; stop at the first bad row. Returns the hashes at the `wanted` sequence numbers."""
    found: dict[int, str] = {}
    prev_hash = GENESIS_HASH
    for expected_seq, row in enumerate(
        conn.execute(select(schema.audit_log).order_by(schema.audit_log.c.seq)), 1
    ):
        if row.seq != expected_seq:
            report.problems.append(
                f"row {row.seq}: expected row {expected_seq} here; rows were deleted or inserted"
            )
            return found
        if row.prev_hash != prev_hash:
            report.problems.append(
                f"row {row.seq}: its previous-hash does not match row {row.seq - 1}; "
                "rows were deleted, inserted or reordered"
            )
            return found
        recomputed = compute_row_hash(
            row.seq,
            row.at_utc,
            row.actor,
            row.action,
            row.object_ref,
            row.details_json,
            row.prev_hash,
        )
        if recomputed != row.row_hash:
            report.problems.append(f"row {row.seq}: its content does not match its hash; the row was edited")
            return found
        if row.seq in wanted:
            found[row.seq] = row.row_hash
        prev_hash = row.row_hash
        report.row_count, report.head_seq, report.head_hash = row.seq, row.seq, row.row_hash
    return found


def verify_chain(store: CaseStore, head: str | None = None) -> ChainReport:
    """Check every row, then the anchor file, then a head kept elsewhere (if given)."""
    report = ChainReport()
    heads, anchor_problems = read_heads(store.anchor_path) if store.anchor_path.exists() else ([], [])
    wanted = {h.seq: h.row_hash for h in heads}
    wanted_head_seq: int | None = None
    with store.read() as conn:
        if head is not None:
            row = conn.execute(
                select(schema.audit_log.c.seq).where(schema.audit_log.c.row_hash == head)
            ).first()
            wanted_head_seq = None if row is None else int(row.seq)
        found = _check_rows(conn, report, wanted)
    if report.problems:
        return report
    if not store.anchor_path.exists():
        report.problems.append(
            f"the anchor file {store.anchor_path.name} is missing; "
            "the chain cannot be checked for a cut-off tail"
        )
        return report
    report.problems.extend(anchor_problems)
    for anchor in heads:
        report.anchor_heads_checked += 1
        if anchor.seq > report.head_seq:
            report.problems.append(
                f"the chain ends at row {report.head_seq} but the anchor recorded row {anchor.seq} "
                f"(line {anchor.line_no}); rows were cut off the end"
            )
            break
        if found.get(anchor.seq) != anchor.row_hash:
            report.problems.append(
                f"row {anchor.seq}: its hash differs from the one the anchor recorded "
                f"(line {anchor.line_no}); the chain was rewritten"
            )
            break
    if head is not None and not report.problems and wanted_head_seq is None:
        report.problems.append(f"the head {head} is not in the chain; the chain was cut off or rewritten")
    return report
