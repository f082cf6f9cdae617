"""vCard 2.1 / 3.0 / 4.0 address books (`.vcf`): one `ParsedContact` per card, every property kept.

A small line-based reader of our own, because real files break strict parsers (vobject 0.9.9 fails
on most samples). It reads folding (CRLF/LF + space/tab), 2.1 quoted-printable soft breaks,
per-property CHARSET, bare 2.1 params (`TEL;WORK;VOICE`), Apple `itemN.` groups, `\\r\\r\\n` line
ends and UTF-16 files. Lines are unfolded as bytes, so a fold inside a UTF-8 character is harmless.

Decisions (the field scheme):
- `fields[NAME]`: NAME is the upper-case property name without its `itemN.` group; values are decoded
  (charset, quoted-printable, backslash escapes) in card order. BEGIN/END are not kept.
- `fields[NAME + ".TYPE"]`: present when any NAME value carries types (TYPE=…, bare 2.1 params, PREF=1
  as "PREF"); one entry per NAME value, upper-case and comma-joined ("CELL,PREF"), "" when it has none.
- `fields[NAME + ".LABEL"]`: Apple's `itemN.X-ABLabel` for grouped values, parallel in the same way
  (`_$!<HomePage>!$_` → "HomePage"); the X-ABLABEL property is kept as well.
- Structured values (N, ADR, ORG, GENDER) are unescaped per component and joined with ";" — a literal
  ";" inside a component then reads like a separator (rare, and lossless for everything else).
- Binary values (ENCODING=BASE64/B, `data:…;base64,` URIs) are not kept in the fields: a PHOTO or
  LOGO is written as a derived file `derived/contact-photos/SHA256.jpg` inside the case (when the
  parse has a derived folder) and the field names it; otherwise it becomes "<base64 image, N bytes>";
  other properties "<base64 data, N bytes>" (N = decoded size).
- display_name: FN, else N as "prefix given additional family suffix", else first EMAIL, else first TEL.
- accounts: every non-empty TEL ("phone", without `tel:`), EMAIL ("email", without `mailto:`) and IM
  handle (X-JABBER → xmpp, X-TELEGRAM → telegram …, IMPP URIs, X-SOCIALPROFILE), deduplicated, as
  written; normalization happens downstream.
- Charset: a value not valid in its CHARSET is decoded with U+FFFD and warned; without CHARSET, invalid
  UTF-8 is read as windows-1252 (old 2.1 phones wrote 8-bit Latin) and warned.
- vCard 2.1 escapes only `\\;`; other backslashes stay as written (Windows paths in NOTE).
- Locators: a contact is `card N (line L)` with L its BEGIN:VCARD line; a warning about one property
  names that property's line instead.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from darkroom.evidence.filetype import mime_of
from darkroom.formats.base import AccountRef, ParseContext, ParsedContact, Record, WrongFormat

__all__ = ["VCard", "platform_for_service"]

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_PROPERTY_NAME = re.compile(r"[A-Za-z0-9-]+")
_QP_HEAD = re.compile(rb";\s*(?:ENCODING\s*=\s*)?QUOTED-PRINTABLE\s*(?:;|$)", re.IGNORECASE)
_BASE64_HEAD = re.compile(rb";\s*(?:ENCODING\s*=\s*(?:BASE64|B)|BASE64)\s*(?:;|$)", re.IGNORECASE)
_BASE64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
_DATA_URI = re.compile(rb"\s*data:[^,]*;base64,", re.IGNORECASE)
_BASE64_NOISE = re.compile(rb"[^A-Za-z0-9+/]")
_ESCAPE_3 = re.compile(r"\\([nN\\,;:])")
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_", re.DOTALL)
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_BARE_ENCODINGS = frozenset({"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"})
_STRUCTURED = frozenset({"N", "ADR", "ORG", "GENDER"})
_IMAGE_PROPERTIES = frozenset({"PHOTO", "LOGO"})
PHOTO_FOLDER = "contact-photos"
_PHOTO_SUFFIXES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
_SNIFF_LINES = 5

# IM service names as address books write them (lower-case, letters and digits only) → platform.
_SERVICE_PLATFORMS: dict[str, str] = {
    "jabber": "xmpp", "xmpp": "xmpp", "googletalk": "xmpp", "gtalk": "xmpp", "aim": "aim",
    "icq": "icq", "msn": "msn", "msnim": "msn", "windowslive": "msn", "yahoo": "yahoo",
    "ymsgr": "yahoo", "skype": "skype", "callto": "skype", "qq": "qq", "gadugadu": "gadugadu",
    "telegram": "telegram", "tg": "telegram", "whatsapp": "whatsapp", "signal": "signal",
    "threema": "threema", "wickr": "wickr", "kik": "kik", "snapchat": "snapchat", "wechat": "wechat",
    "weixin": "wechat", "facebook": "facebook", "facebookmessenger": "facebook",
    "messenger": "facebook", "twitter": "twitter", "instagram": "instagram", "discord": "discord",
    "matrix": "matrix", "irc": "irc", "sip": "sip", "line": "line", "viber": "viber",
    "linkedin": "linkedin",
}  # fmt: skip


def platform_for_service(service: str) -> str | None:
    """The platform for an IM service as address books name it ("Google Talk", "JABBER"), or None."""
    return _SERVICE_PLATFORMS.get(re.sub(r"[^a-z0-9]", "", service.lower()))


@dataclass(frozen=True, slots=True)
class _ContentLine:
    """One logical line (folds and soft breaks joined) and the physical line it starts on."""

    number: int
    raw: bytes


@dataclass(frozen=True, slots=True)
class _Property:
    """One property as written: group, upper-case name, params (upper-case keys), raw value."""

    group: str | None
    name: str
    params: dict[str, list[str]]
    raw_value: bytes
    line: int

    def param(self, key: str) -> str:
        """The first value of a parameter, "" when absent."""
        values = self.params.get(key, [])
        return values[0] if values else ""


@dataclass(frozen=True, slots=True)
class _Value:
    """A decoded property value with its types and, for structured properties, its components."""

    prop: _Property
    text: str
    components: list[str]
    types: list[str]


@dataclass(slots=True)
class _Card:
    """The content lines between one BEGIN:VCARD and its END:VCARD."""

    number: int
    line: int
    lines: list[_ContentLine] = field(default_factory=list)

    def locator(self, line: int | None = None) -> str:
        """`card N (line L)`: the card's BEGIN line, or the line a warning is about."""
        return f"card {self.number} (line {self.line if line is None else line})"


