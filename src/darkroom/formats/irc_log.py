"""IRC channel logs in the supybot/Limnoria ChannelLogger layout (`#channel/#channel.2005-01-08.log`).

One line per event, an ISO time stamp, two spaces, then the event:
    2005-01-08T23:34:46  <mgedmin> let's see if irc logging works...
    2005-01-08T23:33:54  *** povbot has joined #pov
    2005-01-08T23:40:00  * mgedmin waves
    2005-01-08T23:41:00  -NickServ- This nickname is registered.

Decisions where the format leaves room:
- Time: supybot writes the logging host's local time without an offset: read in `ctx.zone_name`
  (`assumed_zone` set); `sent_at_raw` is the stamp as written.
- Kinds: `<nick> text` and `-nick- notice` are TEXT from the nick; `* nick action` (/me) is TEXT with
  the sentence as body; `*** …` lines (joins, quits, nick and topic changes) are SYSTEM, sent by the nick
  they start with. Accounts are `AccountRef("irc", nick, nick)`: IRC nicks are not unique across
  networks, and the log does not name the network.
- One conversation per file (key = file name, is_group): the title is the channel from the folder
  name (`#pov/`), else the first `has joined #channel` line, else the file name.
- Other IRC log layouts (irssi, weechat, hexchat, dircproxy) are not read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedConversation,
    ParsedMessage,
    Record,
    WrongFormat,
)
from darkroom.model import MessageKind

PLATFORM = "irc"
_LINE = re.compile(r"^(?P<stamp>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})  (?P<rest>.*)$")
_SPOKEN = re.compile(r"^<(?P<nick>[^<>\s]+)> ?(?P<text>.*)$")
_NOTICE = re.compile(r"^-(?P<nick>[^\s-][^\s]*?)- ?(?P<text>.*)$")
_ACTION = re.compile(r"^\* (?P<nick>\S+)(?: (?P<text>.*))?$")
_SYSTEM = re.compile(r"^\*\*\* (?P<text>.*)$")
_JOINED = re.compile(r"has joined (?P<channel>[#&!+]\S+)")
_HEAD_EVENT = re.compile(rb"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}  (<\S+>|\*|-\S+-)")


class IrcLog:
    """Reads a supybot-style IRC channel log."""

    name: ClassVar[str] = "irc-log"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """The first line is `YYYY-MM-DDTHH:MM:SS` + two spaces + a nick, action or `***` event."""
        first_line = head.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n").split(b"\n", 1)[0]
        return 0.85 if _HEAD_EVENT.match(first_line) else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The channel's conversation, then one message per event line."""
        lines = _read_lines(path, ctx)
        if not any(_LINE.match(line) for line in lines[:20]):
            msg = "no `YYYY-MM-DDTHH:MM:SS  event` line near the top: not a supybot IRC log"
            raise WrongFormat(msg)
        title = _channel(path, lines)
        yield ParsedConversation(
            key=path.name, platform=PLATFORM, title=title, is_group=True, locator="line 1"
        )
        zone = ZoneInfo(ctx.zone_name)
        for index, line in enumerate(lines):
            locator = f"line {index + 1}"
            found = _LINE.match(line)
            if found is None:
                if line.strip():
                    ctx.warn(locator, f"not a log line: {line[:60]!r}; skipped")
                continue
            yield _message(found.group("stamp"), found.group("rest"), path.name, locator, zone, ctx)


def _read_lines(path: Path, ctx: ParseContext) -> list[str]:
    """The file's lines as UTF-8 text; bad bytes become U+FFFD with a warning."""
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        ctx.warn(f"byte {err.start}", f"not valid UTF-8 ({err.reason}); bad bytes read as U+FFFD")
        text = raw.decode("utf-8", errors="replace")
    return [line.rstrip("\r") for line in text.split("\n")]


def _channel(path: Path, lines: list[str]) -> str:
    """The channel: folder name, first join line, or the file name."""
    if path.parent.name.startswith(("#", "&")):
        return path.parent.name
    for line in lines:
        joined = _JOINED.search(line)
        if joined and _LINE.match(line):
            return joined.group("channel")
    return path.name


def _message(
    stamp: str, rest: str, key: str, locator: str, zone: ZoneInfo, ctx: ParseContext
) -> ParsedMessage:
    """One event line as a message."""
    kind, nick, body = _event(rest)
    try:
        sent_at: datetime | None = datetime.fromisoformat(stamp).replace(tzinfo=zone).astimezone(UTC)
    except ValueError:
        ctx.warn(locator, f"timestamp {stamp!r} is not a date-time: message time unknown")
        sent_at = None
    return ParsedMessage(
        conversation_key=key,
        sender=AccountRef(PLATFORM, nick, nick) if nick else None,
        sent_at=sent_at,
        sent_at_raw=stamp,
        assumed_zone=zone.key if sent_at is not None else None,
        body=body,
        kind=kind,
        locator=locator,
    )


def _event(rest: str) -> tuple[MessageKind, str | None, str]:
    """(kind, nick, body) of the text after the time stamp."""
    system = _SYSTEM.match(rest)
    if system:
        text = system.group("text")
        return MessageKind.SYSTEM, (text.split(" ", 1)[0] or None), text
    for pattern in (_SPOKEN, _NOTICE):
        found = pattern.match(rest)
        if found:
            return MessageKind.TEXT, found.group("nick"), found.group("text")
    action = _ACTION.match(rest)
    if action:
        return MessageKind.TEXT, action.group("nick"), rest[2:]
    return MessageKind.SYSTEM, None, rest
