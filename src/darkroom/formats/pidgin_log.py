"""Pidgin (libpurple) conversation logs, plain text and HTML: `.purple/logs/PROTOCOL/ME/PARTNER/*.txt|html`.

One file per conversation window. The first line names both sides and the protocol:
    Conversation with BUDDY_PERSON at 2006-12-21 22:36:06 on awesome SN (aim)
TXT lines:   (22:36:11) Gabe B-W: what are you doing tomorrow?
             (23:06:06) Leola Farber III logged out.
HTML lines:  <font color="#16569E"><font size="2">(2008-01-15 07:14:48)</font> <b>Gabe B-W:</b></font> 1<br/>
             <font size="2">(07:20:00)</font><b> bob@example.org has signed off.</b><br/>
The HTML header sits in `<title>` (and `<h3>`) of the first line.

Decisions where the format leaves room:
- Time: the file name `2008-01-15.071445-0500PST.html` carries the start with its UTC offset: line times
  are then read at that offset (absolute, `assumed_zone` None). Older names (`2006-12-21.223606.txt`) have
  no offset: the start comes from the name or the header, and line times are local in `ctx.zone_name`
  (`assumed_zone` set). Lines give only a time of day (`22:36:11`, `10:36:11 PM`) unless the message was
  logged late (`2008-01-15 07:14:45`, `1/15/2008 7:14:45 AM`). A time of day more than an hour before
  the previous one is taken as the next day (midnight rollover); smaller steps back (clock changes,
  delayed messages) stay on the same day. `sent_at_raw` is the stamp as written between the brackets.
- Senders: logs record aliases, not account names. The header gives the account (ME, after "on") and
  the partner (after "with"); an alias is mapped to one of them when it equals the name, the bare JID
  or its local part (case and spaces ignored). In a one-to-one log only ME and the partner speak, so
  when exactly one speaking alias is left unmapped and the mapped speakers are all one side, it is the
  other side (status lines do not count: they name a person but do not speak). Any other alias is
  `AccountRef(platform, alias, alias)`; in a group chat (folder `ROOM.chat`)
  on XMPP it is the occupant JID `room@conference.example.org/alias`.
- Platform from the protocol: jabber → "xmpp", aim → "aim", others lower-cased as written. XMPP
  handles drop the resource (`me@example.org/Home` → `me@example.org`). ME is yielded as the owner's
  account (the log lies in ME's profile).
- Kinds: `Alias: text` is TEXT; `***Alias text` (/me) is TEXT with the sentence as body; `Alias
  <AUTO-REPLY>: text` is TEXT with body `[auto-reply] text`; lines without a speaker (`… logged out.`,
  `… has signed off.`) are SYSTEM, with the named person as sender when the line names one.
- Lines without a timestamp continue the message before them (multi-line messages).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo

from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedConversation,
    ParsedMessage,
    Record,
    WrongFormat,
)
from darkroom.formats.email_message import html_to_text
from darkroom.model import MessageKind

PLATFORM_BY_PROTOCOL = {"jabber": "xmpp", "xmpp": "xmpp", "gtalk": "xmpp", "aim": "aim", "icq": "icq"}
ROLLOVER_TOLERANCE = timedelta(hours=1)
_HEADER = re.compile(
    r"Conversation with (?P<partner>.+?) at (?P<when>.+?) on (?P<me>.+) \((?P<protocol>[^()]+)\)\s*$"
)
_TITLE = re.compile(r"<title>(.*?)</title>|<h3>(.*?)</h3>", re.IGNORECASE | re.DOTALL)
_FILE_NAME = re.compile(
    r"(?<!\d)(?P<day>\d{4}-\d{2}-\d{2})\.(?P<time>\d{6})(?P<offset>[+-]\d{4})?[A-Za-z]*\.(?:txt|html?)$",
    re.IGNORECASE,
)
_TXT_LINE = re.compile(r"^\((?P<stamp>[0-9][0-9/.:\- ]{3,24}(?: ?[AaPp]\.? ?[Mm]\.?)?)\) ?(?P<rest>.*)$")
_HTML_LINE = re.compile(r'<font size="2">\((?P<stamp>[^()<>]{4,32})\)</font>(?P<rest>.*)$')
_HTML_BOLD = re.compile(r"^\s*(?:</font>)?\s*<b>(?P<bold>.*?)</b>(?P<after>.*)$", re.DOTALL)
_TIME_ONLY = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2})(?: ?([AaPp])\.? ?[Mm]\.?)?$")
_DATED_FORMATS = ("%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M:%S")
_HEADER_FORMATS = (
    *_DATED_FORMATS,
    "%a %d %b %Y %I:%M:%S %p",  # en_US %c: "Thu 15 Jan 2026 10:15:00 AM CET" (zone name dropped first)
    "%a %d %b %Y %H:%M:%S",
    "%a %b %d %H:%M:%S %Y",  # C locale %c: "Thu Jan 15 10:15:00 2026"
)
# `Leola Farber III logged out.`: the status lines whose subject is a person.
_STATUS_SUBJECT = re.compile(
    r"^(?P<alias>.+?) (?:logged in|logged out|has signed on|has signed off|has gone away|is no longer away"
    r"|has become idle|is no longer idle|entered the room|left the room|has left the conversation"
    r"|is now known as .+|has changed the topic to: .*)\.?$"
)
_COLON_STATUS = ("has changed the topic to: ", "The topic is: ", "Lost connection with the remote user:")

Role = Literal["message", "action", "status"]


@dataclass(frozen=True, slots=True)
class _Header:
    """What the first line says, and the clock the file's times are read on."""

    partner: str
    me: str
    platform: str
    start: datetime | None  # local wall clock when the window opened
    zone: tzinfo
    assumed_zone: str | None


