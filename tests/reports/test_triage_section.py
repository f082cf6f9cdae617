"""The package's indicator section read from a real triage run: hits with the matched words and
provenance, planned events with their dates, and no section before triage has run."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from darkroom.cli.triage import run_triage_stage
from darkroom.reports.package import PackageRequest, build_package
from darkroom.reports.render import render_html
from darkroom.reports.sections import Unavailable
from darkroom.store import CaseStore
from tests.reports.conftest import BuiltCase

LEXICON = """\
lexicon: test-agency
language: en
categories:
  planning:
    description: arranging to meet
    weight: 1.0
    terms:
      - {term: at the gate, weight: 1}
"""


def test_hits_and_planned_events_come_from_the_triage_tables(case_copy: BuiltCase, tmp_path: Path) -> None:
    store = CaseStore.open(case_copy.root)
    try:
        before = build_package(store, PackageRequest(case_copy.ola))
        assert isinstance(before.indicators, Unavailable) and "has not run" in before.indicators.reason
        lexicon = tmp_path / "agency.yaml"
        lexicon.write_text(LEXICON, encoding="utf-8")
        run_triage_stage(store, "analyst1", lexicons=[str(lexicon)])
        with store.write() as conn:
            message = conn.execute(
                text("SELECT id, locator FROM messages WHERE body = 'see you at the gate'")
            ).one()
            conn.execute(
                text(
                    "INSERT INTO alerts (event_key, event_date, event_date_end, date_precision, date_text, "
                    "date_message_id, urgent, reference_seized_at_utc, categories_json, subjects_json, "
                    "leads_json, conversations_json, first_message_at_utc, last_message_at_utc, "
                    "computed_at_utc) VALUES ('k1', '2026-05-02', '2026-05-02', 'day', 'next Saturday', "
                    ":m, 1, '2026-04-01T00:00:00Z', '{\"planning\": 1}', '[]', '[]', '[]', "
                    "'2026-04-20T10:00:00Z', '2026-04-20T10:00:00Z', '2026-04-21T00:00:00Z')"
                ),
                {"m": message.id},
            )
            alert_id = conn.execute(text("SELECT id FROM alerts WHERE event_key = 'k1'")).scalar_one()
            conn.execute(
                text(
                    "INSERT INTO alert_messages (alert_id, message_id, role) "
                    "VALUES (:a, :m, 'indicator+date')"
                ),
                {"a": alert_id, "m": message.id},
            )
        package = build_package(store, PackageRequest(case_copy.ola))
    finally:
        store.close()
    indicators = package.indicators
    assert not isinstance(indicators, Unavailable)
    (hit,) = indicators.hits
    assert (hit.message_id, hit.indicator, hit.matched_text) == (
        message.id,
        "planning: at the gate",
        "at the gate",
    )
    assert hit.provenance.locator == message.locator
    (event,) = indicators.planned
    assert event.planned_for_utc == "2026-05-02" and "next Saturday" in event.planned_for_local
    assert event.description == "urgent: planning" and event.provenance.locator == message.locator
    html = render_html(package, "en")
    assert "next Saturday" in html and "at the gate" in html and "priority" not in html.lower()
