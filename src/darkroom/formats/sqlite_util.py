"""Reading seized SQLite databases: read-only, WAL applied, schema-tolerant, damage reported.

The runner hands parsers a working copy with its `-wal` beside it; opening it read-only
(`file:…?mode=ro`) still applies the WAL's newest rows and never writes to the database.
Sniffing sees only the first bytes of the file, so `head_tables` reads the table names out of the
`CREATE TABLE …` text that SQLite keeps in `sqlite_master` on the first pages.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from darkroom.errors import DamagedDatabase, WrongFormat
from darkroom.formats.base import ParseContext

__all__ = [
    "SQLITE_MAGIC",
    "DamagedDatabase",
    "Schema",
    "from_epoch",
    "head_tables",
    "iter_rows",
    "open_database",
    "text_of",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
_CREATE_TABLE = re.compile(rb'CREATE TABLE ["`\[]?([A-Za-z_][A-Za-z0-9_]*)')
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def head_tables(head: bytes) -> frozenset[str] | None:
    """Table names whose CREATE TABLE text lies in `head`; None when `head` is not SQLite.

    Schema pages sit at the front of most files; a large or WAL-only schema may be missed, so a
    parser falls back to a weaker, name-based guess and checks the real schema in `parse`.
    """
    if not head.startswith(SQLITE_MAGIC):
        return None
    return frozenset(match.decode("ascii") for match in _CREATE_TABLE.findall(head))


@dataclass(frozen=True, slots=True)
class Schema:
    """Tables (and views) of a database with their column names, as the file declares them."""

    tables: dict[str, frozenset[str]]

    def has(self, table: str, *columns: str) -> bool:
        """Whether `table` exists with every one of `columns`."""
        found = self.tables.get(table)
        return found is not None and all(column in found for column in columns)

    def column(self, alias: str, table: str, column: str) -> str:
        """`alias."column"` when the table has it, else `NULL` — for columns older files lack."""
        return f'{alias}."{column}"' if self.has(table, column) else "NULL"

    def missing(self, table: str, columns: Sequence[str]) -> list[str]:
        """The `columns` (or the table itself, as `table`) that the file does not have."""
        if table not in self.tables:
            return [table]
        return [f"{table}.{column}" for column in columns if column not in self.tables[table]]


@contextmanager
def open_database(path: Path, ctx: ParseContext) -> Iterator[tuple[sqlite3.Connection, Schema]]:
    """A read-only connection (rows by name) and the schema; WrongFormat when not SQLite at all.

    A file shorter than its header says (a truncated copy) is refused by SQLite as malformed;
    `writable_schema` (a per-connection switch, nothing is written) lets the pages that are there
    be read, and each table then ends where its pages do, with a warning.
    """
    with path.open("rb") as stream:
        if stream.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise WrongFormat(f"{path.name} is not an SQLite database (no 'SQLite format 3' header)")
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as err:
        raise DamagedDatabase(f"{path.name} cannot be opened: {err}") from err
    with closing(connection):
        connection.row_factory = sqlite3.Row
        try:
            schema = _read_schema(connection)
        except sqlite3.DatabaseError as first_error:
            schema = _read_damaged_schema(connection, path, first_error)
            ctx.warn("file", f"damaged ({first_error}); reading the pages that are left")
        yield connection, schema


def _read_damaged_schema(connection: sqlite3.Connection, path: Path, first_error: Exception) -> Schema:
    try:
        connection.execute("PRAGMA writable_schema = ON")
        schema = _read_schema(connection)
    except sqlite3.DatabaseError as err:
        raise DamagedDatabase(f"{path.name} is damaged (truncated or corrupt?): {first_error}") from err
    if not schema.tables:
        raise DamagedDatabase(f"{path.name} is damaged (truncated or corrupt?): {first_error}")
    return schema


def _read_schema(connection: sqlite3.Connection) -> Schema:
    names = [
        str(row[0])
        for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    ]
    tables: dict[str, frozenset[str]] = {}
    for name in names:
        quoted = name.replace('"', '""')
        tables[name] = frozenset(str(row[1]) for row in connection.execute(f'PRAGMA table_info("{quoted}")'))
    return Schema(tables)


def iter_rows(
    connection: sqlite3.Connection, sql: str, ctx: ParseContext, where: str
) -> Iterator[sqlite3.Row]:
    """Rows of a query; a damaged page ends the query with a warning on `where` instead of the file."""
    read = 0
    try:
        for row in connection.execute(sql):  # row by row: rows before a damaged page still count
            yield row
            read += 1
    except sqlite3.DatabaseError as err:
        ctx.warn(where, f"stopped after {read} rows, the rest cannot be read: {err}")


def text_of(value: object) -> str | None:
    """A column value as text: None stays None, numbers are written out, bytes read as UTF-8."""
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def from_epoch(value: object, unit_seconds: float) -> datetime | None:
    """An epoch count (ms: unit 0.001, s: unit 1) as aware UTC; None for NULL, 0, junk or out of range."""
    if isinstance(value, str):
        value = value.strip()
        if not value.lstrip("-").isdigit():
            return None
        value = int(value)
    if not isinstance(value, int | float) or isinstance(value, bool) or value == 0:
        return None
    try:
        return _EPOCH + timedelta(seconds=value * unit_seconds)
    except (OverflowError, ValueError):
        return None
