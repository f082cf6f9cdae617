"""Address books exported as CSV: Google Contacts and Outlook (`contacts.csv`), one contact per row.

Google writes `Name,Given Name,…,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,…`
(older export) or `First Name,Middle Name,Last Name,…,E-mail 1 - Label,E-mail 1 - Value,…` (newer),
joining several values of one cell with " ::: " (`+44 7700 900123 ::: +44 7700 900456`). Outlook
writes one column per slot: `First Name,Middle Name,Last Name,…,E-mail Address,…,Mobile Phone,…`.

Decisions:
- `fields`: every non-empty cell keyed by its header as written; in Google files (recognised by a
  header such as "Phone 1 - Value") cells are split on " ::: " into several values. Cells beyond the
  header row are kept as "column N" and warned.
- accounts: phones from Google "Phone N - Value" and Outlook "… Phone", "… Fax", Pager, Callback, ISDN;
  emails from "E-mail N - Value" and "E-mail [N] Address"; IM handles from Google "IM N - Value" with
  the platform from "IM N - Service" ("im" when unknown). Values as written; normalization is
  downstream.
- Localised Outlook headers are **unverified** (no sample export was available): the Norwegian
  `Fornavn,Mellomnavn,Etternavn,E-postadresse,Mobiltelefon`, any header containing "telefon" or "mobil"
  read as a phone, and "e-post…adresse" as an email.
- display_name: "Name" or "Display Name", else first + middle + last name (Outlook, newer Google; or
  Given/Additional/Family Name; or Fornavn/Mellomnavn/Etternavn), else Nickname, else the first
  email or phone.
- Encoding: UTF-8 (BOM optional) or UTF-16 with BOM; anything else is read as windows-1252 and warned.
  Delimiter: the most frequent of `,` `;` TAB in the header row (localised Excel writes `;`).
- A file is this format when its header row has at least three known header names.
- Locator `row N`: N counts data rows after the header from 1 (a quoted multi-line cell is one row).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from darkroom.formats.base import AccountRef, ParseContext, ParsedContact, Record, WrongFormat
from darkroom.formats.vcard import platform_for_service

__all__ = ["ContactsCsv"]

Kind = Literal["phone", "email", "im"]

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MIN_KNOWN_HEADERS = 3
_GOOGLE_SEPARATOR = " ::: "
_LINE_END = re.compile(r"\r\n|\r|\n")
_GOOGLE_SLOT = re.compile(
    r"(e-mail|phone|im|address|organization|website|relation|event|custom field|external id|"
    r"calendar link|jot) \d+ - [a-z ]+",
    re.IGNORECASE,
)
_GOOGLE_VALUE = re.compile(r"(e-mail|phone|im) (\d+) - value", re.IGNORECASE)
_OUTLOOK_EMAIL = re.compile(r"e-mail(?: \d)? address", re.IGNORECASE)
_OUTLOOK_PHONE = re.compile(r"(?:.* )?(?:phone|fax)(?: \d)?|pager|callback|isdn", re.IGNORECASE)
_LOCAL_PHONE = re.compile(r".*(?:telefon|mobil).*", re.IGNORECASE)  # unverified
_LOCAL_EMAIL = re.compile(r"e-?post.*adresse.*", re.IGNORECASE)  # unverified

_GOOGLE_HEADERS = frozenset({
    "name", "given name", "additional name", "family name", "yomi name", "given name yomi",
    "additional name yomi", "family name yomi", "name prefix", "name suffix", "initials", "nickname",
    "short name", "maiden name", "birthday", "gender", "location", "billing information",
    "directory server", "mileage", "occupation", "hobby", "sensitivity", "priority", "subject",
    "notes", "language", "photo", "group membership", "first name", "middle name", "last name",
    "phonetic first name", "phonetic middle name", "phonetic last name", "file as",
    "organization name", "organization title", "organization department", "labels",
})  # fmt: skip
_OUTLOOK_HEADERS = frozenset({
    "title", "first name", "middle name", "last name", "suffix", "company", "department",
    "job title", "business street", "business city", "business state", "business postal code",
    "business country/region", "home street", "home city", "home state", "home postal code",
    "home country/region", "other street", "other city", "other state", "other postal code",
    "other country/region", "assistant's phone", "business fax", "business phone",
    "business phone 2", "callback", "car phone", "company main phone", "home fax", "home phone",
    "home phone 2", "isdn", "mobile phone", "other fax", "other phone", "pager", "primary phone",
    "radio phone", "tty/tdd phone", "telex", "account", "anniversary", "assistant's name",
    "billing information", "birthday", "categories", "children", "e-mail address", "e-mail type",
    "e-mail display name", "e-mail 2 address", "e-mail 2 type", "e-mail 2 display name",
    "e-mail 3 address", "e-mail 3 type", "e-mail 3 display name", "gender", "government id number",
    "hobby", "initials", "keywords", "language", "location", "manager's name", "mileage", "notes",
    "office location", "organizational id number", "po box", "priority", "private", "profession",
    "referred by", "sensitivity", "spouse", "web page", "display name", "nickname",
})  # fmt: skip
_NORWEGIAN_HEADERS = frozenset({"fornavn", "mellomnavn", "etternavn", "e-postadresse", "mobiltelefon"})
_KNOWN_HEADERS = _GOOGLE_HEADERS | _OUTLOOK_HEADERS | _NORWEGIAN_HEADERS

_SINGLE_NAMES = ("name", "display name")
_NAME_PARTS = (
    ("first name", "middle name", "last name"),
    ("given name", "additional name", "family name"),
    ("fornavn", "mellomnavn", "etternavn"),
)


@dataclass(frozen=True, slots=True)
class _Column:
    """One header cell: what its values are (phone, email, IM handle or other)."""

    header: str
    kind: Kind | None
    service_header: str | None = None  # Google "IM 1 - Service" for "IM 1 - Value"


@dataclass(frozen=True, slots=True)
class _Layout:
    """The header row read once: columns, where each header sits, and whether Google wrote it."""

    columns: list[_Column]
    index_of: dict[str, int]  # lower-case header → first column with it
    is_google: bool


def _is_known(header: str) -> bool:
    """A header name Google or Outlook writes."""
    name = header.strip().lower()
    return name in _KNOWN_HEADERS or bool(_GOOGLE_SLOT.fullmatch(name))


def _known_count(headers: list[str]) -> int:
    """How many distinct known header names a header row holds."""
    return len({header.strip().lower() for header in headers if _is_known(header)})


def _delimiter(header_line: str) -> str:
    """The most frequent of comma, semicolon and tab in the header row (comma on a tie)."""
    return max((",", ";", "\t"), key=header_line.count)


def _kind(header: str) -> tuple[Kind | None, str | None]:
    """Classify a header: ("phone", None), ("im", "IM 1 - Service"), (None, None) …"""
    name = header.strip()
    google = _GOOGLE_VALUE.fullmatch(name)
    if google:
        slot = google[1].lower()
        if slot == "im":
            return "im", f"im {google[2]} - service"
        return ("email" if slot == "e-mail" else "phone"), None
    if _OUTLOOK_EMAIL.fullmatch(name) or _LOCAL_EMAIL.fullmatch(name):
        return "email", None
    if _OUTLOOK_PHONE.fullmatch(name) or _LOCAL_PHONE.fullmatch(name):
        return "phone", None
    return None, None


def _layout(header: list[str]) -> _Layout:
    """Read the header row once."""
    columns = [_Column(name, *_kind(name)) for name in header]
    index_of: dict[str, int] = {}
    for index, name in enumerate(header):
        index_of.setdefault(name.strip().lower(), index)
    is_google = any(_GOOGLE_SLOT.fullmatch(name.strip()) for name in header)
    return _Layout(columns, index_of, is_google)


def _decode(payload: bytes) -> tuple[str, bool]:
    """The file's text, and whether it had to be read as windows-1252."""
    if payload.startswith(_UTF16_BOMS):
        return payload.decode("utf-16", errors="replace"), False
    try:
        return payload.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace"), True


