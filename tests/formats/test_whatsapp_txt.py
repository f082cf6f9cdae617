"""WhatsApp text exports: generated files in the real layouts, malformed variants, the conformance files."""

from __future__ import annotations

import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from darkroom.errors import WrongFormat
from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Parser,
)
from darkroom.formats.whatsapp_txt import WhatsAppText
from darkroom.model import MessageKind

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "whatsapp_txt"
OSLO = ZoneInfo("Europe/Oslo")
LRM = "\u200e"
TOM = AccountRef("whatsapp", "Tom B", "Tom B")
ANN = AccountRef("whatsapp", "Ann K", "Ann K")


@dataclass
class Parsed:
    conversation: ParsedConversation
    messages: list[ParsedMessage]
    warnings: list[tuple[str, str]]


def _ctx(tmp_path: Path, display_path: str = "x", region: str = "NO") -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1",
        display_path=display_path,
        region=region,
        zone_name="Europe/Oslo",
        work_dir=tmp_path,
    )


def _write(folder: Path, name: str, lines: list[str], newline: str = "\n", trailing: bool = True) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + (newline if trailing else "")).encode("utf-8"))
    return path


def _parse(path: Path, ctx: ParseContext) -> Parsed:
    records = list(WhatsAppText().parse(path, ctx))
    conversation = records[0]
    assert isinstance(conversation, ParsedConversation)
    messages = [r for r in records[1:] if isinstance(r, ParsedMessage)]
    assert len(messages) == len(records) - 1
    return Parsed(conversation, messages, ctx.warnings)


def _local(message: ParsedMessage) -> datetime:
    assert message.sent_at is not None
    assert message.sent_at.tzinfo is UTC
    return message.sent_at.astimezone(OSLO).replace(tzinfo=None)


# -- layouts ------------------------------------------------------------------------------------


def test_android_en_gb_fields_exactly(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "WhatsApp Chat with Tom B.txt",
        [
            "14/02/2025, 18:04 - Messages and calls are end-to-end encrypted. Tap to learn more.",
            "14/02/2025, 18:05 - Tom B: Fancy a coffee on Friday?",
            "14/02/2025, 18:07 - Ann K: Sure : after the match",
            "kick-off is at 18:00",
            "",
            "see you there",
            "15/02/2025, 09:00 - Tom B: IMG-20250215-WA0003.jpg (file attached)",
            "15/02/2025, 09:01 - Tom B: <Media omitted>",
            "Caption under the photo",
            "15/02/2025, 09:02 - Ann K: This message was deleted",
            "15/02/2025, 09:03 - Ann K: null",
        ],
    )
    parsed = _parse(path, _ctx(tmp_path))
    assert parsed.conversation == ParsedConversation("chat", "whatsapp", "Tom B", False, "line 1")
    first, coffee, match, attached, omitted, deleted, null = parsed.messages
    assert first.kind is MessageKind.SYSTEM and first.sender is None
    assert first.body == "Messages and calls are end-to-end encrypted. Tap to learn more."
    assert coffee == ParsedMessage(
        conversation_key="chat",
        sender=TOM,
        sent_at=datetime(2025, 2, 14, 17, 5, tzinfo=UTC),
        sent_at_raw="14/02/2025, 18:05",
        assumed_zone="Europe/Oslo",
        body="Fancy a coffee on Friday?",
        kind=MessageKind.TEXT,
        locator="line 2",
    )
    assert match.sender == ANN
    assert match.body == "Sure : after the match\nkick-off is at 18:00\n\nsee you there"
    assert match.locator == "line 3"
    assert attached.kind is MessageKind.MEDIA and attached.locator == "line 7"
    assert attached.attachments == (ParsedAttachment("IMG-20250215-WA0003.jpg", "image/jpeg"),)
    assert omitted.kind is MessageKind.MEDIA and omitted.attachments == ()
    assert omitted.body == "<Media omitted>\nCaption under the photo"
    assert deleted.kind is MessageKind.DELETED and deleted.sender == ANN
    assert null.kind is MessageKind.TEXT and null.body == "null"
    assert parsed.warnings == []


