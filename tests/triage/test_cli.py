"""`darkroom triage …` and `darkroom alerts` on the tiny case, as an examiner runs them."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRunner
from tests.triage.conftest import TinyCase


def test_run_then_alerts_queue_and_breakdown(tiny_case: TinyCase, cli: CliRunner) -> None:
    case = tiny_case.root
    ran = cli("triage", "run", "--case", case, "--actor", "examiner1", "--matcher", "ahocorasick")
    assert ran.code == 0, ran.err
    assert "1 alerts (1 urgent" in ran.out and "audit head" in ran.err
    (alert,) = cli("alerts", "--case", case, "--json").jsonl()
    assert (alert["event_date"], alert["urgent"], alert["date_text"]) == ("2026-03-07", True, "next Saturday")
    assert len(alert["messages"]) == 6
    listing = cli("alerts", "--case", case).out
    assert "URGENT" in listing and "EX-002 chat-2.txt line 3" in listing
    queue = cli("triage", "--case", case, "--json").jsonl()
    assert [q["subject"] for q in queue] == ["account:1", "account:2"] and queue[0]["advisory"]
    assert "Advisory only" in cli("triage", "--case", case).out
    (shown,) = cli("triage", "show", "+47 900 00 001", "--case", case, "--json").jsonl()
    assert shown["subject"] == "account:1" and shown["rank"] == 1


def test_factors_are_recorded_with_a_reason_and_audited(tiny_case: TinyCase, cli: CliRunner) -> None:
    case = tiny_case.root
    no_reason = cli("triage", "factors", "account:2", "--case", case, "--set", "age_years=40")
    assert no_reason.code == 2 and "--reason" in no_reason.err
    bad = cli("triage", "factors", "account:2", "--case", case, "--set", "height=2", "--reason", "x")
    assert bad.code == 2 and "NAME=VALUE" in bad.err
    done = cli("triage", "factors", "account:2", "--case", case, "--set", "access_to_children=yes",
               "--reason", "employer records", "--actor", "examiner1")  # fmt: skip
    assert done.code == 0 and "audit head" in done.err
    (fact,) = cli("triage", "factors", "account:2", "--case", case, "--json").jsonl()
    assert (fact["factor"], fact["value"], fact["actor"]) == ("access_to_children", "yes", "examiner1")
    unknown = cli("triage", "factors", "person:404", "--case", case)
    assert unknown.code == 2 and "no person" in unknown.err


def test_a_bad_lexicon_is_refused_with_its_line(tiny_case: TinyCase, cli: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "agency.yaml"
    bad.write_text("lexicon: agency\nlanguage: en\ncategories:\n  access:\n    terms: [ok, '!!']\n", "utf-8")
    checked = cli("triage", "check-lexicon", bad)
    assert checked.code == 2 and f"{bad}:5: term '!!' has no letters" in checked.err
    ran = cli("triage", "run", "--case", tiny_case.root, "--lexicon", bad)
    assert ran.code == 2 and "Traceback" not in ran.err
    good = cli("triage", "check-lexicon", Path(__file__).parents[2] / "src/darkroom/triage/lexicons/nb.yaml")
    assert good.code == 0 and "darkroom-example-nb" in good.out


def test_an_alert_status_is_audited_and_survives_a_rerun(tiny_case: TinyCase, cli: CliRunner) -> None:
    case = tiny_case.root
    assert cli("triage", "run", "--case", case).code == 0
    (alert,) = cli("alerts", "--case", case, "--json").jsonl()
    missing = cli("triage", "alert", str(alert["id"]), "--status", "acknowledged", "--case", case)
    assert missing.code == 2 and "--reason" in missing.err
    done = cli("triage", "alert", str(alert["id"]), "--status", "acknowledged", "--reason", "team briefed",
               "--case", case)  # fmt: skip
    assert done.code == 0 and "audit head" in done.err
    assert cli("triage", "alert", "99", "--status", "open", "--reason", "x", "--case", case).code == 2
    assert cli("triage", "run", "--case", case).code == 0
    (again,) = cli("alerts", "--case", case, "--json").jsonl()
    assert again["status"] == "acknowledged"
    log = cli("audit", "log", "--case", case, "--json").jsonl()
    assert any(row["action"] == "triage.alert-status" for row in log)


def test_an_empty_case_says_what_to_do(tiny_case: TinyCase, cli: CliRunner) -> None:
    assert "run `darkroom triage run`" in cli("triage", "--case", tiny_case.root).out
    assert "no alerts" in cli("alerts", "--case", tiny_case.root).out
