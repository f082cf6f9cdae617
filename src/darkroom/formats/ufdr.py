"""Cellebrite UFDR reports: the `report.xml` inside a `.ufdr` zip (chats, messages, contacts).

EXPERIMENTAL: no genuine public report.xml exists to test against; this reader follows the structure
documented by open readers (SEilers/UFEDLib, UFDR2DIR) and must be checked on a real report.

Intake walks the `.ufdr` zip, so the parser receives its `report.xml` (also named `Report.xml` or
`UFEDReport.xml`). Layout, namespace `http://pa.cellebrite.com/report/2.0`:
  <project> → <metadata>, <sourceExtractions>, <taggedFiles>, <decodedData> → <modelType type="Chat">
  → <model type="Chat" id="…" deleted_state="Intact|Deleted"> with
    <field name="Source|Id|Name"><value type="String"><![CDATA[WhatsApp]]></value></field>,
    <multiModelField name="Participants"> of <model type="Party"> (Identifier, Name, IsPhoneOwner),
    <multiModelField name="Messages"> of <model type="InstantMessage"> (Body, TimeStamp,
    SourceApplication, Type, <modelField name="From"> Party, <multiModelField name="To">, Attachments
    of <model type="Attachment"> (Filename, ContentType)).
  <modelType type="Contact"> → Contact (Name, Source, <multiModelField name="Entries"> of
  PhoneNumber / EmailAddress / UserID / WebAddress models with Value, Category, Domain).
  <modelType type="InstantMessage"> / <modelType type="SMS"> → messages outside any chat.
An empty field holds `<empty/>` instead of `<value>`.
Stream-parsed (reports run to gigabytes): each chat message, contact and top-level model is handled
when its end tag arrives and then removed from the tree, so memory stays flat.

Decisions where the format leaves room:
- Platform: a chat's `Source` (a message's own `SourceApplication` for its sender when present):
  a name holding the word WhatsApp, Telegram, Facebook, Instagram, Signal, SMS or MMS → "whatsapp",
  "telegram", "facebook", "instagram", "signal", "sms"; "Messenger" → "facebook", "Native Messages" →
  "sms"; any other name lower-cased ("Kik Messenger" → "kik messenger").
- Accounts: handle = the party's `Identifier` as written (`4712345678@s.whatsapp.net`, a phone number,
  a user id; normalized downstream), else its `Name`; display name = `Name`. A party with
  `IsPhoneOwner` True is yielded once as a `ParsedAccount` with `is_owner`.
- Chats: key "chat:<model id>" (else `Chat[i]`), `external_id` = the `Id` field, title = `Name`, else
  the one other participant's name. A group when it has more than 2 participants or its Id is a
  WhatsApp group JID (`…@g.us`). The conversation is yielded when its Messages field opens (or when a
  chat without messages ends); participants listed after the messages are then missed and warned about.
- Messages: `key` = model id. Time: `TimeStamp` with its offset (absolute, `assumed_zone` None); a time
  without offset takes the offset of the value's `formattedTimestamp`, else `ctx.zone_name` is assumed.
  Sender = the From party; when there is none and `FromIsOwner` is True, the chat's owner party.
  Kinds: TEXT, MEDIA with attachments (Filename, else extracted path or URL; ContentType, else guessed),
  SYSTEM when the `Type` field names a system message.
- Deleted records (`deleted_state="Deleted"`, recovered by the extraction) are kept, kind per content
  (DELETED only when nothing of the content was recovered), and each gets the warning
  "recovered deleted record" so disclosure shows which facts come from deleted data.
- Messages outside chats are grouped into one conversation per platform and counterpart set (`ChatId`
  when given): key "<type>:<platform>:<ids>", title = the counterparts' names.
- Contacts: `fields` keeps every direct field (Name, Source …) and each entry type's values
  ("PhoneNumber", "EmailAddress", "UserID", "WebAddress") with parallel "<type>.Category" /
  "<type>.Domain" lists when any entry has one ("" where missing). Accounts: phone numbers ("phone"),
  email addresses ("email"), user ids on the platform of their Domain, else of the contact's Source.
- A report that breaks off (truncated XML) is an error naming line and column, as for any failed file.
- Not read: taggedFiles, metadata, calls, locations and every other model type.
"""

