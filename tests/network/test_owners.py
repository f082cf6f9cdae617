"""Exhibit owners read from conversations: the one account in nearly all of a source's chats."""

from __future__ import annotations

from pathlib import Path

from darkroom.network.owners import infer_exhibit_owners
from darkroom.store import CaseStore
from tests.network.story import CaseWriter

DAY = "2025-03-01T10:00:00+00:00"


def test_the_account_in_every_chat_of_a_source_owns_the_exhibit(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Owners", "GB", "Europe/London")
    with store.write() as conn:
        w = CaseWriter(conn)
        phone, laptop = w.exhibit("EX-001"), w.exhibit("EX-002")
        me, *others = (w.account("whatsapp", f"+44770090020{n}") for n in range(5))
        db = w.file(phone, "msgstore.db", "whatsapp-android-db")
        for other in others:
            w.conversation(db, phone, [me, other], [(other, DAY)])
        # One exported chat on the laptop: both sides are in all of it, so nobody stands out.
        export = w.file(laptop, "WhatsApp Chat with Ann.txt", "whatsapp-txt")
        w.conversation(export, laptop, [me, others[0]], [(me, DAY)])
    with store.read() as conn:
        owners = infer_exhibit_owners(conn)
    assert [(o.exhibit_id, o.account_id) for o in owners] == [(phone, me)]
    assert owners[0].reason == "in 4 of 4 whatsapp conversations read by whatsapp-android-db on this exhibit"


def test_no_owner_when_nobody_is_in_most_chats_or_two_tie(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Owners", "GB", "Europe/London")
    with store.write() as conn:
        w = CaseWriter(conn)
        scattered, tied = w.exhibit("EX-001"), w.exhibit("EX-002")
        a, b, c, d, e = (w.account("sms", f"+44770090030{n}") for n in range(5))
        sms = w.file(scattered, "mmssms.db", "android-sms-db")
        for pair in ([a, b], [a, c], [d, e], [d, b], [c, e]):  # a and d in 2 of 5 each: below 60 %
            w.conversation(sms, scattered, pair, [(pair[0], DAY)])
        other = w.file(tied, "sms.db", "ios-sms-db")
        for _ in range(3):  # the same two people in all three threads
            w.conversation(other, tied, [a, b], [(a, DAY)])
    with store.read() as conn:
        assert infer_exhibit_owners(conn) == []
