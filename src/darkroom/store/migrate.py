"""Numbered SQL migrations, applied in order when a case is opened; each is atomic."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from darkroom.errors import SchemaTooNew
from darkroom.timeutil import to_iso, utc_now

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered schema change shipped with darkroom."""

    version: int
    name: str
    sql: str


def shipped_migrations() -> list[Migration]:
    """Every migration in `store/migrations/`, by version; gaps are a packaging error."""
    found: list[Migration] = []
    for entry in resources.files("darkroom.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            msg = f"migration numbering has a gap before {migration.version:04d}"
            raise RuntimeError(msg)
    return found


def latest_version() -> int:
    """The schema version this darkroom writes."""
    return shipped_migrations()[-1].version


def current_version(db: sqlite3.Connection) -> int:
    """The schema version recorded in an open database (0 for a new one)."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_utc TEXT NOT NULL)"
    )
    row = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def apply_migrations(db: sqlite3.Connection, case_label: str) -> list[int]:
    """Bring the database to the latest schema; refuse one written by a newer darkroom."""
    migrations = shipped_migrations()
    have = current_version(db)
    newest = migrations[-1].version
    if have > newest:
        msg = (
            f"{case_label} has schema version {have}, but this darkroom knows only up to "
            f"{newest}; upgrade darkroom to open it (nothing was changed)"
        )
        raise SchemaTooNew(msg)
    applied: list[int] = []
    for migration in migrations[have:]:
        record = (
            "INSERT INTO schema_migrations (version, name, applied_at_utc) "
            f"VALUES ({migration.version}, '{migration.name}', '{to_iso(utc_now())}');"
        )
        try:
            db.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n{record}\nCOMMIT;")
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    return applied