from __future__ import annotations

import mimetypes
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, ClassVar
from zoneinfo import ZoneInfo

from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedAttachment,
    ParsedContact,
    ParsedConversation,
    ParsedMessage,
    Record,
    WrongFormat,
)
from darkroom.model import MessageKind

NAMESPACE = "http://pa.cellebrite.com/report/2.0"
STANDALONE_MESSAGE_TYPES = frozenset({"InstantMessage", "SMS", "MMS"})
CONTACT_ENTRY_ACCOUNTS = {"PhoneNumber": "phone", "EmailAddress": "email", "EMailAddress": "email"}
# (word in the application name, platform), first match wins: "WhatsApp Business" → "whatsapp".
_PLATFORM_WORDS = (
    ("whatsapp", "whatsapp"), ("telegram", "telegram"), ("facebook", "facebook"), ("instagram", "instagram"),
    ("signal", "signal"), ("sms", "sms"), ("mms", "sms"),
)  # fmt: skip
# Whole names; "Kik Messenger" is Kik, only a bare "Messenger" is Facebook's.
_PLATFORM_NAMES = {"messenger": "facebook", "native messages": "sms", "imessage": "imessage"}
_DELETED_WARNING = "recovered deleted record (deleted_state=Deleted); kept"
_MIME_TYPES = mimetypes.MimeTypes()  # the built-in table only: the same answer on every machine


class UfdrReport:
    """Reads a Cellebrite UFDR `report.xml` as a stream: chats, loose messages and contacts."""

    name: ClassVar[str] = "ufdr-report"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """Markup with a `<project` element in the Cellebrite report namespace."""
        text = _head_text(head).lstrip("\ufeff \t\r\n")
        return 0.95 if text.startswith("<") and "<project" in text and NAMESPACE in text else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """Every chat (conversation, then its messages), loose message and contact, in report order."""
        walker = _Walker(ctx, ZoneInfo(ctx.zone_name))
        with path.open("rb") as stream:
            try:
                for event, element in _events(stream):
                    yield from walker.handle(event, element)
            except ET.ParseError as err:
                if not walker.saw_root:
                    raise WrongFormat(f"not XML: {err}") from err
                line, column = err.position
                msg = f"{ctx.display_path}: broken or truncated XML at line {line} column {column}: {err}"
                raise ValueError(msg) from err
        if not walker.saw_decoded_data:
            ctx.warn("project", "report has no decodedData section: nothing decoded to read")


def _events(stream: IO[bytes]) -> Iterator[tuple[str, ET.Element]]:
    """Start and end events; the stdlib parser resolves no external entities and its expat (>= 2.4.1)
    refuses entity-expansion bombs, so a hostile report cannot reach files or exhaust memory that way."""
    events: Iterator[tuple[str, ET.Element]] = ET.iterparse(stream, events=("start", "end"))  # noqa: S314
    return events


def _head_text(head: bytes) -> str:
    """The head decoded by its BOM (UTF-8 or UTF-16), bad bytes replaced."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace")


# -- reading models -----------------------------------------------------------------------------


def _local(tag: str) -> str:
    """The tag without its namespace: "{http://…}model" → "model"."""
    return tag.rpartition("}")[2]


def _field_value(model: ET.Element, name: str) -> ET.Element | None:
    """The `<value>` of the model's own field `name`; None when absent or `<empty/>`."""
    for child in model:
        if _local(child.tag) == "field" and child.get("name") == name:
            return next((v for v in child if _local(v.tag) == "value"), None)
    return None


def _raw(model: ET.Element, name: str) -> str | None:
    """A field's text exactly as written (a message body keeps its whitespace)."""
    value = _field_value(model, name)
    return value.text if value is not None and value.text else None


