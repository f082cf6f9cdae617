"""The device-owner rule: an exhibit's stated owner accounts are one person, a shared device links
nobody, and an investigator's "not the same person" still wins."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from darkroom.identity.decisions import reject_link
from darkroom.identity.device import DEVICE_OWNER_RULE
from darkroom.identity.queries import person_detail, person_of
from darkroom.identity.stage import run_identity
from tests.identity.builders import CaseBuilder, mobile


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseBuilder]:
    built = CaseBuilder(tmp_path / "case")
    yield built
    built.close()


def _state(case: CaseBuilder, exhibit: str, account_id: int, path: str, locator: str) -> None:
    """What a parser leaves when it states the account to be the exhibit's own."""
    file_id = case.file(exhibit, path)
    with case.store.write() as conn:
        conn.execute(
            text(
                "INSERT INTO stated_owners (exhibit_id, account_id, file_id, locator) "
                "VALUES ((SELECT exhibit_id FROM files WHERE id = :f), :a, :f, :l)"
            ),
            {"a": account_id, "f": file_id, "l": locator},
        )


def _person(case: CaseBuilder, account_id: int) -> int | None:
    with case.store.read() as conn:
        return person_of(conn, f"account:{account_id}")


def _phone_with_three_owner_accounts(case: CaseBuilder) -> tuple[int, int, int]:
    """A phone stating its SMS number, its Telegram account and its Google account: no identifier
    in common, nothing but the device ties them."""
    sms = case.account("sms", mobile(11), (), "EX-1")
    telegram = case.account("telegram", "quiet_heron", ("Tom",), "EX-1")
    google = case.account("email", "blue.otter@example.org", ("Tom Field",), "EX-1")
    _state(case, "EX-1", sms, "mmssms.db", "addr (received MMS)")
    _state(case, "EX-1", telegram, "Telegram/result.json", "personal_information")
    _state(case, "EX-1", google, "contacts2.db", "accounts._id=1")
    return sms, telegram, google


def test_three_stated_owner_accounts_become_one_person_with_the_rule(case: CaseBuilder) -> None:
    sms, telegram, google = _phone_with_three_owner_accounts(case)
    summary = run_identity(case.store, "tester", use_model=False)
    person = _person(case, sms)
    assert person is not None
    assert _person(case, telegram) == _person(case, google) == person
    assert summary.shared_devices == 0
    with case.store.read() as conn:
        detail = person_detail(conn, person)
    assert detail is not None
    links = [m.reasons.get("link", {}) for m in detail.members if m.reasons.get("link", {}).get("rule")]
    owner_links = [link for link in links if link["rule"] == DEVICE_OWNER_RULE]
    assert len(owner_links) == 2
    assert {link["exhibit"] for link in owner_links} == {"EX-1"}
    assert any("Telegram/result.json (personal_information)" in link["stated_in"] for link in owner_links)
    assert all("mmssms.db (addr (received MMS))" in link["stated_in"] for link in owner_links)


def test_owners_only_inferred_from_conversations_are_not_linked(case: CaseBuilder) -> None:
    me = case.account("whatsapp", mobile(21), ("Tom Field",), "EX-1")
    google = case.account("email", "blue.otter@example.org", ("Tom Field",), "EX-1")
    _state(case, "EX-1", google, "contacts2.db", "accounts._id=1")
    for n in range(3):  # `me` is in every chat, so network.owners infers it; the rule does not
        friend = case.account("whatsapp", mobile(30 + n), (), "EX-1")
        case.chat(
            "EX-1",
            f"WhatsApp Chat {n}.txt",
            [(me, "2025-03-01T10:00", "hi"), (friend, "2025-03-01T10:01", "ok")],
        )
    run_identity(case.store, "tester", use_model=False)
    assert _person(case, me) is None
    assert _person(case, google) is None


def test_a_family_tablet_syncing_two_google_accounts_links_nobody(case: CaseBuilder) -> None:
    ingrid = case.account("email", "ingrid.berg@example.org", ("Ingrid Berg",), "EX-2")
    ola = case.account("email", "ola.berg@example.org", ("Ola Berg",), "EX-2")
    whatsapp = case.account("whatsapp", mobile(41), ("Ingrid",), "EX-2")
    _state(case, "EX-2", ingrid, "contacts2.db", "accounts._id=1")
    _state(case, "EX-2", ola, "contacts2.db", "accounts._id=2")
    _state(case, "EX-2", whatsapp, "msgstore.db", "shared_prefs")
    summary = run_identity(case.store, "tester", use_model=False)
    assert (_person(case, ingrid), _person(case, ola), _person(case, whatsapp)) == (None, None, None)
    assert summary.shared_devices == 1
    with case.store.read() as conn:
        details = conn.execute(
            text("SELECT details_json FROM audit_log WHERE action = 'identity.resolve' ORDER BY seq DESC")
        ).scalar_one()
    assert "states two email accounts" in details and "EX-2" in details


def test_owner_accounts_naming_different_people_are_not_linked(case: CaseBuilder) -> None:
    # One Google account and one Telegram account, but the names are two people's first names.
    case.card("EX-9", "Ola Berg", phones=(mobile(51),))
    google = case.account("email", "ingrid.berg@example.org", ("Ingrid Berg",), "EX-3")
    telegram = case.account("telegram", "ola_b", ("Ola",), "EX-3")
    _state(case, "EX-3", google, "contacts2.db", "accounts._id=1")
    _state(case, "EX-3", telegram, "Telegram/result.json", "personal_information")
    summary = run_identity(case.store, "tester", use_model=False)
    assert _person(case, google) is None and _person(case, telegram) is None
    assert summary.shared_devices == 1


def test_two_accounts_of_one_platform_named_by_one_statement_are_one_owner(case: CaseBuilder) -> None:
    """A Telegram export's own id and its phone number come from one file and locator."""
    user = case.account("telegram", "user5550101", ("Tom Field",), "EX-4")
    number = case.account("telegram", mobile(61), ("Tom Field",), "EX-4")
    for account in (user, number):
        _state(case, "EX-4", account, "result.json", "personal_information")
    run_identity(case.store, "tester", use_model=False)
    assert _person(case, user) is not None and _person(case, user) == _person(case, number)


def test_a_not_the_same_person_decision_beats_the_rule(case: CaseBuilder) -> None:
    sms, telegram, google = _phone_with_three_owner_accounts(case)
    run_identity(case.store, "tester", use_model=False)
    person = _person(case, sms)
    assert person is not None and _person(case, google) == person
    reject_link(case.store, "dc.hansen", person, f"account:{google}", "the partner's account, synced")
    for _ in range(2):
        run_identity(case.store, "tester", use_model=False)
        assert _person(case, google) != _person(case, sms)
        assert _person(case, telegram) == _person(case, sms) == person


def test_a_handle_shown_as_a_display_name_is_no_clash(case: CaseBuilder) -> None:
    """A laptop's Facebook export and Pidgin log: `sunny_raven` is a handle, not a second person."""
    facebook = case.account("facebook", "Vidar Hughes", ("Vidar Hughes",), "EX-5")
    xmpp = case.account("xmpp", "sunny_raven@example.org", ("sunny_raven",), "EX-5")
    _state(case, "EX-5", facebook, "facebook-vidarhughes/message_1.json", "participants[1]")
    _state(case, "EX-5", xmpp, "logs/jabber/sunny_raven@example.org/x.html", "line 1")
    summary = run_identity(case.store, "tester", use_model=False)
    assert summary.shared_devices == 0
    assert _person(case, facebook) is not None and _person(case, facebook) == _person(case, xmpp)
