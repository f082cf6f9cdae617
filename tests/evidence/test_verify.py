"""`evidence verify`: unchanged sources pass; changed, missing and new files are each named."""

from __future__ import annotations

import io
import sqlite3
import zipfile
from pathlib import Path

from tests.conftest import CliRunner, add_args
from tests.evidence.test_intake import make_tree


def _register(case_dir: Path, tmp_path: Path, cli: CliRunner) -> Path:
    source = tmp_path / "phone"
    make_tree(source)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("chat/_chat.txt", "[01/03/2026, 12:00:00] A: see you at the match")
    (source / "export.zip").write_bytes(buffer.getvalue())
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    return source


def test_unchanged_exhibit_verifies_and_is_a_custody_event(
    case_dir: Path, tmp_path: Path, cli: CliRunner
) -> None:
    _register(case_dir, tmp_path, cli)
    result = cli("evidence", "verify", "--case", case_dir, "--json")
    assert result.code == 0, result.err
    (report,) = result.jsonl()
    assert report["ok"] is True
    assert report["checked"] == 8  # 6 files, the zip and its member
    log = cli("audit", "log", "--case", case_dir, "--json").jsonl()
    assert [e["action"] for e in log][-1] == "evidence.verify"
    assert log[-1]["details"]["ok"] is True


def test_changed_missing_and_new_files_are_all_listed(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    source = _register(case_dir, tmp_path, cli)
    (source / "notes.txt").write_bytes(b"meeting moved to friday\n")
    (source / "deep/a/b/c/d.txt").unlink()
    (source / "planted.txt").write_bytes(b"appeared later")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("chat/_chat.txt", "[01/03/2026, 12:00:00] A: see you at the game")
    (source / "export.zip").write_bytes(buffer.getvalue())
    result = cli("evidence", "verify", "--case", case_dir, "--exhibit", "EX-1")
    assert result.code == 3
    assert "CHANGED" in result.out
    assert "changed: notes.txt: content changed" in result.out
    assert "changed: export.zip!/chat/_chat.txt: content changed" in result.out
    assert "missing: deep/a/b/c/d.txt" in result.out
    assert "new: planted.txt" in result.out
    assert "verification found differences in EX-1" in result.err


def test_a_source_that_vanished_is_reported(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    source = _register(case_dir, tmp_path, cli)
    source.rename(tmp_path / "moved")
    result = cli("evidence", "verify", "--case", case_dir, "--json")
    assert result.code == 3
    assert "the whole exhibit source" in result.jsonl()[0]["missing"][0]


def test_an_edited_file_record_in_the_database_is_caught(
    case_dir: Path, tmp_path: Path, cli: CliRunner
) -> None:
    _register(case_dir, tmp_path, cli)
    with sqlite3.connect(case_dir / "case.db") as db:
        db.execute("UPDATE files SET sha256 = ? WHERE path = ?", ("0" * 64, b"notes.txt"))
    result = cli("evidence", "verify", "--case", case_dir, "--json")
    assert result.code == 3
    (report,) = result.jsonl()
    assert report["record_problems"] and "case.db was altered" in report["record_problems"][0]
