"""Planted triage material: planned events dated as their urgency requires, decoys, high-risk
suspects, all written into the exported chats and described in truth.json."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from darkroom.synth.events import FORMS, PLANTED_COUNTS, render_date
from darkroom.triage.dates import find_dates
from tests.synth.conftest import SmallCase, read_exhibit_file

OSLO = ZoneInfo("Europe/Oslo")
TEXT_KINDS = {"whatsapp-android-txt", "whatsapp-ios-txt"}


def test_truth_lists_what_was_planted(small_case: SmallCase) -> None:
    planted = small_case.truth["planned_events"]
    kinds = [item["kind"] for item in planted]
    high_risk, urgent, past, decoys = PLANTED_COUNTS["small"]
    events = [item for item in planted if item["kind"] == "planned-event"]
    assert sum(item["urgent"] for item in events) == urgent
    assert sum(not item["urgent"] for item in events) == past
    assert sum(kind.startswith("decoy-") for kind in kinds) == 3 * decoys
    assert {item["language"] for item in events} == {"en", "nb"}
    (person,) = small_case.truth["high_risk"]
    assert len(person["events"]) == 2 == high_risk * 2
    for item in planted:
        seized = datetime.fromisoformat(item["reference_seized_at"])
        assert all(datetime.fromisoformat(m["sent_at"]) < seized for m in item["messages"])
        if item["kind"] == "planned-event":
            last = date.fromisoformat(item["event_last_day"])
            assert (last >= seized.astimezone(OSLO).date()) == item["urgent"], item["id"]
            assert date.fromisoformat(item["event_first_day"]) > datetime.fromisoformat(
                item["messages"][0]["sent_at"]).astimezone(OSLO).date()  # fmt: skip


def test_planted_lines_are_in_the_exported_chats(small_case: SmallCase) -> None:
    copies = {c["id"]: c["copies"] for c in small_case.truth["conversations"]}
    files = {(f["exhibit"], f["path"]): f for f in small_case.truth["files"]}
    checked = 0
    for item in small_case.truth["planned_events"]:
        held = copies[item["conversation"]]
        texts = [copy for copy in held if files[(copy["exhibit"], copy["path"])]["kind"] in TEXT_KINDS]
        for copy in texts:
            written = read_exhibit_file(small_case, copy["exhibit"], copy["path"]).decode("utf-8")
            assert all(m["text"] in written for m in item["messages"]), (item["id"], copy["path"])
            checked += 1
    assert checked >= len(small_case.truth["planned_events"])


def test_planted_conversations_are_between_adults(small_case: SmallCase) -> None:
    persons = {p["id"]: p for p in small_case.truth["persons"]}
    for item in small_case.truth["planned_events"]:
        sent = datetime.fromisoformat(item["messages"][0]["sent_at"]).date()
        for person in (item["speaker"], item["partner"]):
            born = date.fromisoformat(persons[person]["birthday"])
            assert (sent - born).days >= 18 * 366, (item["id"], person)


@given(st.dates(date(2024, 1, 1), date(2027, 12, 31)), st.sampled_from(FORMS), st.sampled_from(["en", "nb"]),
       st.integers(1, 60), st.integers(0, 2**16))  # fmt: skip
def test_what_the_generator_writes_triage_reads_the_same(
    sent: date, form: str, language: str, ahead: int, seed: int
) -> None:
    """The generator's calendar and the date rules agree on every planted expression."""
    text, first, last = render_date(form, language, sent, random.Random(seed), sent + timedelta(days=ahead))
    moment = datetime.combine(sent, datetime.min.time()).replace(hour=15, tzinfo=OSLO)
    finds = find_dates(f"ok, {text} then", moment, [language])
    assert [(f.first_day, f.last_day) for f in finds if not f.past] == [(first, last)], text