@dataclass(slots=True)
class _Entry:
    """One timestamped line (and the lines continuing it)."""

    line_number: int
    stamp: str
    role: Role
    alias: str | None
    body_lines: list[str] = field(default_factory=list)
    sent_at: datetime | None = None


class PidginLog:
    """Reads one Pidgin conversation log (TXT or HTML)."""

    name: ClassVar[str] = "pidgin-log"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """The `Conversation with … at … on … (protocol)` header, as the first line or the HTML title."""
        text = head.decode("utf-8", errors="replace").removeprefix("\ufeff")
        first_line = text.split("\n", 1)[0].rstrip("\r")
        if first_line.startswith("Conversation with ") and _HEADER.match(first_line):
            return 0.9
        title = _TITLE.search(text[:4096])
        if title and _HEADER.match(html.unescape(title.group(1) or title.group(2)).strip()):
            return 0.9
        return 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The owner's account, the conversation, then every line as a message."""
        lines = _read_lines(path, ctx)
        header_index, header_text, is_html = _find_header(lines)
        header = _header(header_text, path.name, ctx)
        entries = _entries(lines, header_index + 1, is_html, ctx)
        _stamp_entries(entries, header, ctx)
        is_group = path.parent.name.lower().endswith(".chat")
        me, partner = _side_ref(header, header.me), _side_ref(header, header.partner)
        senders = _sender_map(entries, header, is_group)
        yield ParsedAccount(me, f"line {header_index + 1}", is_owner=True)
        yield ParsedConversation(
            key=path.name,
            platform=header.platform,
            title=header.partner,
            is_group=is_group,
            locator=f"line {header_index + 1}",
            external_id=partner.handle,
            participants=(me,) if is_group else (me, partner),
        )
        for entry in entries:
            yield _message(entry, senders, header, path.name)


# -- reading ------------------------------------------------------------------------------------


