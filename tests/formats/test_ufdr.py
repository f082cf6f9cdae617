"""Cellebrite UFDR report.xml: reports in the documented structure, streaming, malformed variants."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

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
from darkroom.formats.ufdr import UfdrReport, platform_name
from darkroom.model import MessageKind

NS = "http://pa.cellebrite.com/report/2.0"
OWNER_JID = "447700900123@s.whatsapp.net"
OWNER = AccountRef("whatsapp", OWNER_JID, "Tom Field")
ANN = AccountRef("whatsapp", "447700900456@s.whatsapp.net", "Ann Lee")
SAM = AccountRef("whatsapp", "447700900789@s.whatsapp.net", "Sam Holm")
# What XML 1.0 can carry (a CR would come back as LF: XML normalizes line ends).
XML_CHARACTERS = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
) | st.sampled_from("\n\t")


# -- writing report.xml the way Physical Analyzer lays it out ------------------------------------


def field(name: str, value: str | None, value_type: str = "String") -> str:
    if value is None:
        return f'<field name="{name}" type="{value_type}"><empty /></field>'
    value_xml = f'<value type="{value_type}"><![CDATA[{value}]]></value>'
    return f'<field name="{name}" type="{value_type}">{value_xml}</field>'


def time_field(text: str, formatted: str | None = None) -> str:
    extra = f" formattedTimestamp={quoteattr(formatted)}" if formatted else ""
    return (
        '<field name="TimeStamp" type="TimeStamp">'
        f'<value type="TimeStamp" format="TimeStampKnown"{extra}>{text}</value></field>'
    )


def model(model_type: str, model_id: str, body: Iterable[str], deleted: bool = False) -> str:
    state = "Deleted" if deleted else "Intact"
    inner = "\n".join(body)
    return (
        f'<model type="{model_type}" id="{model_id}" deleted_state="{state}" decoding_confidence="High" '
        f'isrelated="False" extractionId="0">\n{inner}\n</model>'
    )


def party(model_id: str, account: AccountRef, owner: bool = False, role: str | None = None) -> str:
    body = [field("Identifier", account.handle), field("Name", account.display_name)]
    body.append(field("IsPhoneOwner", "True" if owner else "False", "Boolean"))
    if role:
        body.append(field("Role", role, "PartyRole"))
    return model("Party", model_id, body)


def multi(name: str, models: Iterable[str], element: str = "multiModelField", kind: str = "Party") -> str:
    inner = "\n".join(models)
    return f'<{element} name="{name}" type="{kind}">\n{inner}\n</{element}>'


def from_field(sender: str) -> str:
    return f'<modelField name="From" type="Party">\n{sender}\n</modelField>'


def attachment(model_id: str, filename: str, content_type: str | None) -> str:
    body = [field("Filename", filename), field("ContentType", content_type)]
    body.append(field("attachment_extracted_path", f"files/Image/{filename}"))
    return model("Attachment", model_id, body)


def message(
    model_id: str,
    body: str | None,
    stamp: str,
    sender: str | None,
    to: Iterable[str] = (),
    attachments: Iterable[str] = (),
    deleted: bool = False,
    extra: Iterable[str] = (),
) -> str:
    parts = [field("Body", body), time_field(stamp), field("SourceApplication", "WhatsApp"), *extra]
    parts.append(field("Status", "Read", "MessageStatus"))
    if sender is not None:
        parts.append(from_field(sender))
    parts.append(multi("To", to))
    parts.append(multi("Attachments", attachments, kind="Attachment"))
    return model("InstantMessage", model_id, parts, deleted)


def chat(
    model_id: str,
    chat_id: str,
    name: str | None,
    participants: Iterable[str],
    messages: Iterable[str],
    source: str = "WhatsApp",
    messages_first: bool = False,
) -> str:
    fields = [field("Source", source), field("Id", chat_id), field("Name", name)]
    people = multi("Participants", participants)
    texts = multi("Messages", messages, kind="InstantMessage")
    return model("Chat", model_id, [*fields, *((texts, people) if messages_first else (people, texts))])


def contact(model_id: str, name: str, source: str, entries: Iterable[str]) -> str:
    return model(
        "Contact", model_id, [field("Name", name), field("Source", source), multi("Entries", entries)]
    )


def entry(
    model_type: str, model_id: str, value: str, category: str | None = None, domain: str | None = None
) -> str:
    body = [field("Value", value)]
    body += [field("Category", category)] if category else []
    body += [field("Domain", domain)] if domain else []
    return model(model_type, model_id, body)


def report(*model_types: tuple[str, Iterable[str]]) -> str:
    decoded = "\n".join(
        f'<modelType type="{kind}">\n' + "\n".join(models) + "\n</modelType>" for kind, models in model_types
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<project id="5b0c9a43-0000-4000-8000-000000000001" name="Phone" reportVersion="7.60.0.110"
  licenseID="0000" containsGarbage="False" extractionType="FileSystem" xmlns="{NS}">
<sourceExtractions><extractionInfo id="0" name="File System" isCustomName="False" type="FileSystem"
  deviceName="SM-A525F" fullName="Samsung Galaxy A52" index="0" IsPartialData="False" /></sourceExtractions>
<caseInformation><field name="Examiner name" isSystem="True" fieldType="ExaminerName">DC A. Strand</field>
</caseInformation>
<metadata section="Additional Fields"><item name="UFED_PA_Version"><![CDATA[7.60.0.110]]></item></metadata>
<metadata section="Extraction Data"><item name="DeviceInfoSelectedManufacturer">Samsung</item></metadata>
<taggedFiles>
<file fs="EXT4" path="/data/media/0/WhatsApp/Media/WhatsApp Images/IMG-20240301-WA0001.jpg" size="4096"
  id="f-0001" extractionId="0" deleted="Intact"><accessInfo>
<timestamp name="ModifyTime">2024-03-01T09:20:00+01:00</timestamp></accessInfo><metadata section="File">
<item name="Local Path"><![CDATA[files\\Image\\IMG-20240301-WA0001.jpg]]></item>
</metadata></file>
</taggedFiles>
<decodedData>
{decoded}
</decodedData>
</project>
"""


