"""Text investigators typed and the package prints (identity decision and lead-mark reasons, bookmark
labels, exhibit descriptions and seizure facts) goes through the redaction engine: without clearance a
restricted record named in it reads "[restricted]", the rest of the text stays; with clearance all of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from darkroom.clearance import Clearance
from darkroom.evidence import audit
from darkroom.network.build import run_network
from darkroom.network.marks import mark_lead
from darkroom.reports.outputs import write_report
from darkroom.reports.package import PackageRequest
from darkroom.store import CaseStore
from tests.reports.conftest import BuiltCase

# The restricted records of the case: person 3 "Per Undercover", holding account user333 ("Per").
CONFIRM_REASON = "phone matches; met Per Undercover at the depot on monday"
LEAD_REASON = "identified by user333 during the deployment"
MOVED_LEAD_REASON = "PER.UNDERCOVER recognised him from the photo"
BOOKMARK_LABEL = "Per asks about the bike"
DESCRIPTION = "laptop handed over by Per Undercover"
RESTRICTED_WORDS = ("Per Undercover", "user333", "PER.UNDERCOVER", "Per asks")


_DECISION_SQL = text(
    "INSERT INTO decisions (kind, subject, object_ref, reason, actor, at_utc, audit_seq) "
    "VALUES (:kind, :subject, :o, :r, 'analyst1', :at, :seq)"
)
_BOOKMARK_SQL = text(
    "INSERT INTO bookmarks (subject_kind, subject_id, label, created_by, created_at_utc, audit_seq) "
    "VALUES ('message', :m, :l, 'analyst1', '2026-03-21T10:00:00+00:00', 1)"
)


def _decide(conn: Connection, kind: str, subject: str, object_ref: str, reason: str, at: str) -> None:
    """A decision row as identity resolution and lead marks write it (with its audit row)."""
    entry = audit.append(conn, "analyst1", kind.replace("-", "."), subject, {"reason": reason})
    conn.execute(_DECISION_SQL, {"kind": kind, "subject": subject, "o": object_ref, "r": reason, "at": at,
                                 "seq": entry.seq})  # fmt: skip


def _typed_text(store: CaseStore, ola: int) -> None:
    """Decisions, marks, a bookmark and an exhibit description as investigators would leave them."""
    run_network(store, "analyst")
    mark_lead(store, "person:2", "identified", LEAD_REASON, "analyst1")  # Kari's lead
    with store.write() as conn:
        accounts = ",".join(f"account:{r.account_id}" for r in conn.execute(
            text("SELECT account_id FROM person_links WHERE person_id = :p ORDER BY account_id"), {"p": ola}
        ))  # fmt: skip
        _decide(
            conn, "identity.confirm", f"person:{ola}", accounts, CONFIRM_REASON, "2026-03-21T08:00:00+00:00"
        )
        # A mark made when Ola's accounts were another person's lead: its object lists them all.
        _decide(conn, "lead-identify", "person:77", accounts, MOVED_LEAD_REASON, "2026-03-22T08:00:00+00:00")
        conn.execute(text(
            "CREATE TABLE IF NOT EXISTS bookmarks (id INTEGER PRIMARY KEY, subject_kind TEXT NOT NULL, "
            "subject_id INTEGER NOT NULL, label TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL, "
            "created_at_utc TEXT NOT NULL, audit_seq INTEGER NOT NULL)"
        ))  # fmt: skip
        per_message = conn.execute(
            text("SELECT id FROM messages WHERE body LIKE 'can I see it%'")
        ).scalar_one()
        conn.execute(_BOOKMARK_SQL, {"m": per_message, "l": BOOKMARK_LABEL})
        conn.execute(text("UPDATE exhibits SET description = :d WHERE ref = 'EX-1'"), {"d": DESCRIPTION})


def _pages(case: BuiltCase, out: Path, clearance: Clearance) -> tuple[str, str]:
    """Ola's and Kari's packages as HTML, at the reader's clearance."""
    store = CaseStore.open(case.root)
    pages = []
    try:
        for person_id in (case.ola, case.kari):
            path = out / f"person-{person_id}-{clearance}.html"
            write_report(
                store, PackageRequest(person_id, clearance=clearance), path, "html", "en", "analyst1"
            )
            pages.append(path.read_text(encoding="utf-8"))
    finally:
        store.close()
    return pages[0], pages[1]


@pytest.fixture
def typed_case(case_copy: BuiltCase) -> BuiltCase:
    store = CaseStore.open(case_copy.root)
    try:
        _typed_text(store, case_copy.ola)
    finally:
        store.close()
    return case_copy


def test_typed_text_naming_a_restricted_record_is_redacted_without_clearance(
    typed_case: BuiltCase, tmp_path: Path
) -> None:
    ola, kari = _pages(typed_case, tmp_path, "standard")
    for page in (ola, kari):
        assert not [word for word in RESTRICTED_WORDS if word in page]
    # The reason is still there, only the name is gone: in the decisions table and in the timeline.
    assert ola.count("phone matches; met [restricted] at the depot on monday") == 2
    assert "[restricted] recognised him from the photo" in ola  # a mark listing his accounts
    assert "laptop handed over by [restricted]" in ola
    assert "identified by [restricted] during the deployment" in kari  # the mark on Kari's lead
    assert "[restricted] asks about the bike" in ola  # a bookmark in Ola's chat with Per


def test_with_clearance_the_typed_text_is_printed_whole(typed_case: BuiltCase, tmp_path: Path) -> None:
    ola, kari = _pages(typed_case, tmp_path, "restricted")
    for typed in (CONFIRM_REASON, MOVED_LEAD_REASON, BOOKMARK_LABEL, DESCRIPTION):
        assert typed in ola
    assert LEAD_REASON in kari
