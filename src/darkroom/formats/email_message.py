"""One RFC 5322 message as darkroom records, shared by the `mbox` and `eml` parsers.

The stdlib `email` package with `policy.default` does the MIME work (RFC 2047 encoded words,
RFC 2231 file names, multipart/alternative, mixed, related and digest, message/rfc822 nesting).

Decisions where the format leaves room:
- Body: `Subject: <subject>`, a blank line, then the text. The text is the text/plain part, or the
  text/html part turned into text when there is no plain alternative; further inline text parts (a
  list footer in multipart/mixed) follow after a blank line. A message without a Subject header has
  the text alone.
- Kind: TEXT, or MEDIA when the message has attachments and no text at all.
- Attachments: every leaf part that is not body text (a file name, `Content-Disposition: attachment`,
  or a non-text type) becomes `ParsedAttachment(file name, content type)`; a part without a file name
  is named by its MIME part number (`part 2.1`).
- Attached messages (message/rfc822, and the parts of a multipart/digest) are messages of their own,
  yielded after their carrier with `parent_key` = the carrier's `key`; keys are the locators, so they
  are unique within the file. Part numbers follow IMAP: `part 2` is the second part of the top
  message, `part 2.1` the first part of the message attached there.
- Sender: the first address of From, as `AccountRef("email", address, display name)`. Recipients
  (To, Cc, Bcc) are conversation participants (see `participants`).
- Date: an offset (or a zone name such as GMT, EST) is absolute (`assumed_zone` None); `-0000` is UTC
  by RFC 5322; a date without any zone (or with a zone name RFC 822 does not define, such as CET) is
  local time in `ctx.zone_name`. A missing or unreadable Date is a warning and `sent_at` None.
  `sent_at_raw` is the Date header as written (unfolded).
- Charsets: bytes that do not decode in the declared charset (or raw 8-bit header bytes that are not
  UTF-8) become U+FFFD with a warning; an unknown charset is read as UTF-8 with a warning. MIME
  defects the `email` package reports are warned about by class name.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_tz
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from darkroom.formats.base import AccountRef, ParseContext, ParsedAttachment, ParsedMessage
from darkroom.model import MessageKind

PLATFORM = "email"
RECIPIENT_HEADERS = ("To", "Cc", "Bcc")
MAX_NESTING = 20  # attached messages inside attached messages; deeper ones are left out with a warning
NESTED_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
# Errors the `email` header parser has raised on malformed input (besides recording defects).
HEADER_ERRORS = (MessageError, ValueError, LookupError, TypeError, AttributeError)
# The zone after the time: `19:35:02 -0400`, `19:35:02 GMT`, or nothing (`19:35:02`, obsolete).
# `-0000` means UTC with the sender's zone unknown (RFC 5322); zone names other than RFC 822's
# (`CET`) are ambiguous, and are read like a missing zone.
_ZONE_AFTER_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?P<zone>[+-]\d{4}|[A-Za-z]+)?")
RFC822_ZONE_NAMES = frozenset(
    {"UT", "UTC", "GMT", "Z", "AST", "ADT", "EST", "EDT", "CST", "CDT"} | {"MST", "MDT", "PST", "PDT"}
)
_LINE_BREAK = re.compile(r"\r?\n")
_SURROGATE = re.compile("[\udc80-\udcff]")
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "table", "blockquote", "pre", "hr", "ul", "ol", "dl", "dt", "dd"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "title"}
)
_HIDDEN_TAGS = frozenset({"script", "style", "head"})


def parse_message_bytes(raw: bytes) -> EmailMessage:
    """The message in `raw` (headers and body), parsed with `policy.default`."""
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(parsed, EmailMessage):  # policy.default always builds EmailMessage
        msg = "email parser returned a legacy Message"
        raise TypeError(msg)
    return parsed


@dataclass(frozen=True, slots=True)
class MessagePlace:
    """Where a message sits: its locator (also its key) and how its attached parts are named."""

    locator: str
    part_base: str  # "message 3 (line 120), " in an mbox, "" in an .eml
    part_prefix: str = ""  # "2" for the message attached as part 2
    parent_key: str | None = None
    depth: int = 0

    def part(self, number: str) -> str:
        """The locator of MIME part `number` (e.g. `message 3 (line 120), part 2.1`)."""
        return f"{self.part_base}part {number}"


@dataclass(slots=True)
class _Content:
    """What a message's MIME tree holds, collected in one walk."""

    texts: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    nested: list[tuple[str, EmailMessage]] = field(default_factory=list)
    defects: set[str] = field(default_factory=set)