def test_ios_zip_member_marks_attachments_and_system_notices(tmp_path: Path) -> None:
    security = f"{LRM}{LRM}Your security code with Kari N changed. {LRM}Tap to learn more."
    lines = [
        f"[22.03.24, 10:14:59] Kari N: {LRM}Messages and calls are end-to-end encrypted.",
        "[22.03.24, 10:15:00] Tom B: Coffee at the usual place?",
        f"{LRM}[22.03.24, 10:15:30] Kari N: {LRM}<attached: 00000012-PHOTO-2024-03-22-10-15-30.jpg>",
        f"{LRM}[22.03.24, 10:16:00] Kari N: {LRM}image omitted",
        f"[22.03.24, 10:17:00] Kari N: {LRM}This message was deleted.",
        f"[22.03.24, 10:19:00] Kari N: {security}",
        f"[22.03.24, 10:20:00] Kari N: {LRM}Location: https://maps.google.com/?q=59.91,10.75",
        "[22.03.24, 10:21:00] Tom B: Family: 👨\u200d👩\u200d👧 all good",
        "second line",
    ]
    path = _write(tmp_path / "work", "_chat.txt", lines, newline="\r\n")
    ctx = _ctx(tmp_path, display_path="phone/WhatsApp Chat - Kari N.zip!/_chat.txt")
    parsed = _parse(path, ctx)
    assert parsed.conversation.title == "Kari N"
    assert parsed.conversation.is_group is False
    kinds = [m.kind for m in parsed.messages]
    assert kinds == [
        MessageKind.SYSTEM,
        MessageKind.TEXT,
        MessageKind.MEDIA,
        MessageKind.MEDIA,
        MessageKind.DELETED,
        MessageKind.SYSTEM,
        MessageKind.TEXT,
        MessageKind.TEXT,
    ]
    e2e, coffee, photo, omitted, deleted, security_notice, location, family = parsed.messages
    assert e2e.sender is None and e2e.body == "Messages and calls are end-to-end encrypted."
    assert coffee.sent_at == datetime(2024, 3, 22, 9, 15, tzinfo=UTC)
    assert coffee.sent_at_raw == "22.03.24, 10:15:00"
    assert photo.attachments == (ParsedAttachment("00000012-PHOTO-2024-03-22-10-15-30.jpg", "image/jpeg"),)
    assert photo.body == "<attached: 00000012-PHOTO-2024-03-22-10-15-30.jpg>"
    assert omitted.body == "image omitted" and omitted.attachments == ()
    assert deleted.sender == AccountRef("whatsapp", "Kari N", "Kari N")
    assert security_notice.sender is None
    assert security_notice.body == f"Your security code with Kari N changed. {LRM}Tap to learn more."
    assert location.body.startswith("Location: https://")
    assert family.body == "Family: 👨\u200d👩\u200d👧 all good\nsecond line"  # ZWJ kept, CR gone
    assert parsed.warnings == []


def test_ios_phone_number_sender_loses_its_marks(tmp_path: Path) -> None:
    lines = ["[22.03.24, 10:18:00] \u202a+44 7700 900123\u202c: Hi, new number"]
    parsed = _parse(_write(tmp_path, "_chat.txt", lines), _ctx(tmp_path))
    assert parsed.messages[0].sender == AccountRef("whatsapp", "+44 7700 900123", "+44 7700 900123")


@pytest.mark.parametrize(
    ("header", "expected_local"),
    [
        ("1/2/25, 12:05\u202fAM - ", datetime(2025, 1, 2, 0, 5)),  # en-US, U+202F before AM
        ("1/2/25, 12:10 PM - ", datetime(2025, 1, 2, 12, 10)),
        ("1/2/25, 9:45 pm - ", datetime(2025, 1, 2, 21, 45)),
        ("01/02/2025, 11:25 a. m. - ", datetime(2025, 1, 2, 11, 25)),  # es, 12 h dotted forms
        ("01/02/2025, 00:08 a. m. - ", datetime(2025, 1, 2, 0, 8)),
        ("01/02/2025, 08:49 p.m. - ", datetime(2025, 1, 2, 20, 49)),
        ("02.01.2025, 15:04 - ", datetime(2025, 1, 2, 15, 4)),  # nb-NO
        ("02.01.25, 15:04 - ", datetime(2025, 1, 2, 15, 4)),  # de-DE
        ("02.01.25 15:04 - ", datetime(2025, 1, 2, 15, 4)),  # cs, no comma
        ("02-01-2025 15:04 - ", datetime(2025, 1, 2, 15, 4)),  # nl
        ("2025-01-02, 3:04 p.m. - ", datetime(2025, 1, 2, 15, 4)),  # year first
        ("[1/2/25, 9:41:35\u202fPM] ", datetime(2025, 1, 2, 21, 41, 35)),  # iOS en-US 12 h
        ("[02/01/2025 21:41:35] ", datetime(2025, 1, 2, 21, 41, 35)),  # iOS fr, no comma
    ],
)
def test_header_layouts(tmp_path: Path, header: str, expected_local: datetime) -> None:
    lines = [f"{header}Tom B: Coffee?", f"{header}Ann K: Yes"]
    parsed = _parse(_write(tmp_path, "chat.txt", lines), _ctx(tmp_path))
    assert [m.sender for m in parsed.messages] == [TOM, ANN]
    assert [m.body for m in parsed.messages] == ["Coffee?", "Yes"]
    assert [_local(m) for m in parsed.messages] == [expected_local] * 2
    assert parsed.messages[0].sent_at_raw == header.strip("[] -")


