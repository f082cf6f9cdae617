"""Unix mailboxes (mbox: Thunderbird `Mail/Local Folders/Inbox`, `mutt`, Google Takeout `.mbox`).

An mbox is messages one after another, each starting with a "From_" envelope line:
    From MAILER-DAEMON Sun Aug  7 11:40:37 2022
    From - Thu Jan 15 10:15:00 2026          (Thunderbird)
Each message is turned into records by `email_message` (see its docstring for body, sender, dates,
attachments and attached messages).

Decisions where the format leaves room:
- Splitting. mboxo writers leave "From " lines inside bodies unescaped (cpython `mailbox_01.mbox`:
  a body line `From time to time`), so `mailbox.mbox` splits one message into two. Here a line
  starts a new message only when it is `From <sender> <date>` with a time of day and a four-digit
  year in the date, AND the next line is a header field (`Name: value`); any other "From " line is
  body text. `>From ` lines are kept as written (no un-escaping: the evidence text stays as stored).
  `Content-Length` headers (Netscape/Mozilla) are not used to split.
- A message without a usable Date header is timed by its From_ line (`Sun Aug  7 11:40:37 2022`),
  read as local time in `ctx.zone_name` (`assumed_zone` set), with a warning.
- Empty messages (a separator with nothing after it) are skipped with a warning.
- One conversation per mailbox file: key and title = the file name, is_group True, participants =
  every From/To/Cc/Bcc address of the top-level messages (read in a first, header-only pass).
- Locators: `message 3 (line 120)` (the 3rd message, its From_ line is line 120); a message attached
  inside it is `message 3 (line 120), part 2`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
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
from darkroom.formats.email_message import (
    PLATFORM,
    MessagePlace,
    message_records,
    parse_message_bytes,
    participants,
    unique_accounts,
)

# `From MAILER-DAEMON Sun Aug  7 11:40:37 2022 extra info`: sender, then a date with a time and a year.
_ENVELOPE = re.compile(rb"^From \S+ +(?=.*\b\d{1,2}:\d{2}\b)(?=.*\b\d{4}\b).*$", re.DOTALL)
_HEADER_FIELD = re.compile(rb"^[!-9;-~]+:")  # printable ASCII without the colon, then a colon
# asctime in the From_ line: `Sun Aug  7 11:40:37 2022` (weekday dropped; seconds are always written).
_ENVELOPE_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{1,2}:\d{2}:\d{2} \d{4}\b"
)
_LINE_END = re.compile(rb"\r?\n\Z")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


@dataclass(frozen=True, slots=True)
class MboxEntry:
    """One message of the mailbox: its number, the line of its From_ line, and its raw bytes."""

    number: int
    line: int
    envelope: bytes
    content: bytes

    @property
    def locator(self) -> str:
        """`message 3 (line 120)`."""
        return f"message {self.number} (line {self.line})"


class Mbox:
    """Reads an mbox mailbox file: one conversation, one message record per email."""

    name: ClassVar[str] = "mbox"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """A From_ envelope line with a date at the very start; `.mbox` only adds a little."""
        first_line = head.split(b"\n", 1)[0].rstrip(b"\r")
        if not first_line.startswith(b"From "):
            return 0.0
        if _ENVELOPE.match(first_line):
            return 0.95 if path.suffix.lower() == ".mbox" else 0.9
        return 0.6 if path.suffix.lower() == ".mbox" else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The mailbox conversation, then every message in file order."""
        with path.open("rb") as reader:
            first_line = reader.readline()
        if not first_line.startswith(b"From "):
            msg = "does not start with a 'From ' envelope line: not an mbox mailbox"
            raise WrongFormat(msg)
        yield ParsedConversation(
            key=path.name,
            platform=PLATFORM,
            title=path.name,
            is_group=True,
            locator="line 1",
            participants=tuple(_mailbox_participants(path, ctx)),
        )
        for entry in split_mbox(path):
            if not entry.content.strip():
                ctx.warn(entry.locator, "empty message (a From_ line with nothing after it); skipped")
                continue
            place = MessagePlace(entry.locator, entry.locator + ", ")
            records = message_records(parse_message_bytes(entry.content), path.name, place, ctx)
            top = next(records)
            yield _with_envelope_time(top, entry, ctx) if top.sent_at is None else top
            yield from records


def _with_envelope_time(message: ParsedMessage, entry: MboxEntry, ctx: ParseContext) -> ParsedMessage:
    """A message without a usable Date, timed by its From_ line (local time of the delivering host)."""
    found = _ENVELOPE_DATE.search(entry.envelope.decode("ascii", errors="replace"))
    if found is None:
        return message
    try:
        local = datetime.strptime(" ".join(found.group(0).split()), "%b %d %H:%M:%S %Y")
    except ValueError:
        return message
    zone = ZoneInfo(ctx.zone_name)
    ctx.warn(entry.locator, f"time taken from the From_ line ({found.group(0)}), read in {ctx.zone_name}")
    sent_at = local.replace(tzinfo=zone).astimezone(UTC)
    return replace(message, sent_at=sent_at, sent_at_raw=found.group(0), assumed_zone=ctx.zone_name)


def _mailbox_participants(path: Path, ctx: ParseContext) -> list[AccountRef]:
    """Every address in the headers of the top-level messages (a cheap header-only pass)."""
    found: list[AccountRef] = []
    # Header problems are warned about once, by the full pass; this pass reports to a scratch context.
    quiet = ParseContext(
        exhibit_ref=ctx.exhibit_ref,
        display_path=ctx.display_path,
        region=ctx.region,
        zone_name=ctx.zone_name,
        work_dir=ctx.work_dir,
    )
    for entry in split_mbox(path):
        header_block = _HEADER_END.split(entry.content, maxsplit=1)[0] + b"\n\n"
        found.extend(participants(parse_message_bytes(header_block), entry.locator, quiet))
    return unique_accounts(found)


def split_mbox(path: Path) -> Iterator[MboxEntry]:
    """The messages of an mbox file, split at From_ lines that are followed by a header line."""
    with path.open("rb") as reader:
        lines: list[bytes] = []
        start: tuple[int, bytes] | None = None  # (line number, From_ line) of the current message
        candidate: tuple[int, bytes] | None = None  # a From_ line waiting to see the line after it
        number = 0
        for line_number, line in enumerate(reader, start=1):
            if candidate is not None:
                if _HEADER_FIELD.match(line):
                    if start is not None:
                        number += 1
                        yield _entry(number, start, lines)
                    start, lines = candidate, [line]
                    candidate = None
                    continue
                lines.append(candidate[1])  # "From time to time" in a body: body text after all
                candidate = None
            if line.startswith(b"From ") and (start is None or _ENVELOPE.match(line.rstrip(b"\r\n"))):
                if start is None and not lines:
                    start = (line_number, line)  # the first line always opens the first message
                else:
                    candidate = (line_number, line)
                continue
            lines.append(line)
        if candidate is not None:
            lines.append(candidate[1])
        if start is not None:
            yield _entry(number + 1, start, lines)


def _entry(number: int, start: tuple[int, bytes], lines: list[bytes]) -> MboxEntry:
    """A message; the blank line mbox writers put before the next From_ line is dropped."""
    content = b"".join(lines)
    if content.endswith((b"\n\n", b"\r\n\r\n")):
        content = _LINE_END.sub(b"", content)
    return MboxEntry(number, start[0], start[1].rstrip(b"\r\n"), content)