def _text(model: ET.Element, name: str) -> str | None:
    """A field's text, stripped; None when empty."""
    raw = _raw(model, name)
    if raw is None:
        return None
    return raw.strip() or None


def _is_true(model: ET.Element, name: str) -> bool:
    return (_text(model, name) or "").lower() == "true"


def _sub_models(model: ET.Element, name: str) -> list[ET.Element]:
    """The models inside the model's `modelField`/`multiModelField`/`multiField` named `name`."""
    found: list[ET.Element] = []
    for child in model:
        if _local(child.tag) in {"modelField", "multiModelField", "multiField"} and child.get("name") == name:
            found.extend(m for m in child if _local(m.tag) == "model")
    return found


def _model_label(kind: str, index: int, model: ET.Element) -> str:
    """A locator: `Chat[2] (model 6f1c…)`, the model id being what report viewers search for."""
    model_id = model.get("id")
    return f"{kind}[{index}] (model {model_id})" if model_id else f"{kind}[{index}]"


def platform_name(source: str | None) -> str | None:
    """darkroom's platform for an application name Cellebrite gives ("WhatsApp" → "whatsapp")."""
    if source is None or not source.strip():
        return None
    lowered = " ".join(source.lower().split())
    if lowered in _PLATFORM_NAMES:
        return _PLATFORM_NAMES[lowered]
    words = lowered.split()
    return next((platform for word, platform in _PLATFORM_WORDS if word in words), lowered)


@dataclass(frozen=True, slots=True)
class _Party:
    """A Party model: the account it names and whether it is the phone's owner."""

    account: AccountRef
    is_owner: bool
    role: str | None
    locator: str


def _party(model: ET.Element, platform: str, locator: str, ctx: ParseContext) -> _Party | None:
    """A Party as an account: Identifier (else Name) as handle, Name as display name."""
    name = _text(model, "Name")
    handle = _text(model, "Identifier") or name
    if handle is None:
        ctx.warn(locator, "party has neither Identifier nor Name; left out")
        return None
    return _Party(
        AccountRef(platform, handle, name), _is_true(model, "IsPhoneOwner"), _text(model, "Role"), locator
    )


def _sent_at(
    model: ET.Element, zone: ZoneInfo, locator: str, ctx: ParseContext
) -> tuple[datetime | None, str | None, str | None]:
    """(UTC time, raw text, assumed zone) of `TimeStamp`: "2025-02-14T18:04:31.000+01:00"."""
    value = _field_value(model, "TimeStamp")
    raw = value.text.strip() if value is not None and value.text else None
    if value is None or raw is None:
        ctx.warn(locator, "message has no TimeStamp; kept without a time")
        return None, None, None
    try:
        moment = datetime.fromisoformat(raw)
        if moment.tzinfo is None and value.get("formattedTimestamp"):
            # format="DateTimeOnly": the text lacks the offset that formattedTimestamp carries.
            offset = datetime.fromisoformat(value.get("formattedTimestamp", "")).tzinfo
            moment = moment.replace(tzinfo=offset)
    except ValueError:
        ctx.warn(locator, f"TimeStamp {raw[:40]!r} is not an ISO date-time; kept without a time")
        return None, raw, None
    if moment.tzinfo is not None:
        return moment.astimezone(UTC), raw, None
    return moment.replace(tzinfo=zone).astimezone(UTC), raw, zone.key


def _attachments(model: ET.Element, locator: str, ctx: ParseContext) -> tuple[ParsedAttachment, ...]:
    """Attachment models (the `Attachments` list and a single `Attachment`) as named files."""
    found: list[ParsedAttachment] = []
    for index, attachment in enumerate(_sub_models(model, "Attachments") + _sub_models(model, "Attachment")):
        name = (
            _text(attachment, "Filename")
            or _text(attachment, "attachment_extracted_path")
            or _text(attachment, "URL")
        )
        if name is None:
            ctx.warn(locator, f"attachment {index} has no Filename, path or URL; left out")
            continue
        mime = _text(attachment, "ContentType") or _MIME_TYPES.guess_type(name)[0]
        found.append(ParsedAttachment(name, mime))
    return tuple(found)