def test_month_first_settled_by_a_later_day_above_12(tmp_path: Path) -> None:
    lines = [
        "01/02/2025, 10:00 - Tom B: first",
        "01/03/2025, 10:00 - Ann K: second",
        "01/25/2025, 10:00 - Tom B: x",
    ]
    parsed = _parse(_write(tmp_path, "chat.txt", lines), _ctx(tmp_path))
    assert [_local(m).date() for m in parsed.messages] == [
        datetime(2025, 1, 2).date(),
        datetime(2025, 1, 3).date(),
        datetime(2025, 1, 25).date(),
    ]
    assert parsed.warnings == []


def test_ambiguous_order_follows_the_chronology_and_says_so(tmp_path: Path) -> None:
    # day-first these run 3 Jan, 1 Feb, 1 Mar; month-first they run backwards twice
    lines = ["03/01/2025, 10:00 - Tom B: a", "01/02/2025, 10:00 - Ann K: b", "01/03/2025, 10:00 - Tom B: c"]
    parsed = _parse(_write(tmp_path, "chat.txt", lines), _ctx(tmp_path, region="US"))
    assert [_local(m).month for m in parsed.messages] == [1, 2, 3]
    assert parsed.warnings == [
        (
            "file",
            "no day or month field exceeds 12; read as day-first because the dates run forward "
            "when read as day-first",
        )
    ]


def test_ambiguous_order_tie_uses_the_locale_default(tmp_path: Path) -> None:
    lines = ["03/04/2025, 10:00 - Tom B: a"]
    day_first = _parse(_write(tmp_path, "a.txt", lines), _ctx(tmp_path, region="NO"))
    month_first = _parse(_write(tmp_path, "b.txt", lines), _ctx(tmp_path, region="US"))
    assert _local(day_first.messages[0]).date() == datetime(2025, 4, 3).date()
    assert _local(month_first.messages[0]).date() == datetime(2025, 3, 4).date()
    assert len(day_first.warnings) == 1 and "locale default" in day_first.warnings[0][1]


def test_dst_gap_and_fold_use_zoneinfo_fold_0(tmp_path: Path) -> None:
    lines = [
        "31.03.2024, 01:59 - Tom B: before",
        "31.03.2024, 02:30 - Tom B: in the gap",
        "31.03.2024, 03:00 - Tom B: after",
        "27.10.2024, 02:30 - Tom B: in the fold",
        "28.10.2024, 12:00 - Tom B: winter",
    ]
    parsed = _parse(_write(tmp_path, "chat.txt", lines), _ctx(tmp_path))
    assert [m.sent_at for m in parsed.messages] == [
        datetime(2024, 3, 31, 0, 59, tzinfo=UTC),
        datetime(2024, 3, 31, 1, 30, tzinfo=UTC),
        datetime(2024, 3, 31, 1, 0, tzinfo=UTC),
        datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
        datetime(2024, 10, 28, 11, 0, tzinfo=UTC),
    ]


# -- senders, system lines, groups --------------------------------------------------------------


