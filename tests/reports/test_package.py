"""Gathering a package from a processed case: scope, identities, excerpts, timeline, media,
disclosure, appendix, redaction, and the sections later stages fill."""

from __future__ import annotations

import dataclasses
import typing

import pytest
from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.reports import providers, sections
from darkroom.reports.package import PackageRequest, build_package
from darkroom.reports.render import render_html
from darkroom.reports.scope import REDACTED, SuspectScope
from darkroom.reports.sections import (
    IndicatorHit,
    Indicators,
    PlannedEvent,
    ProsecutionPackage,
    Provenance,
    Unavailable,
)
from darkroom.store import CaseStore
from tests.reports.conftest import PHONE, BuiltCase


def _package(case: BuiltCase, **options: typing.Any) -> ProsecutionPackage:
    store = CaseStore.open(case.root)
    try:
        return build_package(store, PackageRequest(case.ola, **options))
    finally:
        store.close()


def _message_id(case: BuiltCase, body: str) -> int:
    store = CaseStore.open(case.root)
    try:
        with store.read() as conn:
            return int(
                conn.execute(text("SELECT id FROM messages WHERE body = :b"), {"b": body}).scalar_one()
            )
    finally:
        store.close()


def test_identity_marks_confirmed_and_model_only_links(built_case: BuiltCase) -> None:
    package = _package(built_case)
    links = {link.handle: link for link in package.identity.links}
    assert set(links) == {"user222", "user999"}
    assert links["user222"].status == "confirmed"
    assert links["user999"].status == "model-only"
    assert links["user999"].probability == pytest.approx(0.87)
    assert links["user999"].reasons == ("display name: Ola B ~ Ola Berg", "match weight: 6.2")
    names = {(n.display_name, n.provenance.exhibit_ref) for n in links["user999"].names if n.provenance}
    assert names == {("Ola B", "EX-2")}
    handle = links["user222"].identifiers[0]
    assert handle.value == "telegram:user222" and handle.total_occurrences == 3
    assert [d.reason for d in package.identity.decisions] == ["phone on the seizure record"]


def test_suspect_exhibits_are_where_his_accounts_appear(built_case: BuiltCase) -> None:
    package = _package(built_case)
    assert [(e.ref, e.suspect_appears) for e in package.exhibits] == [("EX-1", True), ("EX-2", True)]
    ex1 = package.exhibits[0]
    assert ex1.verification.state == "verified" and ex1.verification.records_match_manifest
    assert package.exhibits[1].verification.state == "never"
    assert [e.action for e in ex1.custody][:2] == ["evidence.register", "evidence.intake-complete"]
    assert ex1.manifest_sha256 and ex1.manifest_sha256 in ex1.custody[1].summary


def test_fallback_excerpts_show_context_with_provenance(built_case: BuiltCase) -> None:
    package = _package(built_case, context=2)
    assert len(package.excerpts) == 4  # one per conversation of his
    assert [x.reasons for x in package.excerpts] == [("first-message",)] * 4
    first = package.excerpts[0]
    assert first.title == "Kari Nilsen" and first.exhibit_ref == "EX-1"
    assert [m.is_anchor for m in first.messages] == [True, False, False]  # his first message, 2 after
    message = first.messages[0]
    assert message.sender == "telegram:user222 (Ola Berg)" and message.sender_is_suspect
    assert (message.sent_at_utc, message.sent_at_local) == (
        "2026-01-11T17:00:00.000000+00:00",
        "2026-01-11 18:00:00 +01:00",
    )
    assert first.zone_name == "Europe/Oslo"
    assert (message.provenance.exhibit_ref, message.provenance.path) == ("EX-1", "Telegram/kari/result.json")
    assert message.provenance.locator == "messages[0]"


def test_chosen_messages_share_one_excerpt_when_their_windows_overlap(built_case: BuiltCase) -> None:
    phone_message = _message_id(built_case, "sure, call me on " + PHONE + " if plans change")
    near = _message_id(built_case, "parking is tricky near the stadium")
    far = _message_id(built_case, "they are in my bag")
    package = _package(built_case, message_ids=(phone_message, near, far), context=1)
    assert len(package.excerpts) == 2
    merged, last = package.excerpts
    assert merged.reasons == ("investigator",)
    assert [m.body for m in merged.messages if m.is_anchor] == [
        "sure, call me on " + PHONE + " if plans change",
        "parking is tricky near the stadium",
    ]
    assert len(merged.messages) == 5  # one before, the anchors and the one between them, one after
    assert [m.body for m in last.messages] == ["do not forget the tickets", "they are in my bag"]


