"""Leads: ranking with reasons and evidence, and investigators' marks surviving every re-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.network.build import run_network
from darkroom.network.marks import mark_lead
from darkroom.network.queries import lead_detail, list_leads
from tests.network.story import NOW, CaseWriter, Story, insert, write_story


def _ranked(story: Story) -> list[str]:
    with story.store.read() as conn:
        return [row.lead_key for row in list_leads(conn, 100)]


def test_the_hidden_contact_ranks_first_with_reasons(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    ranked = _ranked(story)
    carol, dave = f"account:{story.accounts['carol']}", f"account:{story.accounts['dave']}"
    assert ranked[0] == carol
    assert ranked.index(carol) < ranked.index(dave)
    assert f"account:{story.accounts['alice']}" not in ranked  # seized owners are known, not leads
    with story.store.read() as conn:
        detail = lead_detail(conn, carol)
    features = {reason["feature"]: reason for reason in detail["reasons"]}
    assert features["owners_listing"]["value"] == 2
    assert features["suspects_in_groups"]["value"] == 2
    assert detail["score"] == pytest.approx(sum(r["points"] for r in detail["reasons"]), abs=1e-3)
    cards = {(e["exhibit"], e["file"], e["locator"]) for e in detail["evidence"] if e["kind"] == "contact"}
    assert ("EX-001", "contacts.vcf", f"card {story.contacts['carol-on-1']}") in cards
    assert ("EX-002", "contacts2.db", f"card {story.contacts['carol-on-2']}") in cards
    chat = next(
        e
        for e in detail["evidence"]
        if e["kind"] == "conversation" and e["id"] == story.conversations["alice-carol"]
    )
    assert chat["exhibit"] == "EX-001" and chat["file"] == "msgstore.db"
    sent = [(m["sent_at_utc"][:10], m["locator"].split()[0]) for m in chat["sent_by_lead"]]
    assert sent == [("2025-01-03", "message"), ("2025-02-13", "message")]  # her first and last there


def test_a_number_only_a_card_holds_is_an_identifier_lead(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        row = conn.execute(
            text("SELECT lead_key, label FROM leads WHERE label = :label"),
            {"label": f"phone:{story.lone_number}"},
        ).one()
        detail = lead_detail(conn, row.lead_key)
    assert row.lead_key.startswith("identifier:")
    assert [e["display_name"] for e in detail["evidence"]] == ["Taxi?"]


def test_marks_are_audited_and_win_on_rebuild(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    carol, dave = f"account:{story.accounts['carol']}", f"account:{story.accounts['dave']}"
    mark_lead(story.store, carol, "identified", "named by a witness", "dc.example")
    with story.store.read() as conn:
        dave_id = conn.execute(text("SELECT id FROM leads WHERE lead_key = :k"), {"k": dave}).scalar_one()
    mark_lead(story.store, str(dave_id), "dismissed", "neighbour, no involvement", "dc.example")
    run_network(story.store, "analyst")
    run_network(story.store, "analyst")
    ranked = _ranked(story)
    assert carol not in ranked and dave not in ranked
    with story.store.read() as conn:
        statuses = dict(conn.execute(text("SELECT lead_key, status FROM leads WHERE status != 'open'")).all())
        decisions = conn.execute(
            text("SELECT kind, subject, reason, audit_seq FROM decisions ORDER BY id")
        ).all()
        audits = conn.execute(
            text("SELECT seq, action, details_json FROM audit_log WHERE action LIKE 'lead.%'")
        ).all()
        shown = lead_detail(conn, carol)
    assert statuses == {carol: "identified", dave: "dismissed"}
    assert [(d.kind, d.subject) for d in decisions] == [("lead-identify", carol), ("lead-dismiss", dave)]
    assert [a.seq for a in audits] == [d.audit_seq for d in decisions]
    assert json.loads(audits[0].details_json)["reason"] == "named by a witness"
    assert [m["reason"] for m in shown["marks"]] == ["named by a witness"]


def test_an_identified_lead_counts_as_a_known_suspect(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    with story.store.write() as conn:
        # Dave chats with Carol only; once Carol is identified, that becomes evidence against Dave.
        w = CaseWriter(conn)
        extra = w.file(story.exhibits["EX-001"], "notes.db", "other")
        c, d = story.accounts["carol"], story.accounts["dave"]
        w.conversation(extra, story.exhibits["EX-001"], [c, d], [(c, "2025-06-01T10:00:00+00:00")])
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        before = lead_detail(conn, f"account:{d}")["score"]
    mark_lead(story.store, f"account:{c}", "identified", "arrested", "dc.example")
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        after = lead_detail(conn, f"account:{d}")
    assert after["score"] > before
    assert any(r["feature"] == "suspects_reached" and r["value"] == 2 for r in after["reasons"])


def test_a_mark_on_an_account_carries_over_to_its_person(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    mark_lead(story.store, f"account:{story.accounts['carol']}", "dismissed", "cleared", "dc.example")
    with story.store.write() as conn:
        w = CaseWriter(conn)
        w.person("Carol", [story.accounts["carol"], story.accounts["carol-email"]])
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        status = conn.execute(text("SELECT status FROM leads WHERE label = 'Carol'")).scalar_one()
    assert status == "dismissed"


def test_marking_needs_a_known_lead_and_a_reason(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    with pytest.raises(InvalidInput, match="no lead"):
        mark_lead(story.store, "account:9999", "dismissed", "typo", "dc.example")
    with pytest.raises(InvalidInput, match="reason"):
        mark_lead(story.store, f"account:{story.accounts['dave']}", "dismissed", "  ", "dc.example")


def _attach(conn: Connection, w: CaseWriter, story: Story, sender: str, conversation: str, name: str) -> int:
    """A picture on EX-002 that is the attachment of `sender`'s message in `conversation`."""
    message_id = conn.execute(
        text("SELECT id FROM messages WHERE conversation_id = :c AND sender_account_id = :a LIMIT 1"),
        {"c": story.conversations[conversation], "a": story.accounts[sender]},
    ).scalar_one()
    file_id = w.file(story.exhibits["EX-002"], f"Media/{name}.jpg", "none")
    insert(
        conn, "media_message_links", {"file_id": file_id, "message_id": message_id, "link_kind": "attachment"}
    )
    return file_id


