"""Meta "Download your information" JSON: threads as Meta writes them (mojibake, BOM, newest first)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkroom.errors import WrongFormat
from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.discord_json import DiscordJson
from darkroom.formats.meta_dyi_json import MetaDyiJson, demojibake
from darkroom.formats.telegram_json import TelegramJson
from darkroom.model import MessageKind

KARE = AccountRef("facebook", "Kåre Berg", "Kåre Berg")
TOM = AccountRef("facebook", "Tom Field", "Tom Field")
THREAD = "inbox/kareberg_7310654821"
MEDIA = MessageKind.MEDIA
T0 = 1_709_280_000_000  # 2024-03-01T08:00:00Z in epoch milliseconds


def _ctx(tmp_path: Path, display_path: str = "x") -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path=display_path, region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _mangle(value: Any) -> Any:
    """Meta's escaping: each UTF-8 byte of a string becomes one character (later written as \\u00XX)."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [_mangle(item) for item in value]
    if isinstance(value, dict):
        return {key: _mangle(item) for key, item in value.items()}
    return value


def _meta_bytes(document: Any, bom: bool = False) -> bytes:
    """A file exactly as Meta writes it: ASCII-only JSON, 2-space indent, mojibake escapes."""
    text = json.dumps(_mangle(document), indent=2)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("ascii")


def _write(tmp_path: Path, payload: bytes, folder: str = f"messages/{THREAD}") -> Path:
    path = tmp_path / folder / "message_1.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path


def _parse(path: Path, tmp_path: Path, display_path: str = "x") -> tuple[list[Record], list[tuple[str, str]]]:
    ctx = _ctx(tmp_path, display_path)
    records = list(MetaDyiJson().parse(path, ctx))
    return records, ctx.warnings


def _messages(records: list[Record]) -> list[ParsedMessage]:
    return [r for r in records if isinstance(r, ParsedMessage)]


def _thread(
    messages: list[Any], participants: tuple[str, ...] = ("Kåre Berg", "Tom Field"), **extra: Any
) -> Any:
    document: dict[str, Any] = {
        "participants": [{"name": name} for name in participants],
        "messages": messages,
        "title": "Kåre Berg",
        "is_still_participant": True,
        "thread_type": "Regular",
        "thread_path": THREAD,
        "magic_words": [],
    }
    document.update(extra)
    return document


def _newest_first() -> list[Any]:
    """Five messages, newest first, as Meta orders them."""
    photo = {"uri": f"messages/{THREAD}/photos/431298765_1020.jpg", "creation_timestamp": 1709280900}
    return [
        {"sender_name": "Kåre Berg", "timestamp_ms": T0 + 400_000, "content": "Kåre Berg left the group.",
         "type": "Unsubscribe", "is_geoblocked_for_viewer": False},
        {"sender_name": "Tom Field", "timestamp_ms": T0 + 300_000, "content": "Kåre Berg called you.",
         "type": "Call", "call_duration": 95},
        {"sender_name": "Kåre Berg", "timestamp_ms": T0 + 200_000, "content": "Fixtures for Saturday",
         "share": {"link": "https://www.example.org/fixtures", "share_text": "Fixtures"}, "type": "Share"},
        {"sender_name": "Tom Field", "timestamp_ms": T0 + 100_000, "photos": [photo], "type": "Generic"},
        {"sender_name": "Kåre Berg", "timestamp_ms": T0, "content": "Kaffe på fredag? ☕",
         "reactions": [{"reaction": "👍", "actor": "Tom Field"}], "type": "Generic"},
    ]  # fmt: skip


def test_facebook_thread_in_meta_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, _meta_bytes(_thread(_newest_first()), bom=True))
    assert b"K\\u00c3\\u00a5re" in path.read_bytes()  # really written the mangled way
    records, warnings = _parse(path, tmp_path)
    assert warnings == []
    owner, conversation, *_ = records
    assert owner == ParsedAccount(TOM, "participants[1]", is_owner=True)
    assert conversation == ParsedConversation(
        key=THREAD, platform="facebook", title="Kåre Berg", is_group=False, locator="$",
        external_id=THREAD, participants=(KARE, TOM),
    )  # fmt: skip
    coffee, photo, share, call, left = _messages(records)
    assert coffee == ParsedMessage(
        conversation_key=THREAD, sender=KARE, sent_at=datetime(2024, 3, 1, 8, 0, tzinfo=UTC),
        sent_at_raw=str(T0), assumed_zone=None, body="Kaffe på fredag? ☕", kind=MessageKind.TEXT,
        locator="messages[4]",
    )  # fmt: skip
    assert (photo.kind, photo.sender, photo.body, photo.locator) == (MEDIA, TOM, "", "messages[3]")
    uri = f"messages/{THREAD}/photos/431298765_1020.jpg"
    assert photo.attachments == (ParsedAttachment(uri, "image/jpeg"),)
    assert photo.sent_at == datetime(2024, 3, 1, 8, 1, 40, tzinfo=UTC)
    link = "https://www.example.org/fixtures"
    assert (share.kind, share.body) == (MessageKind.TEXT, f"Fixtures for Saturday\n{link}")
    assert (call.kind, call.body, call.sender) == (MessageKind.SYSTEM, "Kåre Berg called you.", TOM)
    assert (left.kind, left.locator) == (MessageKind.SYSTEM, "messages[0]")


