"""Discord channel exports written by DiscordChatExporter (DCE) in its JSON format.

Layout: {"guild": {"id", "name"}, "channel": {"id", "type", "category", "name", "topic"},
         "dateRange": {...}, "messages": [...], "messageCount": N}

Decisions where the format leaves room:
- One conversation per file: key and `external_id` = channel id, title = channel name. A direct message
  ("DirectTextChat"; old DCE versions wrote the number 1) is not a group; every other channel kind
  (group DM, guild text, thread, forum …) is. A missing channel type is warned about and read as a group.
- Accounts: platform "discord", handle = author id (snowflake), display name = nickname, else name
  (DCE writes the name as nickname when a member has no server nickname).
- Kinds: "Default" and "Reply" are people's messages (MEDIA when they carry attachments); every other
  type (Call, ChannelNameChange, ChannelIconChange, RecipientAdd, ThreadCreated …) is SYSTEM with the
  text DCE wrote for it.
- `messageCount` is not trusted: the messages array wins and a disagreement is a warning.
- Times carry an offset and are absolute; a time without one is read in `ctx.zone_name`.
- Replies: `reference.messageId` becomes `parent_key`; the message's own id is its `key`.
- Not read yet: embeds, stickers, reactions, mentions, edit times (`timestampEdited`).
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
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Record,
    WrongFormat,
)
from darkroom.formats.json_file import JsonObject, head_text, load_json_object
from darkroom.model import MessageKind

PLATFORM = "discord"
PERSON_MESSAGE_TYPES = frozenset({"Default", "Reply"})
DIRECT_MESSAGE_CHANNEL_TYPES = frozenset({"DirectTextChat", 1})
SNIFF_KEYS = ('"guild"', '"channel"', '"messages"')
_MIME_TYPES = mimetypes.MimeTypes()  # the built-in table only: the same answer on every machine
# JSON may carry "\ud83d" without its partner; such a string cannot be stored as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class DiscordJson:
    """Reads one channel exported by DiscordChatExporter as JSON."""

    name: ClassVar[str] = "discord-json"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """DCE's top-level keys in the head of a JSON object; the `.json` suffix only adds a little."""
        text = head_text(head)
        if text is None or not all(key in text for key in SNIFF_KEYS):
            return 0.0
        return 0.95 if path.suffix.lower() == ".json" else 0.9

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The channel's conversation, then every entry of `messages`."""
        document = load_json_object(path, ctx)
        channel, messages = document.get("channel"), document.get("messages")
        if not isinstance(channel, dict) or not isinstance(messages, list):
            msg = "JSON object without a channel object and a messages list: not a DiscordChatExporter file"
            raise WrongFormat(msg)
        conversation = _conversation(channel, ctx)
        yield conversation
        _check_message_count(document.get("messageCount"), len(messages), ctx)
        zone = ZoneInfo(ctx.zone_name)
        for index, message in enumerate(messages):
            locator = f"messages[{index}]"
            if not isinstance(message, dict):
                ctx.warn(locator, f"message is {_preview(message)}, not an object; skipped")
                continue
            yield _message(message, conversation.key, locator, zone, ctx)


# -- reading the file ---------------------------------------------------------------------------


def _text(value: object) -> str | None:
    """A non-empty string, stripped, with lone UTF-16 surrogates replaced; else None."""
    if isinstance(value, str) and value.strip():
        return _LONE_SURROGATE.sub("\ufffd", value.strip())
    return None


def _id_text(value: object) -> str | None:
    """A snowflake id (digit string, or int in some DCE versions) as text; else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _preview(value: object) -> str:
    """A short repr for warnings."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- channel and messages -----------------------------------------------------------------------


def _conversation(channel: JsonObject, ctx: ParseContext) -> ParsedConversation:
    """The one conversation of the file; only a one-to-one DM is not a group."""
    channel_type = channel.get("type")
    if channel_type is None:
        ctx.warn("channel", "channel has no type; read as a group")
    channel_id = _id_text(channel.get("id"))
    if channel_id is None:
        ctx.warn("channel", "channel has no id; the conversation is keyed 'channel'")
    return ParsedConversation(
        key=channel_id or "channel",
        platform=PLATFORM,
        title=_text(channel.get("name")),
        is_group=not _is_direct_message(channel_type),
        locator="channel",
        external_id=channel_id,
    )