def _read_lines(path: Path, ctx: ParseContext) -> list[str]:
    """The file's lines as UTF-8 text; bad bytes become U+FFFD with a warning."""
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        ctx.warn(f"byte {err.start}", f"not valid UTF-8 ({err.reason}); bad bytes read as U+FFFD")
        text = raw.decode("utf-8", errors="replace")
    return [line.rstrip("\r") for line in text.split("\n")]


def _find_header(lines: list[str]) -> tuple[int, str, bool]:
    """(index, text, is_html) of the header line: the first line, or the HTML title near the top."""
    if lines and _HEADER.match(lines[0]) and lines[0].startswith("Conversation with "):
        return 0, lines[0], False
    for index, line in enumerate(lines[:5]):
        title = _TITLE.search(line)
        if title:
            text = html.unescape(title.group(1) or title.group(2)).strip()
            if _HEADER.match(text):
                return index, text, True
    msg = "no 'Conversation with … at … on … (protocol)' header: not a Pidgin log"
    raise WrongFormat(msg)


def _header(text: str, file_name: str, ctx: ParseContext) -> _Header:
    """The header's names and protocol, and the start time from the file name or the header."""
    found = _HEADER.match(text)
    if found is None:  # _find_header only returns matching lines
        msg = "header does not match"
        raise WrongFormat(msg)
    protocol = found.group("protocol").strip().lower()
    platform = PLATFORM_BY_PROTOCOL.get(protocol, protocol)
    partner, me = found.group("partner"), found.group("me")
    named = _FILE_NAME.search(file_name)
    start = _header_time(found.group("when"))
    if named:
        try:
            start = datetime.strptime(named.group("day") + named.group("time"), "%Y-%m-%d%H%M%S")
        except ValueError:
            ctx.warn("line 1", f"file name {file_name!r} holds no valid date; the header's is used")
            named = None
    if named and named.group("offset"):
        # `2008-01-15.071445-0500PST.html`: the offset makes every local time in the file absolute.
        sign = -1 if named.group("offset").startswith("-") else 1
        hours, minutes = int(named.group("offset")[1:3]), int(named.group("offset")[3:5])
        offset = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return _Header(partner, me, platform, start, offset, None)
    if start is None:
        ctx.warn("line 1", f"start time {found.group('when')!r} unreadable and not in the file name")
    return _Header(partner, me, platform, start, ZoneInfo(ctx.zone_name), ctx.zone_name)


def _header_time(text: str) -> datetime | None:
    """The header's start time in one of the layouts Pidgin writes (locale-dependent `%c` among them)."""
    words = text.split()
    candidates = [" ".join(words)]
    if words and words[-1].isalpha() and words[-1].upper() not in ("AM", "PM"):
        candidates.append(" ".join(words[:-1]))  # "… 10:15:00 AM CET": the zone name cannot be parsed
    for candidate in candidates:
        for layout in _HEADER_FORMATS:
            try:
                return datetime.strptime(candidate, layout)
            except ValueError:
                continue
    return None


# -- lines --------------------------------------------------------------------------------------


def _entries(lines: list[str], first: int, is_html: bool, ctx: ParseContext) -> list[_Entry]:
    """Every timestamped line after the header, with continuation lines joined to it."""
    entries: list[_Entry] = []
    for index in range(first, len(lines)):
        line_number = index + 1
        found = (_HTML_LINE if is_html else _TXT_LINE).search(lines[index])
        if found:
            entries.append(_entry(line_number, found.group("stamp").strip(), found.group("rest"), is_html))
            continue
        text = html_to_text(lines[index]) if is_html else lines[index]
        if entries:
            entries[-1].body_lines.append(text)
        elif text.strip():
            ctx.warn(f"line {line_number}", "text before the first timestamped line; skipped")
    return entries


