"""Facebook Messenger and Instagram DMs from Meta's "Download your information" export (JSON).

Layout: `messages/inbox/<name>_<id>/message_1.json` (then `message_2.json` … for long threads),
below `your_facebook_activity/` or `your_instagram_activity/` in newer exports:
  {"participants": [{"name"}], "messages": [...], "title", "is_still_participant", "thread_type",
   "thread_path": "inbox/tomberg_1234567890", "magic_words": []}
A message: {"sender_name", "timestamp_ms", "content"?, "photos"/"videos"/"audio_files"/"files"/"gifs":
[{"uri", "creation_timestamp"}], "sticker": {"uri"}, "share": {"link"}, "reactions": [{"reaction",
"actor"}], "type": "Generic" | "Share" | "Call" | "Subscribe" | "Unsubscribe" …, "is_unsent"?}.

Quirks:
- Mojibake: Meta writes every UTF-8 byte of a non-ASCII character as its own `\\u00XX` escape, so
  "Kåre" arrives as "K\\u00c3\\u00a5re" (read: "KÃ¥re"). Every string is repaired with
  `s.encode("latin-1").decode("utf-8")` when that succeeds, and kept as it is when it does not (a
  string holding a character above U+00FF, or Latin-1 text that is no valid UTF-8, was not mangled).
- Files may start with a BOM (read as `utf-8-sig`).

Decisions where the format leaves room:
- Order: Meta writes messages newest first. They are yielded oldest first (the array reversed, not
  re-sorted); each locator is the message's index in the original array, `messages[0]` the newest.
- Platform: "instagram" when the file's path (`ctx.display_path`, then the path itself) has a folder
  `your_instagram_activity` or an export folder `instagram-…`, or a media uri starts with
  `your_instagram_activity/`; otherwise "facebook". `thread_path` ("inbox/…") is the same on both.
- Accounts: the export names people only by display name, so handle = display name = `sender_name`
  (as for WhatsApp .txt). Removed accounts all read "Facebook user"/"Instagram User" and share that
  handle: the export gives nothing to tell them apart.
- Owner: in a two-person thread whose title is one participant's name, the other participant is the
  account that downloaded the export; it is yielded as a `ParsedAccount` with `is_owner`.
- Conversation: key and `external_id` = `thread_path` (the parts `message_1.json`, `message_2.json` of
  one thread share it); a group when `thread_type` is "RegularGroup" or it has more than 2 participants.
- Kinds: "Generic" and "Share" (or no type, as in Instagram files) are people's messages, MEDIA when
  they carry photos, videos, audio, files, gifs or a sticker (each uri an attachment, type guessed from
  its extension); `is_unsent` is DELETED; every other type (Call, Subscribe, Unsubscribe …) is SYSTEM.
- A shared link that the text does not already contain is appended on its own line, so the URL stays
  searchable.
- Not carried: reactions (the record has no place for them), `call_duration`, `share_text`.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Record,
    WrongFormat,
)
from darkroom.formats.json_file import JsonObject, head_text, load_json_object
from darkroom.model import MessageKind

FACEBOOK = "facebook"
INSTAGRAM = "instagram"
PERSON_MESSAGE_TYPES = frozenset({"Generic", "Share"})
MEDIA_LISTS = ("photos", "videos", "audio_files", "files", "gifs")
SNIFF_KEYS = ('"participants"', '"messages"')
SNIFF_MESSAGE_KEYS = ('"sender_name"', '"timestamp_ms"')
INSTAGRAM_FOLDER = "your_instagram_activity"
FACEBOOK_FOLDER = "your_facebook_activity"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIME_TYPES = mimetypes.MimeTypes()  # the built-in table only: the same answer on every machine
# JSON may carry "\ud83d" without its partner; such a string cannot be stored as UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class MetaDyiJson:
    """Reads one `message_N.json` of a Facebook or Instagram "Download your information" export."""

    name: ClassVar[str] = "meta-dyi-json"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """A JSON object whose head names participants, messages and a Meta message key."""
        text = head_text(head)
        if text is None or not all(key in text for key in SNIFF_KEYS):
            return 0.0
        return 0.9 if any(key in text for key in SNIFF_MESSAGE_KEYS) else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The owner (when it can be told), the thread, then its messages oldest first."""
        document = _repair(load_json_object(path, ctx, allow_bom=True))
        participants, messages = document.get("participants"), document.get("messages")
        if not isinstance(participants, list) or not isinstance(messages, list):
            msg = "JSON object without a participants list and a messages list: not a Meta export thread"
            raise WrongFormat(msg)
        platform = _platform(f"{ctx.display_path}/{path.as_posix()}", messages)
        people = _participants(participants, platform, ctx)
        yield from _owner(people, _text(document.get("title")), document.get("thread_type"))
        conversation = _conversation(document, platform, people, ctx)
        yield conversation
        for index in range(len(messages) - 1, -1, -1):
            locator = f"messages[{index}]"
            message = messages[index]
            if not isinstance(message, dict):
                ctx.warn(locator, f"message is {_preview(message)}, not an object; skipped")
                continue
            yield _message(message, conversation.key, platform, locator, ctx)