def test_group_from_created_group_line_and_quoted_colon_subject(tmp_path: Path) -> None:
    lines = [
        '14/02/2025, 18:00 - Tom B created group "Sunday league"',
        '14/02/2025, 18:01 - Tom B changed the subject to "Derby: Saturday"',
        "14/02/2025, 18:02 - Tom B: Who is in?",
        "14/02/2025, 18:03 - Ann K:",
        "14/02/2025, 18:04 - Ann K:.",
    ]
    parsed = _parse(_write(tmp_path, "WhatsApp Chat with Sunday league.txt", lines), _ctx(tmp_path))
    assert parsed.conversation.is_group is True
    assert parsed.conversation.title == "Sunday league"
    assert [(m.kind, m.sender) for m in parsed.messages] == [
        (MessageKind.SYSTEM, None),
        (MessageKind.SYSTEM, None),
        (MessageKind.TEXT, TOM),
        (MessageKind.TEXT, ANN),
        (MessageKind.TEXT, ANN),
    ]
    assert parsed.messages[1].body == 'Tom B changed the subject to "Derby: Saturday"'
    assert [m.body for m in parsed.messages[3:]] == ["", "."]


def test_group_from_three_senders_and_one_to_one_otherwise(tmp_path: Path) -> None:
    two = ["14/02/2025, 18:02 - Tom B: a", "14/02/2025, 18:03 - Ann K: b", "14/02/2025, 18:04 - Tom B: c"]
    three = [*two, "14/02/2025, 18:05 - Kari N: d"]
    assert _parse(_write(tmp_path, "2.txt", two), _ctx(tmp_path)).conversation.is_group is False
    assert _parse(_write(tmp_path, "3.txt", three), _ctx(tmp_path)).conversation.is_group is True


def test_title_from_names_only_when_the_name_says_so(tmp_path: Path) -> None:
    lines = ["14/02/2025, 18:02 - Tom B: a"]
    plain = _parse(_write(tmp_path, "notes.txt", lines), _ctx(tmp_path))
    folder = _parse(_write(tmp_path / "WhatsApp Chat - Ann K", "_chat.txt", lines), _ctx(tmp_path))
    assert plain.conversation.title is None
    assert folder.conversation.title == "Ann K"


# -- malformed input ----------------------------------------------------------------------------


def test_lines_before_the_first_header_are_reported(tmp_path: Path) -> None:
    lines = ["exported by a helper tool", "14/02/2025, 18:02 - Tom B: a"]
    parsed = _parse(_write(tmp_path, "chat.txt", lines), _ctx(tmp_path))
    assert [m.body for m in parsed.messages] == ["a"]
    assert parsed.conversation.locator == "line 2"
    assert parsed.warnings == [("line 1", "1 line(s) before the first message header ignored")]


def test_impossible_timestamp_keeps_the_message(tmp_path: Path) -> None:
    lines = ["14/02/2025, 18:02 - Tom B: a", "31/02/2025, 18:03 - Tom B: b", "14/02/2025, 25:03 - Tom B: c"]
    parsed = _parse(_write(tmp_path, "chat.txt", lines), _ctx(tmp_path))
    assert [m.body for m in parsed.messages] == ["a", "b", "c"]
    assert [m.sent_at is None for m in parsed.messages] == [False, True, True]
    assert parsed.messages[1].sent_at_raw == "31/02/2025, 18:03"
    assert [locator for locator, _ in parsed.warnings] == ["line 2", "line 3"]


def test_invalid_utf8_is_replaced_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"14/02/2025, 18:02 - Tom B: caf\xe9\n14/02/2025, 18:03 - Ann K: ok\n")
    parsed = _parse(path, _ctx(tmp_path))
    assert [m.body for m in parsed.messages] == ["caf\ufffd", "ok"]
    assert parsed.warnings == [("line 1", "not valid UTF-8 at byte 30 of the line")]


def test_truncated_file_parses_what_is_there(tmp_path: Path) -> None:
    full = "14/02/2025, 18:02 - Tom B: a\n14/02/2025, 18:03 - Ann K: kaffe på kafé".encode()
    path = tmp_path / "chat.txt"
    path.write_bytes(full[:-1])  # cut inside the last character
    parsed = _parse(path, _ctx(tmp_path))
    assert [m.body for m in parsed.messages] == ["a", "kaffe på kaf\ufffd"]
    assert [locator for locator, _ in parsed.warnings] == ["line 2"]


def test_bom_utf8_and_utf16_resaved_exports(tmp_path: Path) -> None:
    text = "14/02/2025, 18:02 - Tom B: a\r\n14/02/2025, 18:03 - Ann K: b\r\n"
    utf8 = tmp_path / "utf8.txt"
    utf8.write_bytes(b"\xef\xbb\xbf" + text.encode())
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(text.encode("utf-16"))
    for path in (utf8, utf16):
        assert WhatsAppText().sniff(path, path.read_bytes()) == 0.9
        parsed = _parse(path, _ctx(tmp_path))
        assert [(m.sender, m.body) for m in parsed.messages] == [(TOM, "a"), (ANN, "b")]