def _entry(line_number: int, stamp: str, rest: str, is_html: bool) -> _Entry:
    """A timestamped line read as a message, an action (/me) or a status line."""
    role: Role
    if is_html:
        role, alias, body = _html_parts(rest)
    else:
        role, alias, body = _text_parts(rest)
    if role == "message" and alias is not None and alias.endswith("<AUTO-REPLY>"):
        alias, body = alias.removesuffix("<AUTO-REPLY>").strip(), f"[auto-reply] {body}"
    if role == "status":
        subject = _STATUS_SUBJECT.match(body)
        alias = subject.group("alias") if subject else None
    return _Entry(line_number, stamp, role, alias, [body])


def _text_parts(rest: str) -> tuple[Role, str | None, str]:
    """`Alias: text`, `***Alias text` or a status sentence, from a TXT line."""
    if rest.startswith("***"):
        return "action", None, rest[3:]
    colon = rest.find(": ")
    if rest.endswith(":") and colon == -1:
        colon = len(rest) - 1
    if colon <= 0 or any(marker in rest[: colon + 2] for marker in _COLON_STATUS):
        return "status", None, rest.strip()
    return "message", rest[:colon].strip(), rest[colon + 2 :]


def _html_parts(rest: str) -> tuple[Role, str | None, str]:
    """The same from an HTML line: the alias is the bold part (`<b>Alias:</b>`, `<b>***Alias</b>`)."""
    found = _HTML_BOLD.match(rest)
    if found is None:
        return "status", None, html_to_text(rest)
    bold, after = html_to_text(found.group("bold")), html_to_text(found.group("after"))
    if bold.startswith("***"):
        return "action", bold[3:].strip(), f"{bold[3:].strip()} {after}".strip()
    if bold.endswith(":"):
        return "message", bold[:-1].strip(), after
    return "status", None, f"{bold} {after}".strip()


# -- times --------------------------------------------------------------------------------------


def _stamp_entries(entries: list[_Entry], header: _Header, ctx: ParseContext) -> None:
    """Give each entry its UTC time: dated stamps as written, times of day on the rolling day."""
    day: date | None = header.start.date() if header.start else None
    previous = header.start.time() if header.start else None
    for entry in entries:
        locator = f"line {entry.line_number}"
        time_of_day = _TIME_ONLY.match(entry.stamp)
        if time_of_day is None:
            dated = _dated_stamp(entry.stamp)
            if dated is None:
                ctx.warn(locator, f"timestamp {entry.stamp!r} unreadable: message time unknown")
            else:
                entry.sent_at = dated.replace(tzinfo=header.zone).astimezone(UTC)
            continue
        clock = _clock_time(time_of_day)
        if clock is None:
            ctx.warn(locator, f"timestamp {entry.stamp!r} is not a time of day: message time unknown")
            continue
        if day is None:
            continue  # warned once for the header
        if previous is not None and _seconds(clock) < _seconds(previous) - ROLLOVER_TOLERANCE.total_seconds():
            day += timedelta(days=1)
        previous = clock
        entry.sent_at = datetime.combine(day, clock, tzinfo=header.zone).astimezone(UTC)


