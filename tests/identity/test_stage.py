"""The identity stage on a small planted case: what links, what must not, and stable ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from darkroom.identity.queries import list_persons, person_detail, person_of
from darkroom.identity.stage import run_identity
from tests.identity.scenario import Scenario, build


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    built = build(tmp_path / "case")
    yield built
    built.case.close()


def _person(s: Scenario, name: str) -> int | None:
    with s.case.store.read() as conn:
        return person_of(conn, s.ref(name))


def test_records_sharing_a_number_or_email_are_one_person(scenario: Scenario) -> None:
    summary = run_identity(scenario.case.store, "tester")
    daniel = _person(scenario, "card_daniel")
    assert daniel is not None
    for name in ("card_fox", "whatsapp_daniel", "email_daniel", "phone_daniel"):
        assert _person(scenario, name) == daniel, name
    assert summary.mode == "deterministic-only"
    assert "too few" in summary.note


def test_a_household_line_is_marked_shared_and_merges_no_one(scenario: Scenario) -> None:
    run_identity(scenario.case.store, "tester")
    ingrid, oliver = _person(scenario, "card_ingrid"), _person(scenario, "card_oliver")
    assert ingrid is not None and oliver is not None and ingrid != oliver
    assert _person(scenario, "card_ingrid_home") == ingrid
    assert _person(scenario, "phone_home") is None
    with scenario.case.store.read() as conn:
        row = conn.execute(
            text(
                "SELECT i.is_shared, r.reason, r.details_json FROM identifiers i "
                "JOIN identifier_shared_reasons r ON r.identifier_id = i.id "
                "WHERE i.value_norm = '+441134960001'"
            )
        ).one()
    assert row.is_shared == 1
    assert "different" in row.reason and "Oliver Berg" in row.reason
    assert len(json.loads(row.details_json)["groups"]) == 2


def test_the_address_books_own_account_field_links_nobody(scenario: Scenario) -> None:
    run_identity(scenario.case.store, "tester")
    with scenario.case.store.read() as conn:
        detail = person_detail(conn, _person(scenario, "card_daniel") or 0)
    assert detail is not None
    assert not any("alex.moen" in (m.handle or "") for m in detail.members)


def test_chat_export_names_resolve_by_copies_and_saved_names(scenario: Scenario) -> None:
    run_identity(scenario.case.store, "tester")
    jon = _person(scenario, "whatsapp_jon")
    assert jon is not None and jon == _person(scenario, "whatsapp_jon_number")
    kari = _person(scenario, "whatsapp_kari")
    assert kari is not None and kari == _person(scenario, "card_kari") == _person(scenario, "phone_kari")
    with scenario.case.store.read() as conn:
        reasons = json.loads(
            conn.execute(
                text("SELECT reasons_json FROM person_links WHERE account_id = :a"),
                {"a": scenario.ids["whatsapp_jon"]},
            ).scalar_one()
        )
    assert json.dumps(reasons).count("same messages in two copies") == 1


def test_rerunning_keeps_every_person_id(scenario: Scenario) -> None:
    first = run_identity(scenario.case.store, "tester")
    with scenario.case.store.read() as conn:
        before = {p.person_id: p.label for p in list_persons(conn)}
    second = run_identity(scenario.case.store, "tester")
    with scenario.case.store.read() as conn:
        after = {p.person_id: p.label for p in list_persons(conn)}
    assert before == after
    assert (
        second.persons_kept == first.persons and second.persons_created == 0 and second.persons_retired == 0
    )
    assert before[_person(scenario, "card_daniel") or 0] == "Daniel Strand"


def test_every_run_is_logged_and_audited(scenario: Scenario) -> None:
    run_identity(scenario.case.store, "tester")
    with scenario.case.store.read() as conn:
        runs = conn.execute(text("SELECT mode, records, persons FROM identity_runs")).all()
        actions = [r[0] for r in conn.execute(text("SELECT action FROM audit_log"))]
    assert len(runs) == 1 and runs[0].records > 0 and runs[0].persons == 5
    assert "identity.resolve" in actions


def test_the_person_page_leaves_out_the_address_books_own_account(scenario: Scenario) -> None:
    run_identity(scenario.case.store, "tester")
    with scenario.case.store.read() as conn:
        detail = person_detail(conn, _person(scenario, "card_daniel") or 0)
    assert detail is not None
    values = {i.value: i.records for i in detail.identifiers}
    assert "alex.moen@example.org" not in values
    assert values["+447700900001"] == 4  # two cards, the phone and WhatsApp accounts
