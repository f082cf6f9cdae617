"""NIST NSRL Reference Data Sets: known-good files, to be left out of review.

- RDSv2: `NSRLFile.txt`, quoted CSV with the header
  "SHA-1","MD5","CRC32","FileName","FileSize","ProductCode","OpSystemCode","SpecialCode".
  One row per file per product, so a hash repeats; the file is sorted by SHA-1, and consecutive
  repeats are dropped (flat memory). File names are not kept (non-UTF-8 bytes in them are harmless).
- RDSv3 (since 2022.03): a SQLite database with FILE(sha256, sha1, md5, crc32, file_name, file_size,
  package_id) and PKG, MFG, OS, VERSION. Opened read-only and immutable (never written, no -wal made);
  `SELECT DISTINCT sha256, sha1, md5 FROM FILE`. Its rows carry no locator of their own: the entry's
  hashes find them again, so the locator is `FILE`.
Every entry is category "known-good" in scheme "nsrl"; the set is marked known_good.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

from darkroom.errors import DamagedDatabase, InvalidInput
from darkroom.media.hashsets.base import HashEntry, ReadContext, clean_digest

KNOWN_GOOD = "known-good"
SQLITE_MAGIC = b"SQLite format 3\x00"
RDSV2_HEADER = ("SHA-1", "MD5", "CRC32", "FileName", "FileSize", "ProductCode", "OpSystemCode", "SpecialCode")
RDSV3_TABLES = ("FILE", "PKG", "MFG", "OS", "VERSION")
_RDSV2_PREFIX = b'"SHA-1","MD5","CRC32","FileName"'
_FETCH_ROWS = 10_000


_TABLE_INFO = "PRAGMA table_info({})"


def _quoted(identifier: str) -> str:
    """An SQL identifier quoted for SQLite (a seized or downloaded database may name tables oddly)."""
    return '"' + identifier.replace('"', '""') + '"'


def _open_read_only(path: Path) -> sqlite3.Connection:
    """The database opened so SQLite never writes to it or beside it."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def rdsv3_tables(path: Path) -> dict[str, set[str]]:
    """Tables and views of the database (upper-case names) with their column names (lower case)."""
    try:
        with closing(_open_read_only(path)) as db:
            names = [
                str(row[0])
                for row in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
            ]
            return {
                name.upper(): {str(col[1]).lower() for col in db.execute(_TABLE_INFO.format(_quoted(name)))}
                for name in names
            }
    except sqlite3.DatabaseError as err:
        msg = f"{path.name} has the SQLite header but SQLite cannot read it: {err}"
        raise DamagedDatabase(msg) from err


class NsrlReader:
    """NSRL RDSv2 `NSRLFile.txt` and RDSv3 SQLite: known-good hashes."""

    name = "nsrl"
    default_scheme = "nsrl"

    def detect(self, path: Path, head: bytes) -> float:
        if head.removeprefix(b"\xef\xbb\xbf").startswith(_RDSV2_PREFIX):
            return 1.0
        if not head.startswith(SQLITE_MAGIC):
            return 0.0
        try:
            tables = rdsv3_tables(path)
        except DamagedDatabase:
            return 0.0
        if {"sha1", "md5"} <= tables.get("FILE", set()):
            return 1.0 if set(RDSV3_TABLES) <= tables.keys() else 0.8
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[HashEntry]:
        ctx.facts.known_good = True
        ctx.facts.scheme = "nsrl"
        try:
            with path.open("rb") as source:
                magic = source.read(len(SQLITE_MAGIC))
        except OSError as err:
            msg = f"cannot read {path}: {err.strerror or err}"
            raise InvalidInput(msg) from err
        if magic == SQLITE_MAGIC:
            yield from self._read_rdsv3(path, ctx)
        else:
            yield from self._read_rdsv2(path, ctx)

    def _read_rdsv2(self, path: Path, ctx: ReadContext) -> Iterator[HashEntry]:
        ctx.facts.format_version = "RDSv2"
        counting = ctx.open_source(path)
        text = io.TextIOWrapper(
            io.BufferedReader(counting), encoding="utf-8-sig", errors="replace", newline=""
        )
        with text:
            rows = csv.reader(text)
            header = next(rows, None)
            if header is None or [name.strip() for name in header[:2]] != ["SHA-1", "MD5"]:
                msg = f"{path.name} is not an NSRL RDSv2 NSRLFile.txt (its header is not {RDSV2_HEADER!r})"
                raise InvalidInput(msg)
            previous: tuple[str, str] = ("", "")
            try:
                for row in rows:
                    if len(row) < 2:
                        if any(cell.strip() for cell in row):
                            ctx.skip(f"line {rows.line_num}", "the row has no MD5 field")
                        continue
                    if (row[0], row[1]) == previous:
                        continue
                    previous = (row[0], row[1])
                    entry = _entry(f"line {rows.line_num}", row[0], row[1], None, ctx)
                    if entry is not None:
                        yield entry
            except csv.Error as err:
                msg = f"{path.name} is not readable CSV near line {rows.line_num}: {err}"
                raise InvalidInput(msg) from err

    def _read_rdsv3(self, path: Path, ctx: ReadContext) -> Iterator[HashEntry]:
        tables = rdsv3_tables(path)
        columns = tables.get("FILE")
        if columns is None or not {"sha256", "sha1", "md5"} <= columns:
            msg = (
                f"{path.name} is a SQLite database but not an NSRL RDSv3 one: "
                "it has no FILE table with sha256, sha1 and md5 columns"
            )
            raise InvalidInput(msg)
        missing = [name for name in RDSV3_TABLES if name not in tables]
        if missing:
            ctx.facts.notes.append(f"tables missing beside FILE: {', '.join(missing)}")
        try:
            with closing(_open_read_only(path)) as db:
                ctx.facts.format_version = _rdsv3_version(db, tables)
                cursor = db.execute("SELECT DISTINCT sha256, sha1, md5 FROM FILE")
                while rows := cursor.fetchmany(_FETCH_ROWS):
                    for sha256, sha1, md5 in rows:
                        entry = _entry("FILE", sha1, md5, sha256, ctx, f"FILE where sha1 = {sha1!r}")
                        if entry is not None:
                            yield entry
        except sqlite3.DatabaseError as err:
            msg = f"{path.name}: SQLite failed while reading FILE: {err}"
            raise DamagedDatabase(msg) from err


def _rdsv3_version(db: sqlite3.Connection, tables: dict[str, set[str]]) -> str:
    """`RDSv3` plus the VERSION table's version text when it has one."""
    if "version" not in tables.get("VERSION", set()):
        return "RDSv3"
    row = db.execute("SELECT version FROM VERSION LIMIT 1").fetchone()
    return f"RDSv3 {row[0]}" if row and row[0] else "RDSv3"


def _entry(
    locator: str, sha1: object, md5: object, sha256: object, ctx: ReadContext, skip_locator: str | None = None
) -> HashEntry | None:
    """A known-good entry, or None after counting (at `skip_locator`) why its digests cannot be used."""
    try:
        entry = HashEntry(
            locator=locator,
            md5=clean_digest(md5, "md5"),
            sha1=clean_digest(sha1, "sha1"),
            sha256=clean_digest(sha256, "sha256"),
            category=KNOWN_GOOD,
        )
    except ValueError as err:
        ctx.skip(skip_locator or locator, str(err))
        return None
    if not entry.has_hash:
        ctx.skip(skip_locator or locator, "no SHA-1, MD5 or SHA-256")
        return None
    return entry
