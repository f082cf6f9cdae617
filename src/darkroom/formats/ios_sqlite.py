"""What the iOS database parsers share: sniffing, a read-only open that keeps the WAL, Apple times.

The runner hands a parser a working copy of the database with its `-wal` and `-shm` beside it; the
WAL holds the newest rows, so the copy is opened read-only through SQLite (`mode=ro`) and never with
`immutable=1`, which would skip the WAL. SQLite may create a `-shm` next to the copy when it is absent.

Apple stores times as seconds since 2001-01-01 UTC (Core Data `TIMESTAMP` columns: `704735807.221498`);
`sms.db` switched to nanoseconds since the same epoch in iOS 11 (`674157600123456789`).

A file whose schema SQLite cannot read is `DamagedDatabase` (the runner records it as failed). A
truncated copy whose schema survived is read as far as it goes: a warning names the missing pages,
and a table whose rows run into them ends with a warning.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from darkroom.errors import DamagedDatabase, WrongFormat
from darkroom.formats.base import ParseContext

__all__ = [
    "APPLE_EPOCH",
    "DamagedDatabase",
    "IosDatabase",
    "apple_time",
    "declares_tables",
    "open_database",
    "raw_number",
    "sniff_database",
]

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)  # = unix 978307200
NANOSECONDS_ABOVE = 1e15  # seconds since 2001 stay below 1e10 until the year 2318; nanoseconds are ~7e17
SNIFF_SURE = 0.95
SNIFF_BY_NAME = 0.8  # SQLite content + the app's own file name; `parse` checks the tables


def declares_tables(head: bytes, tables: Iterable[str]) -> bool:
    """Whether every table's `CREATE TABLE name (` statement is among the first bytes of the file.

    A small database keeps its schema on page 1; a large one that was vacuumed or migrated may keep
    it anywhere (the iOS 15 ChatStorage sample has it 315 KB into the file), hence the name hint.
    """
    return all(
        re.search(
            rb'CREATE TABLE\s+["`\[]?' + re.escape(name.encode()) + rb'["`\]]?\s*\(', head, re.IGNORECASE
        )
        for name in tables
    )


def sniff_database(path: Path, head: bytes, tables: Iterable[str], file_names: Iterable[str]) -> float:
    """SQLite header plus the format's tables → sure; plus only the app's file name → likely; else 0."""
    if not head.startswith(SQLITE_MAGIC):
        return 0.0
    if declares_tables(head, tables):
        return SNIFF_SURE
    if path.name.casefold() in {name.casefold() for name in file_names}:
        return SNIFF_BY_NAME
    return 0.0


def apple_time(value: object, *, nanoseconds_allowed: bool = False) -> datetime | None:
    """An Apple-epoch time as aware UTC, or None for NULL, 0, text that is no number, or overflow."""
    number = raw_number(value)
    if number is None or number == 0:
        return None
    try:
        if nanoseconds_allowed and abs(number) > NANOSECONDS_ABOVE:
            if isinstance(number, int):
                seconds, nanoseconds = divmod(number, 1_000_000_000)
                return APPLE_EPOCH + timedelta(seconds=seconds, microseconds=nanoseconds // 1000)
            return APPLE_EPOCH + timedelta(seconds=number / 1e9)
        return APPLE_EPOCH + timedelta(seconds=number)
    except (OverflowError, ValueError):
        return None


def raw_number(value: object) -> int | float | None:
    """A stored number (INTEGER, REAL, or numeric TEXT as old `ABPerson.Birthday` holds), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value) if any(mark in value for mark in ".eE") else int(value)
        except ValueError:
            return None
    return None


