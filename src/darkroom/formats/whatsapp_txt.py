"""WhatsApp chat exports as text: Android `WhatsApp Chat with X.txt` and the iOS zip's `_chat.txt`.

One file is one conversation (key "chat"). A message is a header line (layouts in
`whatsapp_grammar`) plus every following line up to the next header; `Name: ` after the header
names the sender, and a header without one is a system line (Android). Kinds come from
`whatsapp_bodies`.

Decisions on what the export leaves open:
- Times are the phone's wall clock: read in `ctx.zone_name` (`assumed_zone`), converted to UTC;
  in a DST gap or fold zoneinfo's `fold=0` reading applies. An impossible date keeps the message
  with `sent_at=None` and a warning.
- Day/month order is settled per file: any field above 12 decides; else the reading under which
  the dates run forward; else day-first, or month-first for slashed dates with a 12 h clock or in
  a US case. When no field exceeds 12 that choice is reported once as a warning on "file".
- The sender is the text before the first ": " of the header line, direction marks stripped;
  an unbalanced `"` in it means the colon sat in a quoted group subject (a system line).
  `John Doe:` and `John Doe:.` (chat-miner's fixture) are senders with the body "" or ".".
- System notices carry no sender, also when iOS prints the chat or contact name before them
  (`[3/18/22, 14:56:01] Elon Musk: ‎Messages and calls are end-to-end encrypted.`); that name
  becomes the title when the file name gives none.
- Bodies lose only the marks iOS puts in front of them, and trailing empty lines; other text,
  placeholders included, stays as exported.
- The title comes from `WhatsApp Chat with X.txt` / `WhatsApp Chat - X(.zip)` (or the archive or
  folder holding `_chat.txt`). `is_group`: more than two senders, or a group-only system line
  (created group, added, left …).
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
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
from darkroom.formats.whatsapp_bodies import classify, is_group_event, strip_marks
from darkroom.formats.whatsapp_grammar import (
    I_DATE,
    I_MARKS,
    I_STAMP,
    MARK_CHARS,
    DateOrder,
    Layout,
    OrderEvidence,
    calendar_day,
    clock_of,
    field_positions,
    find_layout,
    match_header,
)
from darkroom.model import MessageKind

PLATFORM = "whatsapp"
CONVERSATION_KEY = "chat"
_LAYOUT_HEAD_BYTES = 256 * 1024  # the layout is read from the first headers, within this much of the file
_WARNINGS_PER_KIND = 20  # bad lines of one kind reported one by one; the rest as one count
_SNIFF_LINES = 5
_TITLE = re.compile(
    r"^(?:WhatsApp Chat with |WhatsApp Chat - |WhatsApp-Chat mit |Чат WhatsApp с "
    r"|Chat de WhatsApp con |WhatsApp-chat med )(?P<title>.+)$"
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True, slots=True)
class Survey:
    """What a first pass over the headers settles before the conversation record is written."""

    order: DateOrder
    order_note: str | None
    is_group: bool
    attributed_name: str | None  # the name iOS prints before the first system notice


class WhatsAppText:
    """Parser for WhatsApp's "Export chat" text (Android and iOS, any supported locale layout)."""

    name: ClassVar[str] = "whatsapp-txt"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 when the first non-empty line is a WhatsApp header; the file name only nudges."""
        lines = [line for line in _decode_head(head).split("\n", 64)[:64] if line.strip()][:_SNIFF_LINES]
        if lines and match_header(lines[0]):
            score = 0.9
        elif sum(1 for line in lines if match_header(line)) >= 2:
            score = 0.6  # headers a line or two in: a damaged or hand-edited export
        else:
            return 0.0
        named_like_export = path.name == "_chat.txt" or path.name.startswith("WhatsApp")
        return round(score + 0.05, 2) if named_like_export else score

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The conversation, then its messages in file order (two streaming passes over the file)."""
        with path.open("rb") as stream:
            head = stream.read(_LAYOUT_HEAD_BYTES)
        found = find_layout(_decode_head(head).split("\n"))
        if found is None:
            msg = "no WhatsApp message header in the first lines"
            raise WrongFormat(msg)
        layout, first_index = found
        regex = layout.header_regex()
        survey = _survey(_read_lines(path, None), regex, layout, ctx.region)
        if survey.order_note:
            ctx.warn("file", survey.order_note)
        title = _title_from_names(path, ctx.display_path) or survey.attributed_name
        yield ParsedConversation(
            CONVERSATION_KEY, PLATFORM, title, survey.is_group, f"line {first_index + 1}"
        )
        undecodable = _CappedWarnings(ctx, "lines are not valid UTF-8 (bad bytes replaced by U+FFFD)")
        builder = _MessageBuilder(field_positions(survey.order), ZoneInfo(ctx.zone_name), ctx)
        yield from builder.messages(_read_lines(path, undecodable), regex)
        undecodable.close()
        builder.close()