def _to_utf8(payload: bytes) -> bytes:
    """UTF-16 files (Windows tools) re-encoded as UTF-8, a UTF-8 BOM dropped; cards stay bytes."""
    if payload.startswith(_UTF16_BOMS):
        return payload.decode("utf-16", errors="replace").encode("utf-8")
    if payload[:4] in (b"B\x00E\x00", b"\x00B\x00E"):
        encoding = "utf-16-le" if payload[0] else "utf-16-be"
        return payload.decode(encoding, errors="replace").encode("utf-8")
    return payload.removeprefix(codecs.BOM_UTF8)


def _physical_lines(payload: bytes) -> list[bytes]:
    """Lines without their ends; CRLF, LF, the iPhone's `\\r\\r\\n` and bare CR all end a line."""
    separator = b"\n" if b"\n" in payload or b"\r" not in payload else b"\r"
    return [line.rstrip(b"\r") for line in payload.split(separator)]


def _delimiter(raw: bytes) -> Literal["BEGIN", "END"] | None:
    """Whether a line is BEGIN:VCARD or END:VCARD (any case, stray spaces allowed)."""
    key, separator, value = raw.strip().upper().partition(b":")
    if not separator or value.strip() != b"VCARD":
        return None
    if key.strip() == b"BEGIN":
        return "BEGIN"
    return "END" if key.strip() == b"END" else None


def _content_lines(physical: list[bytes]) -> Iterator[_ContentLine]:
    """Join continuation lines: folds, quoted-printable soft breaks and bare 2.1 base64 lines."""
    index = 0
    while index < len(physical):
        start = index
        parts = [physical[index]]
        head = parts[0].split(b":", 1)[0]
        is_qp, is_base64 = bool(_QP_HEAD.search(head)), bool(_BASE64_HEAD.search(head))
        index += 1
        while index < len(physical):
            following = physical[index]
            if following[:1] in (b" ", b"\t"):
                parts.append(following[1:])  # RFC 2425 fold: "…CgoKCgr/\r\n 2wBDAQIC…"
            elif is_qp and parts[-1].endswith(b"=") and _delimiter(following) is None:
                # 2.1 soft break, the next line has no leading space: "…=C3=91=\r\n=20=C3=91…"
                parts[-1] = parts[-1][:-1]
                parts.append(following)
            elif is_base64 and _BASE64_LINE.fullmatch(following):
                parts.append(following)  # 2.1 base64 continued without indent
            else:
                break
            index += 1
        yield _ContentLine(start + 1, b"".join(parts))