def test_restricted_records_are_redacted_without_clearance(built_case: BuiltCase) -> None:
    package = _package(built_case)
    per_chat = next(x for x in package.excerpts if x.exhibit_ref == "EX-1" and x.title == REDACTED)
    assert {m.sender for m in per_chat.messages if not m.sender_is_suspect} == {REDACTED}
    assert "yes, it is in the shed" in [m.body for m in per_chat.messages]  # the text stays
    assert not isinstance(package.network, Unavailable)
    assert REDACTED in [p.label for p in package.network.partners]
    assert "user333" not in repr(package) and "Per Undercover" not in repr(package)

    cleared = _package(built_case, clearance="restricted")
    assert "Per" in [x.title for x in cleared.excerpts]
    assert not isinstance(cleared.network, Unavailable)
    assert "Per Undercover" in [p.label for p in cleared.network.partners]


def test_timeline_is_ordered_and_holds_seizures_conversations_and_decisions(built_case: BuiltCase) -> None:
    events = _package(built_case).timeline
    assert [e.at_utc for e in events] == sorted(e.at_utc for e in events)
    kinds = {e.kind for e in events}
    assert {"seizure", "first-message", "last-message", "account-first-seen", "decision"} <= kinds
    seizure = next(e for e in events if e.kind == "seizure" and e.subject == "EX-1")
    assert (seizure.who, seizure.by) == ("Ola Berg", "DC Example")
    first = next(e for e in events if e.kind == "first-message" and "Kari Nilsen" in e.subject)
    assert (first.messages, first.messages_by_suspect) == (12, 6)
    assert first.provenance is not None and first.provenance.locator == "messages[0]"


def test_media_counts_by_category_with_hashes(built_case: BuiltCase) -> None:
    assert _package(built_case).media.counts == ()  # no media in his chats, no exhibit named his
    media = _package(built_case, own_exhibits=("EX-1",)).media
    assert media.counts == (("illegal", 1),)
    (item,) = media.items
    assert (item.file_id, item.relation, item.path) == (built_case.photo_file_id, "on-exhibit", "photo.jpg")
    assert item.sha256 and len(item.sha256) == 64 and item.md5 and item.sha1


def test_disclosure_lists_what_could_not_be_read(built_case: BuiltCase) -> None:
    disclosure = {d.exhibit_ref: d for d in _package(built_case).disclosure}
    ex1 = disclosure["EX-1"]
    assert dict(ex1.counts) == {"failed": 1, "unsupported": 1}
    assert ex1.by_type == (("failed", "text/plain", 1), ("unsupported", "application/octet-stream", 1))
    assert [(f.path, f.status) for f in ex1.files] == [
        ("Telegram/broken.json", "failed"),
        ("notes.bin", "unsupported"),
    ]
    assert "JSON" in ex1.files[0].reason
    assert disclosure["EX-2"].counts == ()  # photo.jpg was read by the media stage, not listed anywhere


def test_appendix_holds_every_cited_file(built_case: BuiltCase) -> None:
    package = _package(built_case, own_exhibits=("EX-1",))
    cited = {f.file_id for f in package.appendix}
    for excerpt in package.excerpts:
        assert {m.provenance.file_id for m in excerpt.messages} <= cited
    for link in package.identity.links:
        assert {n.provenance.file_id for n in link.names if n.provenance} <= cited
    assert built_case.photo_file_id in cited
    assert all(f.sha256 and len(f.sha256) == 64 for f in package.appendix)


def test_later_stages_sections_say_they_are_not_available(built_case: BuiltCase) -> None:
    package = _package(built_case)
    assert isinstance(package.indicators, Unavailable) and "triage" in package.indicators.reason
    assert isinstance(package.bookmarks, Unavailable) and "bookmark" in package.bookmarks.reason


def test_bookmarked_messages_become_excerpts(case_copy: BuiltCase) -> None:
    bookmarked = _message_id(case_copy, "take the bus then")
    store = CaseStore.open(case_copy.root)
    try:
        with store.write() as conn:  # the web workspace's table (0008_workspace)
            conn.execute(text(
                "CREATE TABLE IF NOT EXISTS bookmarks (id INTEGER PRIMARY KEY, subject_kind TEXT NOT NULL, "
                "subject_id INTEGER NOT NULL, label TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL, "
                "created_at_utc TEXT NOT NULL, audit_seq INTEGER NOT NULL)"
            ))  # fmt: skip
            conn.execute(text(
                "INSERT INTO bookmarks (subject_kind, subject_id, label, created_by, created_at_utc, "
                "audit_seq) VALUES ('message', :m, 'travel plan', 'analyst1', '2026-03-21T10:00:00+00:00', 1)"
            ), {"m": bookmarked})  # fmt: skip
        package = build_package(store, PackageRequest(case_copy.ola, context=0))
    finally:
        store.close()
    assert not isinstance(package.bookmarks, Unavailable)
    assert [(b.label, b.message_id) for b in package.bookmarks] == [("travel plan", bookmarked)]
    assert "travel plan" in render_html(package, "en")
    assert [(x.reasons, [m.body for m in x.messages]) for x in package.excerpts] == [
        (("bookmark",), ["take the bus then"])
    ]