# -- reading the file ---------------------------------------------------------------------------


def demojibake(text: str) -> str:
    """Undo Meta's byte-per-character escaping ("KÃ¥re" → "Kåre") when the text is mangled that way."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _repair(value: Any) -> Any:
    """Every string of a JSON value repaired (mojibake, then lone surrogates → U+FFFD)."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", demojibake(value))
    if isinstance(value, list):
        return [_repair(item) for item in value]
    if isinstance(value, dict):
        return {key: _repair(item) for key, item in value.items()}
    return value


def _text(value: object) -> str | None:
    """A non-empty string, stripped; else None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _preview(value: object) -> str:
    """A short repr for warnings."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- thread -------------------------------------------------------------------------------------


def _platform(location: str, messages: list[Any]) -> str:
    """The platform: Instagram when the path or a media uri says so, else Facebook (see the docstring)."""
    for folder in PurePosixPath(location.replace("\\", "/").lower()).parts:
        if folder == INSTAGRAM_FOLDER or folder.startswith("instagram-"):
            return INSTAGRAM
        if folder == FACEBOOK_FOLDER or folder.startswith("facebook-"):
            return FACEBOOK
    for message in messages:
        for uri in _media_uris(message) if isinstance(message, dict) else ():
            if uri.startswith(INSTAGRAM_FOLDER + "/"):
                return INSTAGRAM
            if uri.startswith(FACEBOOK_FOLDER + "/"):
                return FACEBOOK
    return FACEBOOK


def _participants(participants: list[Any], platform: str, ctx: ParseContext) -> list[tuple[str, AccountRef]]:
    """(locator, account) of every named participant; unnamed entries are warned about."""
    people: list[tuple[str, AccountRef]] = []
    for index, entry in enumerate(participants):
        locator = f"participants[{index}]"
        name = _text(entry.get("name")) if isinstance(entry, dict) else None
        if name is None:
            ctx.warn(locator, f"participant {_preview(entry)} has no name; left out")
            continue
        people.append((locator, AccountRef(platform, name, name)))
    return people


def _owner(people: list[tuple[str, AccountRef]], title: str | None, thread_type: object) -> Iterator[Record]:
    """The exporting account: in a two-person thread titled after one of them, the other one."""
    if len(people) != 2 or title is None or thread_type not in (None, "Regular"):
        return
    others = [(locator, account) for locator, account in people if account.handle != title]
    if len(others) == 1:
        locator, account = others[0]
        yield ParsedAccount(account, locator, is_owner=True)


def _conversation(
    document: JsonObject, platform: str, people: list[tuple[str, AccountRef]], ctx: ParseContext
) -> ParsedConversation:
    """The one thread of the file, keyed by its `thread_path`."""
    thread_path = _text(document.get("thread_path"))
    if thread_path is None:
        ctx.warn("thread_path", "thread has no thread_path; the conversation is keyed 'thread'")
    is_group = document.get("thread_type") == "RegularGroup" or len(people) > 2
    return ParsedConversation(
        key=thread_path or "thread",
        platform=platform,
        title=_text(document.get("title")),
        is_group=is_group,
        locator="$",
        external_id=thread_path,
        participants=tuple(account for _, account in people),
    )


