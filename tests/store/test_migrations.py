"""The case store: migrations on open, schema version, refusal of newer cases, table views."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from darkroom.errors import CaseExists, InvalidInput, NotACase, SchemaTooNew
from darkroom.store import CaseStore, migrate, schema
from darkroom.store.migrate import (
    Migration,
    apply_migrations,
    current_version,
    latest_version,
    shipped_migrations,
)


def test_new_case_is_at_latest_schema_in_wal_mode(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "c", "Op", "no", "Europe/Oslo")
    info = store.info()
    store.close()
    assert info.schema_version == latest_version() >= 1
    assert info.region == "NO"
    with sqlite3.connect(tmp_path / "c" / "case.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [m.version for m in shipped_migrations()]


def test_every_column_the_code_names_exists_after_migration(tmp_path: Path) -> None:
    CaseStore.create(tmp_path / "c", "Op", "NO", "Europe/Oslo").close()
    with sqlite3.connect(tmp_path / "c" / "case.db") as db:
        for table in schema.metadata.sorted_tables:
            have = {row[1] for row in db.execute(f"PRAGMA table_info({table.name})")}
            assert {c.name for c in table.columns} <= have, table.name


def test_the_model_tables_exist(tmp_path: Path) -> None:
    CaseStore.create(tmp_path / "c", "Op", "NO", "Europe/Oslo").close()
    with sqlite3.connect(tmp_path / "c" / "case.db") as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    expected = {
        "exhibits",
        "files",
        "accounts",
        "identifiers",
        "identifier_occurrences",
        "persons",
        "person_links",
        "conversations",
        "messages",
        "messages_fts",
        "contacts",
        "media",
        "hashsets",
        "hashset_entries",
        "media_matches",
        "decisions",
        "audit_log",
    }
    assert expected <= names


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    CaseStore.create(tmp_path / "c", "Op", "NO", "Europe/Oslo").close()
    with sqlite3.connect(tmp_path / "c" / "case.db", isolation_level=None) as db:
        assert apply_migrations(db, "c") == []
    store = CaseStore.open(tmp_path / "c")
    assert store.info().name == "Op"
    store.close()


def test_a_case_from_a_newer_darkroom_is_refused_untouched(tmp_path: Path) -> None:
    CaseStore.create(tmp_path / "c", "Op", "NO", "Europe/Oslo").close()
    db_path = tmp_path / "c" / "case.db"
    with sqlite3.connect(db_path) as db:
        db.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01T00:00:00+00:00')")
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNew, match=r"schema version 999.*upgrade darkroom"):
        CaseStore.open(tmp_path / "c")
    assert db_path.read_bytes() == before


def test_a_failing_migration_leaves_no_trace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = shipped_migrations()
    bad = Migration(len(real) + 1, "broken", "CREATE TABLE half_done (id INTEGER);\nTHIS IS NOT SQL;")
    with sqlite3.connect(tmp_path / "x.db", isolation_level=None) as db:
        apply_migrations(db, "x")
        monkeypatch.setattr(migrate, "shipped_migrations", lambda: [*real, bad])
        with pytest.raises(sqlite3.OperationalError):
            apply_migrations(db, "x")
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
        assert current_version(db) == len(real)


def test_open_refuses_a_folder_that_is_not_a_case(tmp_path: Path) -> None:
    with pytest.raises(NotACase, match="is not a darkroom case"):
        CaseStore.open(tmp_path)


def test_init_refuses_an_existing_case_and_bad_settings(tmp_path: Path) -> None:
    CaseStore.create(tmp_path / "c", "Op", "NO", "Europe/Oslo").close()
    with pytest.raises(CaseExists):
        CaseStore.create(tmp_path / "c", "Op", "NO", "Europe/Oslo")
    with pytest.raises(InvalidInput, match="unknown time zone"):
        CaseStore.create(tmp_path / "d", "Op", "NO", "Mars/Olympus")
    with pytest.raises(InvalidInput, match="unknown region"):
        CaseStore.create(tmp_path / "e", "Op", "XX", "Europe/Oslo")
