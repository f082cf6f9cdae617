"""SQLite files as an iPhone leaves them: the main database, its `-wal` holding the newest rows, a `-shm`.

iOS apps run their stores in WAL mode, so an extraction finds older rows in the main file and the
newest ones only in `NAME-wal`. SQLite puts random salts into the WAL header (and every frame
header); they are replaced by salts from the writer's own random stream and the frame checksums
recomputed, so the same seed gives the same bytes. The `-shm` (a memory-mapped index SQLite rebuilds
from the WAL) is written as 32 KiB of zeros, which readers treat as "rebuild me".
"""

from __future__ import annotations

import random
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from darkroom.synth.artefacts.base import Content, SlotJob, TruthFile, write_file

APPLE_EPOCH_UNIX = 978_307_200
WAL_HEADER = 32
FRAME_HEADER = 24
SHM_SIZE = 32_768
_BIG_ENDIAN_MAGIC = 0x377F0683

Build = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True, slots=True)
class DatabaseFiles:
    """The three files of one database, as bytes."""

    main: bytes
    wal: bytes
    shm: bytes


def apple_seconds(moment: datetime) -> int:
    """Whole seconds since 2001-01-01 UTC (Core Data `TIMESTAMP` columns)."""
    return int(moment.timestamp()) - APPLE_EPOCH_UNIX


def build_database(schema: str, older: Build, newer: Build, rng: random.Random) -> DatabaseFiles:
    """Create `schema`, checkpoint `older`'s rows into the main file and leave `newer`'s in the WAL."""
    with tempfile.TemporaryDirectory(prefix="darkroom-synth-") as folder:
        path = Path(folder) / "store.sqlite"
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA wal_autocheckpoint=0")
            connection.executescript(schema)
            _in_transaction(connection, older)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            _in_transaction(connection, newer)
            main = path.read_bytes()
            wal = Path(f"{path}-wal").read_bytes()
        finally:
            connection.close()
    return DatabaseFiles(main, reseal_wal(wal, rng.getrandbits(32), rng.getrandbits(32)), bytes(SHM_SIZE))


def _in_transaction(connection: sqlite3.Connection, build: Build) -> None:
    connection.execute("BEGIN")
    build(connection)
    connection.execute("COMMIT")


def reseal_wal(wal: bytes, salt_1: int, salt_2: int) -> bytes:
    """The WAL with new salts and every checksum recomputed (header, then frame after frame)."""
    if len(wal) < WAL_HEADER:
        return wal
    magic, _, page_size = struct.unpack(">III", wal[:12])
    big_endian = magic == _BIG_ENDIAN_MAGIC
    header = bytearray(wal[:WAL_HEADER])
    struct.pack_into(">II", header, 16, salt_1, salt_2)
    checksum = _wal_checksum(bytes(header[:24]), (0, 0), big_endian)
    struct.pack_into(">II", header, 24, *checksum)
    resealed = bytearray(header)
    frame_size = FRAME_HEADER + page_size
    for offset in range(WAL_HEADER, len(wal) - frame_size + 1, frame_size):
        frame = bytearray(wal[offset : offset + frame_size])
        struct.pack_into(">II", frame, 8, salt_1, salt_2)
        checksum = _wal_checksum(bytes(frame[:8]), checksum, big_endian)
        checksum = _wal_checksum(bytes(frame[FRAME_HEADER:]), checksum, big_endian)
        struct.pack_into(">II", frame, 16, *checksum)
        resealed += frame
    return bytes(resealed)


def _wal_checksum(data: bytes, start: tuple[int, int], big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum (walChecksumBytes): running sums over pairs of 32-bit words."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    first, second = start
    for index in range(0, len(words), 2):
        first = (first + words[index] + second) & 0xFFFFFFFF
        second = (second + words[index + 1] + first) & 0xFFFFFFFF
    return first, second


def insert_row(connection: sqlite3.Connection, table: str, values: Mapping[str, object]) -> None:
    """INSERT one row given as column -> value (the columns not named keep their defaults)."""
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values()))


def write_database(
    job: SlotJob, relative: str, files: DatabaseFiles, when: datetime, kind: str, content: Content
) -> list[TruthFile]:
    """Write the database and its `-wal`/`-shm` beside it; the main file carries the content."""
    return [
        write_file(job, relative, files.main, when, kind, content),
        write_file(job, f"{relative}-wal", files.wal, when, "sqlite-wal"),
        write_file(job, f"{relative}-shm", files.shm, when, "sqlite-shm"),
    ]
