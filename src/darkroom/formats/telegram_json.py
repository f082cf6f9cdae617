"""Telegram Desktop JSON exports: a whole account's `result.json`, or the export of one chat.

Layouts (Telegram Desktop → Settings → Advanced → Export Telegram data, format "JSON"):
  full account   {"about", "personal_information": {...}, "contacts": {"list": [...]},
                  "chats": {"list": [chat, ...]}, "left_chats": {"list": [chat, ...]}}
  one chat       {"name", "type", "id", "messages": [...]}

Decisions where the format leaves room:
- Time: `date_unixtime` (epoch seconds as a string) is absolute and preferred (`assumed_zone` None);
  `date` is the exporting device's wall clock without a zone and is read in `ctx.zone_name` only when
  the epoch is missing or unreadable (then `assumed_zone` is set). `sent_at_raw` is `date` when present
  (the wall clock the device showed: compared with the epoch it reveals the device's offset), else the
  epoch text. A wall-clock time that occurs twice (the autumn change) is read as its first occurrence.
- Accounts: platform "telegram", handle = `from_id` ("user300000000", "channel1234567"), display name
  = `from`. A deleted account (`"from": null`) keeps its id and has no name; old exports without
  `from_id` give only the name, which is then the handle too (as for WhatsApp .txt); a bare numeric
  `from_id` (older exports) becomes "user<number>".
- Owner (`personal_information`): the account "user<user_id>" and the phone number (platform "phone"),
  both `is_owner`. The `@username` is an account of its own only when there is no user id (two accounts
  for one profile would split it); the whole profile is also yielded as a contact card (locator
  `personal_information`) so the username and bio are kept either way.
- Export contacts (`contacts.list`): one contact each, with a "phone" account, and a Telegram account
  when the entry carries a non-zero `user_id`.
- Conversation key: the chat's JSON path (`chats.list[2]`, `$` for a one-chat export), unique even when
  a chat sits in both `chats` and `left_chats`; the chat id is `external_id`. Unknown chat types (or
  none, as in minimal exports) are warned about and read as not a group.
- Text: a string, or a list of strings and entities `{type, text, href?}` whose texts are joined; a
  link's hidden `href` follows its text in parentheses so the URL stays searchable. Shared contacts,
  locations and polls are appended to the body in brackets.
- Service messages: SYSTEM, sender = `actor`/`actor_id`, body = the action and its details, e.g.
  `phone_call (duration_seconds=56, discard_reason=hangup)`.
- Not read yet: `frequent_contacts`, `profile_pictures`, reactions, edits, `forwarded_from`.
- The file is loaded whole with the stdlib `json`; very large exports would want a streaming reader
  (ijson) later.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar
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
from darkroom.formats.json_file import JsonObject, head_text, load_json_object
from darkroom.model import MessageKind

PLATFORM = "telegram"
GROUP_CHAT_TYPES = frozenset(
    {"private_group", "private_supergroup", "public_supergroup", "private_channel", "public_channel"}
)
ONE_TO_ONE_CHAT_TYPES = frozenset({"personal_chat", "saved_messages", "bot_chat"})
FULL_EXPORT_SECTIONS = ("personal_information", "contacts", "chats", "left_chats")
# Keys only Telegram writes into messages; they tell a one-chat export from other `messages` JSON.
TELEGRAM_MESSAGE_MARKERS = ('"date_unixtime"', '"from_id"', '"actor_id"', '"text_entities"')
SINGLE_CHAT_KEYS = ('"name"', '"type"', '"id"', '"messages"')
PHOTO_MIME = "image/jpeg"  # Telegram Desktop writes every exported photo as JPEG
# A file the exporter skipped: "file": "(File not included. Change data exporting settings to download.)"
NOT_INCLUDED_PREFIX = "(File "
SERVICE_BASE_KEYS = frozenset(
    {"id", "type", "date", "date_unixtime", "actor", "actor_id", "action", "text", "text_entities"}
    | {"edited", "edited_unixtime"}
)
_MIME_TYPES = mimetypes.MimeTypes()  # the built-in table only: the same answer on every machine
# JSON may carry "\ud83d" without its partner; such a string cannot be stored as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class TelegramJson:
    """Reads Telegram Desktop's JSON export (full account or one chat)."""

    name: ClassVar[str] = "telegram-json"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """Telegram key names in the head of a JSON object; the `.json` suffix only adds a little."""
        text = head_text(head)
        if text is None:
            return 0.0
        has_marker = any(marker in text for marker in TELEGRAM_MESSAGE_MARKERS)
        full = '"personal_information"' in text and ('"chats"' in text or '"user_id"' in text)
        chat_list = '"chats"' in text and '"list"' in text and has_marker
        one_chat = all(key in text for key in SINGLE_CHAT_KEYS) and has_marker
        if not (full or chat_list or one_chat):
            return 0.0
        return 0.95 if path.suffix.lower() == ".json" else 0.9

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The owner, export contacts, then each chat followed by its messages."""
        document = load_json_object(path, ctx)
        if isinstance(document.get("messages"), list) and "guild" not in document:
            yield from _chat_records(document, "$", "", ctx)
            return
        if not any(section in document for section in FULL_EXPORT_SECTIONS):
            msg = "JSON object without chats, personal_information or messages: not a Telegram export"
            raise WrongFormat(msg)
        yield from _owner_records(document.get("personal_information"), ctx)
        yield from _contact_records(document.get("contacts"), ctx)
        for section in ("chats", "left_chats"):
            yield from _chat_list_records(document.get(section), section, ctx)


# -- reading the file ---------------------------------------------------------------------------


def _clean(text: str) -> str:
    """The text with lone UTF-16 surrogates replaced, so it can be stored as UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def _id_text(value: object) -> str | None:
    """A numeric id (int or digit string) as text; None for anything else, including 0."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return str(value)
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit() and int(text) > 0:
        return text
    return None


def _nonempty_str(value: object) -> str | None:
    """A string with something in it, stripped; else None."""
    if isinstance(value, str) and value.strip():
        return _clean(value.strip())
    return None


def _scalar_texts(value: object) -> list[str]:
    """A scalar, or the scalars of a list, as texts; empty strings, nulls and objects left out."""
    items = value if isinstance(value, list) else [value]
    return [_clean(str(item)) for item in items if isinstance(item, str | int | float) and item != ""]


def _preview(value: object) -> str:
    """A short repr for warnings."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- owner and contacts -------------------------------------------------------------------------


