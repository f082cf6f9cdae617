"""DiscordChatExporter JSON: generated exports in the real layout, malformed variants, conformance."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkroom.errors import WrongFormat
from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.discord_json import DiscordJson
from darkroom.model import MessageKind

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "discord_json"
ANN = {
    "id": "400000000000000001",
    "name": "ann.lee",
    "discriminator": "0000",
    "nickname": "Ann",
    "isBot": False,
}
TOM = {
    "id": "400000000000000002",
    "name": "tomfield",
    "discriminator": "0000",
    "nickname": None,
    "isBot": False,
}


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _write(tmp_path: Path, document: object, name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def _parse(path: Path, tmp_path: Path) -> tuple[list[Record], list[tuple[str, str]]]:
    ctx = _ctx(tmp_path)
    records = list(DiscordJson().parse(path, ctx))
    return records, ctx.warnings


def _messages(records: list[Record]) -> list[ParsedMessage]:
    return [r for r in records if isinstance(r, ParsedMessage)]


def _entry(
    message_id: str, message_type: str, timestamp: str, author: object, content: str, **extra: Any
) -> Any:
    entry = {"id": message_id, "type": message_type, "timestamp": timestamp, "timestampEdited": None,
             "isPinned": False, "content": content, "author": author, "attachments": [], "embeds": [],
             "stickers": [], "reactions": [], "mentions": []}  # fmt: skip
    entry.update(extra)
    return entry


def _export(messages: list[Any], channel_type: object = "GuildTextChat", count: int | None = None) -> Any:
    return {
        "guild": {"id": "900000000000000001", "name": "Sunday League", "iconUrl": "https://example.org/i.png"},
        "channel": {"id": "900000000000000010", "type": channel_type, "categoryId": "900000000000000005",
                    "category": "Matches", "name": "fixtures", "topic": "Who plays when"},
        "dateRange": {"after": None, "before": None},
        "messages": messages,
        "messageCount": len(messages) if count is None else count,
    }  # fmt: skip


def _guild_export() -> Any:
    pdf = {"id": "1", "url": "https://cdn.example.org/attachments/fixtures.pdf", "fileName": "fixtures.pdf",
           "fileSizeBytes": 20480}  # fmt: skip
    return _export([
        _entry("1000", "Default", "2024-03-01T09:15:00.123+00:00", ANN, "Coffee before the match?"),
        _entry("1001", "Reply", "2024-03-01T10:16:00+01:00", TOM, "Yes, at ten",
               reference={"messageId": "1000", "channelId": "900000000000000010", "guildId": None}),
        _entry("1002", "Default", "2024-03-01T09:20:00.000+00:00", ANN, "", attachments=[pdf]),
        _entry("1003", "RecipientAdd", "2024-03-01T09:30:00.000+00:00", TOM, "Added Sam to the group."),
        _entry("1004", "Call", "2024-03-01T09:40:00.000+00:00", ANN, "Started a call that lasted 3 minutes.",
               callEndedTimestamp="2024-03-01T09:43:00.000+00:00"),
    ])  # fmt: skip


def test_guild_channel_export(tmp_path: Path) -> None:
    records, warnings = _parse(_write(tmp_path, _guild_export()), tmp_path)
    assert warnings == []
    assert records[0] == ParsedConversation(
        key="900000000000000010", platform="discord", title="fixtures", is_group=True, locator="channel",
        external_id="900000000000000010",
    )  # fmt: skip
    first, reply, media, added, call = _messages(records)
    assert first == ParsedMessage(
        conversation_key="900000000000000010", sender=AccountRef("discord", "400000000000000001", "Ann"),
        sent_at=datetime(2024, 3, 1, 9, 15, 0, 123000, tzinfo=UTC),
        sent_at_raw="2024-03-01T09:15:00.123+00:00", assumed_zone=None, body="Coffee before the match?",
        kind=MessageKind.TEXT, locator="messages[0]", key="1000",
    )  # fmt: skip
    assert reply.sender == AccountRef("discord", "400000000000000002", "tomfield")  # no nickname: name
    assert reply.sent_at == datetime(2024, 3, 1, 9, 16, tzinfo=UTC)  # +01:00 offset converted
    assert (reply.kind, reply.parent_key) == (MessageKind.TEXT, "1000")
    assert media.kind is MessageKind.MEDIA
    assert media.attachments == (ParsedAttachment("fixtures.pdf", "application/pdf"),)
    assert (added.kind, added.body) == (MessageKind.SYSTEM, "Added Sam to the group.")
    assert (call.kind, call.sender) == (
        MessageKind.SYSTEM,
        AccountRef("discord", "400000000000000001", "Ann"),
    )


@pytest.mark.parametrize(
    ("channel_type", "is_group"),
    [
        ("DirectTextChat", False),
        (1, False),
        ("DirectGroupTextChat", True),
        ("GuildPublicThread", True),
        (3, True),
    ],
)
def test_only_a_direct_message_is_not_a_group(tmp_path: Path, channel_type: object, is_group: bool) -> None:
    records, _ = _parse(_write(tmp_path, _export([], channel_type)), tmp_path)
    conversation = records[0]
    assert isinstance(conversation, ParsedConversation)
    assert conversation.is_group is is_group


def test_message_count_disagreement_is_a_warning(tmp_path: Path) -> None:
    document = _guild_export()
    document["messageCount"] = 3
    records, warnings = _parse(_write(tmp_path, document), tmp_path)
    assert len(_messages(records)) == 5
    assert warnings == [("messageCount", "messageCount says 3 but the file holds 5 messages")]


def test_local_time_without_offset_uses_the_case_zone(tmp_path: Path) -> None:
    document = _export([_entry("1", "Default", "2024-07-01T12:00:00", ANN, "Kick-off")])
    records, _ = _parse(_write(tmp_path, document), tmp_path)
    (message,) = _messages(records)
    assert message.sent_at == datetime(2024, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))).astimezone(UTC)
    assert (message.sent_at_raw, message.assumed_zone) == ("2024-07-01T12:00:00", "Europe/Oslo")


# -- malformed ----------------------------------------------------------------------------------


def test_truncated_json_is_a_clear_error(tmp_path: Path) -> None:
    text = json.dumps(_guild_export(), indent=2)
    path = tmp_path / "export.json"
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"broken or truncated JSON at line \d+ column \d+ \(character \d+\)"
    ):
        _parse(path, tmp_path)


@pytest.mark.parametrize(
    "document",
    [
        {"hello": "world"},
        [1, 2],
        {"guild": {}, "channel": "x", "messages": []},
        {"name": "A", "messages": []},
    ],
)
def test_json_that_is_not_discord_is_wrong_format(tmp_path: Path, document: object) -> None:
    with pytest.raises(WrongFormat):
        _parse(_write(tmp_path, document), tmp_path)


def test_bad_records_are_warnings(tmp_path: Path) -> None:
    document = _export([
        "not a message",
        _entry("1", "Default", "last week", {"name": "ann.lee", "nickname": None}, "hi"),
        _entry("2", "Default", None, None, 42),
        _entry("3", "Default", "2024-03-01T09:15:00+00:00", ANN, "", attachments=[{"fileSizeBytes": 1}, 2]),
        _entry("4", "Default", "2024-03-01T09:16:00+00:00", {"id": None}, "", attachments={"fileName": "a"}),
    ], channel_type=None)  # fmt: skip
    del document["channel"]["id"]
    records, warnings = _parse(_write(tmp_path, document), tmp_path)
    assert [w[0] for w in warnings] == [
        "channel", "channel", "messages[0]", "messages[1]", "messages[1]", "messages[2]", "messages[2]",
        "messages[2]", "messages[3]", "messages[3]", "messages[4]", "messages[4]",
    ]  # fmt: skip
    assert records[0] == ParsedConversation("channel", "discord", "fixtures", True, "channel", None)
    nameless, empty, files, anonymous = _messages(records)
    assert nameless.sender == AccountRef("discord", "ann.lee", "ann.lee")
    assert (nameless.sent_at, nameless.sent_at_raw, nameless.body) == (None, "last week", "hi")
    assert (empty.sender, empty.sent_at, empty.body) == (None, None, "")
    assert (files.attachments, files.kind) == ((), MessageKind.TEXT)
    assert anonymous.sender is None


def test_bad_bytes_are_replaced_with_a_warning(tmp_path: Path) -> None:
    text = json.dumps(_export([_entry("1", "Default", "2024-03-01T09:15:00+00:00", ANN, "Cafe?")]))
    path = tmp_path / "export.json"
    path.write_bytes(text.replace("Cafe?", "Caf\xe9?").encode("latin-1"))
    records, warnings = _parse(path, tmp_path)
    assert _messages(records)[0].body == "Caf\ufffd?"
    assert [w[1][:14] for w in warnings] == ["not valid utf-"]


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_MESSAGE_KEYS = st.sampled_from(
    ["id", "type", "timestamp", "content", "author", "attachments", "reference", "embeds", "reactions"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=st.lists(st.dictionaries(_MESSAGE_KEYS, _JSON_VALUES, max_size=6), max_size=4),
    channel=st.dictionaries(st.sampled_from(["id", "type", "name"]), _JSON_VALUES, max_size=3),
)
def test_any_field_values_end_as_messages_or_warnings(
    tmp_path_factory: pytest.TempPathFactory, messages: list[dict[str, Any]], channel: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("prop", numbered=True)
    document = {"guild": {"id": "0"}, "channel": channel, "messages": messages, "messageCount": 1}
    records, _ = _parse(_write(folder, document), folder)
    assert len(_messages(records)) == len(messages)


# -- sniff --------------------------------------------------------------------------------------


def test_sniff() -> None:
    parser = DiscordJson()
    head = json.dumps(_guild_export(), indent=2).encode()
    assert parser.sniff(Path("fixtures.json"), head) == 0.95
    assert parser.sniff(Path("fixtures.txt"), head) == 0.9
    telegram = b'{"name": "A", "type": "personal_chat", "id": 1, "messages": [{"date_unixtime": "1"}]}'
    assert parser.sniff(Path("result.json"), telegram) == 0.0
    assert parser.sniff(Path("export.json"), b"Guild: Sunday League\nChannel: fixtures\n") == 0.0
    assert parser.sniff(Path("export.json"), b"") == 0.0


# -- conformance --------------------------------------------------------------------------------


def test_conformance_chatanalytics_group_chat(tmp_path: Path) -> None:
    path = CONFORMANCE / "chatanalytics_GC_3A_5M.json"
    if not path.exists():
        pytest.skip(f"conformance corpus not present at {CONFORMANCE}")
    assert DiscordJson().sniff(path, path.read_bytes()[:65536]) == 0.95
    records, warnings = _parse(path, tmp_path)
    assert warnings == [("messageCount", "messageCount says 5 but the file holds 6 messages")]
    assert records[0] == ParsedConversation(
        "1064990764406419508", "discord", "a group chat", True, "channel", "1064990764406419508"
    )
    messages = _messages(records)
    assert len(messages) == 6  # the array, not messageCount
    assert [m.kind for m in messages].count(MessageKind.TEXT) == 3  # 3 Default
    assert [m.body for m in messages if m.kind is MessageKind.SYSTEM] == [
        "Changed the channel name.",
        "Changed the channel icon.",
        "Started a call that lasted 113 minutes.",
    ]
    assert {m.sender for m in messages} == {
        AccountRef("discord", "111111111111111111", "mlomb"),
        AccountRef("discord", "222222222222222222", "lombi"),
        AccountRef("discord", "333333333333333333", "theplant"),  # nickname over name "not a plant"
    }
    assert messages[0].sent_at == datetime(2023, 1, 17, 19, 33, 7, 489000, tzinfo=UTC)
    assert messages[-1].sent_at == datetime(2023, 3, 3, 14, 47, 59, 187000, tzinfo=UTC)
    assert all(m.assumed_zone is None for m in messages)
    assert messages[4].parent_key == "1064990824305274930"