def message_records(
    message: EmailMessage, conversation_key: str, place: MessagePlace, ctx: ParseContext
) -> Iterator[ParsedMessage]:
    """The message, then every message attached to it (recursively), each pointing at its carrier."""
    _warn_raw_header_bytes(message, place.locator, ctx)
    content = _Content()
    _collect(message, place.part_prefix, content, place.locator, ctx)
    if content.defects:
        ctx.warn(place.locator, "MIME defects: " + ", ".join(sorted(content.defects)))
    sent_at, sent_at_raw, assumed_zone = _sent_at(message, place.locator, ctx)
    text = "\n\n".join(piece for piece in content.texts if piece)
    subject = header_text(message, "Subject")
    body = f"Subject: {subject}\n\n{text}" if subject is not None else text
    senders = addresses(message, "From", place.locator, ctx)
    if not senders:
        ctx.warn(place.locator, "no From address: sender unknown")
    yield ParsedMessage(
        conversation_key=conversation_key,
        sender=senders[0] if senders else None,
        sent_at=sent_at,
        sent_at_raw=sent_at_raw,
        assumed_zone=assumed_zone,
        body=body.rstrip(),
        kind=MessageKind.MEDIA if content.attachments and not text else MessageKind.TEXT,
        locator=place.locator,
        attachments=tuple(content.attachments),
        key=place.locator,
        parent_key=place.parent_key,
    )
    for number, nested in content.nested:
        if place.depth >= MAX_NESTING:
            ctx.warn(place.part(number), f"attached message nested deeper than {MAX_NESTING}; left out")
            continue
        nested_place = MessagePlace(
            place.part(number), place.part_base, number, place.locator, place.depth + 1
        )
        yield from message_records(nested, conversation_key, nested_place, ctx)


def participants(message: EmailMessage, locator: str, ctx: ParseContext) -> list[AccountRef]:
    """From, To, Cc and Bcc addresses of the message, without repeats."""
    found: list[AccountRef] = []
    for name in ("From", *RECIPIENT_HEADERS):
        found.extend(addresses(message, name, locator, ctx))
    return unique_accounts(found)


def unique_accounts(accounts: list[AccountRef]) -> list[AccountRef]:
    """The accounts in first-seen order, one per address (case-insensitive); the first name wins."""
    seen: set[str] = set()
    unique: list[AccountRef] = []
    for account in accounts:
        if account.handle.casefold() not in seen:
            seen.add(account.handle.casefold())
            unique.append(account)
    return unique


def addresses(message: EmailMessage, name: str, locator: str, ctx: ParseContext) -> list[AccountRef]:
    """The addresses of every `name` header (e.g. all of To), as email accounts."""
    found: list[AccountRef] = []
    for header_name, raw_value in message.raw_items():
        if header_name.lower() != name.lower():
            continue
        try:
            # policy.default turns the raw value into an AddressHeader (typed as str in the stubs).
            header: object = message.policy.header_fetch_parse(header_name, raw_value)
            items: tuple[object, ...] = getattr(header, "addresses", ())
            parsed = tuple((item.display_name, item.addr_spec) for item in items if isinstance(item, Address))
        except HEADER_ERRORS:
            ctx.warn(locator, f"{name} header {_preview(str(raw_value))} is malformed; read loosely")
            parsed = tuple(getaddresses([_fix_surrogates(str(raw_value))]))
        for display_name, address in parsed:
            handle = _fix_surrogates(address).strip()
            if handle:
                found.append(AccountRef(PLATFORM, handle, _fix_surrogates(display_name).strip() or None))
    return found


# -- MIME tree ----------------------------------------------------------------------------------


def _collect(part: Message, number: str, content: _Content, locator: str, ctx: ParseContext) -> None:
    """Walk one part: texts, attachments and attached messages go into `content`."""
    content.defects.update(type(defect).__name__ for defect in part.defects)
    content_type = part.get_content_type()
    if content_type in NESTED_MESSAGE_TYPES:
        carried = part.get_payload()
        if isinstance(carried, list) and carried and isinstance(carried[0], EmailMessage):
            content.nested.append((number or "1", carried[0]))
        else:
            content.attachments.append(ParsedAttachment(_part_name(part, number), content_type))
        return
    if part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if content_type == "multipart/alternative" and children:
            # Only the preferred alternative is read: the others hold the same text in another form.
            index = _preferred_alternative(children)
            children_to_read = [(index, children[index])]
        else:
            children_to_read = list(enumerate(children))
        for index, child in children_to_read:
            _collect(child, f"{number}.{index + 1}" if number else str(index + 1), content, locator, ctx)
        return
    if content_type in ("text/plain", "text/html") and _is_inline_text(part):
        text = _decoded_text(part, locator, ctx)
        content.texts.append((html_to_text(text) if content_type == "text/html" else text).strip())
        return
    content.attachments.append(ParsedAttachment(_part_name(part, number), content_type))


def _preferred_alternative(children: list[Message]) -> int:
    """Index of the alternative to read: text/plain, else text/html, else a multipart, else the first."""
    for wanted in ("text/plain", "text/html", "multipart"):
        for index, child in enumerate(children):
            child_type = child.get_content_type()
            if child_type == wanted or child_type.startswith(wanted + "/"):
                return index
    return 0


