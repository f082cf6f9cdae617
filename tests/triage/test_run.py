"""A whole triage run on a tiny case: hits, one alert for a plan seized twice, decoys silent,
scores with reasons, factors audited, re-runs idempotent, re-parsed files read again."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from darkroom.errors import InvalidInput
from darkroom.triage.factors import parse_setting, record_factors
from darkroom.triage.lexicon import load_lexicons
from darkroom.triage.profile import load_profile
from darkroom.triage.queries import list_alerts, priority_breakdown, priority_queue
from darkroom.triage.run import TriageConfig, run_triage
from tests.triage.conftest import TinyCase

CONFIG = TriageConfig(load_lexicons(None), load_profile(None))


@pytest.mark.parametrize("engine", ["hyperscan", "ahocorasick"])
def test_one_alert_per_planned_event_with_its_messages(tiny_case: TinyCase, engine: str) -> None:
    summary = run_triage(tiny_case.store, "examiner1", CONFIG, engine)  # type: ignore[arg-type]
    assert summary.indicators.messages_scanned == 18
    assert summary.alerts.active == 1 and summary.alerts.urgent == 1
    with tiny_case.store.read() as conn:
        (alert,) = list_alerts(conn)
    assert (alert.event_date, alert.date_text, alert.urgent) == ("2026-03-07", "next Saturday", True)
    assert alert.reference_seized_at_utc.startswith("2026-03-06")  # the earlier of the two seizures
    assert alert.leads == ["account:1"]  # Ola wrote the lines about the child
    assert {s["subject"] for s in alert.subjects} == {"account:1", "account:2"}
    assert len(alert.messages) == 6  # three raising messages, from both exhibits
    assert {m.exhibit for m in alert.messages} == {"EX-001", "EX-002"}
    first = alert.messages[0]
    assert first.role == "indicator+date" and first.locator == "line 3"
    span = next(h["span"] for h in first.hits if h["category"] == "access")
    assert first.body[span[0] : span[1]] in {"Her mum is away", "looking after the little one"}


def test_a_date_that_passed_before_the_seizure_is_not_urgent(tiny_case: TinyCase) -> None:
    with tiny_case.store.write() as conn:
        conn.execute(text("UPDATE exhibits SET seized_at_utc = '2026-03-09T06:00:00.000000+00:00'"))
    run_triage(tiny_case.store, "examiner1", CONFIG)
    with tiny_case.store.read() as conn:
        (alert,) = list_alerts(conn)
    assert not alert.urgent


def test_the_queue_explains_itself_and_factors_are_audited(tiny_case: TinyCase) -> None:
    run_triage(tiny_case.store, "examiner1", CONFIG)
    with tiny_case.store.read() as conn:
        queue = priority_queue(conn)
    assert [entry.subject for entry in queue] == ["account:1", "account:2"]
    with tiny_case.store.read() as conn:
        second = priority_queue(conn, 1, offset=1)
    assert [entry.subject for entry in second] == ["account:2"]  # a page from an offset
    lead = queue[0]
    kinds = [reason["kind"] for reason in lead.reasons]
    assert kinds[0] == "planned-event" and lead.reasons[0]["points"] == 40
    assert "indicators" in kinds
    assert queue[1].reasons[0]["points"] == 20  # took part: half
    with tiny_case.store.write() as conn:
        typed = ("contact_offence_history=yes", "prior_sexual_offence=yes", "age_years=31")
        settings = dict(parse_setting(item) for item in typed)
        record_factors(conn, "account:2", settings, "record 2026/123", "examiner1")
    run_triage(tiny_case.store, "examiner1", CONFIG)
    breakdown = priority_breakdown(tiny_case.store, "account:2")
    assert breakdown.rank == 1  # contact-offence history, a prior offence and age under 35 lift Kari
    assert {r["label"] for r in breakdown.reasons} >= {
        "recorded factor: contact_offence_history",
        "recorded factor: age_under_35",
    }
    assert breakdown.factors["age_years"]["value"] == "31"
    assert breakdown.alerts[0]["urgent"] and not breakdown.alerts[0]["led"]
    with tiny_case.store.read() as conn:
        actions = [row[0] for row in conn.execute(text("SELECT action FROM audit_log ORDER BY seq"))]
    assert actions.count("triage.run") == 2 and "triage.factors" in actions
    assert priority_breakdown(tiny_case.store, 99).score == 0.0


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ("age_years=7", "whole years"),
        ("colour=red", "NAME=VALUE"),
        ("prior_criminal_history=maybe", "yes or no"),
    ],
)
def test_factor_values_are_checked(setting: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_setting(setting)


def test_reruns_are_idempotent_and_keep_an_investigators_status(tiny_case: TinyCase) -> None:
    run_triage(tiny_case.store, "examiner1", CONFIG)
    with tiny_case.store.write() as conn:
        conn.execute(text("UPDATE alerts SET status = 'acknowledged'"))
    again = run_triage(tiny_case.store, "examiner1", CONFIG)
    assert again.indicators.messages_scanned == 0  # nothing new to read
    assert (again.alerts.active, again.alerts.new) == (1, 0)
    with tiny_case.store.read() as conn:
        (alert,) = list_alerts(conn)
        hits = conn.execute(text("SELECT COUNT(*) FROM indicator_hits")).scalar_one()
    assert alert.status == "acknowledged"
    assert hits == 2 * 8  # per copy: 2 access, 5 planning, 1 secrecy; the negated line none


def test_a_reparsed_file_is_read_again_and_a_new_lexicon_reads_all(tiny_case: TinyCase) -> None:
    run_triage(tiny_case.store, "examiner1", CONFIG)
    with tiny_case.store.write() as conn:
        conn.execute(text("UPDATE file_parses SET parsed_at_utc = '2026-03-21T01:00:00Z' WHERE file_id = 2"))
    assert run_triage(tiny_case.store, "examiner1", CONFIG).indicators.messages_scanned == 9
    english = TriageConfig(load_lexicons(["shipped:en"]), load_profile(None))
    summary = run_triage(tiny_case.store, "examiner1", english)
    assert summary.indicators.messages_scanned == 18
    with tiny_case.store.read() as conn:
        last_run = "SELECT details_json FROM audit_log WHERE action = 'triage.run' ORDER BY seq DESC LIMIT 1"
        details = json.loads(conn.execute(text(last_run)).scalar_one())
    assert [lexicon["source"] for lexicon in details["lexicons"]] == ["shipped:en"]
    assert len(details["lexicons"][0]["sha256"]) == 64