def _owner_party(model_id: str = "p-own") -> str:
    return party(model_id, OWNER, owner=True)


def _two_chats() -> str:
    one_to_one = chat(
        "c-1", "447700900456@s.whatsapp.net", None,
        [_owner_party("p-1a"), party("p-1b", ANN)],
        [
            message("m-1", "Fancy a coffee on Friday?", "2024-03-01T09:15:00.000+01:00", party("f-1", ANN),
                    [_owner_party("t-1")]),
            message("m-2", "", "2024-03-01T09:20:00.000+01:00", _owner_party("f-2"), [party("t-2", ANN)],
                    [attachment("a-1", "IMG-20240301-WA0001.jpg", "image/jpeg")]),
            message("m-3", "Yes, ten at the usual place", "2024-03-01T09:21:30.250+01:00", None,
                    extra=[field("FromIsOwner", "True", "Boolean")]),
        ],
    )  # fmt: skip
    group = chat(
        "c-2", "120363025551234567@g.us", "Sunday football",
        [_owner_party("p-2a"), party("p-2b", ANN), party("p-2c", SAM)],
        [message("m-4", "Pitch is booked for 11", "2024-03-03T10:00:00.000+00:00", party("f-4", SAM))],
    )  # fmt: skip
    return report(("Chat", [one_to_one, group]))


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _write(tmp_path: Path, text: str, name: str = "report.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _parse(path: Path, tmp_path: Path) -> tuple[list[Record], list[tuple[str, str]]]:
    ctx = _ctx(tmp_path)
    records = list(UfdrReport().parse(path, ctx))
    return records, ctx.warnings


def _messages(records: list[Record]) -> list[ParsedMessage]:
    return [r for r in records if isinstance(r, ParsedMessage)]


# -- tests ----------------------------------------------------------------------------------------


def test_chats_with_owner_parties_and_attachments(tmp_path: Path) -> None:
    records, warnings = _parse(_write(tmp_path, _two_chats()), tmp_path)
    assert warnings == []
    assert [type(r).__name__ for r in records] == [
        "ParsedAccount", "ParsedConversation", "ParsedMessage", "ParsedMessage", "ParsedMessage",
        "ParsedConversation", "ParsedMessage",
    ]  # fmt: skip
    owner, direct, coffee, photo, reply, group, pitch = records
    assert (
        isinstance(photo, ParsedMessage)
        and isinstance(reply, ParsedMessage)
        and isinstance(pitch, ParsedMessage)
    )
    assert owner == ParsedAccount(OWNER, "Chat[0] (model c-1)/Participants[0]", is_owner=True)
    assert direct == ParsedConversation(
        key="chat:c-1", platform="whatsapp", title="Ann Lee", is_group=False, locator="Chat[0] (model c-1)",
        external_id="447700900456@s.whatsapp.net", participants=(OWNER, ANN),
    )  # fmt: skip
    assert coffee == ParsedMessage(
        conversation_key="chat:c-1", sender=ANN, sent_at=datetime(2024, 3, 1, 8, 15, tzinfo=UTC),
        sent_at_raw="2024-03-01T09:15:00.000+01:00", assumed_zone=None, body="Fancy a coffee on Friday?",
        kind=MessageKind.TEXT, locator="Chat[0]/Messages[0] (model m-1)", key="m-1",
    )  # fmt: skip
    assert (photo.kind, photo.sender, photo.body) == (MessageKind.MEDIA, OWNER, "")
    assert photo.attachments == (ParsedAttachment("IMG-20240301-WA0001.jpg", "image/jpeg"),)
    assert (reply.sender, reply.sent_at) == (OWNER, datetime(2024, 3, 1, 8, 21, 30, 250000, tzinfo=UTC))
    assert group == ParsedConversation(
        key="chat:c-2", platform="whatsapp", title="Sunday football", is_group=True,
        locator="Chat[1] (model c-2)", external_id="120363025551234567@g.us", participants=(OWNER, ANN, SAM),
    )  # fmt: skip
    assert (pitch.conversation_key, pitch.sender, pitch.locator) == (
        "chat:c-2",
        SAM,
        "Chat[1]/Messages[0] (model m-4)",
    )


def test_deleted_records_are_kept_with_a_warning(tmp_path: Path) -> None:
    messages = [
        message("m-1", "See you at the match", "2024-03-01T09:15:00+01:00", party("f-1", ANN), deleted=True),
        message("m-2", None, "2024-03-01T09:16:00+01:00", party("f-2", ANN), deleted=True),
        message("m-3", "Group settings changed", "2024-03-01T09:17:00+01:00", party("f-3", ANN),
                extra=[field("Type", "SystemMessage")]),
    ]  # fmt: skip
    text = report(("Chat", [chat("c-1", "447700900456@s.whatsapp.net", "Ann", [party("p", ANN)], messages)]))
    records, warnings = _parse(_write(tmp_path, text), tmp_path)
    recovered, empty, system = _messages(records)
    assert (recovered.kind, recovered.body) == (MessageKind.TEXT, "See you at the match")
    assert (empty.kind, empty.body) == (MessageKind.DELETED, "")
    assert system.kind is MessageKind.SYSTEM
    assert warnings == [
        ("Chat[0]/Messages[0] (model m-1)", "recovered deleted record (deleted_state=Deleted); kept"),
        ("Chat[0]/Messages[1] (model m-2)", "recovered deleted record (deleted_state=Deleted); kept"),
    ]


def test_contacts_with_entries(tmp_path: Path) -> None:
    entries = [
        entry("PhoneNumber", "e-1", "07700 900456", category="Mobile"),
        entry("PhoneNumber", "e-2", "+44 7700 900457"),
        entry("EmailAddress", "e-3", "ann.lee@example.org", category="Home"),
        entry("UserID", "e-4", "447700900456@s.whatsapp.net", domain="WhatsApp"),
        entry("WebAddress", "e-5", "https://www.example.org/ann"),
    ]
    text = report(("Contact", [contact("k-1", "Ann Lee", "Phone", entries)]))
    records, warnings = _parse(_write(tmp_path, text), tmp_path)
    assert warnings == []
    assert records == [
        ParsedContact(
            display_name="Ann Lee",
            fields={
                "Name": ["Ann Lee"], "Source": ["Phone"],
                "PhoneNumber": ["07700 900456", "+44 7700 900457"], "PhoneNumber.Category": ["Mobile", ""],
                "EmailAddress": ["ann.lee@example.org"], "EmailAddress.Category": ["Home"],
                "UserID": ["447700900456@s.whatsapp.net"], "UserID.Domain": ["WhatsApp"],
                "WebAddress": ["https://www.example.org/ann"],
            },
            locator="Contact[0] (model k-1)",
            accounts=(
                AccountRef("phone", "07700 900456", "Ann Lee"),
                AccountRef("phone", "+44 7700 900457", "Ann Lee"),
                AccountRef("email", "ann.lee@example.org", "Ann Lee"),
                AccountRef("whatsapp", "447700900456@s.whatsapp.net", "Ann Lee"),
            ),
        )
    ]  # fmt: skip


def test_sms_outside_chats_are_grouped_by_counterpart(tmp_path: Path) -> None:
    me = AccountRef("sms", "+447700900123", "Tom Field")
    ann = AccountRef("sms", "+447700900456", "Ann Lee")

    def sms(model_id: str, body: str, sender: AccountRef, receiver: AccountRef) -> str:
        parties = [
            party(f"{model_id}-a", sender, owner=sender == me, role="From"),
            party(f"{model_id}-b", receiver, owner=receiver == me, role="To"),
        ]
        fields = [field("Body", body), time_field("2024-03-01T09:15:00+01:00"), field("Folder", "Inbox")]
        return model("SMS", model_id, [*fields, multi("Parties", parties)])

    text = report(("SMS", [sms("s-1", "Running late", ann, me), sms("s-2", "No worries", me, ann)]))
    records, warnings = _parse(_write(tmp_path, text), tmp_path)
    assert warnings == []
    owner, conversation, late, fine = records
    assert owner == ParsedAccount(me, "SMS[0] (model s-1)/Parties[1]", is_owner=True)
    assert conversation == ParsedConversation(
        key="SMS:sms:+447700900456", platform="sms", title="Ann Lee", is_group=False,
        locator="SMS[0] (model s-1)", participants=(ann, me),
    )  # fmt: skip
    assert isinstance(late, ParsedMessage) and isinstance(fine, ParsedMessage)
    assert (late.sender, late.body, late.conversation_key) == (ann, "Running late", conversation.key)
    assert (fine.sender, fine.locator) == (me, "SMS[1] (model s-2)")


@pytest.mark.parametrize(
    ("stamp", "formatted", "sent_at", "assumed_zone"),
    [
        ("2024-07-01T12:00:00.000+02:00", None, datetime(2024, 7, 1, 10, 0, tzinfo=UTC), None),
        (
            "2024-07-01T12:00:00.838",
            "2024-07-01T12:00:00+00:00",
            datetime(2024, 7, 1, 12, 0, 0, 838000, UTC),
            None,
        ),
        ("2024-07-01T12:00:00", None, datetime(2024, 7, 1, 10, 0, tzinfo=UTC), "Europe/Oslo"),
        ("\n   2024-01-10T08:00:00.000+00:00\n  ", None, datetime(2024, 1, 10, 8, 0, tzinfo=UTC), None),
    ],
)
def test_timestamps(
    tmp_path: Path, stamp: str, formatted: str | None, sent_at: datetime, assumed_zone: str | None
) -> None:
    stamp_field = time_field(stamp, formatted)
    msg = model(
        "InstantMessage",
        "m-1",
        [field("Body", "Ok"), stamp_field, from_field(party("f", ANN))],
    )
    text = report(("Chat", [chat("c-1", "x", None, [party("p", ANN)], [msg])]))
    records, warnings = _parse(_write(tmp_path, text), tmp_path)
    assert warnings == []
    (parsed,) = _messages(records)
    assert (parsed.sent_at, parsed.sent_at_raw, parsed.assumed_zone) == (sent_at, stamp.strip(), assumed_zone)


def test_bad_records_are_warnings(tmp_path: Path) -> None:
    messages = [
        message("m-1", "No time", "yesterday", party("f-1", ANN)),
        model("InstantMessage", "m-2", [field("Body", "Nobody"), time_field("2024-03-01T09:00:00+00:00")]),
        message("m-3", "Odd attachment", "2024-03-01T09:00:00+00:00", party("f-3", ANN),
                attachments=[model("Attachment", "a-1", [field("Charset", "utf-8")])]),
        model("Call", "x-1", [field("Duration", "00:01:00", "TimeSpan")]),
    ]  # fmt: skip
    nameless = model("Party", "p-2", [field("IsPhoneOwner", "False", "Boolean")])
    text = report(("Chat", [chat("c-1", "x", None, [party("p-1", ANN), nameless], messages, source="")]))
    records, warnings = _parse(_write(tmp_path, text), tmp_path)
    assert warnings == [
        ("Chat[0] (model c-1)/Participants[1]", "party has neither Identifier nor Name; left out"),
        ("Chat[0] (model c-1)", "chat has no Source application; platform 'unknown'"),
        (
            "Chat[0]/Messages[0] (model m-1)",
            "TimeStamp 'yesterday' is not an ISO date-time; kept without a time",
        ),
        ("Chat[0]/Messages[1] (model m-2)", "message has no From party: sender unknown"),
        ("Chat[0]/Messages[2] (model m-3)", "attachment 0 has no Filename, path or URL; left out"),
        ("Chat[0]/Messages[3] (model x-1)", "a 'Call' model among the messages; skipped"),
    ]
    first, nobody, odd = _messages(records)
    assert (first.sent_at, first.sent_at_raw, first.sender) == (None, "yesterday", ANN)
    assert nobody.sender is None
    assert (odd.kind, odd.attachments) == (MessageKind.TEXT, ())


def test_participants_after_messages_and_empty_chats(tmp_path: Path) -> None:
    late = chat(
        "c-1",
        "x",
        "Late list",
        [party("p-1", ANN)],
        [message("m-1", "Hi", "2024-03-01T09:00:00Z", None)],
        messages_first=True,
    )
    empty = chat("c-2", "y", "Quiet", [party("p-2", SAM)], [])
    records, warnings = _parse(_write(tmp_path, report(("Chat", [late, empty]))), tmp_path)
    assert warnings == [
        ("Chat[0]/Messages[0] (model m-1)", "message has no From party: sender unknown"),
        ("Chat[0] (model c-1)", "participants listed after the messages; conversation lacks them"),
    ]
    conversations = [r for r in records if isinstance(r, ParsedConversation)]
    assert [(c.key, c.title, c.participants) for c in conversations] == [
        ("chat:c-1", "Late list", ()),
        ("chat:c-2", "Quiet", (SAM,)),
    ]


def test_report_without_decoded_data_is_a_warning(tmp_path: Path) -> None:
    text = f'<?xml version="1.0"?><project xmlns="{NS}" id="1"><metadata/></project>'
    records, warnings = _parse(_write(tmp_path, text), tmp_path)
    assert (records, warnings) == (
        [],
        [("project", "report has no decodedData section: nothing decoded to read")],
    )


def test_truncated_report_fails_clearly(tmp_path: Path) -> None:
    text = _two_chats()
    path = _write(tmp_path, text[: len(text) * 2 // 3])
    with pytest.raises(ValueError, match=r"x: broken or truncated XML at line \d+ column \d+"):
        _parse(path, tmp_path)


@pytest.mark.parametrize(
    "text",
    [
        '<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion/></project>',
        "<project><decodedData/></project>",
        "this is not xml at all",
        "",
    ],
)
def test_other_files_are_the_wrong_format(tmp_path: Path, text: str) -> None:
    with pytest.raises(WrongFormat):
        _parse(_write(tmp_path, text, "pom.xml"), tmp_path)


def test_sniff(tmp_path: Path) -> None:
    head = _two_chats().encode("utf-8")[:65536]
    assert UfdrReport().sniff(Path("report.xml"), head) == 0.95
    assert UfdrReport().sniff(Path("report.xml"), _two_chats().encode("utf-16")[:65536]) == 0.95
    pom = b'<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0">'
    assert UfdrReport().sniff(Path("pom.xml"), pom) == 0.0
    assert UfdrReport().sniff(Path("report.xml"), b'{"messages": []}') == 0.0
    notes = f"Cellebrite reports open with <project xmlns={NS!r}>".encode()
    assert UfdrReport().sniff(Path("notes.md"), notes) == 0.0


def test_platform_names() -> None:
    names = {
        "WhatsApp": "whatsapp", "WhatsApp Business": "whatsapp", "Telegram": "telegram",
        "Native Messages": "sms", "SMS Messages": "sms", "Facebook Messenger": "facebook",
        "Messenger": "facebook", "Instagram": "instagram", "Signal": "signal",
        "Kik  Messenger": "kik messenger", "Snapchat": "snapchat",
    }  # fmt: skip
    assert {name: platform_name(name) for name in names} == names
    assert (platform_name(""), platform_name(" "), platform_name(None)) == (None, None, None)


def test_big_report_streams_in_flat_memory(tmp_path: Path) -> None:
    """20 000 messages in one chat: memory while parsing stays far below the report's size."""
    path = tmp_path / "report.xml"
    head, tail = report(("Chat", ["@CHAT@"])).split("@CHAT@")
    chat_head, chat_tail = chat("c-1", "x", "Big", [_owner_party(), party("p-2", ANN)], ["@M@"]).split("@M@")
    stamp = time_field("2024-03-01T09:00:00+00:00")
    senders = [f'<modelField name="From">{model("Party", "f", [field("Identifier", who.handle)])}'
               "</modelField>" for who in (OWNER, ANN)]  # fmt: skip
    with path.open("w", encoding="utf-8") as out:
        out.write(head + chat_head)
        for number in range(20_000):
            body = field("Body", f"Message {number} about the match")
            out.write(
                f'<model type="InstantMessage" id="m-{number}">{body}{stamp}{senders[number % 2]}</model>\n'
            )
        out.write(chat_tail + tail)
    size = path.stat().st_size
    gc.collect()
    tracemalloc.start()
    count = sum(1 for record in UfdrReport().parse(path, _ctx(tmp_path)) if isinstance(record, ParsedMessage))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 20_000
    assert size > 8_000_000
    assert peak < 2_000_000, f"peak {peak} bytes while parsing a {size}-byte report"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(body=st.text(XML_CHARACTERS, max_size=60))
def test_any_body_survives(tmp_path: Path, body: str) -> None:
    escaped = f'<field name="Body" type="String"><value type="String">{escape(body)}</value></field>'
    msg = model("InstantMessage", "m-1", [escaped, time_field("2024-03-01T09:00:00+00:00"),
                                          from_field(party("f", ANN))])  # fmt: skip
    text = report(("Chat", [chat("c-1", "x", None, [party("p", ANN)], [msg])]))
    records, _ = _parse(_write(tmp_path, text), tmp_path)
    (parsed,) = _messages(records)
    assert parsed.body == body
