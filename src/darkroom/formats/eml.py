"""Single RFC 5322 message files (`.eml`: saved mail, Outlook/Thunderbird "Save as", exports).

The message is turned into records by `email_message` (see its docstring for body, sender, dates,
attachments and attached messages).

Decisions where the format leaves room:
- One conversation per file: key = the file name, title = the Subject (else the file name),
  participants = the From/To/Cc/Bcc addresses, is_group when there are more than two of them.
- Locators: `message` for the message itself, `part 2` for a message attached as MIME part 2.
- A file that does not open with a header field (`Name: value`) or has no From, To, Date or
  Subject header is not an email (`WrongFormat`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from darkroom.formats.base import ParseContext, ParsedConversation, Record, WrongFormat
from darkroom.formats.email_message import (
    PLATFORM,
    MessagePlace,
    header_text,
    message_records,
    parse_message_bytes,
    participants,
)

_HEADER_FIELD = re.compile(rb"^([!-9;-~]+):")  # printable ASCII without the colon, then a colon
_CONTINUATION = re.compile(rb"^[ \t]")
# Headers nearly every sent message carries; sniff wants From and two more of these.
_TYPICAL_HEADERS = frozenset({b"date", b"subject", b"message-id", b"mime-version", b"to"})
_CORE_HEADERS = ("From", "To", "Date", "Subject")


class Eml:
    """Reads one email message file: one conversation, the message and any attached messages."""

    name: ClassVar[str] = "eml"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """A header block at the start with From and two typical headers; `.eml` only as a hint."""
        names = _leading_header_names(head)
        if names is None or b"from" not in names:
            return 0.0
        typical = len(names & _TYPICAL_HEADERS)
        is_eml_name = path.suffix.lower() == ".eml"
        if typical >= 2:
            return 0.9 if is_eml_name else 0.85
        return 0.6 if is_eml_name and typical == 1 else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The message's conversation, then the message and the messages attached to it."""
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not _HEADER_FIELD.match(raw) or raw.startswith(b"From "):
            msg = "does not open with an RFC 5322 header field: not an email message file"
            raise WrongFormat(msg)
        message = parse_message_bytes(raw)
        if not any(name in message for name in _CORE_HEADERS):
            msg = "no From, To, Date or Subject header: not an email message"
            raise WrongFormat(msg)
        people = participants(message, "message", ctx)
        subject = header_text(message, "Subject")
        yield ParsedConversation(
            key=path.name,
            platform=PLATFORM,
            title=subject or path.name,
            is_group=len(people) > 2,
            locator="message",
            participants=tuple(people),
        )
        yield from message_records(message, path.name, MessagePlace("message", ""), ctx)


def _leading_header_names(head: bytes) -> set[bytes] | None:
    """Lower-cased names of the header block the head opens with, or None when it opens otherwise."""
    names: set[bytes] = set()
    for line in head.removeprefix(b"\xef\xbb\xbf").splitlines():
        if not line.strip():
            break
        field = _HEADER_FIELD.match(line)
        if field:
            names.add(field.group(1).lower())
        elif not (names and _CONTINUATION.match(line)):
            return None
    return names or None