def _full_name(entry: JsonObject) -> str | None:
    """`first_name last_name`, or None when both are empty."""
    parts = [_nonempty_str(entry.get("first_name")), _nonempty_str(entry.get("last_name"))]
    return " ".join(part for part in parts if part) or None


def _card_fields(entry: JsonObject) -> dict[str, list[str]]:
    """Every scalar (or list of scalars) field of a profile or contact entry, as text."""
    fields: dict[str, list[str]] = {}
    for key, value in entry.items():
        texts = _scalar_texts(value)
        if texts:
            fields[key] = texts
    return fields


def _owner_records(info: object, ctx: ParseContext) -> Iterator[Record]:
    """The exporting account: Telegram id (or @username) and phone as owner accounts, plus its card."""
    locator = "personal_information"
    if info is None:
        return
    if not isinstance(info, dict):
        ctx.warn(locator, f"personal_information is {_preview(info)}, not an object; skipped")
        return
    name = _full_name(info)
    refs: list[AccountRef] = []
    user_id = _id_text(info.get("user_id"))
    username = _nonempty_str(info.get("username"))
    if user_id:
        refs.append(AccountRef(PLATFORM, f"user{user_id}", name))
    elif username:
        refs.append(AccountRef(PLATFORM, "@" + username.lstrip("@"), name))
    phone = _nonempty_str(info.get("phone_number"))
    if phone:
        refs.append(AccountRef("phone", phone, name))
    if not refs:
        ctx.warn(locator, "owner has no user id, username or phone number")
    for ref in refs:
        yield ParsedAccount(ref, locator, is_owner=True)
    yield ParsedContact(name, _card_fields(info), locator, tuple(refs))


def _contact_records(section: object, ctx: ParseContext) -> Iterator[Record]:
    """One contact per entry of the export's `contacts.list`."""
    if section is None:
        return
    entries = section.get("list") if isinstance(section, dict) else None
    if not isinstance(entries, list):
        ctx.warn("contacts", "contacts has no list; skipped")
        return
    for index, entry in enumerate(entries):
        locator = f"contacts.list[{index}]"
        if not isinstance(entry, dict):
            ctx.warn(locator, f"contact is {_preview(entry)}, not an object; skipped")
            continue
        name = _full_name(entry)
        accounts: list[AccountRef] = []
        phone = _nonempty_str(entry.get("phone_number"))
        if phone:
            accounts.append(AccountRef("phone", phone, name))
        user_id = _id_text(entry.get("user_id"))
        if user_id:
            accounts.append(AccountRef(PLATFORM, f"user{user_id}", name))
        yield ParsedContact(name, _card_fields(entry), locator, tuple(accounts))


# -- chats --------------------------------------------------------------------------------------