def test_group_thread_has_no_inferred_owner(tmp_path: Path) -> None:
    document = _thread(
        [{"sender_name": "Ann Lee", "timestamp_ms": T0, "content": "Quiz night on Thursday?"}],
        participants=("Kåre Berg", "Tom Field", "Ann Lee"),
        title="Quiz night",
        thread_type="RegularGroup",
    )
    records, warnings = _parse(_write(tmp_path, _meta_bytes(document)), tmp_path)
    assert warnings == []
    conversation = records[0]
    assert isinstance(conversation, ParsedConversation)
    assert conversation.is_group is True
    assert (conversation.title, len(conversation.participants)) == ("Quiz night", 3)
    assert not any(isinstance(r, ParsedAccount) for r in records)


def test_more_than_two_participants_is_a_group_without_thread_type(tmp_path: Path) -> None:
    document = _thread([], participants=("A One", "B Two", "C Three"))
    del document["thread_type"]
    records, _ = _parse(_write(tmp_path, _meta_bytes(document)), tmp_path)
    conversation = next(r for r in records if isinstance(r, ParsedConversation))
    assert conversation.is_group is True


@pytest.mark.parametrize(
    ("display_path", "uri", "platform"),
    [
        ("EX-2!/instagram-kare_berg-2026-02-01/your_instagram_activity/messages/inbox/t/m.json",
         None, "instagram"),
        ("EX-2!/Downloads/instagram-kareberg-2026-02-01-AbCd/messages/inbox/t/m.json", None, "instagram"),
        ("EX-2!/Downloads/facebook-kareberg-2026-02-01/messages/inbox/t/m.json", None, "facebook"),
        ("x", "your_instagram_activity/messages/inbox/t/photos/1.jpg", "instagram"),
        ("x", "your_facebook_activity/messages/inbox/t/photos/1.jpg", "facebook"),
        ("x", None, "facebook"),
    ],
)  # fmt: skip
def test_platform_from_folder_or_uri(
    tmp_path: Path, display_path: str, uri: str | None, platform: str
) -> None:
    message: dict[str, Any] = {"sender_name": "Kåre Berg", "timestamp_ms": T0}
    if uri:
        message["photos"] = [{"uri": uri, "creation_timestamp": 1709280000}]
    records, _ = _parse(_write(tmp_path, _meta_bytes(_thread([message]))), tmp_path, display_path)
    assert {getattr(r, "platform", None) for r in records if isinstance(r, ParsedConversation)} == {platform}
    sender = _messages(records)[0].sender
    assert sender == AccountRef(platform, "Kåre Berg", "Kåre Berg")


def test_mojibake_repair_only_when_it_decodes() -> None:
    assert demojibake("K\u00c3\u00a5re") == "Kåre"
    assert demojibake("\u00f0\u009f\u0091\u008d") == "👍"
    assert demojibake("café") == "café"  # Latin-1 text that is no UTF-8: left alone
    assert demojibake("Kåre ☕") == "Kåre ☕"  # a character above U+00FF: never mangled
    assert demojibake("plain") == "plain"


def test_correct_utf8_file_is_left_as_it_is(tmp_path: Path) -> None:
    document = _thread([{"sender_name": "Kåre Berg", "timestamp_ms": T0, "content": "Ses på fredag, café?"}])
    payload = json.dumps(document, ensure_ascii=False).encode("utf-8")
    records, warnings = _parse(_write(tmp_path, payload), tmp_path)
    assert warnings == []
    (message,) = _messages(records)
    assert (message.sender, message.body) == (KARE, "Ses på fredag, café?")


def test_unsent_media_and_sticker_kinds(tmp_path: Path) -> None:
    messages = [
        {"sender_name": "Tom Field", "timestamp_ms": T0 + 3, "is_unsent": True, "type": "Generic"},
        {"sender_name": "Tom Field", "timestamp_ms": T0 + 2, "sticker": {"uri": "stickers_used/3.png"}},
        {"sender_name": "Tom Field", "timestamp_ms": T0 + 1, "content": "minutes.pdf",
         "files": [{"uri": f"messages/{THREAD}/files/minutes.pdf", "creation_timestamp": 1709280000}],
         "audio_files": [{"uri": f"messages/{THREAD}/audio/clip.mp4", "creation_timestamp": 1709280000}]},
    ]  # fmt: skip
    records, warnings = _parse(_write(tmp_path, _meta_bytes(_thread(messages))), tmp_path)
    assert warnings == []
    files, sticker, unsent = _messages(records)
    assert files.kind is MessageKind.MEDIA
    assert files.attachments == (
        ParsedAttachment(f"messages/{THREAD}/audio/clip.mp4", "video/mp4"),
        ParsedAttachment(f"messages/{THREAD}/files/minutes.pdf", "application/pdf"),
    )
    assert (sticker.kind, sticker.attachments) == (
        MessageKind.MEDIA,
        (ParsedAttachment("stickers_used/3.png", "image/png"),),
    )
    assert (unsent.kind, unsent.body) == (MessageKind.DELETED, "")