def _cards(lines: list[_ContentLine], ctx: ParseContext) -> Iterator[_Card]:
    """Group content lines into cards; stray text and unclosed cards are warned, never fatal."""
    card: _Card | None = None
    count = 0
    in_stray_run = False
    for line in lines:
        marker = _delimiter(line.raw)
        if marker == "BEGIN":
            if card is not None:
                ctx.warn(card.locator(), "no END:VCARD before the next BEGIN:VCARD; card kept as read")
                yield card
            count += 1
            card, in_stray_run = _Card(count, line.number), False
        elif marker == "END" and card is not None:
            yield card
            card = None
        elif not line.raw.strip():
            continue
        elif card is None:
            if not in_stray_run:
                ctx.warn(f"line {line.number}", "text outside BEGIN:VCARD … END:VCARD ignored")
            in_stray_run = True
        else:
            card.lines.append(line)
    if card is not None:
        ctx.warn(card.locator(), "file ends inside the card (no END:VCARD); card kept as read")
        yield card


def _value_start(raw: bytes) -> int:
    """Index of the ':' that ends name and params (4.0 params may quote a ':'), or -1."""
    in_quotes = False
    for index, byte in enumerate(raw):
        if byte == 0x22:
            in_quotes = not in_quotes
        elif byte == 0x3A and not in_quotes:
            return index
    return -1


def _split_unquoted(text: str, separator: str) -> list[str]:
    """Split on `separator` outside double quotes."""
    parts: list[str] = []
    current: list[str] = []
    in_quotes = False
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        if char == separator and not in_quotes:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _parse_property(line: _ContentLine) -> _Property:
    """Split `item1.TEL;TYPE=CELL;PREF:+44…` into its parts; ValueError when the line is broken."""
    colon = _value_start(line.raw)
    if colon < 0:
        raise ValueError("no ':' between property name and value")
    tokens = _split_unquoted(line.raw[:colon].decode("utf-8", errors="replace"), ";")
    group, _, name = tokens[0].strip().rpartition(".")
    if not _PROPERTY_NAME.fullmatch(name):
        raise ValueError(f"not a property name: {tokens[0][:40]!r}")
    params: dict[str, list[str]] = {}
    for token in tokens[1:]:
        key, separator, value = (part.strip() for part in token.partition("="))
        key = key.upper()
        if not key:
            continue
        if not separator:  # vCard 2.1 bare parameter: `TEL;WORK;VOICE:…`
            key, value = ("ENCODING" if key in _BARE_ENCODINGS else "TYPE"), key
        value = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
        values = [v.strip().upper() for v in value.split(",")] if key == "TYPE" else [value]
        params.setdefault(key, []).extend(v for v in values if v)
    return _Property(group or None, name.upper(), params, line.raw[colon + 1 :], line.number)


def _binary_summary(prop: _Property, warn: Callable[[str], None]) -> str:
    """`<base64 image, N bytes>`: the size of the decoded value, without keeping the bytes."""
    raw = prop.raw_value
    data_uri = _DATA_URI.match(raw)
    if data_uri:
        raw = raw[data_uri.end() :]
    digits = len(_BASE64_NOISE.sub(b"", raw))
    if digits % 4 == 1:  # truncated data (the ez-vcard Android sample): the odd digit carries no byte
        warn(f"{prop.name}: base64 value has a stray last character; ignored")
    kind = "image" if prop.name in _IMAGE_PROPERTIES else "data"
    return f"<base64 {kind}, {digits * 3 // 4} bytes>"


def _save_photo(prop: _Property, photo_dir: Path, warn: Callable[[str], None]) -> str | None:
    """Write a card's photo as a derived file inside the case (named by its SHA-256, so a photo
    on many cards is stored once); the field then names the file. None when it will not decode."""
    raw = prop.raw_value
    data_uri = _DATA_URI.match(raw)
    if data_uri:
        raw = raw[data_uri.end() :]
    digits = _BASE64_NOISE.sub(b"", raw)  # padding goes too; it is restored below
    usable = len(digits) - (1 if len(digits) % 4 == 1 else 0)  # a stray last digit carries no byte
    try:
        data = base64.b64decode(digits[:usable] + b"=" * (-usable % 4))
    except binascii.Error as err:
        warn(f"{prop.name}: base64 value does not decode ({err}); not saved")
        return None
    if not data:
        return None
    sha256_hex = hashlib.sha256(data).hexdigest()
    photo_dir.mkdir(parents=True, exist_ok=True)
    target = photo_dir / f"{sha256_hex}.{_PHOTO_SUFFIXES.get(mime_of(data[:4096]), 'bin')}"
    if not target.exists():
        target.write_bytes(data)
    return f"<image saved as derived/{photo_dir.name}/{target.name}, {len(data)} bytes, sha256 {sha256_hex}>"