def _chat_list_records(section: object, section_name: str, ctx: ParseContext) -> Iterator[Record]:
    """Every chat of `chats.list` or `left_chats.list`."""
    if section is None:
        return
    chats = section.get("list") if isinstance(section, dict) else None
    if not isinstance(chats, list):
        ctx.warn(section_name, f"{section_name} has no list; skipped")
        return
    for index, chat in enumerate(chats):
        locator = f"{section_name}.list[{index}]"
        if not isinstance(chat, dict):
            ctx.warn(locator, f"chat is {_preview(chat)}, not an object; skipped")
            continue
        yield from _chat_records(chat, locator, f"{locator}.", ctx)


def _chat_records(chat: JsonObject, locator: str, path_prefix: str, ctx: ParseContext) -> Iterator[Record]:
    """The chat's conversation, then its messages."""
    conversation = _conversation(chat, locator, ctx)
    yield conversation
    messages = chat.get("messages")
    if not isinstance(messages, list):
        ctx.warn(locator, "chat has no messages list")
        return
    zone = ZoneInfo(ctx.zone_name)
    for index, message in enumerate(messages):
        message_locator = f"{path_prefix}messages[{index}]"
        if not isinstance(message, dict):
            ctx.warn(message_locator, f"message is {_preview(message)}, not an object; skipped")
            continue
        yield _message(message, conversation.key, message_locator, zone, ctx)


def _conversation(chat: JsonObject, locator: str, ctx: ParseContext) -> ParsedConversation:
    """A chat's conversation record; groups and channels are groups."""
    chat_type = chat.get("type")
    type_name = chat_type if isinstance(chat_type, str) else ""
    is_group = type_name in GROUP_CHAT_TYPES
    if not is_group and type_name not in ONE_TO_ONE_CHAT_TYPES:
        ctx.warn(locator, f"chat type {_preview(chat_type)} unknown; read as not a group")
    chat_id = chat.get("id")
    external_id = str(chat_id) if isinstance(chat_id, int | str) and not isinstance(chat_id, bool) else None
    return ParsedConversation(
        key=locator,
        platform=PLATFORM,
        title=_nonempty_str(chat.get("name")),
        is_group=is_group,
        locator=locator,
        external_id=external_id,
    )


# -- messages -----------------------------------------------------------------------------------


def _message(
    message: JsonObject, conversation_key: str, locator: str, zone: ZoneInfo, ctx: ParseContext
) -> ParsedMessage:
    """One message or service notice."""
    message_type = message.get("type", "message")
    if message_type not in ("message", "service"):
        ctx.warn(locator, f"message type {_preview(message_type)} unknown; read as a message")
    sent_at, sent_at_raw, assumed_zone = _sent_at(message, locator, zone, ctx)
    text = _joined_text(message, locator, ctx)
    attachments: tuple[ParsedAttachment, ...] = ()
    if message_type == "service":
        sender = _sender(message.get("actor"), message.get("actor_id"), "actor", locator, ctx)
        body, kind = _service_body(message, text), MessageKind.SYSTEM
    else:
        sender = _sender(message.get("from"), message.get("from_id"), "from", locator, ctx)
        attachments = _attachments(message)
        body = "\n".join(part for part in [text, *_shared_items(message)] if part)
        kind = MessageKind.MEDIA if attachments else MessageKind.TEXT
    message_id = _id_text(message.get("id"))
    reply_to = _id_text(message.get("reply_to_message_id"))
    return ParsedMessage(
        conversation_key=conversation_key,
        sender=sender,
        sent_at=sent_at,
        sent_at_raw=sent_at_raw,
        assumed_zone=assumed_zone,
        body=body,
        kind=kind,
        locator=locator,
        attachments=attachments,
        key=f"{conversation_key}/{message_id}" if message_id else None,
        parent_key=f"{conversation_key}/{reply_to}" if reply_to else None,
    )


def _sent_at(
    message: JsonObject, locator: str, zone: ZoneInfo, ctx: ParseContext
) -> tuple[datetime | None, str | None, str | None]:
    """(UTC time, raw text, assumed zone): the epoch when readable, else local `date` in the zone."""
    local_text = message.get("date")
    epoch_text = message.get("date_unixtime")
    raw = local_text if isinstance(local_text, str) else None
    if raw is None and isinstance(epoch_text, str | int) and not isinstance(epoch_text, bool):
        raw = str(epoch_text)
    if epoch_text is not None:
        moment = _from_epoch(epoch_text)
        if moment is not None:
            return moment, raw, None
        ctx.warn(locator, f"date_unixtime {_preview(epoch_text)} is not epoch seconds")
    if local_text is None:
        if epoch_text is None:
            ctx.warn(locator, "message has no date; kept without a time")
        return None, raw, None
    local = _from_local(local_text, zone)
    if local is None:
        ctx.warn(locator, f"date {_preview(local_text)} is not an ISO date-time; kept without a time")
        return None, raw, None
    moment, had_offset = local
    return moment, raw, None if had_offset else zone.key


