"""A Cellebrite UFDR report of a seized phone: a `.ufdr` zip with `report.xml` and extracted files.

`report.xml` follows the documented Physical Analyzer layout (namespace
`http://pa.cellebrite.com/report/2.0`): project → sourceExtractions, caseInformation, metadata,
taggedFiles, decodedData → modelType Chat (WhatsApp chats with Participants and Messages of
InstantMessage models, From/To parties, Attachments) and modelType Contact (the address book with
PhoneNumber / EmailAddress / UserID entries). A message model reads e.g.
    <model type="InstantMessage" id="…" deleted_state="Intact"><field name="Body" type="String">
    <value type="String"><![CDATA[Fancy a coffee on Friday?]]></value></field> … </model>
Received images are copied under `files/Image/` when the image stage wrote them onto the exhibit (it
runs before the writers). A few messages are marked `deleted_state="Deleted"`, as recovered records
are. The report's truth lists every chat (`chats`), the contact cards (`cards`) and the totals.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from darkroom.synth.archives import zip_bytes, zip_time
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, describe_member, write_file
from darkroom.synth.artefacts.chats import ChatLine, chat_content, chat_lines, labels_for
from darkroom.synth.artefacts.vcard import card_truth
from darkroom.synth.contacts import ContactEntry
from darkroom.synth.exhibits import CASE_TIMEZONE
from darkroom.synth.media import local_time
from darkroom.synth.records import Conversation

NAMESPACE = "http://pa.cellebrite.com/report/2.0"
DELETED_SHARE = 0.02  # messages the extraction recovered from free space
PHONE_CATEGORY = {"CELL": "Mobile", "HOME": "Home", "WORK": "Work"}


def _field(name: str, value: str | None, value_type: str = "String") -> str:
    """`<field>` with one CDATA value, or `<empty />` as Physical Analyzer writes a missing one."""
    if value is None or value == "":
        return f'<field name="{name}" type="{value_type}"><empty /></field>'
    text = value.replace("]]>", "]]]]><![CDATA[>")
    value_xml = f'<value type="{value_type}"><![CDATA[{text}]]></value>'
    return f'<field name="{name}" type="{value_type}">{value_xml}</field>'


def _time_field(name: str, moment: datetime) -> str:
    """A TimeStamp field in local time with its offset: `2025-02-14T18:04:31.000+01:00`."""
    local = local_time(moment)
    text = local.isoformat(timespec="milliseconds")
    formatted = quoteattr(local.isoformat(timespec="seconds"))
    return (
        f'<field name="{name}" type="TimeStamp"><value type="TimeStamp" format="TimeStampKnown" '
        f"formattedTimestamp={formatted}>{text}</value></field>"
    )


class _Ids:
    """Deterministic model ids (UUID-shaped, from the writer's random stream)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def next(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def _model(model_type: str, model_id: str, parts: list[str], deleted: bool = False) -> str:
    state = "Deleted" if deleted else "Intact"
    return (
        f'<model type="{model_type}" id="{model_id}" deleted_state="{state}" decoding_confidence="High" '
        f'isrelated="False" extractionId="0">{"".join(parts)}</model>'
    )


def _multi(name: str, model_type: str, models: list[str], element: str = "multiModelField") -> str:
    return f'<{element} name="{name}" type="{model_type}">{"".join(models)}</{element}>'


def whatsapp_jid(handle: str) -> str:
    """The WhatsApp JID of an E.164 number: `+447700900123` → `447700900123@s.whatsapp.net`."""
    return f"{handle.lstrip('+')}@s.whatsapp.net"


class UfdrWriter:
    """One `.ufdr` at the slot's path holding the phone's WhatsApp chats and address book."""

    name = "ufdr"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """The report, the zip around it and every extracted image in it, each described."""
        ids = _Ids(rng)
        extracted_at = job.exhibit.seized_at + timedelta(hours=rng.randrange(20, 70))
        chats = [ctx.conversations[cid] for cid in _phone_chats(job, ctx)]
        images: dict[str, bytes] = {}
        built = [_chat(conversation, job, ctx, ids, rng, images) for conversation in chats]
        book = ctx.address_books.get(job.exhibit.owner)
        entries = book.entries if book is not None else ()
        contacts = [_contact(entry, ids) for entry in entries]
        report = _report(job, ids, images, [chat.xml for chat in built], contacts).encode("utf-8")
        members = [("report.xml", report)]
        members += [(f"files/Image/{name}", data) for name, data in sorted(images.items())]
        archive = zip_bytes(members, zip_time(local_time(extracted_at)))
        content = {
            "format": self.name,
            "chat_count": len(chats),
            "message_count": sum(chat.messages for chat in built),
            "deleted_count": sum(chat.deleted for chat in built),
            "attachment_count": sum(chat.attachments for chat in built),
            "files_included": len(images),
            "accounts": sorted({key for conversation in chats for key in conversation.accounts}),
            "chats": [chat.truth for chat in built],
            "contact_count": len(entries),
            "cards": [card_truth(index, entry, ctx) for index, entry in enumerate(entries)],
        }
        outer = write_file(job, job.slot.path, archive, extracted_at, "ufdr", {"members": len(members)})
        files = [outer, describe_member(job, f"{job.slot.path}!/report.xml", report, "ufdr-report", content)]
        files += [
            describe_member(job, f"{job.slot.path}!/{name}", data, "ufdr-file") for name, data in members[1:]
        ]
        return files


@dataclass(frozen=True, slots=True)
class _BuiltChat:
    """A Chat model's XML, its truth and its counts."""

    xml: str
    truth: dict[str, object]
    messages: int
    deleted: int
    attachments: int


def _chat(
    conversation: Conversation,
    job: SlotJob,
    ctx: WriteContext,
    ids: _Ids,
    rng: random.Random,
    images: dict[str, bytes],
) -> _BuiltChat:
    """One Chat model: its fields, participants, then every message in time order."""
    labels = labels_for(conversation, job, ctx)
    owned = set(job.exhibit.whatsapp_accounts)
    parties = {key: (labels[key], key in owned) for key in conversation.accounts}
    received = job.exhibit.profile.media.get("received")
    messages: list[str] = []
    deleted = attachments = 0
    first = last = conversation.start_utc
    for number, line in enumerate(chat_lines(conversation, job, ctx)):
        first, last = (line.sent_at if number == 0 else first), line.sent_at
        is_deleted = rng.random() < DELETED_SHARE
        deleted += is_deleted
        if line.attachment:
            attachments += 1
            on_disk = job.root / received / line.attachment if received else None
            if on_disk is not None and on_disk.is_file():
                images[line.attachment] = on_disk.read_bytes()
        messages.append(_message(line, conversation, parties, ids, is_deleted))
    chat_id = _chat_id(conversation, owned, rng)
    body = [
        _field("Source", "WhatsApp"),
        _field("Id", chat_id),
        _field("Name", conversation.group_name),
        _time_field("StartTime", first),
        _multi("Participants", "Party", [_party(key, parties[key], ids) for key in conversation.accounts]),
        _multi("Messages", "InstantMessage", messages),
    ]
    counts = (len(messages), 0, attachments)
    truth = chat_content(UfdrWriter.name, conversation, job, labels, counts, (first, last))
    truth.update(chat_id=chat_id, deleted_count=deleted)
    return _BuiltChat(_model("Chat", ids.next(), body), truth, len(messages), deleted, attachments)


def _message(
    line: ChatLine, conversation: Conversation, parties: dict[str, tuple[str, bool]], ids: _Ids, deleted: bool
) -> str:
    """One InstantMessage model: body, time, From and To parties, the attached image if any."""
    recipients = [_party(key, parties[key], ids) for key in conversation.accounts if key != line.sender]
    files = [_attachment(line.attachment, ids)] if line.attachment else []
    parts = [
        _field("Body", line.text),
        _time_field("TimeStamp", line.sent_at),
        _field("SourceApplication", "WhatsApp"),
        _field("Status", "Sent" if parties[line.sender][1] else "Read", "MessageStatus"),
        f'<modelField name="From" type="Party">{_party(line.sender, parties[line.sender], ids)}</modelField>',
        _multi("To", "Party", recipients),
        _multi("Attachments", "Attachment", files),
    ]
    return _model("InstantMessage", ids.next(), parts, deleted)


def _phone_chats(job: SlotJob, ctx: WriteContext) -> tuple[str, ...]:
    """The slot's chats; the planner assigns chats to WhatsApp slots only, so otherwise every chat of
    the phone's WhatsApp account (an extraction reads the whole database)."""
    if job.conversations:
        return job.conversations
    owned = set(job.exhibit.whatsapp_accounts)
    return tuple(cid for cid, c in ctx.conversations.items() if owned.intersection(c.accounts))


def _chat_id(conversation: Conversation, owned: set[str], rng: random.Random) -> str:
    """The other party's JID for a one-to-one chat, a `120363…@g.us` group JID for a group."""
    if conversation.group_name is not None:
        return f"120363{rng.randrange(10**11, 10**12)}@g.us"
    others = [key for key in conversation.accounts if key not in owned] or list(conversation.accounts)
    return whatsapp_jid(others[0].rpartition(":")[2])


def _party(account_key: str, label_and_owner: tuple[str, bool], ids: _Ids) -> str:
    """A Party model: WhatsApp JID, the name the phone shows, and whether it is the phone's owner."""
    label, is_owner = label_and_owner
    parts = [
        _field("Identifier", whatsapp_jid(account_key.rpartition(":")[2])),
        _field("Name", label),
        _field("IsPhoneOwner", "True" if is_owner else "False", "Boolean"),
    ]
    return _model("Party", ids.next(), parts)


def _attachment(file_name: str, ids: _Ids) -> str:
    parts = [
        _field("Filename", file_name),
        _field("ContentType", "image/jpeg"),
        _field("attachment_extracted_path", f"files/Image/{file_name}"),
    ]
    return _model("Attachment", ids.next(), parts)


def _contact(entry: ContactEntry, ids: _Ids) -> str:
    """A Contact model with PhoneNumber, EmailAddress and (Telegram) UserID entries."""
    entries: list[str] = []
    for phone in entry.phones:
        number = [_field("Value", phone.written), _field("Category", PHONE_CATEGORY[phone.label])]
        entries.append(_model("PhoneNumber", ids.next(), number))
    entries += [_model("EmailAddress", ids.next(), [_field("Value", email)]) for email in entry.emails]
    if entry.telegram:
        telegram = [_field("Value", entry.telegram), _field("Domain", "Telegram")]
        entries.append(_model("UserID", ids.next(), telegram))
    parts = [_field("Name", entry.saved_name), _field("Source", "Phone")]
    parts.append(_multi("Entries", "ContactEntry", entries))
    return _model("Contact", ids.next(), parts)


def _report(job: SlotJob, ids: _Ids, images: dict[str, bytes], chats: list[str], contacts: list[str]) -> str:
    """The whole report.xml."""
    exhibit = job.exhibit
    tagged = "".join(_tagged_file(name, len(data), ids) for name, data in sorted(images.items()))
    return "\n".join(
        [
            '<?xml version="1.0" encoding="utf-8"?>',
            f'<project id="{ids.next()}" name={quoteattr(exhibit.ref)} reportVersion="7.60.0.110" '
            f'licenseID="0" containsGarbage="False" extractionType="FileSystem" xmlns="{NAMESPACE}">',
            '<sourceExtractions><extractionInfo id="0" name="File System" type="FileSystem" '
            f"deviceName={quoteattr(exhibit.model)} fullName={quoteattr(f'{exhibit.make} {exhibit.model}')} "
            'index="0" IsPartialData="False" /></sourceExtractions>',
            "<caseInformation>"
            f'<field name="Examiner name" fieldType="ExaminerName">{escape(exhibit.seized_by)}</field>'
            f'<field name="Evidence number" fieldType="EvidenceNumber">{escape(exhibit.ref)}</field>'
            "</caseInformation>",
            '<metadata section="Additional Fields"><item name="UFED_PA_Version">7.60.0.110</item></metadata>',
            '<metadata section="Extraction Data">'
            f'<item name="DeviceInfoSelectedManufacturer">{escape(exhibit.make)}</item>'
            f'<item name="DeviceInfoSelectedDeviceName">{escape(exhibit.model)}</item>'
            f'<item name="Time zone settings (ID)">{CASE_TIMEZONE}</item></metadata>',
            f"<taggedFiles>{tagged}</taggedFiles>",
            "<decodedData>",
            *_model_type("Chat", chats),
            *_model_type("Contact", contacts),
            "</decodedData>",
            "</project>",
            "",
        ]
    )


def _model_type(model_type: str, models: list[str]) -> Iterator[str]:
    yield f'<modelType type="{model_type}">'
    yield from models
    yield "</modelType>"


def _tagged_file(name: str, size: int, ids: _Ids) -> str:
    path = f"/data/media/0/Android/media/com.whatsapp/WhatsApp/Media/WhatsApp Images/{name}"
    return (
        f'<file fs="EXT4" path={quoteattr(path)} size="{size}" id="{ids.next()}" extractionId="0" '
        f'deleted="Intact"><metadata section="File"><item name="Local Path">'
        f'<![CDATA[files\\Image\\{name}]]></item><item name="Tags">Image</item></metadata></file>'
    )