def test_stray_header_of_another_layout_is_reported(tmp_path: Path) -> None:
    lines = ["14/02/2025, 18:02 - Tom B: a", "[14.02.25, 18:03:00] Ann K: b"]
    parsed = _parse(_write(tmp_path, "chat.txt", lines), _ctx(tmp_path))
    assert [m.body for m in parsed.messages] == ["a\n[14.02.25, 18:03:00] Ann K: b"]
    assert [locator for locator, _ in parsed.warnings] == ["line 2"]


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"Dear Tom,\nsee you on Friday.\n", b'{"messages": []}', b"\xff\xfe\x00garbage"],
)
def test_not_a_whatsapp_export(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "WhatsApp Chat with Tom B.txt"
    path.write_bytes(content)
    assert WhatsAppText().sniff(path, content) == 0.0
    with pytest.raises(WrongFormat):
        list(WhatsAppText().parse(path, _ctx(tmp_path)))


def test_is_a_darkroom_parser() -> None:
    parser = WhatsAppText()
    assert isinstance(parser, Parser)
    assert (parser.name, parser.version) == ("whatsapp-txt", "1")


def test_sniff_scores(tmp_path: Path) -> None:
    head = b"14/02/2025, 18:02 - Tom B: a\n"
    assert WhatsAppText().sniff(tmp_path / "export.txt", head) == 0.9
    assert WhatsAppText().sniff(tmp_path / "_chat.txt", head) == 0.95
    assert WhatsAppText().sniff(tmp_path / "x.txt", b"some title\n" + head + head) == 0.6
    assert WhatsAppText().sniff(tmp_path / "x.txt", b"some title\n" + head) == 0.0
    assert WhatsAppText().sniff(tmp_path / "x.txt", b"[2020-01-01, 12:00] Tom B: no seconds\n") == 0.0
    assert WhatsAppText().sniff(tmp_path / "_chat.txt", b"2005-01-08T23:33:54  <tom> hi\n") == 0.0


# -- conformance: real exports written by others ------------------------------------------------


@dataclass(frozen=True)
class Facts:
    messages: int
    with_sender: int  # README's "user" headers less notices printed with the chat's name (iOS, pokemon.txt)
    system: int
    continuation_lines: int
    senders: frozenset[str]
    first: datetime  # first line's timestamp (local)
    earliest: datetime
    last: datetime
    media: int
    attachments: int
    deleted: int
    title: str | None
    is_group: bool


CHATMINER = Facts(
    messages=9,
    with_sender=7,
    system=2,
    continuation_lines=2,
    senders=frozenset({"John Doe", "Jahn Doe", "John-John Doe", "John Doe 🤓", "🤓"}),
    first=datetime(2019, 1, 1, 11, 25),
    earliest=datetime(2019, 1, 1, 11, 25),
    last=datetime(2021, 12, 30, 22, 1),
    media=0,
    attachments=0,
    deleted=0,
    title=None,
    is_group=True,
)
IOS = Facts(
    messages=25,
    with_sender=25 - 3,  # E2E and two security-code notices carry the contact's name
    system=3,
    continuation_lines=0,
    senders=frozenset({"Dmitry S", "Elon Musk"}),
    first=datetime(2022, 3, 18, 14, 56, 1),
    earliest=datetime(2022, 3, 18, 14, 56, 1),
    last=datetime(2023, 1, 7, 23, 32, 30),
    media=14,
    attachments=13,
    deleted=2,
    title="Elon Musk",
    is_group=False,
)
CONFORMANCE_FACTS = {
    "chatminer_test_ddmmyy_24hrs.txt": CHATMINER,
    "chatminer_test_mmddyyyy_12hrs.txt": CHATMINER,
    "whatsjson_english_android_media.txt": Facts(
        messages=60,
        with_sender=59,
        system=1,
        continuation_lines=13,
        senders=frozenset({"Dmitry S", "Elon"}),
        first=datetime(2022, 3, 23, 13, 31),
        earliest=datetime(2022, 3, 18, 14, 56),
        last=datetime(2023, 1, 7, 23, 32),
        media=18 + 11,
        attachments=11,
        deleted=8,
        title=None,
        is_group=False,
    ),
    "whatsjson_english_ios_media.txt": IOS,
    "whatsjson_ios_RU.zip": Facts(
        **{
            **IOS.__dict__,
            "senders": frozenset({"Dmitry Starkov", "Elon Musk"}),
            "first": datetime(2022, 3, 18, 14, 56),
            "earliest": datetime(2022, 3, 18, 14, 56),
            "attachments": 0,  # this locale's export names no files, only "…отсутствует"
        }
    ),
    "whatstk_pokemon.txt": Facts(
        messages=20,
        with_sender=19 - 1,  # `Pokemon Chat: Messages and calls are end-to-end encrypted…`
        system=2,
        continuation_lines=0,
        senders=frozenset(
            {"Ash Ketchum", "Brock", "Misty", "Prof. Oak", "Jessie & James", "Raichu", "Meowth", "Wobbuffet"}
        ),
        first=datetime(2016, 4, 15, 15, 4),
        earliest=datetime(2016, 4, 15, 15, 4),
        last=datetime(2016, 10, 31, 12, 23),
        media=0,
        attachments=0,
        deleted=0,
        title="Pokemon Chat",
        is_group=True,
    ),
}


def _conformance_file(name: str, tmp_path: Path) -> Path:
    if not CONFORMANCE.is_dir():
        pytest.skip("conformance corpus not present (../shared/conformance)")
    source = CONFORMANCE / name
    if source.suffix != ".zip":
        return source
    with zipfile.ZipFile(source) as archive:
        archive.extract("_chat.txt", tmp_path)
    return tmp_path / "_chat.txt"


def test_conformance_corpus_is_fully_covered() -> None:
    if not CONFORMANCE.is_dir():
        pytest.skip("conformance corpus not present (../shared/conformance)")
    assert {p.name for p in CONFORMANCE.iterdir() if p.suffix in (".txt", ".zip")} == set(CONFORMANCE_FACTS)


@pytest.mark.parametrize("name", sorted(CONFORMANCE_FACTS))
def test_conformance_file(name: str, tmp_path: Path) -> None:
    facts = CONFORMANCE_FACTS[name]
    path = _conformance_file(name, tmp_path)
    assert WhatsAppText().sniff(path, path.read_bytes()[:65536]) >= 0.9
    parsed = _parse(path, _ctx(tmp_path))
    messages = parsed.messages
    kinds = Counter(m.kind for m in messages)
    assert len(messages) == facts.messages
    assert len([m for m in messages if m.sender]) == facts.with_sender
    assert kinds[MessageKind.SYSTEM] == facts.system
    assert (
        sum(len([line for line in m.body.split("\n")[1:] if line]) for m in messages)
        == facts.continuation_lines
    )
    assert {m.sender.handle for m in messages if m.sender} == facts.senders
    assert _local(messages[0]) == facts.first
    assert min(_local(m) for m in messages) == facts.earliest
    assert _local(messages[-1]) == facts.last == max(_local(m) for m in messages)
    assert kinds[MessageKind.MEDIA] == facts.media
    assert sum(len(m.attachments) for m in messages) == facts.attachments
    assert kinds[MessageKind.DELETED] == facts.deleted
    assert parsed.conversation.title == facts.title
    assert parsed.conversation.is_group is facts.is_group
    assert all(m.assumed_zone == "Europe/Oslo" for m in messages)
    assert parsed.warnings == []


def test_conformance_details(tmp_path: Path) -> None:
    chatminer = _parse(_conformance_file("chatminer_test_ddmmyy_24hrs.txt", tmp_path), _ctx(tmp_path))
    by_line = {m.locator: m for m in chatminer.messages}
    assert by_line["line 2"].sender is not None and by_line["line 2"].body == "."  # `John Doe:.`
    assert by_line["line 5"].sender == AccountRef("whatsapp", "John-John Doe", "John-John Doe")
    assert by_line["line 5"].body == "Lorem ipsum : dolor sit amet."
    assert by_line["line 6"].body == '+12 345 578 created group "Groupname"'
    ios = _parse(_conformance_file("whatsjson_english_ios_media.txt", tmp_path), _ctx(tmp_path))
    mimes = Counter(a.mime_type for m in ios.messages for a in m.attachments)
    assert mimes["image/jpeg"] == 3 and mimes["image/webp"] == 2 and mimes["audio/ogg"] == 1
    assert all(LRM not in (m.sender.handle if m.sender else "") for m in ios.messages)
