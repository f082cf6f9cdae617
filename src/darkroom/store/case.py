"""Opening, creating and transacting on a case folder.

A case folder holds `case.db` (SQLite, WAL), `audit.anchor` (the chain's heads) and
`derived/` for files darkroom makes (working copies, thumbnails, exports). Writes go through
`CaseStore.write()`, which takes SQLite's write lock at BEGIN so audit appends from the CLI
and the web app are serialised, and writes the new audit head to the anchor after commit.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, create_engine, event, select, text
from sqlalchemy.pool import ConnectionPoolEntry

from darkroom.errors import CaseExists, InvalidInput, NotACase
from darkroom.model import CaseInfo
from darkroom.store import schema
from darkroom.store.anchor import ANCHOR_NAME, append_head
from darkroom.store.migrate import apply_migrations
from darkroom.timeutil import from_iso, to_iso, utc_now, zone

CASE_DB_NAME = "case.db"
DERIVED_DIR_NAME = "derived"
AUDIT_HEADS_KEY = "darkroom_audit_heads"
_IMMEDIATE = "darkroom_immediate"


def _set_pragmas(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
    """Per-connection settings: we issue BEGIN ourselves; FULL sync keeps the anchor honest."""
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 60000")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _begin(conn: Connection) -> None:
    """Writers take the lock up front (no deadlock upgrading a read lock); readers defer."""
    immediate = conn.get_execution_options().get(_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _make_engine(db_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{db_path}")
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "begin", _begin)
    return engine


def validate_region(region: str) -> str:
    """An ISO 3166 region phonenumbers knows, upper-cased (`no` → `NO`)."""
    import phonenumbers  # noqa: PLC0415 - its metadata is slow to load and only `case init` needs it

    upper = region.strip().upper()
    if upper not in phonenumbers.SUPPORTED_REGIONS:
        msg = f"unknown region {region!r}; use a two-letter code such as NO, SE, GB, US"
        raise InvalidInput(msg)
    return upper


class CaseStore:
    """One case folder; use `CaseStore.create` or `CaseStore.open`, then `read()`/`write()`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db_path = root / CASE_DB_NAME
        self.anchor_path = root / ANCHOR_NAME
        self.derived_dir = root / DERIVED_DIR_NAME
        self.engine = _make_engine(self.db_path)
        self.last_head: tuple[int, str] | None = None

    @classmethod
    def create(cls, root: Path, name: str, region: str, timezone: str) -> CaseStore:
        """Make a new case folder (which may exist but must not hold a case)."""
        region = validate_region(region)
        zone(timezone)
        if not name.strip():
            raise InvalidInput("a case needs a name (--name)")
        if (root / CASE_DB_NAME).exists():
            msg = f"{root} already holds a case; open it with --case {root}"
            raise CaseExists(msg)
        if root.exists() and not root.is_dir():
            msg = f"{root} exists and is not a folder"
            raise InvalidInput(msg)
        root.mkdir(parents=True, exist_ok=True)
        (root / DERIVED_DIR_NAME).mkdir(exist_ok=True)
        with closing(sqlite3.connect(root / CASE_DB_NAME, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode = WAL")
            apply_migrations(db, str(root))
        store = cls(root)
        settings = {
            "case_id": str(uuid.uuid4()),
            "name": name.strip(),
            "region": region,
            "timezone": timezone,
            "created_at_utc": to_iso(utc_now()),
        }
        with store.write() as conn:
            conn.execute(schema.case_settings.insert(), [{"key": k, "value": v} for k, v in settings.items()])
        return store

    @classmethod
    def open(cls, root: Path) -> CaseStore:
        """Open an existing case, applying any migrations this darkroom ships."""
        if not (root / CASE_DB_NAME).is_file():
            msg = (
                f"{root} is not a darkroom case (no {CASE_DB_NAME}); create one with "
                "`darkroom case init --case DIR --name NAME` or point --case / $DARKROOM_CASE at one"
            )
            raise NotACase(msg)
        with closing(sqlite3.connect(root / CASE_DB_NAME, isolation_level=None)) as db:
            apply_migrations(db, str(root))
        store = cls(root)
        store.derived_dir.mkdir(exist_ok=True)
        return store

    def info(self) -> CaseInfo:
        """The case's name, defaults and schema version."""
        with self.read() as conn:
            rows = dict(conn.execute(select(schema.case_settings.c.key, schema.case_settings.c.value)).all())
            version = current_version_of(conn)
        return CaseInfo(
            case_id=rows["case_id"],
            name=rows["name"],
            region=rows["region"],
            timezone=rows["timezone"],
            created_at=from_iso(rows["created_at_utc"]),
            schema_version=version,
        )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot under WAL, never blocking writers)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction holding the write lock; audit heads go to the anchor on commit."""
        with self.engine.connect() as plain:
            conn = plain.execution_options(**{_IMMEDIATE: True})
            with conn.begin():
                conn.info[AUDIT_HEADS_KEY] = []
                yield conn
            heads: list[tuple[int, str, str]] = conn.info.pop(AUDIT_HEADS_KEY, [])
        for seq, row_hash, at_utc in heads:
            append_head(self.anchor_path, seq, row_hash, at_utc)
            self.last_head = (seq, row_hash)

    def work_dir(self, purpose: str) -> Path:
        """A folder inside the case for derived copies (never the system temp folder)."""
        path = self.derived_dir / purpose
        path.mkdir(parents=True, exist_ok=True)
        return path

    def close(self) -> None:
        """Release pooled connections (tests open many cases)."""
        self.engine.dispose()


def current_version_of(conn: Connection) -> int:
    """Schema version recorded in the case, read inside the caller's transaction."""
    return int(conn.execute(text("SELECT MAX(version) FROM schema_migrations")).scalar_one())


def new_row_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:
        msg = "the insert returned no primary key"
        raise RuntimeError(msg)
    return int(key[0])


def execute_many(conn: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """One driver-level executemany; nothing at all for no rows (the driver refuses an empty list)."""
    if rows:
        conn.exec_driver_sql(sql, list(rows))