def test_old_seconds_timestamp_and_bad_records_are_warnings(tmp_path: Path) -> None:
    messages = [
        {"sender_name": "Tom Field", "timestamp": 1709280000, "content": "Old style"},
        "not a message",
        {"timestamp_ms": T0, "content": "No sender"},
        {"sender_name": "Tom Field", "content": "No time"},
        {"sender_name": "Tom Field", "timestamp_ms": "soon", "content": 42},
        {
            "sender_name": "Tom Field",
            "timestamp_ms": T0,
            "photos": [{"creation_timestamp": 1}],
            "videos": "x",
        },
    ]
    records, warnings = _parse(_write(tmp_path, _meta_bytes(_thread(messages))), tmp_path)
    assert warnings == [
        ("messages[5]", "photos[0] has no uri; left out"),
        ("messages[5]", "videos is 'x', not a list; left out"),
        ("messages[4]", "content is 42, not text; left out"),
        ("messages[4]", "timestamp_ms 'soon' is not a number; kept without a time"),
        ("messages[3]", "message has no timestamp_ms; kept without a time"),
        ("messages[2]", "message has no sender_name: sender unknown"),
        ("messages[1]", "message is 'not a message', not an object; skipped"),
    ]
    by_locator = {m.locator: m for m in _messages(records)}
    assert len(by_locator) == 5
    assert by_locator["messages[0]"].sent_at == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    assert by_locator["messages[2]"].sender is None
    assert by_locator["messages[5]"].kind is MessageKind.TEXT


def test_missing_thread_path_and_unnamed_participant(tmp_path: Path) -> None:
    document = _thread([], participants=("Kåre Berg",))
    document["participants"].append({"id": 3})
    del document["thread_path"]
    records, warnings = _parse(_write(tmp_path, _meta_bytes(document)), tmp_path)
    assert warnings == [
        ("participants[1]", "participant {'id': 3} has no name; left out"),
        ("thread_path", "thread has no thread_path; the conversation is keyed 'thread'"),
    ]
    assert [r.key for r in records if isinstance(r, ParsedConversation)] == ["thread"]


def test_bad_bytes_are_a_warning(tmp_path: Path) -> None:
    payload = _meta_bytes(_thread([{"sender_name": "Tom Field", "timestamp_ms": T0, "content": "Hi X"}]))
    records, warnings = _parse(_write(tmp_path, payload.replace(b"Hi X", b"Hi \xff")), tmp_path)
    assert [w[1].split(" (")[0] for w in warnings] == ["not valid utf-8-sig"]
    assert _messages(records)[0].body == "Hi \ufffd"


def test_truncated_file_fails_clearly(tmp_path: Path) -> None:
    payload = _meta_bytes(_thread(_newest_first()))
    path = _write(tmp_path, payload[: len(payload) // 2])
    with pytest.raises(ValueError, match="broken or truncated JSON at line"):
        _parse(path, tmp_path)


@pytest.mark.parametrize(
    "document",
    [[1, 2], {"guild": {}, "channel": {}, "messages": []}, {"participants": "none", "messages": []}],
)
def test_other_json_is_the_wrong_format(tmp_path: Path, document: Any) -> None:
    with pytest.raises(WrongFormat):
        _parse(_write(tmp_path, json.dumps(document).encode()), tmp_path)


def test_sniff(tmp_path: Path) -> None:
    payload = _meta_bytes(_thread(_newest_first()), bom=True)
    path = _write(tmp_path, payload)
    assert MetaDyiJson().sniff(path, payload[:65536]) == 0.9
    assert TelegramJson().sniff(path, payload[:65536]) == 0.0
    assert DiscordJson().sniff(path, payload[:65536]) == 0.0
    telegram = json.dumps({"name": "Bob", "type": "personal_chat", "id": 7, "messages": []}).encode()
    assert MetaDyiJson().sniff(path, telegram) == 0.0
    assert MetaDyiJson().sniff(path, b"participants messages sender_name") == 0.0
    empty_thread = json.dumps({"participants": [], "messages": []}).encode()
    assert MetaDyiJson().sniff(path, empty_thread) == 0.0


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    content=st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    name=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20).filter(str.strip),
)
def test_any_text_survives_meta_encoding(tmp_path: Path, content: str, name: str) -> None:
    document = _thread([{"sender_name": name, "timestamp_ms": T0, "content": content}])
    records, _ = _parse(_write(tmp_path, _meta_bytes(document, bom=True)), tmp_path)
    (message,) = _messages(records)
    assert message.body == content
    assert message.sender == AccountRef("facebook", name.strip(), name.strip())
