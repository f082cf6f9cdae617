"""The audit chain: every tampering (edit, delete, insert, reorder, cut-off tail, recompute) is caught."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest

from darkroom.evidence.audit import GENESIS_HASH, compute_row_hash
from tests.conftest import CliRunner, add_args


@pytest.fixture
def busy_case(case_dir: Path, tmp_path: Path, cli: CliRunner) -> Path:
    """A case with several audit rows (init, two registrations, a verification)."""
    for ref in ("EX-1", "EX-2"):
        source = tmp_path / ref
        source.mkdir()
        (source / "a.txt").write_text(f"exhibit {ref}")
        assert cli(*add_args(case_dir, source, ref), "--actor", "examiner2").code == 0
    assert cli("evidence", "verify", "--case", case_dir).code == 0
    return case_dir


def _tamper(case: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """What an attacker with the database file could do: drop the guards, rewrite rows."""
    with sqlite3.connect(case / "case.db") as db:
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("DROP TRIGGER audit_log_no_delete")
        for sql, params in statements:
            db.execute(sql, params)


def _rows(case: Path) -> list[tuple]:
    with sqlite3.connect(case / "case.db") as db:
        return db.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()


def _verify(cli: CliRunner, case: Path, *extra: str) -> tuple[int, str]:
    result = cli("audit", "verify", "--case", case, *extra)
    return result.code, result.out + result.err


def test_intact_chain_verifies_and_log_shows_actors(busy_case: Path, cli: CliRunner) -> None:
    code, text = _verify(cli, busy_case)
    assert code == 0, text
    assert "audit chain intact: 7 rows" in text
    log = cli("audit", "log", "--case", busy_case, "--json").jsonl()
    assert [e["seq"] for e in log] == list(range(1, 8))
    assert log[0]["actor"] == "examiner1"
    assert log[1]["actor"] == "examiner2"
    assert log[0]["prev_hash"] == GENESIS_HASH
    assert all(b["prev_hash"] == a["row_hash"] for a, b in itertools.pairwise(log))
    heads = (busy_case / "audit.anchor").read_text().splitlines()
    assert heads[-1].split("\t")[:2] == [str(log[-1]["seq"]), log[-1]["row_hash"]]


def test_the_database_refuses_updates_and_deletes(busy_case: Path) -> None:
    with sqlite3.connect(busy_case / "case.db") as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM audit_log WHERE seq = 2")


def test_edited_row_is_named(busy_case: Path, cli: CliRunner) -> None:
    _tamper(busy_case, ("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3", ()))
    code, text = _verify(cli, busy_case)
    assert code == 3
    assert "row 3: its content does not match its hash; the row was edited" in text


def test_deleted_row_is_named(busy_case: Path, cli: CliRunner) -> None:
    _tamper(busy_case, ("DELETE FROM audit_log WHERE seq = 4", ()))
    code, text = _verify(cli, busy_case)
    assert code == 3
    assert "row 5: expected row 4 here" in text


def test_inserted_row_is_named(busy_case: Path, cli: CliRunner) -> None:
    rows = _rows(busy_case)
    forged = (rows[2][0] + 0.5, *rows[2][1:])  # a row squeezed between 3 and 4
    _tamper(busy_case, ("UPDATE audit_log SET seq = seq + 100 WHERE seq > 3", ()),
            ("INSERT INTO audit_log VALUES (4, ?, ?, ?, ?, ?, ?, ?)", (*forged[1:7], "f" * 64)),
            ("UPDATE audit_log SET seq = seq - 99 WHERE seq > 100", ()))  # fmt: skip
    code, text = _verify(cli, busy_case)
    assert code == 3
    assert "row 4:" in text


def test_reordered_rows_are_named(busy_case: Path, cli: CliRunner) -> None:
    rows = _rows(busy_case)
    _tamper(busy_case, ("DELETE FROM audit_log WHERE seq IN (5, 6)", ()),
            (f"INSERT INTO audit_log VALUES (5, {', '.join('?' * 7)})", tuple(rows[5][1:])),
            (f"INSERT INTO audit_log VALUES (6, {', '.join('?' * 7)})", tuple(rows[4][1:])))  # fmt: skip
    code, text = _verify(cli, busy_case)
    assert code == 3
    assert "row 5: its previous-hash does not match row 4" in text


def test_cut_off_tail_is_caught_by_the_anchor(busy_case: Path, cli: CliRunner) -> None:
    _tamper(busy_case, ("DELETE FROM audit_log WHERE seq > 6", ()))
    code, text = _verify(cli, busy_case)
    assert code == 3
    assert "the chain ends at row 6 but the anchor recorded row 7" in text


def test_recomputed_chain_is_caught_by_the_anchor_and_by_a_kept_head(busy_case: Path, cli: CliRunner) -> None:
    kept_head = _rows(busy_case)[-1][7]
    rows = _rows(busy_case)
    statements: list[tuple[str, tuple[object, ...]]] = []
    prev = GENESIS_HASH
    for seq, at, real_actor, action, obj, details, _prev, _hash in rows:
        actor = "nobody" if seq == 2 else real_actor
        new_hash = compute_row_hash(seq, at, actor, action, obj, details, prev)
        statements.append(("UPDATE audit_log SET actor = ?, prev_hash = ?, row_hash = ? WHERE seq = ?",
                           (actor, prev, new_hash, seq)))  # fmt: skip
        prev = new_hash
    _tamper(busy_case, *statements)
    code, text = _verify(cli, busy_case)
    assert code == 3
    assert "row 2: its hash differs from the one the anchor recorded" in text
    (busy_case / "audit.anchor").unlink()
    code, text = _verify(cli, busy_case, "--head", kept_head)
    assert code == 3
    assert "anchor file audit.anchor is missing" in text


def test_a_head_kept_elsewhere_must_be_in_the_chain(busy_case: Path, cli: CliRunner) -> None:
    head = _rows(busy_case)[4][7]
    assert _verify(cli, busy_case, "--head", head)[0] == 0
    code, text = _verify(cli, busy_case, "--head", "a" * 64)
    assert code == 3
    assert "is not in the chain" in text
