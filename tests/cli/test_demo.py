"""`darkroom demo` end to end: every generated file is registered with the hashes truth.json states."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from darkroom.cli.app import run
from tests.conftest import CliRunner


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo run shared by the read-only tests of this module."""
    out_dir = tmp_path_factory.mktemp("shared") / "demo"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert run(["demo", "--out", str(out_dir), "--no-serve"]) == 0
    return out_dir


def test_demo_registers_every_generated_file(tmp_path: Path, cli: CliRunner) -> None:
    out_dir = tmp_path / "demo"
    result = cli("demo", "--out", out_dir, "--no-serve")
    assert result.code == 0, result.err
    case = out_dir / "case"
    assert result.out.rstrip().splitlines()[-1] == f"case folder: {case}"
    assert "audit chain: intact" in result.out
    truth = json.loads((out_dir / "evidence" / "truth.json").read_text())
    with sqlite3.connect(case / "case.db") as db:
        recorded = {
            (ref, display): sha256
            for ref, display, sha256 in db.execute(
                "SELECT e.ref, f.display_path, f.sha256 FROM files f JOIN exhibits e ON e.id = f.exhibit_id"
            )
        }
        statuses = {row[0] for row in db.execute("SELECT intake_status FROM exhibits")}
    assert statuses == {"complete"}
    prefixes = {
        e["ref"]: "" if e["container"] == "folder" else Path(e["path"]).name + "!/" for e in truth["exhibits"]
    }
    expected = {(f["exhibit"], prefixes[f["exhibit"]] + f["path"]): f["sha256"] for f in truth["files"]}
    archives_as_exhibits = {(e["ref"], Path(e["path"]).name): e["archive"]["sha256"]
                            for e in truth["exhibits"] if e["container"] != "folder"}  # fmt: skip
    assert recorded == expected | archives_as_exhibits
    assert cli("audit", "verify", "--case", case).code == 0
    assert cli("evidence", "verify", "--case", case).code == 0


def test_demo_replaces_an_earlier_demo_but_never_another_folder(tmp_path: Path, cli: CliRunner) -> None:
    out_dir = tmp_path / "demo"
    assert cli("demo", "--out", out_dir, "--no-serve").code == 0
    assert cli("demo", "--out", out_dir, "--no-serve").code == 0
    other = tmp_path / "my-files"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    refused = cli("demo", "--out", other, "--no-serve")
    assert refused.code == 2
    assert "not an earlier demo folder" in refused.err
    assert (other / "keep.txt").read_text() == "mine"


def test_eval_scores_every_planted_format(demo_dir: Path, cli: CliRunner) -> None:
    out_dir = demo_dir
    every_row = cli(
        "eval", "--case", out_dir / "case", "--truth", out_dir / "evidence" / "truth.json", "--json"
    )
    rows = [row for row in every_row.jsonl() if row["section"] == "formats"]
    truth = json.loads((out_dir / "evidence" / "truth.json").read_text())
    planted = {(f.get("content") or {}).get("format") or f["kind"] for f in truth["files"]}
    assert {row["kind"] for row in rows} == planted
    assert sum(row["files"] for row in rows) == len(truth["files"])
    planted_messages = sum(
        (f.get("content") or {}).get("message_count", 0) + (f.get("content") or {}).get("system_count", 0)
        for f in truth["files"]
    )
    assert sum(row["messages_planted"] for row in rows) == planted_messages
    bad = cli("eval", "--case", out_dir / "case", "--truth", out_dir / "case" / "audit.anchor")
    assert bad.code == 2


def test_demo_contact_lists_are_recovered_completely(demo_dir: Path, cli: CliRunner) -> None:
    out_dir = demo_dir
    rows = cli(
        "eval", "--case", out_dir / "case", "--truth", out_dir / "evidence" / "truth.json", "--json"
    ).jsonl()
    by_kind = {row["kind"]: row for row in rows if row["section"] == "formats"}
    assert by_kind["vcard"]["files_parsed"] == by_kind["vcard"]["files"]
    assert by_kind["vcard"]["contact_recall"] == 1.0
    assert by_kind["vcard"]["contacts_extra"] == 0


def test_demo_media_is_matched_and_grouped_as_planted(demo_dir: Path, cli: CliRunner) -> None:
    """Every planted known picture and video found (exact and perceptual), no false match,
    known-good flagged, and series never mixing two scenes."""
    rows = cli(
        "eval", "--case", demo_dir / "case", "--truth", demo_dir / "evidence" / "truth.json", "--json"
    ).jsonl()
    match = next(row for row in rows if row["section"] == "media-match")
    assert match["should_match"] > 20 and match["perceptual_should_match"] > 5
    assert match["recall"] == match["precision"] == 1.0
    assert match["known_good_flagged"] == match["known_good_planted"] > 0
    assert match["known_good_wrongly_flagged"] == match["files_missing"] == 0
    series = next(row for row in rows if row["section"] == "media-series")
    assert series["purity"] == 1.0
    assert series["completeness"] >= 0.8  # crops beyond PDQ's reach stay apart


def test_demo_chats_of_every_format_are_recovered_completely(demo_dir: Path, cli: CliRunner) -> None:
    rows = cli(
        "eval", "--case", demo_dir / "case", "--truth", demo_dir / "evidence" / "truth.json", "--json"
    ).jsonl()
    chats = [row for row in rows if row["section"] == "formats" and row["messages_planted"]]
    assert {"whatsapp-android", "whatsapp-ios", "whatsapp-android-db", "whatsapp-ios-db"} <= {
        r["kind"] for r in chats
    }
    for row in chats:
        assert row["files_parsed"] == row["files"], row
        assert row["message_recall"] == 1.0, row
        assert row["messages_extra"] == 0, row


def test_demo_identifiers_are_extracted_without_false_positives(demo_dir: Path, cli: CliRunner) -> None:
    rows = cli(
        "eval", "--case", demo_dir / "case", "--truth", demo_dir / "evidence" / "truth.json", "--json"
    ).jsonl()
    scores = {row["kind"]: row for row in rows if row["section"] == "identifiers"}
    for kind in ("phone", "email"):
        assert scores[kind]["planted_in_evidence"] > 0
        assert scores[kind]["precision"] == 1.0, scores[kind]
        assert scores[kind]["recall"] == 1.0, scores[kind]


def test_database_companions_share_their_database_status(demo_dir: Path, cli: CliRunner) -> None:
    files = cli("files", "--case", demo_dir / "case", "--json").jsonl()
    companions = [row for row in files if row["path"].endswith(("-wal", "-shm", "-journal"))]
    assert companions
    for row in companions:
        assert row["format"] == "sqlite-companion", row
        assert row["status"] == "parsed", row


def test_database_companions_reach_the_parser(demo_dir: Path) -> None:
    """wa.db sits beside msgstore.db in the exhibit; copied with it, it names one-to-one chats."""
    with sqlite3.connect(demo_dir / "case" / "case.db") as db:
        titles = db.execute(
            "SELECT c.title FROM conversations c JOIN files f ON f.id = c.file_id "
            "WHERE f.display_path LIKE '%msgstore.db' AND c.is_group = 0"
        ).fetchall()
    assert titles
    assert all(title for (title,) in titles)