def _rows(reader: Iterator[list[str]], ctx: ParseContext) -> Iterator[tuple[int, list[str]]]:
    """Data rows with their numbers; a row the csv module cannot read is warned and skipped."""
    row_number = 0
    while True:
        row_number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:  # e.g. "field larger than field limit (131072)"
            ctx.warn(f"row {row_number}", f"unreadable CSV row skipped: {err}")
            continue
        yield row_number, row


def _cell(row: list[str], layout: _Layout, header: str) -> str:
    """The stripped cell under a (lower-case) header, "" when absent."""
    index = layout.index_of.get(header)
    return row[index].strip() if index is not None and index < len(row) else ""


def _display_name(row: list[str], layout: _Layout, accounts: list[AccountRef]) -> str | None:
    """Name column, else the name parts joined, else nickname, else the first email or phone."""
    for header in _SINGLE_NAMES:
        if _cell(row, layout, header):
            return _cell(row, layout, header)
    for headers in _NAME_PARTS:
        joined = " ".join(part for part in (_cell(row, layout, h) for h in headers) if part)
        if joined:
            return joined
    if _cell(row, layout, "nickname"):
        return _cell(row, layout, "nickname")
    for platform in ("email", "phone"):
        for account in accounts:
            if account.platform == platform:
                return account.handle
    return None