def _from_epoch(value: object) -> datetime | None:
    """Epoch seconds (int or digit string) as UTC; None when unreadable."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _from_local(value: object, zone: ZoneInfo) -> tuple[datetime, bool] | None:
    """(UTC time, whether the text had an offset) of an ISO date-time; naive = wall clock in `zone`."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
        had_offset = moment.tzinfo is not None
        if not had_offset:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC), had_offset
    except (ValueError, OverflowError):
        return None


def _sender(name: object, sender_id: object, role: str, locator: str, ctx: ParseContext) -> AccountRef | None:
    """The account behind `from`/`from_id` (or `actor`/`actor_id`)."""
    display_name = _nonempty_str(name)
    if isinstance(sender_id, str) and sender_id.strip():
        return AccountRef(PLATFORM, sender_id.strip(), display_name)
    numeric_id = _id_text(sender_id)
    if numeric_id:
        return AccountRef(PLATFORM, f"user{numeric_id}", display_name)
    if display_name:
        return AccountRef(PLATFORM, display_name, display_name)
    ctx.warn(locator, f"no {role} and no {role}_id: sender unknown")
    return None


def _joined_text(message: JsonObject, locator: str, ctx: ParseContext) -> str:
    """`text` as one string: a plain string, or the joined pieces of an entity list."""
    if "text" not in message:
        return ""
    value = message["text"]
    if isinstance(value, str):
        return _clean(value)
    if not isinstance(value, list):
        ctx.warn(locator, f"text is {_preview(value)}, not a string or list; left out")
        return ""
    pieces: list[str] = []
    for index, piece in enumerate(value):
        if isinstance(piece, str):
            pieces.append(piece)
        elif isinstance(piece, dict) and isinstance(piece.get("text"), str):
            # {"type": "text_link", "text": "the menu", "href": "https://example.org/menu"}
            href = piece.get("href")
            has_hidden_url = isinstance(href, str) and href and href != piece["text"]
            pieces.append(f"{piece['text']} ({href})" if has_hidden_url else piece["text"])
        else:
            ctx.warn(locator, f"text[{index}] is {_preview(piece)}, not a string or entity; left out")
    return _clean("".join(pieces))


def _attachments(message: JsonObject) -> tuple[ParsedAttachment, ...]:
    """The photo and the file a message carries (file name, or the exporter's not-included note)."""
    found: list[ParsedAttachment] = []
    photo = _nonempty_str(message.get("photo"))
    if photo:
        found.append(ParsedAttachment(photo, PHOTO_MIME))
    file_path = _nonempty_str(message.get("file"))
    original_name = _nonempty_str(message.get("file_name"))
    media_type = _nonempty_str(message.get("media_type"))
    if file_path and original_name and file_path.startswith(NOT_INCLUDED_PREFIX):
        file_path = original_name  # the exporter skipped the file; its original name says more
    if file_path:
        mime = _nonempty_str(message.get("mime_type")) or _MIME_TYPES.guess_type(file_path)[0]
        found.append(ParsedAttachment(file_path, mime))
    elif media_type and not photo:
        found.append(ParsedAttachment(media_type))
    return tuple(found)


def _shared_items(message: JsonObject) -> list[str]:
    """Shared contacts, locations and polls, described in brackets for the body."""
    items: list[str] = []
    contact = message.get("contact_information")
    if isinstance(contact, dict):
        parts = [_full_name(contact), _nonempty_str(contact.get("phone_number"))]
        items.append("[contact: " + " ".join(part for part in parts if part) + "]")
    location = message.get("location_information")
    if isinstance(location, dict):
        items.append(f"[location: {location.get('latitude')}, {location.get('longitude')}]")
    poll = message.get("poll")
    if isinstance(poll, dict) and _nonempty_str(poll.get("question")):
        items.append(f"[poll: {_nonempty_str(poll.get('question'))}]")
    return items


def _service_body(message: JsonObject, text: str) -> str:
    """The action and its details: `invite_members (members=Ann Lee; Tom Field)`."""
    action = _nonempty_str(message.get("action")) or "service"
    details: list[str] = []
    for key, value in message.items():
        texts = _scalar_texts(value)
        if key not in SERVICE_BASE_KEYS and texts:
            details.append(f"{key}={'; '.join(texts)}")
    body = f"{action} ({', '.join(details)})" if details else action
    return f"{body}: {text}" if text else body