# -- messages -----------------------------------------------------------------------------------


def _message(
    message: JsonObject, conversation_key: str, platform: str, locator: str, ctx: ParseContext
) -> ParsedMessage:
    """One entry of `messages`: a person's text or media, an unsent message, or a system notice."""
    attachments = _attachments(message, locator, ctx)
    content = message.get("content", "")
    if not isinstance(content, str):
        ctx.warn(locator, f"content is {_preview(content)}, not text; left out")
        content = ""
    body = _with_share_link(content, message.get("share"))
    message_type = message.get("type", "Generic")
    if message.get("is_unsent") is True:
        kind = MessageKind.DELETED
    elif message_type not in PERSON_MESSAGE_TYPES:
        kind = MessageKind.SYSTEM
    else:
        kind = MessageKind.MEDIA if attachments else MessageKind.TEXT
    sent_at, sent_at_raw = _sent_at(message, locator, ctx)
    return ParsedMessage(
        conversation_key=conversation_key,
        sender=_sender(message.get("sender_name"), platform, locator, ctx),
        sent_at=sent_at,
        sent_at_raw=sent_at_raw,
        assumed_zone=None,
        body=body,
        kind=kind,
        locator=locator,
        attachments=attachments,
    )


def _sender(sender_name: object, platform: str, locator: str, ctx: ParseContext) -> AccountRef | None:
    """The sender by display name (the export gives nothing else)."""
    name = _text(sender_name)
    if name is None:
        ctx.warn(locator, "message has no sender_name: sender unknown")
        return None
    return AccountRef(platform, name, name)


def _sent_at(message: JsonObject, locator: str, ctx: ParseContext) -> tuple[datetime | None, str | None]:
    """(UTC time, raw text) from `timestamp_ms` (epoch ms), or `timestamp` (seconds) in old files."""
    for key, unit_ms in (("timestamp_ms", 1), ("timestamp", 1000)):
        value = message.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            ctx.warn(locator, f"{key} {_preview(value)} is not a number; kept without a time")
            return None, None
        try:
            return _EPOCH + timedelta(milliseconds=value * unit_ms), str(value)
        except OverflowError:
            ctx.warn(locator, f"{key} {value} is out of range; kept without a time")
            return None, str(value)
    ctx.warn(locator, "message has no timestamp_ms; kept without a time")
    return None, None


def _media_uris(message: JsonObject) -> Iterator[str]:
    """Every media uri of a message, in list order, the sticker last."""
    for list_name in MEDIA_LISTS:
        items = message.get(list_name)
        for item in items if isinstance(items, list) else ():
            uri = item.get("uri") if isinstance(item, dict) else None
            if isinstance(uri, str) and uri.strip():
                yield uri.strip()
    sticker = message.get("sticker")
    uri = sticker.get("uri") if isinstance(sticker, dict) else None
    if isinstance(uri, str) and uri.strip():
        yield uri.strip()


def _attachments(message: JsonObject, locator: str, ctx: ParseContext) -> tuple[ParsedAttachment, ...]:
    """Media entries as attachments named by their uri; entries without a uri are warned about."""
    for list_name in MEDIA_LISTS:
        items = message.get(list_name)
        if items is None:
            continue
        if not isinstance(items, list):
            ctx.warn(locator, f"{list_name} is {_preview(items)}, not a list; left out")
            continue
        for index, item in enumerate(items):
            uri = item.get("uri") if isinstance(item, dict) else None
            if not isinstance(uri, str) or not uri.strip():
                ctx.warn(locator, f"{list_name}[{index}] has no uri; left out")
    return tuple(ParsedAttachment(uri, _MIME_TYPES.guess_type(uri)[0]) for uri in _media_uris(message))


def _with_share_link(content: str, share: object) -> str:
    """The text, with a shared link appended on its own line when the text lacks it."""
    link = _text(share.get("link")) if isinstance(share, dict) else None
    if link is None or link in content:
        return content
    return f"{content}\n{link}" if content else link
