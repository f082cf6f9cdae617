"""`darkroom user …`, `darkroom member …` and `darkroom serve`'s refusals."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import CliRunner
from tests.web.conftest import WebCase, log_in

PASSWORD = "a long enough passphrase"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_users_are_made_listed_changed_and_disabled(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, PASSWORD + "\n")
    made = cli("user", "add", "alice", "--role", "admin", "--cases-dir", tmp_path, "--password-stdin")
    assert made.code == 0, made.err
    assert PASSWORD not in made.out + made.err
    assert (tmp_path / "darkroom-server.db").is_file()
    _stdin(monkeypatch, "short\n")
    refused = cli("user", "add", "bob", "--role", "lead", "--cases-dir", tmp_path, "--password-stdin")
    assert refused.code == 2 and "at least" in refused.err
    _stdin(monkeypatch, PASSWORD + "\n")
    assert cli("user", "add", "bob", "--role", "chief", "--cases-dir", tmp_path, "--password-stdin").code == 2
    _stdin(monkeypatch, "")
    assert cli("user", "add", "bob", "--role", "lead", "--cases-dir", tmp_path, "--password-stdin").code == 2
    _stdin(monkeypatch, "another long passphrase\n")
    assert cli("user", "passwd", "alice", "--cases-dir", tmp_path, "--password-stdin").code == 0
    assert cli("user", "disable", "alice", "--cases-dir", tmp_path).code == 0
    listed = cli("user", "list", "--cases-dir", tmp_path, "--json").jsonl()
    assert listed == [{"name": "alice", "role": "admin", "disabled": True}]
    assert cli("user", "disable", "alice", "--enable", "--cases-dir", tmp_path).code == 0
    assert cli("user", "disable", "nobody", "--cases-dir", tmp_path).code == 2


def test_memberships_are_kept_beside_the_case_and_audited_in_it(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tmp_path / "cases" / "op"
    assert cli("case", "init", "--case", case, "--name", "Operation Test").code == 0
    _stdin(monkeypatch, PASSWORD + "\n")
    assert (
        cli(
            "user", "add", "ivan", "--role", "investigator", "--cases-dir", case.parent, "--password-stdin"
        ).code
        == 0
    )
    added = cli("member", "add", "ivan", "--case", case, "--clearance", "restricted", "--actor", "lead1")
    assert added.code == 0, added.err
    assert cli("member", "list", "--case", case, "--json").jsonl() == [
        {"user": "ivan", "case": "Operation Test", "clearance": "restricted"}
    ]
    assert cli("member", "add", "ivan", "--case", case, "--clearance", "secret").code == 2
    assert cli("member", "remove", "ivan", "--case", case, "--actor", "lead1").code == 0
    assert cli("member", "remove", "ivan", "--case", case).code == 2
    assert cli("member", "list", "--case", case, "--json").jsonl() == []
    with sqlite3.connect(case / "case.db") as db:
        rows = db.execute(
            "SELECT actor, action FROM audit_log WHERE action LIKE 'member.%' ORDER BY seq"
        ).fetchall()
    assert rows == [("lead1", "member.add"), ("lead1", "member.remove")]
    assert cli("audit", "verify", "--case", case).code == 0


def test_serve_without_users_says_how_to_create_one(tmp_path: Path, cli: CliRunner) -> None:
    case = tmp_path / "op"
    assert cli("case", "init", "--case", case, "--name", "Operation Test").code == 0
    refused = cli("serve", "--case", case, "--port", "1")
    assert refused.code == 2
    assert "darkroom user add NAME --role admin" in refused.err
    assert cli("serve", "--case", tmp_path / "nothing").code == 2
    assert cli("serve", "--case", case, "--cases-dir", tmp_path).code == 2


def test_demo_ends_by_serving_with_a_printed_demo_password(web_case: WebCase) -> None:
    assert len(web_case.demo_password) >= 12
    assert len(web_case.demo_serve_calls) == 1
    served, host, port = web_case.demo_serve_calls[0]
    assert (host, port) == ("127.0.0.1", 8000)
    assert served.only_case == web_case.case_dir
    demo = log_in(web_case.base_url, "demo", web_case.demo_password)
    assert demo.get("/api/cases").json()[0]["clearance"] == "restricted"
    demo.close()