class _CappedWarnings:
    """Warnings about one kind of bad line: the first ones one by one, the rest as one count."""

    def __init__(self, ctx: ParseContext, what: str) -> None:
        self.ctx = ctx
        self.what = what
        self.count = 0

    def warn(self, locator: str, message: str) -> None:
        """Report one bad line (or only count it, past the limit)."""
        self.count += 1
        if self.count <= _WARNINGS_PER_KIND:
            self.ctx.warn(locator, message)

    def close(self) -> None:
        """The closing count, when lines went unreported."""
        if self.count > _WARNINGS_PER_KIND:
            self.ctx.warn("file", f"{self.count} {self.what}; the first {_WARNINGS_PER_KIND} are listed")


def _decode_head(head: bytes) -> str:
    """The first bytes as text with LF line ends (a cut multi-byte character at the end is dropped)."""
    if head.startswith(_UTF16_BOMS):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.decode("utf-8-sig", errors="ignore")
    return text.replace("\r\n", "\n")


def _read_lines(path: Path, undecodable: _CappedWarnings | None) -> Iterator[str]:
    """The file's lines without their CRLF or LF ends; bytes that are not UTF-8 become U+FFFD.

    Only LF ends a line: a lone CR or U+2028 inside a body stays part of it.
    """
    with path.open("rb") as stream:
        if stream.read(2) in _UTF16_BOMS:  # an export re-saved as "Unicode" by Windows Notepad
            stream.seek(0)
            lines: Iterable[str] = io.TextIOWrapper(stream, "utf-16", errors="replace", newline="\n")
            for line in lines:
                yield line.removesuffix("\n").removesuffix("\r")
            return
        stream.seek(0)
        for line_no, raw in enumerate(stream, start=1):
            raw_line = raw.removesuffix(b"\n").removesuffix(b"\r")
            try:
                line = raw_line.decode("utf-8")
            except UnicodeDecodeError as err:
                if undecodable is not None:
                    undecodable.warn(f"line {line_no}", f"not valid UTF-8 at byte {err.start} of the line")
                line = raw_line.decode("utf-8", errors="replace")
            yield line.removeprefix("\ufeff") if line_no == 1 else line


def _title_from_names(path: Path, display_path: str) -> str | None:
    """The chat name in `WhatsApp Chat with X.txt`, or in the zip or folder holding `_chat.txt`."""
    names = [path.stem]
    if path.name == "_chat.txt":
        parts = PurePosixPath(display_path.replace("!/", "/").replace("\\", "/")).parts
        if len(parts) >= 2:
            names.append(PurePosixPath(parts[-2]).stem if parts[-2].endswith(".zip") else parts[-2])
        names.append(path.parent.name)
    for name in names:
        match = _TITLE.match(name)
        if match:
            return match["title"].strip()
    return None


def split_sender(first_line: str) -> tuple[str | None, str]:
    """The raw sender text (None for a system line) and the rest of a header line after it."""
    colon = first_line.find(": ")
    if colon > 0:
        return first_line[:colon], first_line[colon + 2 :]
    # `20/01/19, 11:23 - John Doe:.` — a sender with an (almost) empty body
    colon = first_line.find(":")
    if colon > 0 and first_line[colon + 1 :] in ("", "."):
        return first_line[:colon], first_line[colon + 1 :]
    return None, first_line


def sender_name(raw: str) -> str | None:
    """The display name in a raw sender text, or None when the text is not a sender at all."""
    if raw.count('"') % 2:  # `Ann changed the subject to "Derby: Saturday"` is a system line
        return None
    return strip_marks(raw).strip() or None  # iOS wraps numbers in U+202A … U+202C


class _Senders:
    """One AccountRef per raw sender text (the export gives display names only; numbers kept)."""

    def __init__(self) -> None:
        self._by_raw: dict[str, AccountRef | None] = {}

    def account(self, raw: str) -> AccountRef | None:
        """The sender's account, or None when the raw text names no sender."""
        if raw in self._by_raw:
            return self._by_raw[raw]
        name = sender_name(raw)
        account = self._by_raw[raw] = AccountRef(PLATFORM, name, name) if name else None
        return account


def _survey(lines: Iterable[str], regex: re.Pattern[str], layout: Layout, region: str) -> Survey:
    """Day/month order, group or not, and the name before the first system notice."""
    evidence = OrderEvidence()
    settled = layout.year_first
    senders, speakers = _Senders(), set[AccountRef]()
    is_group = False
    attributed_name: str | None = None
    for line in lines:
        match = regex.match(line)
        if match is None:
            continue
        if not settled:
            evidence.add(match.groups())
            settled = evidence.settled()
        if is_group:
            if settled:
                break
            continue
        raw, rest = split_sender(line[match.end() :])
        account = None if raw is None else senders.account(raw)
        if account is None:
            is_group = is_group_event(rest)
        elif account not in speakers:
            kind, _ = classify(rest, line_marked=bool(match.group(I_MARKS + 1)))
            if kind is MessageKind.SYSTEM:
                attributed_name = attributed_name or account.handle
                is_group = is_group_event(strip_marks(rest))
            else:
                speakers.add(account)
                is_group = len(speakers) > 2
    order, note = evidence.decide(layout, region)
    return Survey(order, note, is_group, attributed_name)


