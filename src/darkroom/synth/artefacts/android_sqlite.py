"""SQLite databases as an extraction of a running Android phone finds them: file plus `-wal`.

Android opens app databases in WAL mode; the newest rows sit in `NAME-wal` until a checkpoint.
A writer fills the older rows, checkpoints them into the file, then adds the newest rows with
checkpointing off and copies both files while the connection is still open. SQLite puts two
random salts in the WAL header (and every frame); they are replaced from the writer's random
stream and the checksums recomputed, so the same seed gives the same bytes.
"""

from __future__ import annotations

import random
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DatabaseFiles", "Fill", "build_database", "insert_rows"]

Fill = Callable[[sqlite3.Connection], None]
_WAL_HEADER = 32
_FRAME_HEADER = 24
_MAGIC_LITTLE_ENDIAN = 0x377F0682


@dataclass(frozen=True, slots=True)
class DatabaseFiles:
    """The database file's bytes and its `-wal` (None when every row is checkpointed)."""

    database: bytes
    wal: bytes | None


def insert_rows(connection: sqlite3.Connection, table: str, rows: Iterable[Mapping[str, object]]) -> None:
    """INSERT each row (column → value) into `table`."""
    for row in rows:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values()))


def build_database(ddl: str, older: Fill, newer: Fill | None, rng: random.Random) -> DatabaseFiles:
    """Create the schema, checkpoint `older` rows into the file, leave `newer` rows in the WAL."""
    with tempfile.TemporaryDirectory(prefix="darkroom-synth-") as folder:
        path = Path(folder) / "app.db"
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(ddl)
            older(connection)
            connection.commit()
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            wal: bytes | None = None
            if newer is not None:
                connection.execute("PRAGMA wal_autocheckpoint=0")
                newer(connection)
                connection.commit()
                wal = Path(f"{path}-wal").read_bytes() or None
            database = path.read_bytes()  # read while open: closing would checkpoint the WAL
        finally:
            connection.close()
    return DatabaseFiles(database, None if wal is None else _stable_salts(wal, rng))


def _stable_salts(wal: bytes, rng: random.Random) -> bytes:
    """The WAL with salts drawn from `rng` and every checksum recomputed (sqlite.org/fileformat)."""
    magic, _, page_size = struct.unpack(">III", wal[:12])
    order = "<" if magic == _MAGIC_LITTLE_ENDIAN else ">"
    salts = struct.pack(">II", rng.getrandbits(32), rng.getrandbits(32))
    header = bytearray(wal[:_WAL_HEADER])
    header[16:24] = salts
    checksum = _checksum(bytes(header[:24]), (0, 0), order)
    header[24:32] = struct.pack(">II", *checksum)
    out = bytearray(header)
    frame_size = _FRAME_HEADER + page_size
    for start in range(_WAL_HEADER, len(wal) - frame_size + 1, frame_size):
        frame = bytearray(wal[start : start + frame_size])
        frame[8:16] = salts
        checksum = _checksum(bytes(frame[:8]) + bytes(frame[_FRAME_HEADER:]), checksum, order)
        frame[16:24] = struct.pack(">II", *checksum)
        out += frame
    return bytes(out)


def _checksum(data: bytes, seed: tuple[int, int], order: str) -> tuple[int, int]:
    """SQLite's WAL checksum over 32-bit words taken in pairs, continuing from `seed`."""
    first, second = seed
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for index in range(0, len(words), 2):
        first = (first + words[index] + second) & 0xFFFFFFFF
        second = (second + words[index + 1] + first) & 0xFFFFFFFF
    return first, second
