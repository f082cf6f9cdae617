"""The identity commands end to end on a planted case: resolve, list, show, decide, evaluate."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import CliRunner
from tests.identity.builders import mobile
from tests.identity.scenario import Scenario, build


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[Scenario]:
    built = build(tmp_path / "case")
    built.case.close()
    yield built


def _case(s: Scenario) -> Path:
    return s.case.store.root


def _resolve(cli: CliRunner, s: Scenario) -> dict[str, object]:
    result = cli("identity", "resolve", "--case", _case(s), "--actor", "dc.hansen", "--json")
    assert result.code == 0, result.err
    return result.jsonl()[0]


def _person_holding(cli: CliRunner, s: Scenario, ref: str) -> int:
    for row in cli("persons", "--case", _case(s), "--json", "--limit", "100").jsonl():
        shown = cli("person", "show", str(row["person_id"]), "--case", _case(s), "--json").jsonl()[0]
        if ref in {m["ref"] for m in shown["members"]}:
            return int(row["person_id"])
    raise AssertionError(f"no person holds {ref}")


def test_resolve_list_and_show(cli: CliRunner, scenario: Scenario) -> None:
    summary = _resolve(cli, scenario)
    assert summary["mode"] == "deterministic-only" and summary["persons"] == 5
    rows = cli("persons", "--case", _case(scenario), "--json").jsonl()
    assert {r["label"] for r in rows} >= {"Daniel Strand", "Oliver Berg", "Kari"}
    daniel = next(r for r in rows if r["label"] == "Daniel Strand")
    assert daniel["accounts"] == 3 and daniel["contacts"] == 2 and daniel["confidence"] == 1.0
    shown = cli("person", "show", str(daniel["person_id"]), "--case", _case(scenario))
    assert shown.code == 0
    assert "same identifier phone:+447700900001" in shown.out
    assert "EX-1:Contacts/contacts.vcf" in shown.out
    assert "advisory priority" in shown.out and "not in the queue" in shown.out  # triage has not run
    detail = cli("person", "show", str(daniel["person_id"]), "--case", _case(scenario), "--json").jsonl()[0]
    assert detail["priority"]["subject"] == f"person:{daniel['person_id']}"
    assert detail["priority"]["rank"] is None
    assert {i["value"] for i in detail["identifiers"]} >= {mobile(1), "daniel.strand@example.org"}


def test_paging_and_a_missing_person(cli: CliRunner, scenario: Scenario) -> None:
    _resolve(cli, scenario)
    first = cli("persons", "--case", _case(scenario), "--json", "--limit", "2").jsonl()
    rest = cli("persons", "--case", _case(scenario), "--json", "--limit", "10", "--offset", "2").jsonl()
    assert len(first) == 2 and len(rest) == 3
    assert not {r["person_id"] for r in first} & {r["person_id"] for r in rest}
    missing = cli("person", "show", "999", "--case", _case(scenario))
    assert missing.code == 2 and "does not exist" in missing.err


def test_decisions_from_the_command_line(cli: CliRunner, scenario: Scenario) -> None:
    _resolve(cli, scenario)
    ingrid = _person_holding(cli, scenario, scenario.ref("card_ingrid"))
    oliver = _person_holding(cli, scenario, scenario.ref("card_oliver"))
    merged = cli(
        "person", "merge", str(ingrid), str(oliver), "--reason", "one person", "--case", _case(scenario)
    )
    assert merged.code == 0 and "audit head" in merged.err
    split = cli(
        "person",
        "split",
        str(ingrid),
        "--account",
        f"phone:{mobile(3)}",
        "--account",
        scenario.ref("card_oliver"),
        "--reason",
        "two people after all",
        "--case",
        _case(scenario),
    )
    assert split.code == 0, split.err
    kari = _person_holding(cli, scenario, scenario.ref("card_kari"))
    rejected = cli(
        "person",
        "reject-link",
        str(kari),
        "--account",
        str(scenario.ids["whatsapp_kari"]),
        "--reason",
        "another Kari",
        "--case",
        _case(scenario),
    )
    assert rejected.code == 0, rejected.err
    confirmed = cli("person", "confirm", str(kari), "--reason", "checked", "--case", _case(scenario))
    assert confirmed.code == 0
    _resolve(cli, scenario)
    assert _person_holding(cli, scenario, scenario.ref("card_oliver")) != _person_holding(
        cli, scenario, scenario.ref("card_ingrid")
    )
    log = cli("audit", "log", "--case", _case(scenario), "--json").jsonl()
    actions = [row["action"] for row in log]
    assert actions.count("person.merge") == actions.count("person.split") == 1
    assert "person.reject-link" in actions and "person.confirm" in actions
    noreason = cli("person", "confirm", str(kari), "--reason", " ", "--case", _case(scenario))
    assert noreason.code == 2 and "reason" in noreason.err


def test_eval_with_a_units_truth_file(cli: CliRunner, scenario: Scenario, tmp_path: Path) -> None:
    _resolve(cli, scenario)
    truth = {
        "persons": {
            f"account:whatsapp:{mobile(1)}": "daniel",
            "account:email:Daniel.Strand@example.org": "daniel",
            f"account:phone:{mobile(2)}": "ingrid",
            f"account:phone:{mobile(3)}": "ingrid",
            "account:whatsapp:Kari (EX-2)": "kari",
            "file:EX-2:WhatsApp/Chat with Kari.txt": "kari",
            f"account:whatsapp:{mobile(9)}": "sam",
            "account:telegram:nobody_here": "x",
        },
        "communities": {f"account:whatsapp:{mobile(1)}": "north", f"account:phone:{mobile(2)}": "south"},
    }
    path = tmp_path / "truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    result = cli("eval", "--truth", path, "--case", _case(scenario), "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    persons = report["persons"]
    assert persons["keys_not_found"] == ["account:telegram:nobody_here"]
    assert persons["conflicting_records"] == 1  # Sam is labelled "sam" and, through the Kari file, "kari"
    assert persons["precision"] == 1.0 and persons["recall"] < 1.0  # Ingrid and Oliver are two persons
    assert report["communities"]["nmi"] is None and "not computed" in report["communities"]["note"]


def test_eval_communities_from_network_nodes(cli: CliRunner, scenario: Scenario, tmp_path: Path) -> None:
    _resolve(cli, scenario)
    daniel = _person_holding(cli, scenario, scenario.ref("card_daniel"))
    ingrid = _person_holding(cli, scenario, scenario.ref("card_ingrid"))
    kari = _person_holding(cli, scenario, scenario.ref("card_kari"))
    scenario.case.store = type(scenario.case.store).open(_case(scenario))
    with scenario.case.store.write() as conn:
        for person, community in ((daniel, 1), (ingrid, 1), (kari, 2)):
            conn.execute(
                text("INSERT INTO network_nodes (node_key, person_id, community) VALUES (:k, :p, :c)"),
                {"k": f"person:{person}", "p": person, "c": community},
            )
    scenario.case.store.close()
    truth = {
        "communities": {
            f"account:whatsapp:{mobile(1)}": "a",
            f"account:phone:{mobile(2)}": "a",
            "account:whatsapp:Kari (EX-2)": "b",
        }
    }
    path = tmp_path / "truth.json"
    path.write_text(json.dumps(truth), encoding="utf-8")
    report = json.loads(cli("eval", "--truth", path, "--case", _case(scenario), "--json").out)
    assert report["persons"] is None
    assert report["communities"]["nmi"] == pytest.approx(1.0)
    assert report["communities"]["adjusted_rand"] == pytest.approx(1.0)
    shown = cli("eval", "--truth", path, "--case", _case(scenario))
    assert "NMI" in shown.out
