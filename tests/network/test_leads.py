"""Leads: ranking with reasons and evidence, and investigators' marks surviving every re-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from darkroom.errors import InvalidInput
from darkroom.network.build import run_network
from darkroom.network.marks import mark_lead
from darkroom.network.queries import lead_detail, list_leads
from tests.network.story import CaseWriter, Story, write_story


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
