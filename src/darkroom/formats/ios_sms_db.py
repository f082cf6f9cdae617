"""The iOS Messages database `sms.db` (`private/var/mobile/Library/SMS/`): SMS, MMS, iMessage and RCS.

Tables: `chat` (one per thread), `handle` (the other party's number or address, per service),
`chat_handle_join`, `message`, `chat_message_join`, `attachment`, `message_attachment_join`.

Decisions where the format leaves room:
- Accounts: platform from the message's `service`: "SMS" and "MMS" → "sms", "RCS" → "sms" (carrier
  messaging to the same number), "iMessage" → "imessage"; an unknown service is lower-cased and warned
  about once. The handle is `handle.id` as stored (`+447700900123`, `name@example.com`).
- Owner: `is_from_me = 1`. The owner's handle is `destination_caller_id` (the own number or address the
  message went through, iOS 11+), else the chat's `last_addressed_handle`, else `message.account`
  without its `p:`/`e:` prefix; with none of them it is "device-owner" (warned). Every owner handle
  found is yielded first as an owner `ParsedAccount`.
- Senders: the owner, else `message.handle_id` → `handle`, else the one handle of a one-to-one chat.
- Conversations: `chat-<ROWID>`, external id `chat.guid`, title `display_name` or `chat_identifier`;
  a group when `style` is 43 or more than one handle is joined; participants are the joined handles
  (the owner is not listed). Messages in no chat share `chat-none`. Messages come in ROWID (arrival)
  order, all chats interleaved.
- Times: `message.date` counts from 2001-01-01 UTC in seconds (before iOS 11) or nanoseconds (values
  above 1e15); `sent_at_raw` is the stored number.
- Body: `text`; when NULL (newer iOS), the string of the `attributedBody` typedstream, read by
  `attributed_body_text` (a warning when that fails). U+FFFC, the placeholder iMessage puts where an
  attachment sits, is removed.
- Kinds: attachments (`message_attachment_join` → `attachment`: `filename`, else `transfer_name`, with
  `mime_type`) → MEDIA; `item_type` ≠ 0 (participant added/removed, group renamed, group action) and
  tapbacks (`associated_message_type` 2000–3006) → SYSTEM; a tapback's `parent_key` is the guid it
  points at (`p:0/GUID` → GUID), an inline reply's is `thread_originator_guid`. Message keys are `guid`.
- Not read yet: edits and unsends (`message_summary_info`), expressive effects, `payload_data` of apps.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.ios_sqlite import IosDatabase, apple_time, open_database, sniff_database
from darkroom.model import MessageKind

REQUIRED_TABLES = ("message", "handle", "chat", "chat_message_join")
FILE_NAMES = ("sms.db",)
SERVICE_PLATFORMS = {"sms": "sms", "mms": "sms", "rcs": "sms", "imessage": "imessage"}
GROUP_STYLE = 43
OBJECT_REPLACEMENT = "\ufffc"
NO_CHAT = "chat-none"
DEVICE_OWNER = "device-owner"
TAPBACKS = range(2000, 3007)  # 2000-2006 added (loved, liked … emoji), 3000-3006 removed
_TYPEDSTREAM_STRING = b"\x84\x01+"  # type tag of the NSString's UTF-8 bytes
_ITEM_EVENTS = {1: "participant change", 2: "group renamed", 3: "group action"}

_MESSAGE_COLUMNS = (
    "ROWID",
    "guid",
    "text",
    "attributedBody",
    "handle_id",
    "service",
    "date",
    "is_from_me",
    "destination_caller_id",
    "account",
    "item_type",
    "group_action_type",
    "other_handle",
    "group_title",
    "associated_message_type",
    "associated_message_guid",
    "thread_originator_guid",
)


class IosSmsDb:
    """Reads the iOS Messages store (sms.db)."""

    name: ClassVar[str] = "ios-sms-db"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """SQLite header plus the message/handle/chat/chat_message_join schema."""
        return sniff_database(path, head, REQUIRED_TABLES, FILE_NAMES)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """Owner accounts, every chat, then the messages in arrival order."""
        database = open_database(path, ctx)
        try:
            database.require(REQUIRED_TABLES, "an iOS sms.db")
            yield from _records(database, ctx)
        finally:
            database.close()


def attributed_body_text(blob: bytes) -> str | None:
    """The string inside an `attributedBody` blob (a typedstream of NSAttributedString), or None.

    A minimal reader, not a typedstream decoder: after the class name `NSString` comes the type tag
    `84 01 2B` ("+", UTF-8 bytes), a length and the bytes, e.g.
    `…\\x08NSString\\x01\\x94\\x84\\x01+\\x05hello\\x86\\x84…`. The length is one byte below 0x80, or
    0x81 and two little-endian bytes, or 0x82 and four.
    """
    name_at = blob.find(b"NSString")
    tag_at = blob.find(_TYPEDSTREAM_STRING, name_at + 8, name_at + 8 + 16) if name_at >= 0 else -1
    span = _length_prefixed(blob, tag_at + len(_TYPEDSTREAM_STRING)) if tag_at >= 0 else None
    if span is None:
        return None
    try:
        return blob[span[0] : span[1]].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _length_prefixed(blob: bytes, position: int) -> tuple[int, int] | None:
    """(start, end) of the bytes whose typedstream length sits at `position`, None when it does not fit."""
    if position >= len(blob):
        return None
    width = {0x81: 2, 0x82: 4}.get(blob[position], 0)
    if width == 0 and blob[position] >= 0x80:
        return None
    length = int.from_bytes(blob[position + 1 : position + 1 + width], "little") if width else blob[position]
    start = position + 1 + width
    if start + length > len(blob):
        return None
    return start, start + length


@dataclass(frozen=True, slots=True)
class _Chat:
    """What a message needs to know about its chat."""

    key: str
    service: str | None
    last_addressed_handle: str | None
    handles: tuple[AccountRef, ...]


@dataclass(slots=True)
class _Reader:
    """Per-file state: handles, chats, attachments by message, and what was warned once."""

    database: IosDatabase
    ctx: ParseContext
    handles: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    chats: dict[int | None, _Chat] = field(default_factory=dict)
    attachments: dict[int, list[ParsedAttachment]] = field(default_factory=lambda: defaultdict(list))
    warned_services: set[str] = field(default_factory=set)

    def platform(self, service: object, locator: str) -> str:
        """The platform of a service name ("iMessage" → "imessage"), warning once for unknown ones."""
        name = str(service).strip().lower() if service else "sms"
        known = SERVICE_PLATFORMS.get(name)
        if known is not None:
            return known
        if name not in self.warned_services:
            self.warned_services.add(name)
            self.ctx.warn(locator, f"unknown service {service!r}; kept as platform {name!r}")
        return name


def _records(database: IosDatabase, ctx: ParseContext) -> Iterator[Record]:
    reader = _Reader(database, ctx)
    _load_handles(reader)
    _load_attachments(reader)
    chats = list(_conversations(reader))
    for owner in _owners(reader):
        yield ParsedAccount(owner, "message (is_from_me = 1)", is_owner=True)
    yield from chats
    yield from _messages(reader)


def _load_handles(reader: _Reader) -> None:
    missing: list[str] = []
    columns = ", ".join(reader.database.pick("handle", c, missing) for c in ("ROWID", "id", "service"))
    for rowid, handle, service in reader.database.rows(
        f"SELECT {columns} FROM handle", lambda row: f"handle ROWID={row[0]}", reader.ctx, "handle"
    ):
        if not handle:
            reader.ctx.warn(f"handle ROWID={rowid}", "handle without id")
            continue
        reader.handles[int(rowid)] = (str(handle).strip(), str(service) if service else None)


def _handle_ref(reader: _Reader, handle_id: object, service: object, locator: str) -> AccountRef | None:
    found = reader.handles.get(handle_id) if isinstance(handle_id, int) else None
    if found is None:
        return None
    handle, handle_service = found
    return AccountRef(reader.platform(service or handle_service, locator), handle)


def _load_attachments(reader: _Reader) -> None:
    database = reader.database
    if not (database.has_table("attachment") and database.has_table("message_attachment_join")):
        reader.ctx.warn("attachment", "attachment tables missing: attachments unknown")
        return
    missing: list[str] = []
    columns = ", ".join(
        database.pick("attachment", column, missing) for column in ("filename", "transfer_name", "mime_type")
    )
    sql = (
        f"SELECT message_attachment_join.message_id, attachment.ROWID, {columns} "
        "FROM message_attachment_join "
        "JOIN attachment ON attachment.ROWID = message_attachment_join.attachment_id "
        "ORDER BY message_attachment_join.message_id, attachment.ROWID"
    )
    for message_id, rowid, filename, transfer_name, mime_type in database.rows(
        sql, lambda row: f"attachment ROWID={row[1]}", reader.ctx, "attachment"
    ):
        name = filename or transfer_name
        if not name:
            reader.ctx.warn(f"attachment ROWID={rowid}", "attachment without filename or transfer_name")
            name = f"attachment {rowid}"
        reader.attachments[int(message_id)].append(ParsedAttachment(str(name), mime_type or None))


def _conversations(reader: _Reader) -> Iterator[ParsedConversation]:
    database, ctx = reader.database, reader.ctx
    members: dict[int, list[int]] = defaultdict(list)
    if database.has_table("chat_handle_join"):
        sql = "SELECT chat_id, handle_id FROM chat_handle_join ORDER BY chat_id, handle_id"
        for chat_id, handle_id in database.rows(sql, lambda _: "chat_handle_join", ctx, "chat_handle_join"):
            members[chat_id].append(handle_id)
    missing: list[str] = []
    wanted = ("ROWID", "guid", "chat_identifier", "display_name", "service_name", "style")
    columns = ", ".join(
        database.pick("chat", column, missing) for column in (*wanted, "last_addressed_handle")
    )
    sql = f"SELECT {columns} FROM chat ORDER BY ROWID"
    for rowid, guid, identifier, display_name, service, style, last_handle in database.rows(
        sql, lambda row: f"chat ROWID={row[0]}", ctx, "chat"
    ):
        locator = f"chat ROWID={rowid}"
        refs = [_handle_ref(reader, handle_id, None, locator) for handle_id in members.get(rowid, [])]
        handles = tuple(ref for ref in refs if ref is not None)
        chat = _Chat(f"chat-{rowid}", service, last_handle, handles)
        reader.chats[rowid] = chat
        title = display_name or identifier or None
        is_group = style == GROUP_STYLE or len(handles) > 1
        platform = _chat_platform(reader, chat, locator)
        yield ParsedConversation(chat.key, platform, title, is_group, locator, guid, handles)


def _chat_platform(reader: _Reader, chat: _Chat, locator: str) -> str:
    if chat.service:
        return reader.platform(chat.service, locator)
    return chat.handles[0].platform if chat.handles else "sms"


def _owners(reader: _Reader) -> list[AccountRef]:
    """Every distinct owner account the outgoing messages name, in a stable order."""
    database = reader.database
    missing: list[str] = []
    wanted = ("service", "destination_caller_id", "account")
    columns = ", ".join(database.pick("message", column, missing) for column in wanted)
    sql = (
        f"SELECT DISTINCT chat_message_join.chat_id, {columns} FROM message "
        "LEFT JOIN chat_message_join ON chat_message_join.message_id = message.ROWID "
        f"WHERE {database.pick('message', 'is_from_me', missing)} = 1"
    )
    found: dict[AccountRef, None] = {}
    for chat_id, service, caller_id, account in database.rows(
        sql, lambda _: "message", reader.ctx, "message"
    ):
        chat = reader.chats.get(chat_id)
        found.setdefault(_owner(reader, chat, service, caller_id, account, "message"))
    if any(owner.handle.startswith(DEVICE_OWNER) for owner in found):
        reader.ctx.warn("message", "outgoing messages without the owner's number or address: 'device-owner'")
    return sorted(found, key=lambda ref: (ref.platform, ref.handle))


def _owner(
    reader: _Reader, chat: _Chat | None, service: object, caller_id: object, account: object, locator: str
) -> AccountRef:
    service_name = service or (chat.service if chat else None)
    platform = reader.platform(service_name, locator)
    stored_account = str(account).strip() if account else ""
    if stored_account[:2].lower() in {"p:", "e:"}:
        stored_account = stored_account[2:]
    for candidate in (caller_id, chat.last_addressed_handle if chat else None, stored_account):
        if candidate and str(candidate).strip():
            return AccountRef(platform, str(candidate).strip())
    # Per exhibit: a bare placeholder would merge the unknown owners of every seized phone.
    return AccountRef(platform, f"{DEVICE_OWNER} ({reader.ctx.exhibit_ref})")


def _message_sql(database: IosDatabase, ctx: ParseContext) -> str:
    missing: list[str] = []
    columns = ", ".join(f"{database.pick('message', c, missing)} AS {c}" for c in _MESSAGE_COLUMNS)
    if missing:
        ctx.warn("message", f"columns missing, read as NULL: {', '.join(missing)}")
    # ROWID order needs no sort, so a damaged table still yields the rows before the damage.
    return f"SELECT {columns} FROM message ORDER BY message.ROWID"


def _chat_of_message(reader: _Reader) -> dict[int, int]:
    """message ROWID -> chat ROWID (the first chat, should a message sit in two)."""
    chat_of: dict[int, int] = {}
    sql = "SELECT message_id, chat_id FROM chat_message_join ORDER BY chat_id, message_id"
    for message_id, chat_id in reader.database.rows(
        sql, lambda _: "chat_message_join", reader.ctx, "chat_message_join"
    ):
        chat_of.setdefault(message_id, chat_id)
    return chat_of


def _messages(reader: _Reader) -> Iterator[Record]:
    chat_of = _chat_of_message(reader)
    sql = _message_sql(reader.database, reader.ctx)
    for row in reader.database.rows(sql, _message_locator, reader.ctx, "message"):
        chat_id = chat_of.get(row["ROWID"])
        chat = reader.chats.get(chat_id)
        if chat is None:
            locator = _message_locator(row)
            chat = _Chat(NO_CHAT if chat_id is None else f"chat-{chat_id}", None, None, ())
            reader.ctx.warn(locator, f"in no known chat ({chat_id!r}); placed in {chat.key}")
            reader.chats[chat_id] = chat
            yield ParsedConversation(chat.key, "sms", None, False, locator)
        yield _message(reader, row, chat)


def _message_locator(row: sqlite3.Row) -> str:
    return f"message ROWID={row['ROWID']}"


def _message(reader: _Reader, row: sqlite3.Row, chat: _Chat) -> ParsedMessage:
    locator, ctx = _message_locator(row), reader.ctx
    attachments = tuple(reader.attachments.get(row["ROWID"], ()))
    kind, body = _kind_and_body(reader, row, attachments, locator)
    if row["is_from_me"] is None:
        ctx.warn(locator, "is_from_me is NULL; read as incoming")
    if row["is_from_me"] == 1:
        sender: AccountRef | None = _owner(
            reader, chat, row["service"], row["destination_caller_id"], row["account"], locator
        )
    else:
        sender = _handle_ref(reader, row["handle_id"], row["service"] or chat.service, locator)
        if sender is None and len(chat.handles) == 1:
            sender = chat.handles[0]
        if sender is None and kind is not MessageKind.SYSTEM:
            ctx.warn(locator, f"incoming message with unknown handle_id {row['handle_id']!r}")
    date = row["date"]
    sent_at = apple_time(date, nanoseconds_allowed=True)
    if sent_at is None:
        ctx.warn(locator, f"no usable date ({date!r})")
    return ParsedMessage(
        conversation_key=chat.key,
        sender=sender,
        sent_at=sent_at,
        sent_at_raw=None if date is None else str(date),
        assumed_zone=None,
        body=body,
        kind=kind,
        locator=locator,
        attachments=attachments,
        key=str(row["guid"]) if row["guid"] else None,
        parent_key=_parent_guid(row),
    )


def _parent_guid(row: sqlite3.Row) -> str | None:
    """`p:0/GUID` or `bp:GUID` of a tapback → GUID; else the thread an inline reply belongs to."""
    associated = row["associated_message_guid"]
    if associated:
        return str(associated).rpartition("/")[2].removeprefix("bp:")
    return str(row["thread_originator_guid"]) if row["thread_originator_guid"] else None


def _kind_and_body(
    reader: _Reader, row: sqlite3.Row, attachments: tuple[ParsedAttachment, ...], locator: str
) -> tuple[MessageKind, str]:
    text = row["text"]
    if text is None and row["attributedBody"] is not None:
        blob = row["attributedBody"]
        text = attributed_body_text(bytes(blob)) if isinstance(blob, bytes) else None
        if text is None:
            reader.ctx.warn(locator, "attributedBody could not be read; body left empty")
    body = str(text or "").replace(OBJECT_REPLACEMENT, "").strip()
    item_type, reaction = row["item_type"] or 0, row["associated_message_type"] or 0
    if item_type:
        return MessageKind.SYSTEM, body or _event_body(reader, row, item_type, locator)
    if reaction in TAPBACKS:
        return MessageKind.SYSTEM, body or f"[reaction {reaction}]"
    if attachments:
        return MessageKind.MEDIA, body
    if not body and text is None and row["attributedBody"] is None:
        reader.ctx.warn(locator, "message without text, attributedBody or attachment")
    return MessageKind.TEXT, body


def _event_body(reader: _Reader, row: sqlite3.Row, item_type: int, locator: str) -> str:
    label = _ITEM_EVENTS.get(item_type, f"event item_type {item_type}")
    if item_type == 2 and row["group_title"]:
        return f"[{label}: {row['group_title']}]"
    if item_type == 1:
        other = _handle_ref(reader, row["other_handle"], row["service"], locator)
        verb = "removed" if row["group_action_type"] == 1 else "added"
        return f"[participant {verb}: {other.handle if other else 'unknown'}]"
    action = row["group_action_type"]
    return f"[{label}, group_action_type {action}]" if action is not None else f"[{label}]"