def test_unknown_person_or_exhibit_is_a_clear_error(built_case: BuiltCase) -> None:
    store = CaseStore.open(built_case.root)
    try:
        with pytest.raises(InvalidInput, match="no person 99"):
            build_package(store, PackageRequest(99))
        with pytest.raises(InvalidInput, match="no exhibit 'EX-9'"):
            build_package(store, PackageRequest(built_case.ola, own_exhibits=("EX-9",)))
    finally:
        store.close()


def _field_names(record: type) -> set[str]:
    names: set[str] = set()
    hints = typing.get_type_hints(record, vars(sections))
    for field in dataclasses.fields(record):
        names.add(field.name)
        for arg in typing.get_args(hints[field.name]) or (hints[field.name],):
            for inner in typing.get_args(arg) or (arg,):
                if dataclasses.is_dataclass(inner) and isinstance(inner, type):
                    names |= _field_names(inner)
    return names


def test_no_record_of_a_package_can_hold_a_score() -> None:
    names = _field_names(ProsecutionPackage)
    assert {"chain_head", "provenance", "sha256"} <= names  # the walk reaches nested records
    assert not [name for name in names if "priority" in name or "score" in name]


def test_a_restricted_account_of_the_suspect_keeps_its_place_but_not_its_identity(
    case_copy: BuiltCase,
) -> None:
    store = CaseStore.open(case_copy.root)
    try:
        with store.write() as conn:
            conn.execute(text("UPDATE accounts SET restricted = 1 WHERE handle = 'user999'"))
        hidden = build_package(store, PackageRequest(case_copy.ola))
        shown = build_package(store, PackageRequest(case_copy.ola, clearance="restricted"))
    finally:
        store.close()
    link = next(link for link in hidden.identity.links if link.restricted)
    assert (link.handle, link.status, link.identifiers) == (REDACTED, "model-only", ())
    assert [n.display_name for n in link.names] == [REDACTED] and link.reasons == (REDACTED,)
    senders = {m.sender for x in hidden.excerpts for m in x.messages if m.sender_is_suspect}
    assert REDACTED in senders and "user999" not in repr(hidden)
    assert "user999" in {link.handle for link in shown.identity.links}


def indicators_for(conn: Connection, scope: SuspectScope) -> Indicators:
    """A stand-in for the triage stage's hook (`providers.TRIAGE_HOOK`): one hit, one planned event."""
    row = conn.execute(
        text(
            "SELECT m.id, m.file_id, m.locator, e.ref, f.display_path FROM messages m JOIN exhibits e "
            "ON e.id = m.exhibit_id JOIN files f ON f.id = m.file_id WHERE m.body = 'see you at the gate'"
        )
    ).one()
    where = Provenance(row.ref, row.file_id, row.display_path, row.locator)
    return Indicators(
        hits=(IndicatorHit(row.id, "meeting", "see you at the gate", where),),
        planned=(
            PlannedEvent("2026-01-17T14:00:00+00:00", "2026-01-17 15:00:00 +01:00", "match day", where),
        ),
    )


def test_indicator_hits_from_the_triage_hook_become_excerpts(
    built_case: BuiltCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(providers, "TRIAGE_HOOK", (__name__, "indicators_for"))
    package = _package(built_case, context=1)
    assert not isinstance(package.indicators, Unavailable)
    assert [h.indicator for h in package.indicators.hits] == ["meeting"]
    ((reasons, bodies),) = [(x.reasons, [m.body for m in x.messages]) for x in package.excerpts]
    assert reasons == ("indicator",)
    html = render_html(package, "nb")
    assert "match day" in html and "2026-01-17 15:00:00 +01:00" in html and "indikatortreff" in html
    assert bodies == [
        "fine, the 12 leaves at half past one",
        "see you at the gate",
        "do not forget the tickets",
    ]
    monkeypatch.setattr(providers, "TRIAGE_HOOK", (__name__, "no_such_hook"))
    assert isinstance(_package(built_case).indicators, Unavailable)


def test_pictures_the_media_stage_has_not_seen_are_not_processed(case_copy: BuiltCase) -> None:
    store = CaseStore.open(case_copy.root)
    try:
        with store.write() as conn:
            conn.execute(text("DELETE FROM media_reviews"))
            conn.execute(text("DELETE FROM media_hashes"))
            conn.execute(text("DELETE FROM media"))
        package = build_package(store, PackageRequest(case_copy.ola))
    finally:
        store.close()
    ex1 = next(d for d in package.disclosure if d.exhibit_ref == "EX-1")
    photo = next(f for f in ex1.files if f.path == "photo.jpg")
    assert photo.status == "not processed" and "media stage has not analysed" in photo.reason
    assert [f.status for f in ex1.files] == ["failed", "not processed", "unsupported"]