def _is_inline_text(part: Message) -> bool:
    """A text part meant to be read in the message, not a file attached to it."""
    return part.get_content_disposition() != "attachment" and part.get_filename() is None


def _part_name(part: Message, number: str) -> str:
    """The part's file name, or `part N` when it has none."""
    try:
        filename = part.get_filename()
    except HEADER_ERRORS:
        filename = None
    return _fix_surrogates(filename) if filename else f"part {number or '1'}"


def _decoded_text(part: Message, locator: str, ctx: ParseContext) -> str:
    """The text of a text part in its declared charset; bad bytes become U+FFFD with a warning."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "us-ascii"
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        ctx.warn(locator, f"unknown charset {charset!r}; text read as UTF-8")
        codec = "utf-8"
    try:
        text = payload.decode(codec)
    except UnicodeDecodeError as err:
        ctx.warn(locator, f"text is not valid {charset} (byte {err.start}); bad bytes read as U+FFFD")
        text = payload.decode(codec, errors="replace")
    return text.replace("\r\n", "\n")  # mail travels with CRLF line ends


# -- headers ------------------------------------------------------------------------------------


def _raw_header(message: Message, name: str) -> str | None:
    """The first `name` header exactly as written (unfolded, stripped), or None when absent."""
    for header_name, value in message.raw_items():
        if header_name.lower() == name.lower():
            return _fix_surrogates(_LINE_BREAK.sub("", str(value))).strip()
    return None


def header_text(message: EmailMessage, name: str) -> str | None:
    """A header's decoded text (RFC 2047 words decoded), or None when absent."""
    try:
        value = message.get(name)
    except HEADER_ERRORS:
        return _raw_header(message, name)
    return None if value is None else _fix_surrogates(str(value)).strip()


def _warn_raw_header_bytes(message: Message, locator: str, ctx: ParseContext) -> None:
    """Warn about headers holding raw 8-bit bytes that are not UTF-8 (they are shown as U+FFFD)."""
    for name, value in message.raw_items():
        text = str(value)
        if _SURROGATE.search(text) and "\ufffd" in _fix_surrogates(text):
            ctx.warn(locator, f"{name} header holds bytes that are not UTF-8; read as U+FFFD")


def _fix_surrogates(text: str) -> str:
    """Raw header bytes (kept by the parser as lone surrogates) decoded as UTF-8, bad ones as U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", errors="replace")


def _sent_at(
    message: Message, locator: str, ctx: ParseContext
) -> tuple[datetime | None, str | None, str | None]:
    """(UTC time, Date as written, assumed zone) of the message."""
    raw = _raw_header(message, "Date")
    if raw is None:
        ctx.warn(locator, "no Date header: message time unknown")
        return None, None, None
    try:
        fields = parsedate_tz(raw)
        moment = None if fields is None else datetime(*fields[:6])
    except (ValueError, IndexError, TypeError, OverflowError):
        fields, moment = None, None
    if fields is None or moment is None:
        ctx.warn(locator, f"Date {_preview(raw)} is not an RFC 5322 date: message time unknown")
        return None, raw, None
    found = _ZONE_AFTER_TIME.search(raw)
    zone_token = found.group("zone") if found else None
    if zone_token and (zone_token[0] in "+-" or zone_token.upper() in RFC822_ZONE_NAMES):
        offset = timezone(timedelta(seconds=fields[9] or 0))  # parsedate_tz reads -0000 as 0: UTC
        return moment.replace(tzinfo=offset).astimezone(UTC), raw, None
    if zone_token:
        ctx.warn(locator, f"zone name {zone_token!r} is ambiguous; read as local time in {ctx.zone_name}")
    return moment.replace(tzinfo=ZoneInfo(ctx.zone_name)).astimezone(UTC), raw, ctx.zone_name


def _preview(text: str) -> str:
    """A short repr for warnings."""
    shown = repr(text)
    return shown if len(shown) <= 60 else shown[:57] + "..."


# -- HTML to text -------------------------------------------------------------------------------


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment; block tags become line breaks."""

    def __init__(self) -> None:
        """An empty extractor; entities are decoded by the parser (`convert_charrefs`)."""
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden_depth = 0
        self._links: list[tuple[str | None, int]] = []  # (href, len(pieces) when the <a> opened)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth += 1
        elif tag in _BLOCK_TAGS:
            self.pieces.append("\n")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.pieces.append(alt)
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.pieces)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HIDDEN_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.pieces.append("\n")
        elif tag == "a" and self._links:
            # <a href="https://example.org/menu">the menu</a>: keep the hidden URL searchable.
            href, start = self._links.pop()
            shown = "".join(self.pieces[start:])
            if href and not href.startswith("#") and href not in shown:
                self.pieces.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.pieces.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    """The visible text of HTML (mail bodies, chat-log lines): tags dropped, entities decoded."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    lines = [line.strip() for line in "".join(extractor.pieces).split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()