def _decode_charset(raw: bytes, charset: str, warn: Callable[[str], None]) -> str:
    """Text in the property's CHARSET (default UTF-8, falling back to windows-1252)."""
    if not charset:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            warn("value is not valid UTF-8 and has no CHARSET; read as windows-1252")
            return raw.decode("cp1252", errors="replace")
    try:
        return raw.decode(charset)
    except UnicodeDecodeError:
        warn(f"value is not valid {charset}; undecodable bytes replaced with U+FFFD")
        return raw.decode(charset, errors="replace")
    except (LookupError, ValueError):  # no such codec, or a name Python rejects ("utf\x00")
        warn(f"unknown CHARSET {charset!r}; read as UTF-8")
        return raw.decode("utf-8", errors="replace")


def _split_components(text: str) -> list[str]:
    """Split a structured value on ';' that is not escaped (`O\\;Brien;Ann` has two components)."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unescape(text: str, version: str) -> str:
    """Undo backslash escapes: 3.0/4.0 `\\n \\\\ \\, \\; \\:` (iOS writes `http\\://`), 2.1 only `\\;`."""
    if version.startswith("2"):
        return text.replace("\\;", ";")
    return _ESCAPE_3.sub(lambda match: "\n" if match[1] in "nN" else match[1], text)


def _decode(
    prop: _Property, version: str, warn: Callable[[str], None], photo_dir: Path | None = None
) -> _Value:
    """The property's text (and components when structured) with its types."""
    types = list(dict.fromkeys(prop.params.get("TYPE", []) + (["PREF"] if "PREF" in prop.params else [])))
    encoding = prop.param("ENCODING").upper()
    if encoding in {"BASE64", "B"} or _DATA_URI.match(prop.raw_value):
        summary = _binary_summary(prop, warn)
        if photo_dir is not None and prop.name in _IMAGE_PROPERTIES:
            summary = _save_photo(prop, photo_dir, warn) or summary
        return _Value(prop, summary, [], types)
    raw = binascii.a2b_qp(prop.raw_value) if encoding == "QUOTED-PRINTABLE" else prop.raw_value
    text = _decode_charset(raw, prop.param("CHARSET"), warn)
    if prop.name in _STRUCTURED:
        components = [_unescape(part, version) for part in _split_components(text)]
        return _Value(prop, ";".join(components), components, types)
    return _Value(prop, _unescape(text, version), [], types)


def _fields(values: list[_Value]) -> dict[str, list[str]]:
    """Every property by name, with parallel `.TYPE` and `.LABEL` lists (see module docstring)."""
    labels: dict[str, str] = {}
    for value in values:
        if value.prop.name == "X-ABLABEL" and value.prop.group and value.prop.group not in labels:
            apple = _APPLE_LABEL.fullmatch(value.text)
            labels[value.prop.group] = apple[1] if apple else value.text
    by_name: dict[str, list[_Value]] = {}
    for value in values:
        by_name.setdefault(value.prop.name, []).append(value)
    fields: dict[str, list[str]] = {}
    for name, named in by_name.items():
        fields[name] = [value.text for value in named]
        if any(value.types for value in named):
            fields[f"{name}.TYPE"] = [",".join(value.types) for value in named]
        value_labels = [labels.get(value.prop.group or "", "") for value in named]
        if name != "X-ABLABEL" and any(value_labels):
            fields[f"{name}.LABEL"] = value_labels
    return fields


def _display_name(values: list[_Value]) -> str | None:
    """FN, else N in reading order, else the first EMAIL or TEL."""
    for value in values:
        if value.prop.name == "FN" and value.text.strip():
            return value.text.strip()
    for value in values:
        if value.prop.name == "N":
            family, given, additional, prefix, suffix = (value.components + [""] * 5)[:5]
            parts = (part.strip() for part in (prefix, given, additional, family, suffix))
            joined = " ".join(part for part in parts if part)
            if joined:
                return joined
    for name in ("EMAIL", "TEL"):
        for value in values:
            if value.prop.name == name and value.text.strip():
                return value.text.strip()
    return None


