"""Hash sets as CSV: a header naming md5/sha1/sha256/pdq (any subset) plus labels, one entry a row.

    md5,sha1,sha256,category,series
    0b1f…,9c0e…,5e88…,1,S0003

Decisions:
- Header names are matched case-insensitively, ignoring spaces, `-` and `_` (`SHA-1`, `Pdq_Quality`).
  Known columns: md5, sha1, sha256, pdq (64 hex digits), pdq_quality, category, series,
  victim_identified, offender_identified, is_distributed, media_id; others go to extra.
- Delimiter comma, semicolon or tab: given, or found by csv.Sniffer on the head (else the most frequent
  of the three in the header line). UTF-8 with or without a BOM; bytes that are not UTF-8 fail the file.
- A row with more fields than the header, a bad digest or quality, or no hash is skipped with its reason;
  a row with fewer fields has the missing ones empty. Blank lines are ignored. Locator: `line N`.
- An NSRL `NSRLFile.txt` header is left to the nsrl reader (low confidence here).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from darkroom.errors import InvalidInput
from darkroom.media.hashsets.base import (
    HashEntry,
    ReadContext,
    category_text,
    clean_digest,
    clean_pdq,
    clean_quality,
    label_text,
    parse_flag,
)

if TYPE_CHECKING:
    from _csv import Reader as CsvRows

DELIMITERS = ",;\t"
HASH_COLUMNS = ("md5", "sha1", "sha256", "pdq")
FLAG_COLUMNS = ("victim_identified", "offender_identified", "is_distributed")
_KNOWN_COLUMNS = {
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "pdq": "pdq",
    "pdqhash": "pdq",
    "pdqquality": "pdq_quality",
    "quality": "pdq_quality",
    "category": "category",
    "series": "series",
    "victimidentified": "victim_identified",
    "offenderidentified": "offender_identified",
    "isdistributed": "is_distributed",
    "mediaid": "media_id",
}
_COLUMN_FIELDS = frozenset(_KNOWN_COLUMNS.values())
_NSRL_MARKERS = frozenset({"crc32", "productcode", "opsystemcode"})


def column_key(header_name: str) -> str:
    """A header name as compared: lower case without spaces, dashes or underscores."""
    return re.sub(r"[\s\-_]", "", header_name.strip().lower())


def _first_line(head: bytes) -> str:
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return text.splitlines()[0] if text.strip() else ""


def guess_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: csv.Sniffer's answer, else the most frequent in the first line."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first_line = sample.splitlines()[0] if sample else ""
        counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
        best = max(counts, key=lambda delimiter: counts[delimiter])
        return best if counts[best] else ","


class CsvReader:
    """CSV of md5/sha1/sha256/pdq digests with a category per row."""

    name = "csv"
    default_scheme = "csv"

    def __init__(self, delimiter: str | None = None) -> None:
        if delimiter is not None and delimiter not in DELIMITERS:
            msg = "the CSV delimiter must be a comma, a semicolon or a tab"
            raise InvalidInput(msg)
        self.delimiter = delimiter

    def detect(self, path: Path, head: bytes) -> float:
        line = _first_line(head)
        if not line:
            return 0.0
        names = {column_key(name) for name in next(csv.reader([line], delimiter=guess_delimiter(line)))}
        hash_names = names & {"md5", "sha1", "sha256", "pdq"}
        if not hash_names:
            return 0.0
        return 0.3 if names & _NSRL_MARKERS else 0.9

    def read(self, path: Path, ctx: ReadContext) -> Iterator[HashEntry]:
        delimiter = self.delimiter or guess_delimiter(_head_text(path))
        ctx.facts.notes.append(f"delimiter {delimiter!r}")
        counting = ctx.open_source(path)
        with io.TextIOWrapper(io.BufferedReader(counting), encoding="utf-8-sig", newline="") as text:
            try:
                yield from self._rows(csv.reader(text, delimiter=delimiter), ctx)
            except UnicodeDecodeError as err:
                msg = f"{path.name} is not UTF-8 (within its first {counting.bytes_read} bytes): {err.reason}"
                raise InvalidInput(msg) from err
            except csv.Error as err:
                msg = f"{path.name} is not readable CSV: {err}"
                raise InvalidInput(msg) from err

    def _rows(self, rows: CsvRows, ctx: ReadContext) -> Iterator[HashEntry]:
        header = next(rows, None)
        if header is None:
            msg = "the CSV file is empty (no header line)"
            raise InvalidInput(msg)
        columns = [_KNOWN_COLUMNS.get(column_key(name), name.strip()) for name in header]
        if not set(columns) & set(HASH_COLUMNS):
            msg = f"the CSV header names no hash column ({', '.join(HASH_COLUMNS)}): {header!r}"
            raise InvalidInput(msg)
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            locator = f"line {rows.line_num}"
            if len(row) > len(columns):
                ctx.skip(locator, f"the row has more fields than the header's {len(columns)}")
                continue
            try:
                entry = row_entry(dict(zip(columns, row, strict=False)), locator)
            except ValueError as err:
                ctx.skip(locator, str(err))
                continue
            if entry.has_hash:
                yield entry
            else:
                ctx.skip(locator, "no MD5, SHA1, SHA256 or PDQ")


def _head_text(path: Path) -> str:
    """The first 64 KiB as text, for sniffing the delimiter."""
    try:
        with path.open("rb") as source:
            return source.read(64 * 1024).removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    except OSError as err:
        msg = f"cannot read {path}: {err.strerror or err}"
        raise InvalidInput(msg) from err


def row_entry(cells: dict[str, str], locator: str) -> HashEntry:
    """One CSV row (column name → text) as an entry; ValueError names the reason it cannot be used."""
    unreadable: dict[str, object] = {}
    flags: dict[str, bool | None] = {}
    for column in FLAG_COLUMNS:
        try:
            flags[column] = parse_flag(cells.get(column))
        except ValueError:
            flags[column], unreadable[column] = None, cells.get(column)
    extra: dict[str, object] = {
        key: value for key, value in cells.items() if key not in _COLUMN_FIELDS and value
    }
    if unreadable:
        extra["unreadable"] = unreadable
    return HashEntry(
        locator=locator,
        md5=clean_digest(cells.get("md5"), "md5"),
        sha1=clean_digest(cells.get("sha1"), "sha1"),
        sha256=clean_digest(cells.get("sha256"), "sha256"),
        pdq=clean_pdq(cells.get("pdq")),
        pdq_quality=clean_quality(cells.get("pdq_quality")),
        category=category_text(cells.get("category")),
        series=label_text(cells.get("series")),
        victim_identified=flags["victim_identified"],
        offender_identified=flags["offender_identified"],
        is_distributed=flags["is_distributed"],
        source_media_id=label_text(cells.get("media_id")),
        extra=extra,
    )