def _match(conn: Connection, w: CaseWriter, file_id: int, vics_category: str) -> None:
    """A hash-set entry (VICS scheme) with this category, matched by the file's MD5."""
    if w.ids.get("hashsets") is None:
        insert(
            conn,
            "hashsets",
            {"id": w.next_id("hashsets"), "name": "vics-test", "format": "vics", "scheme": "vics",
             "source_path": "known.json", "source_sha256": "0" * 64, "source_size": 1, "status": "done",
             "imported_at_utc": NOW, "imported_by": "examiner1"},
        )  # fmt: skip
    entry_id = w.next_id("hashset_entries")
    insert(conn, "hashset_entries", {"id": entry_id, "hashset_id": 1, "locator": f"value[{entry_id}]",
                                     "md5": f"{file_id:032x}", "category": vics_category})  # fmt: skip
    insert(conn, "media_matches", {"file_id": file_id, "entry_id": entry_id, "match_kind": "md5",
                                   "matched_at_utc": NOW})  # fmt: skip


def test_sending_pictures_a_hash_set_puts_in_an_offence_category_is_a_reason(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    with story.store.write() as conn:
        w = CaseWriter(conn)
        _match(conn, w, _attach(conn, w, story, "erin", "bob-erin", "a"), "1")  # VICS 1: illegal
        _match(conn, w, _attach(conn, w, story, "dave", "alice-dave", "b"), "0")  # VICS 0: non-pertinent
        suggested = _attach(conn, w, story, "dave", "alice-dave", "c")  # a suggestion is no decision
        review = {"id": 1, "file_id": suggested, "category": "illegal", "source": "suggested"}
        insert(conn, "media_reviews", review | {"actor": "darkroom", "at_utc": NOW})
    run_network(story.store, "analyst")
    erin, dave = f"account:{story.accounts['erin']}", f"account:{story.accounts['dave']}"
    with story.store.read() as conn:
        erin_detail, dave_detail = lead_detail(conn, erin), lead_detail(conn, dave)
    sent = {r["feature"]: r for r in erin_detail["reasons"]}["pertinent_media_sent"]
    assert sent["value"] == 1
    assert sent["points"] == pytest.approx(2.0)  # weight 2.0 x log2(1 + 1)
    assert [e["kind"] for e in erin_detail["evidence"] if e["reason"] == "media"] == ["message"]
    assert "pertinent_media_sent" not in {r["feature"] for r in dave_detail["reasons"]}


def test_an_examiners_decision_makes_a_sent_picture_count(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    with story.store.write() as conn:
        w = CaseWriter(conn)
        reviewed = _attach(conn, w, story, "dave", "alice-dave", "d")
        _match(conn, w, reviewed, "0")  # the hash set says non-pertinent; the examiner decided otherwise
        review = {"id": 1, "file_id": reviewed, "category": "exploitative", "source": "examiner"}
        insert(conn, "media_reviews", review | {"actor": "examiner1", "at_utc": NOW})
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        detail = lead_detail(conn, f"account:{story.accounts['dave']}")
    assert {r["feature"]: r["value"] for r in detail["reasons"]}["pertinent_media_sent"] == 1


def test_leads_page_from_an_offset(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        everything = [row.lead_key for row in list_leads(conn, 100)]
        pages = [[row.lead_key for row in list_leads(conn, 2, offset=start)] for start in range(0, 100, 2)]
    assert len(everything) >= 3
    assert [key for page in pages for key in page] == everything  # every lead once, in rank order


def test_a_card_identity_put_in_a_person_lists_that_person(tmp_path: Path) -> None:
    """A card with no number or email ("Dave from work" on Bob's phone) that identity resolution
    tied to Dave's person on names makes Bob an owner listing Dave too."""
    story = write_story(tmp_path, with_persons=True)
    dave_account = story.accounts["dave"]
    with story.store.write() as conn:
        w = CaseWriter(conn)
        book = conn.execute(
            text("SELECT file_id FROM contacts WHERE id = :c"), {"c": story.contacts["carol-on-2"]}
        ).scalar_one()
        card = w.contact(book, story.exhibits["EX-002"], "Dave from work", ())
        dave = conn.execute(
            text("SELECT person_id FROM person_links WHERE account_id = :a"), {"a": dave_account}
        ).scalar_one()
        insert(conn, "person_contacts", {"contact_id": card, "person_id": dave, "method": "model",
                                         "probability": 0.995})  # fmt: skip
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        detail = lead_detail(conn, f"person:{dave}")
    reasons = {r["feature"]: r["value"] for r in detail["reasons"]}
    assert reasons["owners_listing"] == 2  # Alice's card by number, Bob's by identity
    cards = {e["id"] for e in detail["evidence"] if e["kind"] == "contact"}
    assert card in cards
