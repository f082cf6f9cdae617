"""Telegram Desktop JSON: generated exports in the real layout, malformed variants, the conformance files."""

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
    ParsedContact,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.telegram_json import TelegramJson
from darkroom.model import MessageKind

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "telegram_json"
TOM = AccountRef("telegram", "user100000001", "Tom Field")
ANN = AccountRef("telegram", "user100000002", "Ann Lee")
NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _write(tmp_path: Path, document: object, name: str = "result.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _parse(path: Path, tmp_path: Path) -> tuple[list[Record], list[tuple[str, str]]]:
    ctx = _ctx(tmp_path)
    records = list(TelegramJson().parse(path, ctx))
    return records, ctx.warnings


def _messages(records: list[Record]) -> list[ParsedMessage]:
    return [r for r in records if isinstance(r, ParsedMessage)]


def _by_locator(records: list[Record]) -> dict[str, Record]:
    return {r.locator: r for r in records if not isinstance(r, ParsedAccount | ParsedContact)}


def _msg(message_id: int, unixtime: int | None, **fields: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"id": message_id, "type": "message"}
    if unixtime is not None:
        message["date"] = datetime.fromtimestamp(unixtime, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        message["date_unixtime"] = str(unixtime)
    message.update(fields)
    return message


def _full_export() -> dict[str, Any]:
    """A whole-account export: owner, two contacts, a personal chat, a group, saved messages, a left chat."""
    # fmt: off
    ann, tom = {"from": "Ann Lee", "from_id": ANN.handle}, {"from": "Tom Field", "from_id": TOM.handle}
    link = {"type": "text_link", "text": "the menu", "href": "https://example.org/menu"}
    personal_chat = [
        _msg(1, 1709280900, **ann, text="Coffee at ten?"),
        _msg(2, 1709281000, **tom, reply_to_message_id=1,
             text=["Yes, see ", link, " ", {"type": "bold", "text": "today"}]),
        _msg(3, 1709281200, **ann, text="", photo="photos/photo_1@01-03-2024_09-20-00.jpg", width=960),
        _msg(4, 1709281300, **ann, text="Match schedule", file="files/fixtures.pdf"),
        {"id": 5, "type": "service", "date_unixtime": "1709281400", "actor": "Tom Field",
         "actor_id": TOM.handle, "action": "phone_call", "duration_seconds": 120, "discard_reason": "hangup",
         "text": ""},
        {"id": 6, "type": "message", "date": "2024-03-01T10:00:00", "from": None, "from_id": "user100000009",
         "text": "Running late"},
        {"id": 7, "type": "message", **ann, "text": "See you"},
        _msg(8, 1709282000, **{"from": None, "text": 42}),
        _msg(9, 1709282100, **ann, text="Ref's number", contact_information={
            "first_name": "Joe", "last_name": "Ref", "phone_number": "+44 7700 900789"}),
    ]
    group_chat = [
        {"id": 10, "type": "service", "date_unixtime": "1709290000", "actor": "Tom Field",
         "actor_id": TOM.handle, "action": "invite_members", "members": ["Ann Lee", None, "Sam Berg"],
         "text": ""},
        _msg(11, 1709290100, **{"from": "Sunday League", "from_id": "channel1500000001"}, text="Booked"),
    ]
    contacts = [
        {"user_id": 100000002, "first_name": "Ann", "last_name": "Lee", "phone_number": "+44 7700 900456",
         "date": "2024-01-02T10:00:00", "date_unixtime": "1704189600"},
        {"user_id": 0, "first_name": "Sam", "last_name": "", "phone_number": "+1 202 555 0143",
         "date": "2024-01-03T10:00:00", "date_unixtime": "1704276000"},
    ]
    chats = [
        {"name": "Ann Lee", "type": "personal_chat", "id": 100000002, "messages": personal_chat},
        {"name": "Sunday League", "type": "private_supergroup", "id": 1500000001, "messages": group_chat},
        {"type": "saved_messages", "id": 100000001, "messages": []},
    ]
    left_chat = {"name": "Old Office", "type": "private_group", "id": 1200000001,
                 "messages": [_msg(1, 1600000000, **tom, text="Bye all")]}
    owner = {"user_id": 100000001, "first_name": "Tom", "last_name": "Field",
             "phone_number": "+44 7700 900123", "username": "@tomfield_test", "bio": "Coffee first."}
    # fmt: on
    return {
        "about": "Here is the data you requested.",
        "personal_information": owner,
        "contacts": {"about": "contacts", "list": contacts},
        "chats": {"about": "chats", "list": chats},
        "left_chats": {"about": "left", "list": [left_chat]},
    }


def test_full_export_owner_and_contacts(tmp_path: Path) -> None:
    records, _ = _parse(_write(tmp_path, _full_export()), tmp_path)
    accounts = [r for r in records if isinstance(r, ParsedAccount)]
    assert accounts == [
        ParsedAccount(TOM, "personal_information", is_owner=True),
        ParsedAccount(
            AccountRef("phone", "+44 7700 900123", "Tom Field"), "personal_information", is_owner=True
        ),
    ]
    contacts = [r for r in records if isinstance(r, ParsedContact)]
    assert [c.locator for c in contacts] == ["personal_information", "contacts.list[0]", "contacts.list[1]"]
    owner_card = contacts[0]
    assert owner_card.display_name == "Tom Field"
    assert owner_card.fields["username"] == ["@tomfield_test"]
    assert owner_card.fields["user_id"] == ["100000001"]
    assert owner_card.accounts == (accounts[0].account, accounts[1].account)
    assert contacts[1] == ParsedContact(
        "Ann Lee",
        {
            "user_id": ["100000002"],
            "first_name": ["Ann"],
            "last_name": ["Lee"],
            "phone_number": ["+44 7700 900456"],
            "date": ["2024-01-02T10:00:00"],
            "date_unixtime": ["1704189600"],
        },
        "contacts.list[0]",
        (AccountRef("phone", "+44 7700 900456", "Ann Lee"), ANN),
    )
    assert contacts[2].display_name == "Sam"
    assert contacts[2].accounts == (AccountRef("phone", "+1 202 555 0143", "Sam"),)  # user_id 0: no account


def test_owner_without_user_id_keeps_the_username_as_handle(tmp_path: Path) -> None:
    document = {
        "personal_information": {"first_name": "Tom", "username": "tomfield_test"},
        "chats": {"list": []},
    }
    records, warnings = _parse(_write(tmp_path, document), tmp_path)
    assert records[0] == ParsedAccount(
        AccountRef("telegram", "@tomfield_test", "Tom"), "personal_information", True
    )
    assert warnings == []


def test_full_export_conversations(tmp_path: Path) -> None:
    records, _ = _parse(_write(tmp_path, _full_export()), tmp_path)
    conversations = [r for r in records if isinstance(r, ParsedConversation)]
    assert conversations == [
        ParsedConversation("chats.list[0]", "telegram", "Ann Lee", False, "chats.list[0]", "100000002"),
        ParsedConversation("chats.list[1]", "telegram", "Sunday League", True, "chats.list[1]", "1500000001"),
        ParsedConversation("chats.list[2]", "telegram", None, False, "chats.list[2]", "100000001"),
        ParsedConversation(
            "left_chats.list[0]", "telegram", "Old Office", True, "left_chats.list[0]", "1200000001"
        ),
    ]
    # every conversation comes before the messages that name it
    seen: set[str] = set()
    for record in records:
        if isinstance(record, ParsedConversation):
            seen.add(record.key)
        elif isinstance(record, ParsedMessage):
            assert record.conversation_key in seen
    assert len(_messages(records)) == 12


def test_full_export_messages(tmp_path: Path) -> None:
    records, warnings = _parse(_write(tmp_path, _full_export()), tmp_path)
    found = _by_locator(records)
    first = found["chats.list[0].messages[0]"]
    assert first == ParsedMessage(
        conversation_key="chats.list[0]",
        sender=ANN,
        sent_at=datetime(2024, 3, 1, 8, 15, tzinfo=UTC),
        sent_at_raw="2024-03-01T08:15:00",
        assumed_zone=None,
        body="Coffee at ten?",
        kind=MessageKind.TEXT,
        locator="chats.list[0].messages[0]",
        key="chats.list[0]/1",
    )
    reply = found["chats.list[0].messages[1]"]
    assert isinstance(reply, ParsedMessage)
    assert reply.sender == TOM
    assert reply.body == "Yes, see the menu (https://example.org/menu) today"
    assert reply.parent_key == "chats.list[0]/1"
    photo = found["chats.list[0].messages[2]"]
    assert isinstance(photo, ParsedMessage)
    assert photo.kind is MessageKind.MEDIA
    assert photo.body == ""
    assert photo.attachments == (ParsedAttachment("photos/photo_1@01-03-2024_09-20-00.jpg", "image/jpeg"),)
    document = found["chats.list[0].messages[3]"]
    assert isinstance(document, ParsedMessage)
    assert (document.kind, document.body) == (MessageKind.MEDIA, "Match schedule")
    assert document.attachments == (ParsedAttachment("files/fixtures.pdf", "application/pdf"),)
    call = found["chats.list[0].messages[4]"]
    assert isinstance(call, ParsedMessage)
    assert (call.kind, call.sender) == (MessageKind.SYSTEM, TOM)
    assert call.body == "phone_call (duration_seconds=120, discard_reason=hangup)"
    assert call.sent_at_raw == "1709281400"
    shared = found["chats.list[0].messages[8]"]
    assert isinstance(shared, ParsedMessage)
    assert shared.body == "Ref's number\n[contact: Joe Ref +44 7700 900789]"
    invite = found["chats.list[1].messages[0]"]
    assert isinstance(invite, ParsedMessage)
    assert invite.body == "invite_members (members=Ann Lee; Sam Berg)"
    channel_post = found["chats.list[1].messages[1]"]
    assert isinstance(channel_post, ParsedMessage)
    assert channel_post.sender == AccountRef("telegram", "channel1500000001", "Sunday League")
    assert warnings == [
        ("chats.list[0].messages[6]", "message has no date; kept without a time"),
        ("chats.list[0].messages[7]", "text is 42, not a string or list; left out"),
        ("chats.list[0].messages[7]", "no from and no from_id: sender unknown"),
    ]


def test_deleted_account_local_time_and_missing_date(tmp_path: Path) -> None:
    records, _ = _parse(_write(tmp_path, _full_export()), tmp_path)
    found = _by_locator(records)
    deleted = found["chats.list[0].messages[5]"]
    assert isinstance(deleted, ParsedMessage)
    assert deleted.sender == AccountRef("telegram", "user100000009", None)
    # no date_unixtime: `date` is wall-clock time in the case zone (Oslo, CET in March)
    assert deleted.sent_at == datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert (deleted.sent_at_raw, deleted.assumed_zone) == ("2024-03-01T10:00:00", "Europe/Oslo")
    undated = found["chats.list[0].messages[6]"]
    assert isinstance(undated, ParsedMessage)
    assert (undated.sent_at, undated.sent_at_raw, undated.body) == (None, None, "See you")
    nobody = found["chats.list[0].messages[7]"]
    assert isinstance(nobody, ParsedMessage)
    assert (nobody.sender, nobody.body) == (None, "")


def test_single_chat_export(tmp_path: Path) -> None:
    document = {
        "name": "Ann Lee",
        "type": "personal_chat",
        "id": 100000002,
        "messages": [
            {
                "id": 1,
                "type": "message",
                "date": "2024-07-01T12:00:00",
                "from": "Ann Lee",
                "from_id": "user100000002",
                "text": "Kick-off at noon",
                "text_entities": [],
            },
            {
                "id": 2,
                "type": "message",
                "date": "2024-07-01T12:05:00",
                "from": "Tom Field",
                "from_id": 100000001,
                "text": "On my way",
            },
            {
                "id": 3,
                "type": "message",
                "date": "2024-07-01T12:06:00",
                "from": "Ann Lee",
                "from_id": "user100000002",
                "file": NOT_INCLUDED,
                "file_name": "kickoff.mp4",
                "media_type": "video_file",
                "mime_type": "video/mp4",
                "text": "",
            },
        ],
    }
    records, warnings = _parse(_write(tmp_path, document, "chat.json"), tmp_path)
    assert warnings == []
    assert records[0] == ParsedConversation("$", "telegram", "Ann Lee", False, "$", "100000002")
    first, second, third = _messages(records)
    assert first.locator == "messages[0]"
    assert first.sent_at == datetime(2024, 7, 1, 10, 0, tzinfo=UTC)  # CEST
    assert first.assumed_zone == "Europe/Oslo"
    assert second.sender == TOM  # a numeric from_id of older exports
    assert third.attachments == (ParsedAttachment("kickoff.mp4", "video/mp4"),)


# -- malformed ----------------------------------------------------------------------------------


def test_truncated_json_is_a_clear_error(tmp_path: Path) -> None:
    text = json.dumps(_full_export(), indent=1)
    path = tmp_path / "result.json"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"broken or truncated JSON at line \d+ column \d+ \(character \d+\)"
    ):
        _parse(path, tmp_path)


@pytest.mark.parametrize("document", [{"hello": "world"}, [1, 2], "text", {"guild": {}, "messages": []}])
def test_json_that_is_not_telegram_is_wrong_format(tmp_path: Path, document: object) -> None:
    with pytest.raises(WrongFormat):
        _parse(_write(tmp_path, document), tmp_path)


def test_bad_bytes_are_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    text = '{"name": "Cafe", "type": "personal_chat", "id": 5, "messages": [{"id": 1, "type": "message", '
    text += '"date_unixtime": "1709280900", "from": "Ann", "from_id": "user5", "text": "Caf\xe9?"}]}'
    path.write_bytes(text.encode("latin-1"))
    records, warnings = _parse(path, tmp_path)
    assert _messages(records)[0].body == "Caf\ufffd?"
    assert len(warnings) == 1
    assert warnings[0][0] == f"byte {text.index(chr(0xE9))}"


def test_bom_and_lone_surrogate(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    text = '{"name": "A", "type": "personal_chat", "id": 5, "messages": [{"id": 1, "type": "message", '
    text += (
        '"date_unixtime": "1709280900", "from": "Ann", "from_id": "user5", "text": "half \\ud83d emoji"}]}'
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    records, warnings = _parse(path, tmp_path)
    assert _messages(records)[0].body == "half \ufffd emoji"
    assert warnings == []


def test_bad_records_are_warnings(tmp_path: Path) -> None:
    document = {
        "personal_information": "nobody",
        "contacts": {"list": ["Ann"]},
        "chats": {
            "list": [
                "not a chat",
                {
                    "name": "Odd",
                    "type": "secret_chat",
                    "id": 7,
                    "messages": [
                        17,
                        {
                            "id": 1,
                            "type": "sticker",
                            "date": "yesterday",
                            "from": "Ann",
                            "from_id": "user7",
                            "text": ["ok", 3, {"type": "bold"}],
                        },
                        {
                            "id": 2,
                            "type": "message",
                            "date_unixtime": "soon",
                            "date": "2024-01-01T12:00:00",
                            "from": "Ann",
                            "from_id": "user7",
                            "text": "fine",
                        },
                    ],
                },
                {"name": "No messages", "type": "personal_chat"},
            ]
        },
        "left_chats": 4,
    }
    records, warnings = _parse(_write(tmp_path, document), tmp_path)
    assert [w[0] for w in warnings] == [
        "personal_information",
        "contacts.list[0]",
        "chats.list[0]",
        "chats.list[1]",
        "chats.list[1].messages[0]",
        "chats.list[1].messages[1]",
        "chats.list[1].messages[1]",
        "chats.list[1].messages[1]",
        "chats.list[1].messages[1]",
        "chats.list[1].messages[2]",
        "chats.list[2]",
        "left_chats",
    ]
    sticker, fallback = _messages(records)
    assert (sticker.body, sticker.sent_at, sticker.sent_at_raw) == ("ok", None, "yesterday")
    assert fallback.sent_at == datetime(2024, 1, 1, 11, 0, tzinfo=UTC)  # epoch unreadable: local date used
    assert fallback.assumed_zone == "Europe/Oslo"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
_MESSAGE_KEYS = st.sampled_from(
    [
        "id",
        "type",
        "date",
        "date_unixtime",
        "from",
        "from_id",
        "actor",
        "actor_id",
        "action",
        "text",
        "photo",
        "file",
        "file_name",
        "media_type",
        "mime_type",
        "reply_to_message_id",
        "members",
        "contact_information",
        "location_information",
        "poll",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(st.dictionaries(_MESSAGE_KEYS, _JSON_VALUES, max_size=8), max_size=4))
def test_any_message_fields_end_as_messages_or_warnings(
    tmp_path_factory: pytest.TempPathFactory, messages: list[dict[str, Any]]
) -> None:
    folder = tmp_path_factory.mktemp("prop", numbered=True)
    document = {"chats": {"list": [{"name": "Prop", "type": "private_group", "id": 1, "messages": messages}]}}
    records, _ = _parse(_write(folder, document), folder)
    assert len(_messages(records)) == len(messages)
    for message in _messages(records):
        assert message.sent_at is None or message.sent_at.tzinfo is UTC


# -- sniff --------------------------------------------------------------------------------------


def test_sniff(tmp_path: Path) -> None:
    parser = TelegramJson()
    full = json.dumps(_full_export(), indent=1).encode()
    assert parser.sniff(Path("result.json"), full[:65536]) == 0.95
    assert parser.sniff(Path("export.dat"), full[:65536]) == 0.9
    single = json.dumps({"name": "A", "type": "personal_chat", "id": 1, "messages": [_msg(1, 1709280900)]})
    assert parser.sniff(Path("chat.json"), single.encode()) == 0.95
    discord = b'{"guild": {"id": "0"}, "channel": {"id": "1", "type": "DirectTextChat"}, "messages": []}'
    assert parser.sniff(Path("chat.json"), discord) == 0.0
    assert parser.sniff(Path("notes.json"), b'{"name": "x", "type": "y", "id": 1, "messages": []}') == 0.0
    assert parser.sniff(Path("result.json"), b"\x89PNG\r\n") == 0.0
    assert parser.sniff(Path("result.json"), b"") == 0.0


# -- conformance --------------------------------------------------------------------------------


def _conformance(name: str, tmp_path: Path) -> tuple[list[Record], list[tuple[str, str]]]:
    path = CONFORMANCE / name
    if not path.exists():
        pytest.skip(f"conformance corpus not present at {CONFORMANCE}")
    assert TelegramJson().sniff(path, path.read_bytes()[:65536]) >= 0.9
    return _parse(path, tmp_path)


def test_conformance_chatanalytics_dm(tmp_path: Path) -> None:
    records, warnings = _conformance("chatanalytics_DM_2A_7M.json", tmp_path)
    assert warnings == []
    assert records[0] == ParsedConversation("$", "telegram", "Bob", False, "$", "700000000")
    messages = _messages(records)
    kinds = [m.kind for m in messages]
    assert len(messages) == 8
    assert kinds.count(MessageKind.SYSTEM) == 2  # 2 service
    assert kinds.count(MessageKind.TEXT) + kinds.count(MessageKind.MEDIA) == 6  # 6 message
    assert {m.sender for m in messages} == {
        AccountRef("telegram", "user300000000", "Alice"),
        AccountRef("telegram", "user700000000", "Bob"),
    }
    assert messages[0].body == "joined_telegram"
    assert messages[1].body == "https://google.com 👀"  # entity list joined
    # README says "1 photo"; the file holds two messages with a `photo` key (ids 3672 and 3673)
    photos = [a for m in messages for a in m.attachments]
    assert [m.locator for m in messages if m.kind is MessageKind.MEDIA] == ["messages[5]", "messages[6]"]
    assert photos == [ParsedAttachment(NOT_INCLUDED, "image/jpeg")] * 2
    assert (messages[0].sent_at_raw, messages[-1].sent_at_raw) == (
        "2019-07-05T16:55:32",
        "2023-08-10T23:11:02",
    )
    assert messages[0].assumed_zone == "Europe/Oslo"  # only `date`: wall clock in the case zone
    assert messages[-1].sent_at == datetime.fromtimestamp(1691719862, UTC)  # date_unixtime wins
    assert messages[-1].assumed_zone is None
    assert messages[3].sent_at_raw == "1652135033"  # only date_unixtime


def test_conformance_chatminer_batch(tmp_path: Path) -> None:
    records, warnings = _conformance("chatminer_test_batch_export.json", tmp_path)
    assert warnings == [("chats.list[0]", "chat type None unknown; read as not a group")]
    conversations = [r for r in records if isinstance(r, ParsedConversation)]
    assert [c.title for c in conversations] == ["Chatname"]
    first, second = _messages(records)
    assert first.sender == AccountRef("telegram", "Author 1", "Author 1")
    assert second.sender == AccountRef("telegram", "Author 2", "Author 2")
    assert first.sent_at == datetime(2018, 12, 5, 10, 39, 10, tzinfo=UTC)
    assert second.sent_at == datetime(2018, 12, 5, 10, 49, 24, tzinfo=UTC)
    assert (first.assumed_zone, second.assumed_zone) == (None, None)
    assert first.body == "Minimal Message"
    assert second.body == "Link:https://telegram.org/"
