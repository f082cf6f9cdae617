"""Triage reads an exhibit's owners by the network stage's one rule: what the parsers stated first."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from darkroom.store import CaseStore
from darkroom.triage.signals import exhibit_owners, production_signs
from darkroom.triage.subjects import load_subjects
from tests.network.story import NOW, CaseWriter, insert

DAY = "2025-03-01T10:00:00+00:00"


def _new_series(conn: Connection, w: CaseWriter, exhibit_id: int, key: str) -> int:
    """An unmatched series of one photo found on the exhibit."""
    photo = w.file(exhibit_id, f"DCIM/{key}.jpg", "jpeg")
    series_id = w.next_id("media_series")
    row = {"id": series_id, "series_key": key, "file_count": 1, "distinct_count": 1}
    insert(conn, "media_series", row | {"representative_file_id": photo, "computed_at_utc": NOW})
    insert(conn, "media_series_members", {"file_id": photo, "series_id": series_id})
    return series_id


def test_the_stated_owner_gets_the_new_series_not_the_friend_in_most_chats(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Signals", "GB", "Europe/London")
    with store.write() as conn:
        w = CaseWriter(conn)
        phone = w.exhibit("EX-001")
        me = w.account("whatsapp", "+447700900501")
        friend, *others = (w.account("whatsapp", f"+44770090051{n}") for n in range(4))
        db = w.file(phone, "msgstore.db", "whatsapp-android-db")
        insert(
            conn, "stated_owners", {"exhibit_id": phone, "account_id": me, "file_id": db, "locator": "prefs"}
        )
        # The owner's backup holds the friend's group chats: the friend is in every one, the owner in
        # none, so counting chats alone (the old >= 50 % rule) made the friend the phone's owner.
        for other in others:
            w.conversation(db, phone, [friend, other], [(friend, DAY)])
        series = _new_series(conn, w, phone, "scene-1")
    with store.read() as conn:
        owners = exhibit_owners(conn)
        signs = production_signs(conn, load_subjects(conn))
    assert owners == {phone: {me}}
    assert signs[f"account:{me}"].new_series == {series}
    assert f"account:{friend}" not in signs
    store.close()


def test_an_exhibit_stating_nothing_falls_back_to_the_inferred_owner(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Signals", "GB", "Europe/London")
    with store.write() as conn:
        w = CaseWriter(conn)
        laptop = w.exhibit("EX-002")
        me, *others = (w.account("whatsapp", f"+44770090052{n}") for n in range(4))
        for n, other in enumerate(others):
            export = w.file(laptop, f"WhatsApp Chat with Friend {n}.txt", "whatsapp-txt")
            w.conversation(export, laptop, [me, other], [(me, DAY)])
        series = _new_series(conn, w, laptop, "scene-2")
    with store.read() as conn:
        assert exhibit_owners(conn) == {laptop: {me}}
        signs = production_signs(conn, load_subjects(conn))
    assert signs[f"account:{me}"].new_series == {series}
    store.close()