def _values(cell: str, layout: _Layout) -> list[str]:
    """A cell's values: Google joins several with " ::: "."""
    if not cell.strip():
        return []
    return [part for part in cell.split(_GOOGLE_SEPARATOR) if part.strip()] if layout.is_google else [cell]


def _handles(row: list[str], layout: _Layout) -> list[AccountRef]:
    """Every phone, email and IM handle of the row (display names are added later)."""
    found: dict[tuple[str, str], AccountRef] = {}
    for index, column in enumerate(layout.columns[: len(row)]):
        if column.kind is None:
            continue
        platform: str = column.kind
        if column.kind == "im":
            service = _cell(row, layout, column.service_header or "")
            platform = (platform_for_service(service) if service else None) or "im"
        for value in _values(row[index], layout):
            found.setdefault((platform, value.strip()), AccountRef(platform, value.strip()))
    return list(found.values())


def _contact(row: list[str], layout: _Layout, row_number: int, ctx: ParseContext) -> ParsedContact | None:
    """One row as a ParsedContact; None for a row with no value at all."""
    locator = f"row {row_number}"
    if len(row) > len(layout.columns):
        ctx.warn(locator, f"row has {len(row)} cells but the header {len(layout.columns)}; extras kept")
    fields: dict[str, list[str]] = {}
    for index, cell in enumerate(row):
        header = layout.columns[index].header if index < len(layout.columns) else f"column {index + 1}"
        values = _values(cell, layout)
        if values:
            fields.setdefault(header, []).extend(values)
    if not fields:
        return None
    handles = _handles(row, layout)
    display_name = _display_name(row, layout, handles)
    accounts = tuple(AccountRef(a.platform, a.handle, display_name) for a in handles)
    return ParsedContact(display_name, fields, locator, accounts)


def _header_cells(head_text: str) -> list[str]:
    """The header row's cells from the first bytes; a cell the head cut short is left out."""
    first_line, *rest = _LINE_END.split(head_text, maxsplit=1)
    try:
        cells = next(csv.reader([first_line], delimiter=_delimiter(first_line)), [])
    except csv.Error:
        return []
    return cells if rest else cells[:-1]


class ContactsCsv:
    """Google Contacts and Outlook CSV exports: one contact per row, every column kept."""

    name: ClassVar[str] = "contacts-csv"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.9 when the first row holds at least three Google/Outlook header names."""
        if not head or (b"\x00" in head and not head.startswith(_UTF16_BOMS)):
            return 0.0
        if head.startswith(_UTF16_BOMS):
            text = head.decode("utf-16", errors="ignore")
        else:
            text = head.decode("utf-8-sig", errors="replace")
        return 0.9 if _known_count(_header_cells(text)) >= _MIN_KNOWN_HEADERS else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """Every non-empty row of the file, in order."""
        text, is_fallback = _decode(path.read_bytes())
        delimiter = _delimiter(text.partition("\n")[0])
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(reader, [])
        except csv.Error as err:
            raise WrongFormat(f"header row is not CSV: {err}") from err
        if _known_count(header) < _MIN_KNOWN_HEADERS:
            raise WrongFormat("header row has fewer than three Google/Outlook contact column names")
        if is_fallback:
            ctx.warn("file", "not valid UTF-8; read as windows-1252")
        layout = _layout(header)
        for row_number, row in _rows(reader, ctx):
            contact = _contact(row, layout, row_number, ctx)
            if contact is not None:
                yield contact