def _clock_time(found: re.Match[str]) -> time | None:
    """The time of day of `HH:MM:SS` or `H:MM:SS AM`, or None when out of range."""
    hour, minute, second = int(found.group(1)), int(found.group(2)), int(found.group(3))
    meridiem = (found.group(4) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    try:
        return time(hour, minute, second)
    except ValueError:
        return None


def _seconds(moment: time) -> float:
    """Seconds since midnight of a time of day."""
    return float(moment.hour * 3600 + moment.minute * 60 + moment.second)


def _dated_stamp(stamp: str) -> datetime | None:
    """A stamp that carries its own date (a message logged late), as local wall clock."""
    text = " ".join(stamp.replace("a.m.", "AM").replace("p.m.", "PM").split())
    for layout in _DATED_FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            continue
    return None


# -- senders ------------------------------------------------------------------------------------


def _bare(handle: str, platform: str) -> str:
    """An XMPP address without its resource (`me@example.org/Home` → `me@example.org`)."""
    return handle.split("/", 1)[0] if platform == "xmpp" and "@" in handle else handle


def _key(name: str) -> str:
    """A name for comparison: case and spaces ignored (AIM screen names ignore both)."""
    return "".join(name.split()).casefold()


def _name_keys(name: str, platform: str) -> set[str]:
    """The forms an alias may take for a header name: as written, bare JID, local part."""
    bare = _bare(name, platform)
    return {_key(name), _key(bare), _key(bare.split("@", 1)[0])}


def _side_ref(header: _Header, name: str, alias: str | None = None) -> AccountRef:
    """The account of a header name (ME or the partner); the alias is kept when it says more."""
    handle = _bare(name.strip(), header.platform)
    return AccountRef(header.platform, handle, alias if alias and _key(alias) != _key(handle) else None)


def _sender_map(entries: list[_Entry], header: _Header, is_group: bool) -> dict[str, AccountRef]:
    """alias -> account, for every alias the lines name (see the module docstring)."""
    _resolve_action_aliases(entries, header)
    speakers = list(dict.fromkeys(e.alias for e in entries if e.alias and e.role != "status"))
    me_keys = _name_keys(header.me, header.platform)
    partner_keys = _name_keys(header.partner, header.platform)
    senders: dict[str, AccountRef] = {}
    sides: set[str] = set()
    unmatched: list[str] = []
    for alias in speakers:
        if _key(alias) in me_keys:
            senders[alias] = _side_ref(header, header.me, alias)
            sides.add("me")
        elif not is_group and _key(alias) in partner_keys:
            senders[alias] = _side_ref(header, header.partner, alias)
            sides.add("partner")
        else:
            unmatched.append(alias)
    if not is_group and len(unmatched) == 1 and len(sides) == 1:
        # A one-to-one log: the only other speaker must be the other side.
        alias = unmatched.pop()
        senders[alias] = (
            _side_ref(header, header.partner, alias)
            if sides == {"me"}
            else _side_ref(header, header.me, alias)
        )
    # Status lines name a person (`Ann has signed off.`) but say nothing about which side speaks.
    for alias in dict.fromkeys(e.alias for e in entries if e.alias and e.role == "status"):
        if alias in senders:
            continue
        if _key(alias) in me_keys:
            senders[alias] = _side_ref(header, header.me, alias)
        elif not is_group and _key(alias) in partner_keys:
            senders[alias] = _side_ref(header, header.partner, alias)
        else:
            unmatched.append(alias)
    room = _bare(header.partner.strip(), header.platform)
    for alias in unmatched:
        is_occupant = is_group and header.platform == "xmpp"
        senders[alias] = AccountRef(header.platform, f"{room}/{alias}" if is_occupant else alias, alias)
    return senders


def _resolve_action_aliases(entries: list[_Entry], header: _Header) -> None:
    """TXT `***Gabe B-W is confused` has no alias boundary: take the longest known name it starts with."""
    known = {entry.alias for entry in entries if entry.alias} | {header.me, header.partner}
    ordered = sorted(known, key=len, reverse=True)
    for entry in entries:
        if entry.role == "action" and entry.alias is None:
            sentence = entry.body_lines[0]
            entry.alias = next((name for name in ordered if sentence.startswith(name + " ")), None)


def _message(entry: _Entry, senders: dict[str, AccountRef], header: _Header, key: str) -> ParsedMessage:
    """The record of one entry."""
    body = "\n".join(entry.body_lines).rstrip()
    is_status = entry.role == "status" or (entry.role == "action" and entry.alias is None)
    return ParsedMessage(
        conversation_key=key,
        sender=senders.get(entry.alias) if entry.alias else None,
        sent_at=entry.sent_at,
        sent_at_raw=entry.stamp,
        assumed_zone=header.assumed_zone if entry.sent_at is not None else None,
        body=body,
        kind=MessageKind.SYSTEM if is_status else MessageKind.TEXT,
        locator=f"line {entry.line_number}",
    )