class _MessageBuilder:
    """Turns header lines and their continuation lines into messages: sender, body, kind, UTC time."""

    def __init__(self, positions: tuple[int, int, int], zone: ZoneInfo, ctx: ParseContext):
        self.positions = positions
        self.zone = zone
        self.ctx = ctx
        self.senders = _Senders()
        self.days: dict[str, tuple[int, int, int, timedelta | None]] = {}
        self.stray_headers = _CappedWarnings(ctx, "continuation lines look like headers of another layout")

    def messages(self, lines: Iterable[str], regex: re.Pattern[str]) -> Iterator[ParsedMessage]:
        """Every message in file order; a body runs to the next header."""
        header: re.Match[str] | None = None
        header_line = 0
        continuation: list[str] = []
        for line_no, line in enumerate(lines, start=1):
            match = regex.match(line)
            if match is None:
                continuation.append(line)
                continue
            if header is not None:
                yield self.message(header, header_line, continuation)
            elif any(continuation):
                ignored = sum(1 for text in continuation if text.strip())
                self.ctx.warn("line 1", f"{ignored} line(s) before the first message header ignored")
            header, header_line = match, line_no
            continuation.clear()
        if header is not None:
            yield self.message(header, header_line, continuation)

    def message(self, header: re.Match[str], line_no: int, continuation: list[str]) -> ParsedMessage:
        """One message from its header line and the lines that continue its body."""
        locator = f"line {line_no}"
        first_line = header.string[header.end() :]
        raw, rest = split_sender(first_line)
        sender = None if raw is None else self.senders.account(raw)
        if sender is None:
            kind, attached, rest = MessageKind.SYSTEM, None, first_line
        else:
            kind, attached = classify(rest, line_marked=bool(header.group(I_MARKS + 1)))
            if kind is MessageKind.SYSTEM:
                sender = None  # iOS prints the chat's name before its notices; no one sent them
        while continuation and not continuation[-1]:
            continuation.pop()  # blank lines before the next header are layout, not body
        if continuation:
            self._check_continuation(continuation, line_no)
            rest = "\n".join([rest, *continuation])
        groups = header.groups()
        return ParsedMessage(
            CONVERSATION_KEY,
            sender,
            self._sent_at(groups, locator),
            groups[I_STAMP],
            self.ctx.zone_name,
            rest.lstrip(MARK_CHARS),
            kind,
            locator,
            (attached,) if attached else (),
        )

    def _sent_at(self, groups: tuple[str, ...], locator: str) -> datetime | None:
        """The header's wall-clock time in UTC; None (warned) for an impossible date or time."""
        try:
            day = self.days.get(groups[I_DATE]) or self._day(groups)
            # the wall-clock time labelled UTC, then moved by the zone's offset that day
            wall = datetime(day[0], day[1], day[2], *clock_of(groups), 0, UTC)
        except ValueError as err:
            self.ctx.warn(
                locator, f"impossible timestamp {groups[I_STAMP]!r} ({err}); message kept without a time"
            )
            return None
        offset = day[3]
        if offset is None:  # the zone changes offset that day: resolve this time on its own
            return wall.replace(tzinfo=self.zone).astimezone(UTC)
        return wall - offset

    def _day(self, groups: tuple[str, ...]) -> tuple[int, int, int, timedelta | None]:
        """Year, month, day of a header's date, and the zone's UTC offset for all of that day
        (None on a day the offset changes); remembered per date text."""
        local = calendar_day(groups, self.positions)
        first = datetime(local.year, local.month, local.day, 0, 0, 0, 0, self.zone).utcoffset()
        last = datetime(local.year, local.month, local.day, 23, 59, 59, 0, self.zone).utcoffset()
        day = self.days[groups[I_DATE]] = (
            local.year,
            local.month,
            local.day,
            first if first == last else None,
        )
        return day

    def _check_continuation(self, continuation: list[str], header_line: int) -> None:
        """Warn about body lines shaped like a header of another layout (a mixed or damaged file)."""
        for offset, line in enumerate(continuation, start=1):
            if line and (line[0].isdigit() or line[0] in "[\u200e") and match_header(line):
                self.stray_headers.warn(
                    f"line {header_line + offset}",
                    "looks like a message header of another layout; kept as a continuation line",
                )

    def close(self) -> None:
        """Closing counts of bad lines reported only in part."""
        self.stray_headers.close()