def _impp_account(value: _Value, text: str) -> tuple[str, str]:
    """`IMPP;X-SERVICE-TYPE=Jabber:xmpp:ann@example.org` → ("xmpp", "ann@example.org")."""
    scheme, separator, rest = text.partition(":")
    if not separator or not _URI_SCHEME.fullmatch(scheme):
        scheme, rest = "", text
    service = value.prop.param("X-SERVICE-TYPE")
    platform = (platform_for_service(service) if service else None) or platform_for_service(scheme)
    if platform is None:
        platform = scheme.lower() if scheme and scheme.lower() != "x-apple" else "im"
    return platform, rest.removeprefix("//").partition("?")[0]


def _social_account(value: _Value, text: str) -> tuple[str, str]:
    """`X-SOCIALPROFILE;TYPE=telegram:https://t.me/ann_b` → ("telegram", "ann_b")."""
    service = value.types[0] if value.types else "social"
    platform = platform_for_service(service) or service.lower()
    user = value.prop.param("X-USER")
    if user:
        return platform, user
    url = urlsplit(text)
    segments = [segment for segment in url.path.split("/") if segment]
    if url.scheme.lower() in {"http", "https"} and segments and not url.query:
        return platform, segments[-1].removeprefix("@")
    return platform, text


def _phone_account(value: _Value, text: str) -> tuple[str, str]:
    """`TEL;VALUE=uri:tel:+1-555-555-0100;ext=1` → ("phone", "+1-555-555-0100"); plain text as is."""
    return "phone", text[4:].partition(";")[0] if text.lower().startswith("tel:") else text


def _email_account(value: _Value, text: str) -> tuple[str, str]:
    """`EMAIL:mailto:ann@example.com` → ("email", "ann@example.com")."""
    return "email", text[7:] if text.lower().startswith("mailto:") else text


_ACCOUNT_READERS: dict[str, Callable[[_Value, str], tuple[str, str]]] = {
    "TEL": _phone_account,
    "EMAIL": _email_account,
    "IMPP": _impp_account,
    "X-SOCIALPROFILE": _social_account,
}


def _account_of(value: _Value) -> tuple[str, str] | None:
    """The (platform, handle) a TEL, EMAIL or IM property names, as written."""
    text, name = value.text.strip(), value.prop.name
    reader = _ACCOUNT_READERS.get(name)
    if not text:
        return None
    if reader:
        return reader(value, text)
    platform = platform_for_service(name[2:].removesuffix("-USERNAME")) if name.startswith("X-") else None
    return (platform, text) if platform else None


def _accounts(values: list[_Value], display_name: str | None) -> tuple[AccountRef, ...]:
    """Every phone, email and IM handle of the card, first occurrence kept."""
    accounts: dict[tuple[str, str], AccountRef] = {}
    for value in values:
        found = _account_of(value)
        if found and found[1] and found not in accounts:
            accounts[found] = AccountRef(found[0], found[1], display_name)
    return tuple(accounts.values())


def _contact(card: _Card, ctx: ParseContext) -> ParsedContact:
    """One card as a ParsedContact; a broken line is warned and skipped."""
    props: list[_Property] = []
    for line in card.lines:
        try:
            props.append(_parse_property(line))
        except ValueError as err:
            ctx.warn(card.locator(line.number), f"broken line skipped: {err}")
    version = next((p.raw_value.decode("ascii", "replace").strip() for p in props if p.name == "VERSION"), "")
    photo_dir = ctx.derived_dir / PHOTO_FOLDER if ctx.derived_dir else None
    values = [_decode(prop, version, partial(ctx.warn, card.locator(prop.line)), photo_dir) for prop in props]
    display_name = _display_name(values)
    return ParsedContact(display_name, _fields(values), card.locator(), _accounts(values, display_name))


class VCard:
    """vCard address books (2.1, 3.0, 4.0): one contact per card, every property kept."""

    name: ClassVar[str] = "vcard"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 when BEGIN:VCARD opens the file (after BOM/blank lines), 0.6 a few lines in."""
        lines = [line for line in _physical_lines(_to_utf8(head)) if line.strip()][:_SNIFF_LINES]
        if lines and _delimiter(lines[0]) == "BEGIN":
            return 0.95
        return 0.6 if any(_delimiter(line) == "BEGIN" for line in lines) else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """Every card of the file, in order."""
        lines = list(_content_lines(_physical_lines(_to_utf8(path.read_bytes()))))
        if not any(_delimiter(line.raw) == "BEGIN" for line in lines):
            raise WrongFormat("no BEGIN:VCARD line: not a vCard file")
        for card in _cards(lines, ctx):
            yield _contact(card, ctx)