def _kind(model: ET.Element, body: str, attachments: tuple[ParsedAttachment, ...]) -> MessageKind:
    """SYSTEM by the Type field, MEDIA with attachments, DELETED for an empty deleted record, else TEXT."""
    if "system" in (_text(model, "Type") or "").lower():
        return MessageKind.SYSTEM
    if attachments:
        return MessageKind.MEDIA
    if not body.strip() and model.get("deleted_state") == "Deleted":
        return MessageKind.DELETED
    return MessageKind.TEXT


# -- the walker ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Chat:
    """A Chat model being read: what is known before its messages arrive."""

    element: ET.Element
    label: str
    key: str
    platform: str
    participants: list[_Party] = field(default_factory=list)
    opened: bool = False
    in_messages: bool = False
    message_count: int = 0

    @property
    def owner(self) -> _Party | None:
        return next((p for p in self.participants if p.is_owner), None)


@dataclass(slots=True)
class _Walker:
    """Turns start/end events into records; depth 0 is <project>, chats are models at depth 3."""

    ctx: ParseContext
    zone: ZoneInfo
    stack: list[ET.Element] = field(default_factory=list)
    section: str | None = None
    model_type: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    chat: _Chat | None = None
    owners: set[tuple[str, str]] = field(default_factory=set)
    loose_conversations: set[str] = field(default_factory=set)
    saw_root: bool = False
    saw_decoded_data: bool = False

    def handle(self, event: str, element: ET.Element) -> Iterator[Record]:
        """Dispatch one event; finished elements are removed from the tree to keep memory flat."""
        if event == "start":
            depth = len(self.stack)
            self.stack.append(element)
            return self._start(depth, element)
        self.stack.pop()
        return self._end(len(self.stack), element)

    def _start(self, depth: int, element: ET.Element) -> Iterator[Record]:
        local = _local(element.tag)
        if depth == 0:
            self.saw_root = True
            if local != "project" or not element.tag.startswith("{" + NAMESPACE + "}"):
                msg = f"root element is {element.tag!r}, not a Cellebrite report <project>"
                raise WrongFormat(msg)
        if depth == 1:
            self.section = local
            self.saw_decoded_data |= local == "decodedData"
        elif depth == 2 and self.section == "decodedData" and local == "modelType":
            self.model_type = element.get("type")
        elif depth == 3 and self.model_type == "Chat" and element.get("type") == "Chat":
            self.chat = self._new_chat(element)
        elif depth == 4 and self.chat is not None and element.get("name") == "Messages":
            self.chat.in_messages = True
            return self._open_chat(self.chat)
        return iter(())

    def _end(self, depth: int, element: ET.Element) -> Iterator[Record]:
        records: Iterator[Record] = iter(())
        chat = self.chat
        if depth == 5 and chat is not None and chat.in_messages:
            records = self._chat_message(chat, element)
            self.stack[-1].remove(element)
        elif depth == 4 and chat is not None:
            records = self._chat_field_end(chat, element)
        elif depth == 3 and self.section == "decodedData":
            records = self._model_end(element)
        if 1 <= depth <= 3:
            self.stack[-1].remove(element)
        return records

    def _next_index(self, kind: str) -> int:
        index = self.counts.get(kind, 0)
        self.counts[kind] = index + 1
        return index

    def _owner_accounts(self, parties: Iterable[_Party]) -> Iterator[Record]:
        """Each phone-owner party's account, once per report."""
        for party in parties:
            handle = (party.account.platform, party.account.handle)
            if party.is_owner and handle not in self.owners:
                self.owners.add(handle)
                yield ParsedAccount(party.account, party.locator, is_owner=True)

    # -- chats ----------------------------------------------------------------------------------

    def _new_chat(self, element: ET.Element) -> _Chat:
        index = self._next_index("Chat")
        model_id = element.get("id")
        return _Chat(
            element=element,
            label=_model_label("Chat", index, element),
            key=f"chat:{model_id}" if model_id else f"Chat[{index}]",
            platform="unknown",
        )

    def _chat_field_end(self, chat: _Chat, element: ET.Element) -> Iterator[Record]:
        """The end of a chat's field: the participant list is read, the message list closes."""
        name = element.get("name")
        if name == "Messages":
            chat.in_messages = False
        elif name == "Participants":
            if chat.opened:
                self.ctx.warn(chat.label, "participants listed after the messages; conversation lacks them")
            chat.platform = platform_name(_text(chat.element, "Source")) or "unknown"
            for index, model in enumerate(m for m in element if _local(m.tag) == "model"):
                party = _party(model, chat.platform, f"{chat.label}/Participants[{index}]", self.ctx)
                if party is not None:
                    chat.participants.append(party)
        return iter(())

    def _open_chat(self, chat: _Chat) -> Iterator[Record]:
        """The chat's owner account and conversation, before its first message."""
        if chat.opened:
            return
        chat.opened = True
        element = chat.element
        if not chat.participants:
            chat.platform = platform_name(_text(element, "Source")) or "unknown"
        if chat.platform == "unknown":
            self.ctx.warn(chat.label, "chat has no Source application; platform 'unknown'")
        if element.get("deleted_state") == "Deleted":
            self.ctx.warn(chat.label, _DELETED_WARNING)
        yield from self._owner_accounts(chat.participants)
        others = [p for p in chat.participants if not p.is_owner]
        chat_id = _text(element, "Id")
        title = _text(element, "Name")
        if title is None and len(others) == 1:
            title = others[0].account.display_name or others[0].account.handle
        yield ParsedConversation(
            key=chat.key,
            platform=chat.platform,
            title=title,
            is_group=len(chat.participants) > 2 or (chat_id or "").endswith("@g.us"),
            locator=chat.label,
            external_id=chat_id,
            participants=tuple(p.account for p in chat.participants),
        )

    def _chat_message(self, chat: _Chat, element: ET.Element) -> Iterator[Record]:
        index = chat.message_count
        chat.message_count += 1
        label = f"{chat.label.split(' ')[0]}/Messages[{index}]"
        locator = f"{label} (model {element.get('id')})" if element.get("id") else label
        if _local(element.tag) != "model" or element.get("type") != "InstantMessage":
            self.ctx.warn(locator, f"a {element.get('type')!r} model among the messages; skipped")
            return
        platform = platform_name(_text(element, "SourceApplication")) or chat.platform
        senders = _sub_models(element, "From")
        from_party = _party(senders[0], platform, f"{locator}/From", self.ctx) if senders else None
        sender = self._sender(element, from_party, chat.owner, locator)
        yield self._message(element, chat.key, sender, locator)

    # -- models at depth 3 ----------------------------------------------------------------------

    def _model_end(self, element: ET.Element) -> Iterator[Record]:
        model_type = element.get("type")
        if self.model_type == "Chat" and model_type == "Chat" and self.chat is not None:
            chat, self.chat = self.chat, None
            return self._open_chat(chat)
        if self.model_type == "Contact" and model_type == "Contact":
            return iter((self._contact(element),))
        if self.model_type in STANDALONE_MESSAGE_TYPES and model_type in STANDALONE_MESSAGE_TYPES:
            return self._loose_message(element, model_type)
        return iter(())

    def _loose_message(self, element: ET.Element, model_type: str) -> Iterator[Record]:
        """A message outside any chat, grouped by platform and counterparts."""
        locator = _model_label(model_type, self._next_index(model_type), element)
        source = _text(element, "SourceApplication") or _text(element, "Source")
        platform = platform_name(source) or ("sms" if model_type in {"SMS", "MMS"} else "unknown")
        parties: list[_Party] = []
        senders: list[_Party] = []
        for field_name in ("From", "To", "Parties"):
            for index, model in enumerate(_sub_models(element, field_name)):
                party = _party(model, platform, f"{locator}/{field_name}[{index}]", self.ctx)
                if party is not None:
                    parties.append(party)
                    senders += [party] if field_name == "From" or party.role == "From" else []
        yield from self._owner_accounts(parties)
        others = [p for p in parties if not p.is_owner]
        handles = sorted({p.account.handle for p in others})
        chat_id = _text(element, "ChatId")
        key = f"{model_type}:{platform}:{chat_id or '+'.join(handles) or 'unknown'}"
        if key not in self.loose_conversations:
            self.loose_conversations.add(key)
            names = [p.account.display_name or p.account.handle for p in others]
            yield ParsedConversation(
                key=key,
                platform=platform,
                title=", ".join(dict.fromkeys(names)) or None,
                is_group=len(handles) > 1,
                locator=locator,
                external_id=chat_id,
                participants=tuple(p.account for p in parties),
            )
        owner = next((p for p in parties if p.is_owner), None)
        sender = self._sender(element, senders[0] if senders else None, owner, locator)
        yield self._message(element, key, sender, locator)

    # -- messages and contacts ------------------------------------------------------------------

    def _sender(
        self, element: ET.Element, from_party: _Party | None, owner: _Party | None, locator: str
    ) -> AccountRef | None:
        """The From party; else (FromIsOwner True) the owner; else unknown, with a warning."""
        if from_party is not None:
            return from_party.account
        if owner is not None and _is_true(element, "FromIsOwner"):
            return owner.account
        self.ctx.warn(locator, "message has no From party: sender unknown")
        return None

    def _message(
        self, element: ET.Element, conversation_key: str, sender: AccountRef | None, locator: str
    ) -> ParsedMessage:
        if element.get("deleted_state") == "Deleted":
            self.ctx.warn(locator, _DELETED_WARNING)
        sent_at, sent_at_raw, assumed_zone = _sent_at(element, self.zone, locator, self.ctx)
        body = _raw(element, "Body") or ""
        attachments = _attachments(element, locator, self.ctx)
        return ParsedMessage(
            conversation_key=conversation_key,
            sender=sender,
            sent_at=sent_at,
            sent_at_raw=sent_at_raw,
            assumed_zone=assumed_zone,
            body=body,
            kind=_kind(element, body, attachments),
            locator=locator,
            attachments=attachments,
            key=element.get("id"),
        )

    def _contact(self, element: ET.Element) -> ParsedContact:
        """A Contact model with its entries (phone numbers, email addresses, user ids, web addresses)."""
        locator = _model_label("Contact", self._next_index("Contact"), element)
        if element.get("deleted_state") == "Deleted":
            self.ctx.warn(locator, _DELETED_WARNING)
        fields: dict[str, list[str]] = {}
        for name in dict.fromkeys(c.get("name") for c in element if _local(c.tag) == "field"):
            text = _text(element, name) if name else None
            if name and text is not None:
                fields[name] = [text]
        display_name, source_platform = _text(element, "Name"), platform_name(_text(element, "Source"))
        accounts: dict[tuple[str, str], AccountRef] = {}
        rows: dict[str, list[tuple[str, str, str]]] = {}  # entry type -> (value, category, domain)
        for entry in _sub_models(element, "Entries"):
            entry_type, value = entry.get("type") or "Entry", _text(entry, "Value")
            if value is None:
                continue
            domain = _text(entry, "Domain")
            rows.setdefault(entry_type, []).append((value, _text(entry, "Category") or "", domain or ""))
            platform = CONTACT_ENTRY_ACCOUNTS.get(entry_type)
            if entry_type == "UserID":
                platform = platform_name(domain) or source_platform
            if platform is not None:
                accounts.setdefault((platform, value), AccountRef(platform, value, display_name))
        for entry_type, entry_rows in rows.items():
            fields[entry_type] = [row[0] for row in entry_rows]
            for position, detail in ((1, "Category"), (2, "Domain")):
                if any(row[position] for row in entry_rows):
                    fields[f"{entry_type}.{detail}"] = [row[position] for row in entry_rows]
        return ParsedContact(display_name, fields, locator, tuple(accounts.values()))
