"""Re-hashing an exhibit's source and naming every file that changed, vanished or appeared.

Also recomputes the digest over the recorded rows: an edit to the file list inside case.db
(say, a hash changed to match a swapped file) is caught against the value the audit chain holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from darkroom.errors import EvidenceError
from darkroom.evidence import audit
from darkroom.evidence.intake import manifest_digest
from darkroom.evidence.scan import Scanner, ScanProgress
from darkroom.model import FileRecord, IntakeStatus
from darkroom.store import CaseStore, schema
from darkroom.timeutil import zone


@dataclass(slots=True)
class VerifyReport:
    """Every difference between an exhibit's source now and what was recorded at intake."""

    exhibit_ref: str
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    record_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.new or self.record_problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "exhibit": self.exhibit_ref,
            "ok": self.ok,
            "checked": self.checked,
            "changed": self.changed,
            "missing": self.missing,
            "new": self.new,
            "record_problems": self.record_problems,
        }


def _difference(row: Any, rec: FileRecord) -> str | None:
    """Why a file found now differs from its recorded row, or None when it is the same."""
    if row.entry_kind != rec.entry_kind.value:
        return f"was a {row.entry_kind}, now a {rec.entry_kind.value}"
    if rec.read_error and not row.read_error:
        return f"now unreadable: {rec.read_error}"
    if row.read_error and not rec.read_error:
        return "was unreadable at intake, readable now"
    if rec.symlink_target != row.symlink_target:
        return "link target changed"
    sha256_now = rec.digests.sha256_hex if rec.digests else None
    if sha256_now != row.sha256:
        return f"content changed (sha256 {row.sha256} at intake, {sha256_now} now)"
    return None


class VerifySink:
    """Compares each record with the recorded row; new archives get negative tokens to be walked."""

    def __init__(self, conn: Connection, exhibit_id: int, report: VerifyReport) -> None:
        self.conn = conn
        self.exhibit_id = exhibit_id
        self.report = report
        self.seen: set[int] = set()
        self._next_token = -1

    def _new_token(self) -> int:
        self._next_token -= 1
        return self._next_token

    def record(self, rec: FileRecord) -> int | None:
        self.report.checked += 1
        row = None
        if rec.container_id is None or rec.container_id > 0:
            f = schema.files.c
            row = self.conn.execute(
                select(schema.files).where(
                    f.exhibit_id == self.exhibit_id,
                    f.container_id.is_(None)
                    if rec.container_id is None
                    else f.container_id == rec.container_id,
                    f.path == rec.path,
                )
            ).first()
        if row is None:
            self.report.new.append(rec.display_path)
            return self._new_token() if rec.is_archive else None
        self.seen.add(row.id)
        difference = _difference(row, rec)
        if difference:
            self.report.changed.append(f"{rec.display_path}: {difference}")
        if not rec.is_archive:
            return None
        return int(row.id) if row.is_archive else self._new_token()

    def archive_done(self, container: int, error: str | None) -> None:
        if error and container > 0:
            path = self.conn.execute(
                select(schema.files.c.display_path).where(schema.files.c.id == container)
            ).scalar_one()
            self.report.changed.append(f"{path}: its members could not be read now ({error})")


def _check_records(conn: Connection, exhibit: Any, report: VerifyReport) -> None:
    """The recorded rows must still hash to the manifest written at intake (and audited)."""
    recomputed = manifest_digest(conn, exhibit.id)
    audited = [
        entry.details.get("manifest_sha256")
        for entry in audit.entries(conn, "evidence.intake-complete")
        if entry.object_ref == f"exhibit:{exhibit.ref}"
    ]
    if recomputed != exhibit.manifest_sha256 or not audited or audited[-1] != recomputed:
        report.record_problems.append(
            "the recorded file list no longer matches the manifest digest written at intake "
            f"(audited {audited[-1] if audited else 'none'}, recomputed {recomputed}); "
            "case.db was altered"
        )


def verify_exhibit(
    store: CaseStore, ref: str, actor: str, tick: Callable[[ScanProgress], None] | None = None
) -> VerifyReport:
    """Re-hash one exhibit's source and compare; the result is a custody event in the audit log."""
    with store.read() as conn:
        exhibit = conn.execute(select(schema.exhibits).where(schema.exhibits.c.ref == ref)).first()
    if exhibit is None:
        msg = f"no exhibit {ref!r} in this case; `darkroom evidence list` shows them"
        raise EvidenceError(msg)
    if exhibit.intake_status != IntakeStatus.COMPLETE.value:
        msg = f"exhibit {ref!r} was not fully registered; run its `evidence add` again to finish it first"
        raise EvidenceError(msg)
    report = VerifyReport(ref)
    source = Path(os.fsdecode(exhibit.source_path))
    with store.read() as conn:
        _check_records(conn, exhibit, report)
        if not os.path.lexists(exhibit.source_path):
            report.missing.append(f"{source} (the whole exhibit source)")
        else:
            zone_name = exhibit.timezone or store.info().timezone
            scanner = Scanner(exhibit.id, source, zone(zone_name), store.work_dir("spool"))
            sink = VerifySink(conn, exhibit.id, report)
            scanner.run(sink, [], tick)
            f = schema.files.c
            for file_id, display in conn.execute(
                select(f.id, f.display_path).where(f.exhibit_id == exhibit.id).order_by(f.id)
            ):
                if file_id not in sink.seen:
                    report.missing.append(display)
    with store.write() as conn:
        audit.append(
            conn,
            actor,
            "evidence.verify",
            f"exhibit:{ref}",
            {
                "ok": report.ok,
                "checked": report.checked,
                "changed": len(report.changed),
                "missing": len(report.missing),
                "new": len(report.new),
                "record_problems": len(report.record_problems),
            },
        )
    return report
