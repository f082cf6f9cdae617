"""Investigators' decisions: immediate effect, audited, and reproduced by every re-run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from darkroom.errors import InvalidInput
from darkroom.evidence.audit import verify_chain
from darkroom.identity.decisions import confirm_person, merge_persons, reject_link, split_person
from darkroom.identity.queries import person_detail, person_of
from darkroom.identity.stage import run_identity
from tests.identity.scenario import Scenario, build


@pytest.fixture
def scenario(tmp_path: Path) -> Iterator[Scenario]:
    built = build(tmp_path / "case")
    run_identity(built.case.store, "tester")
    yield built
    built.case.close()


def _person(s: Scenario, name: str) -> int | None:
    with s.case.store.read() as conn:
        return person_of(conn, s.ref(name))


def _rerun(s: Scenario) -> None:
    run_identity(s.case.store, "tester")


def test_merge_joins_two_persons_and_survives_reruns(scenario: Scenario) -> None:
    ingrid, oliver = _person(scenario, "card_ingrid"), _person(scenario, "card_oliver")
    assert ingrid and oliver and ingrid != oliver
    outcome = merge_persons(
        scenario.case.store, "dc.hansen", ingrid, oliver, "same person, checked with the registry"
    )
    assert _person(scenario, "card_oliver") == ingrid
    with scenario.case.store.read() as conn:
        retired = conn.execute(
            text("SELECT retired_at_utc, merged_into FROM persons WHERE id = :id"), {"id": oliver}
        ).one()
        link = conn.execute(
            text("SELECT method, confirmed FROM person_contacts WHERE contact_id = :c"),
            {"c": scenario.ids["card_oliver"]},
        ).one()
    assert retired.retired_at_utc is not None and retired.merged_into == ingrid
    assert (link.method, link.confirmed) == ("investigator", 1)
    _rerun(scenario)
    _rerun(scenario)
    assert _person(scenario, "card_oliver") == _person(scenario, "card_ingrid") == ingrid
    assert outcome.audit_seq > 0


def test_split_sends_records_to_a_person_of_their_own_and_survives_reruns(scenario: Scenario) -> None:
    daniel = _person(scenario, "card_daniel")
    assert daniel is not None
    email = scenario.ref("email_daniel")
    split_person(scenario.case.store, "dc.hansen", daniel, [email], "a colleague's address, not his")
    split_off = _person(scenario, "email_daniel")
    assert split_off is not None and split_off != daniel
    _rerun(scenario)
    assert _person(scenario, "card_daniel") == daniel
    assert _person(scenario, "email_daniel") not in {None, daniel}


def test_reject_link_keeps_the_record_out_on_reruns(scenario: Scenario) -> None:
    kari = _person(scenario, "card_kari")
    assert kari is not None and _person(scenario, "whatsapp_kari") == kari
    reject_link(scenario.case.store, "dc.hansen", kari, scenario.ref("whatsapp_kari"), "another Kari")
    assert _person(scenario, "whatsapp_kari") is None
    _rerun(scenario)
    assert _person(scenario, "whatsapp_kari") is None
    assert _person(scenario, "card_kari") == kari


def test_confirm_marks_links_confirmed_and_reruns_keep_the_mark(scenario: Scenario) -> None:
    jon = _person(scenario, "whatsapp_jon")
    assert jon is not None
    confirm_person(scenario.case.store, "dc.hansen", jon, [], "the chat copies match")
    _rerun(scenario)
    with scenario.case.store.read() as conn:
        detail = person_detail(conn, jon)
    assert detail is not None
    assert all(m.confirmed for m in detail.members)
    assert [d.kind for d in detail.decisions] == ["person.confirm"]


def test_a_later_decision_overrides_an_earlier_one(scenario: Scenario) -> None:
    ingrid, oliver = _person(scenario, "card_ingrid"), _person(scenario, "card_oliver")
    assert ingrid and oliver
    merge_persons(scenario.case.store, "dc.hansen", ingrid, oliver, "looked the same")
    split_person(
        scenario.case.store,
        "dc.hansen",
        ingrid,
        [scenario.ref("card_oliver"), scenario.ref("phone_oliver")],
        "the registry says otherwise",
    )
    _rerun(scenario)
    assert _person(scenario, "card_oliver") != _person(scenario, "card_ingrid")
    assert _person(scenario, "card_oliver") == _person(scenario, "phone_oliver")


def test_every_decision_is_in_the_audit_chain(scenario: Scenario) -> None:
    kari, jon = _person(scenario, "card_kari"), _person(scenario, "whatsapp_jon")
    assert kari and jon
    merge_persons(scenario.case.store, "dc.hansen", kari, jon, "one phone, two names")
    with scenario.case.store.read() as conn:
        decisions = conn.execute(text("SELECT kind, reason, actor, audit_seq FROM decisions")).all()
        audited = conn.execute(
            text("SELECT action, actor, details_json FROM audit_log WHERE seq = :s"),
            {"s": decisions[0].audit_seq},
        ).one()
    assert decisions[0].kind == "person.merge" and decisions[0].actor == "dc.hansen"
    assert audited.action == "person.merge" and "one phone, two names" in audited.details_json
    assert verify_chain(scenario.case.store).ok


def test_bad_decisions_are_refused_with_a_clear_error(scenario: Scenario) -> None:
    kari = _person(scenario, "card_kari")
    assert kari is not None
    with pytest.raises(InvalidInput, match="reason"):
        reject_link(scenario.case.store, "dc.hansen", kari, scenario.ref("whatsapp_kari"), "  ")
    with pytest.raises(InvalidInput, match="does not exist"):
        merge_persons(scenario.case.store, "dc.hansen", kari, 9999, "typo")
    with pytest.raises(InvalidInput, match="does not hold"):
        split_person(scenario.case.store, "dc.hansen", kari, [scenario.ref("card_daniel")], "wrong person")
    with pytest.raises(InvalidInput, match="at least one"):
        split_person(
            scenario.case.store,
            "dc.hansen",
            kari,
            [scenario.ref("card_kari"), scenario.ref("phone_kari"), scenario.ref("whatsapp_kari")],
            "all of them",
        )


def test_an_account_linked_to_a_restricted_person_is_restricted_too(scenario: Scenario) -> None:
    """A person restricted through one account (an undercover profile): the next run restricts every
    account linked to them, audited, so a new link never shows the person's other handles."""
    daniel = _person(scenario, "whatsapp_daniel")
    assert daniel is not None and _person(scenario, "email_daniel") == daniel
    with scenario.case.store.write() as conn:
        conn.execute(
            text("UPDATE accounts SET restricted = 1 WHERE id = :id"), {"id": scenario.ids["whatsapp_daniel"]}
        )
    _rerun(scenario)
    with scenario.case.store.read() as conn:
        flags = {
            int(r.id): int(r.restricted)
            for r in conn.execute(
                text("SELECT a.id, a.restricted FROM accounts a JOIN person_links l ON l.account_id = a.id "
                     "WHERE l.person_id = :p"),
                {"p": daniel},
            )
        }  # fmt: skip
        person_flag = conn.execute(text("SELECT restricted FROM persons WHERE id = :p"), {"p": daniel}).one()
        rows = conn.execute(
            text("SELECT object_ref, details_json FROM audit_log WHERE action = 'restrict.propagate'")
        ).all()
        others = conn.execute(text("SELECT COUNT(*) FROM accounts WHERE restricted = 1")).scalar_one()
    assert len(flags) >= 3 and set(flags.values()) == {1}
    assert person_flag.restricted == 1
    assert len(rows) == 1 and scenario.ids["email_daniel"] in json.loads(rows[0].details_json)["accounts"]
    assert others == len(flags)  # nobody else
    _rerun(scenario)
    with scenario.case.store.read() as conn:
        assert (
            conn.execute(
                text("SELECT COUNT(*) FROM audit_log WHERE action = 'restrict.propagate'")
            ).scalar_one()
            == 1
        )  # nothing new to propagate
    assert verify_chain(scenario.case.store).ok