@dataclass(slots=True)
class IosDatabase:
    """An open read-only database: its tables' columns, and text values that were not valid UTF-8."""

    connection: sqlite3.Connection
    columns: dict[str, dict[str, str]]  # lower-case table -> lower-case column -> declared name
    bad_text: list[bytes] = field(default_factory=list)

    def has_table(self, table: str) -> bool:
        """Whether the schema declares the table (any case)."""
        return table.lower() in self.columns

    def has_column(self, table: str, column: str) -> bool:
        """Whether the table has the column (any case)."""
        return column.lower() in self.columns.get(table.lower(), {})

    def require(self, tables: Iterable[str], what: str) -> None:
        """`WrongFormat` naming the missing tables when any is absent."""
        missing = [table for table in tables if not self.has_table(table)]
        if missing:
            raise WrongFormat(f"no {', '.join(missing)} table: not {what}")

    def pick(self, table: str, column: str, missing: list[str]) -> str:
        """`table.column` for a SELECT list, or `NULL` (noting `table.column` in `missing`)."""
        if self.has_column(table, column):
            return f"{table}.{column}"
        missing.append(f"{table}.{column}")
        return "NULL"

    def rows(
        self, sql: str, locate: Callable[[sqlite3.Row], str], ctx: ParseContext, table_locator: str
    ) -> Iterator[sqlite3.Row]:
        """The query's rows; invalid UTF-8 is warned per row, damage part-way ends it with a warning."""
        read = 0
        try:
            for row in self.connection.execute(sql):
                if self.bad_text:
                    ctx.warn(locate(row), f"text not valid UTF-8, read with U+FFFD: {self.bad_text[0]!r:.80}")
                    self.bad_text.clear()
                read += 1
                yield row
        except sqlite3.DatabaseError as err:
            # OperationalError is a query the schema cannot answer; other errors are damaged pages.
            hint = "" if isinstance(err, sqlite3.OperationalError) else " (truncated or damaged copy?)"
            ctx.warn(table_locator, f"unreadable after {read} rows: {err}{hint}")

    def close(self) -> None:
        """Close the connection (a read-only connection writes nothing back)."""
        self.connection.close()


def open_database(path: Path, ctx: ParseContext | None = None) -> IosDatabase:
    """Open read-only through SQLite (keeping the WAL); `WrongFormat` when it is no SQLite file.

    With `ctx`, a file shorter than its header says (a truncated copy) is warned about.
    """
    with path.open("rb") as stream:
        header = stream.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise WrongFormat("no SQLite header: not a database")
    missing_pages = _missing_pages(header, path.stat().st_size)
    if ctx is not None and missing_pages:
        ctx.warn("file header", f"{missing_pages} pages fewer than the header counts (truncated copy?)")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
        # SQLite refuses a file shorter than its header's page count unless writable_schema is on;
        # the connection is read-only, so this only lets the readable part of a truncated copy be read.
        connection.execute("PRAGMA writable_schema=ON")
    except sqlite3.Error as err:
        raise DamagedDatabase(f"SQLite cannot open {path.name}: {err}") from err
    database = IosDatabase(connection, {})
    connection.text_factory = _lenient_text(database.bad_text)
    connection.row_factory = sqlite3.Row
    try:
        tables = [
            str(row[0]) for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            info = connection.execute(f'PRAGMA table_info("{table.replace(chr(34), chr(34) * 2)}")')
            database.columns[table.lower()] = {str(row[1]).lower(): str(row[1]) for row in info}
    except sqlite3.DatabaseError as err:
        connection.close()
        raise DamagedDatabase(
            f"SQLite cannot read the schema of {path.name}: {err} (truncated or damaged copy?)"
        ) from err
    return database


def _missing_pages(header: bytes, file_size: int) -> int:
    """Pages the header counts beyond the end of the file (0 when the count is not valid)."""
    if len(header) < 100:
        return 0
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65_536 if page_size == 1 else page_size
    change_counter, counted, valid_for = header[24:28], int.from_bytes(header[28:32], "big"), header[92:96]
    if page_size < 512 or change_counter != valid_for or counted == 0:
        return 0
    return max(0, counted - -(-file_size // page_size))


def _lenient_text(failures: list[bytes]) -> Callable[[bytes], str]:
    """A text factory: strict UTF-8, else U+FFFD replacements with the raw bytes noted for a warning."""

    def decode(raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            failures.append(raw)
            return raw.decode("utf-8", errors="replace")

    return decode