def _is_direct_message(channel_type: object) -> bool:
    """A one-to-one DM: "DirectTextChat", or 1 in old DCE versions that wrote Discord's numeric type."""
    if isinstance(channel_type, bool) or not isinstance(channel_type, str | int):
        return False
    return channel_type in DIRECT_MESSAGE_CHANNEL_TYPES


def _check_message_count(stated: object, found: int, ctx: ParseContext) -> None:
    """Warn when `messageCount` disagrees with the messages array (the array is trusted)."""
    if isinstance(stated, int) and not isinstance(stated, bool) and stated != found:
        ctx.warn("messageCount", f"messageCount says {stated} but the file holds {found} messages")


def _message(
    message: JsonObject, conversation_key: str, locator: str, zone: ZoneInfo, ctx: ParseContext
) -> ParsedMessage:
    """One entry of `messages`: a person's message, or a system notice (call, rename …)."""
    message_type = message.get("type", "Default")
    sent_at, assumed_zone = _sent_at(message.get("timestamp"), locator, zone, ctx)
    content = message.get("content", "")
    if not isinstance(content, str):
        ctx.warn(locator, f"content is {_preview(content)}, not a string; left out")
        content = ""
    attachments = _attachments(message.get("attachments"), locator, ctx)
    if not isinstance(message_type, str) or message_type not in PERSON_MESSAGE_TYPES:
        kind = MessageKind.SYSTEM
    else:
        kind = MessageKind.MEDIA if attachments else MessageKind.TEXT
    reference = message.get("reference")
    parent_id = _id_text(reference.get("messageId")) if isinstance(reference, dict) else None
    timestamp = message.get("timestamp")
    return ParsedMessage(
        conversation_key=conversation_key,
        sender=_sender(message.get("author"), locator, ctx),
        sent_at=sent_at,
        sent_at_raw=timestamp if isinstance(timestamp, str) else None,
        assumed_zone=assumed_zone,
        body=_LONE_SURROGATE.sub("\ufffd", content),
        kind=kind,
        locator=locator,
        attachments=attachments,
        key=_id_text(message.get("id")),
        parent_key=parent_id,
    )


def _sent_at(
    timestamp: object, locator: str, zone: ZoneInfo, ctx: ParseContext
) -> tuple[datetime | None, str | None]:
    """(UTC time, assumed zone) of `timestamp`: "2023-01-17T19:33:07.489+00:00"."""
    if timestamp is None:
        ctx.warn(locator, "message has no timestamp; kept without a time")
        return None, None
    if not isinstance(timestamp, str):
        ctx.warn(locator, f"timestamp {_preview(timestamp)} is not text; kept without a time")
        return None, None
    try:
        moment = datetime.fromisoformat(timestamp)
        if moment.tzinfo is not None:
            return moment.astimezone(UTC), None
        return moment.replace(tzinfo=zone).astimezone(UTC), zone.key
    except (ValueError, OverflowError):
        ctx.warn(locator, f"timestamp {_preview(timestamp)} is not an ISO date-time; kept without a time")
        return None, None


def _sender(author: object, locator: str, ctx: ParseContext) -> AccountRef | None:
    """The author's account: id as handle, nickname (else name) as display name."""
    if not isinstance(author, dict):
        ctx.warn(locator, "message has no author: sender unknown")
        return None
    display_name = _text(author.get("nickname")) or _text(author.get("name"))
    author_id = _id_text(author.get("id"))
    if author_id:
        return AccountRef(PLATFORM, author_id, display_name)
    if display_name:
        ctx.warn(locator, "author has no id; the name is used as handle")
        return AccountRef(PLATFORM, display_name, display_name)
    ctx.warn(locator, "author has neither id nor name: sender unknown")
    return None


def _attachments(value: object, locator: str, ctx: ParseContext) -> tuple[ParsedAttachment, ...]:
    """`attachments[]` as file names (the URL when DCE gave no name), type guessed from the name."""
    if value is None:
        return ()
    if not isinstance(value, list):
        ctx.warn(locator, f"attachments is {_preview(value)}, not a list; left out")
        return ()
    found: list[ParsedAttachment] = []
    for index, attachment in enumerate(value):
        name = None
        if isinstance(attachment, dict):
            name = _text(attachment.get("fileName")) or _text(attachment.get("url"))
        if name is None:
            ctx.warn(locator, f"attachments[{index}] has no file name or url; left out")
            continue
        found.append(ParsedAttachment(name, _MIME_TYPES.guess_type(name)[0]))
    return tuple(found)
