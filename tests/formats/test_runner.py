"""`darkroom process` end to end: statuses, records in the store, search, accounts, resumability."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from PIL import Image

from darkroom.formats.coverage import needs_rerun
from tests.conftest import CliRunner, add_args


def _telegram_chat() -> dict[str, object]:
    return {
        "name": "Kari Nilsen",
        "type": "personal_chat",
        "id": 4242,
        "messages": [
            {"id": 1, "type": "message", "date": "2026-01-10T18:00:00", "date_unixtime": "1768064400",
             "from": "Kari Nilsen", "from_id": "user111", "text": "still on for the match on saturday"},
            {"id": 2, "type": "message", "date": "2026-01-10T18:01:00", "date_unixtime": "1768064460",
             "from": "Ola Berg", "from_id": "user222",
             "text": ["sure, ", {"type": "bold", "text": "kickoff"}, " is at three"]},
        ],
    }  # fmt: skip


def _exhibit(root: Path) -> Path:
    source = root / "laptop"
    (source / "Telegram").mkdir(parents=True)
    (source / "Telegram" / "result.json").write_text(json.dumps(_telegram_chat()), encoding="utf-8")
    (source / "Telegram" / "broken.json").write_text(json.dumps(_telegram_chat())[:-25], encoding="utf-8")
    (source / "notes.bin").write_bytes(b"\x00\x01 nothing anyone parses")
    Image.linear_gradient("L").save(source / "photo.jpg", "JPEG")
    with zipfile.ZipFile(source / "export.zip", "w") as archive:
        chat = _telegram_chat()
        chat["id"] = 4343
        archive.writestr("chats/result.json", json.dumps(chat))
    return source


def test_process_records_statuses_and_searchable_messages(
    case_dir: Path, tmp_path: Path, cli: CliRunner
) -> None:
    assert cli(*add_args(case_dir, _exhibit(tmp_path), "EX-1")).code == 0
    result = cli("process", "--case", case_dir, "--workers", "2")
    assert result.code == 0, result.err
    files = {row["path"]: row for row in cli("files", "--case", case_dir, "--json").jsonl()}
    assert files["Telegram/result.json"]["status"] == "parsed"
    assert files["Telegram/result.json"]["format"] == "telegram-json"
    assert files["Telegram/result.json"]["records"] == 3  # 1 conversation + 2 messages
    assert files["export.zip!/chats/result.json"]["status"] == "parsed"
    assert files["Telegram/broken.json"]["status"] == "failed"
    assert "ValueError" in files["Telegram/broken.json"]["error"]
    assert files["notes.bin"]["status"] == "unsupported"
    assert files["notes.bin"]["error"] == "no parser recognised this file"
    assert files["photo.jpg"]["status"] == "unsupported"
    assert "media stage" in files["photo.jpg"]["error"]
    assert files["export.zip"]["format"] == "archive"
    failed = cli("files", "--case", case_dir, "--status", "failed", "--json").jsonl()
    assert [row["path"] for row in failed] == ["Telegram/broken.json"]

    hits = cli("search", "kickoff", "--case", case_dir, "--json").jsonl()
    assert len(hits) == 2  # the same chat on disk and inside the zip
    assert {hit["file"] for hit in hits} == {"Telegram/result.json", "export.zip!/chats/result.json"}
    assert all("[kickoff]" in hit["snippet"] for hit in hits)
    assert hits[0]["sender"] == "user222"
    assert hits[0]["sent_at_utc"] == "2026-01-10T17:01:00.000000+00:00"
    accounts = {row["handle"]: row for row in cli("accounts", "--case", case_dir, "--json").jsonl()}
    assert accounts["user111"]["messages"] == 2
    assert accounts["user111"]["display_names"] == ["Kari Nilsen"]
    assert accounts["user111"]["exhibit_refs"] == ["EX-1"]
    assert accounts["user111"]["first_seen_utc"] == "2026-01-10T17:00:00.000000+00:00"

    again = cli("process", "--case", case_dir)
    assert "processed 0 files this run" in again.out
    with sqlite3.connect(case_dir / "case.db") as db:
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 4
        actions = [r[0] for r in db.execute("SELECT action FROM audit_log")]
    assert actions.count("process.run") == 2


def test_search_filters_and_bad_queries(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    assert cli(*add_args(case_dir, _exhibit(tmp_path), "EX-1")).code == 0
    assert cli("process", "--case", case_dir).code == 0
    assert cli("search", "match", "--case", case_dir, "--account", "user222", "--json").jsonl() == []
    assert len(cli("search", "match", "--case", case_dir, "--account", "user111", "--json").jsonl()) == 2
    assert cli("search", "match", "--case", case_dir, "--since", "2026-02-01", "--json").jsonl() == []
    by_name = cli("search", "KARI nils", "--names", "--case", case_dir, "--json").jsonl()
    assert [hit["handle"] for hit in by_name] == ["user111"]
    assert cli("search", "nobody-like-this", "--names", "--case", case_dir, "--json").jsonl() == []
    bad = cli("search", '"unclosed', "--case", case_dir)
    assert bad.code == 2
    assert "cannot search" in bad.err


def test_rerun_rules() -> None:
    versions = {"telegram-json": "2"}
    assert needs_rerun("parsed", "telegram-json", "1", versions, "registry:x")
    assert not needs_rerun("parsed", "telegram-json", "2", versions, "registry:x")
    assert needs_rerun("unsupported", None, "registry:old", versions, "registry:x")
    assert not needs_rerun("unsupported", None, "registry:x", versions, "registry:x")
    assert not needs_rerun("parsed", "archive", "1", versions, "registry:x")


EMAIL_WITH_FORWARD = (
    "From: Kari Nilsen <kari@example.com>\r\nTo: Ola Berg <ola@example.org>\r\n"
    "Subject: Fwd: match tickets\r\nDate: Sat, 10 Jan 2026 18:00:00 +0100\r\n"
    "Message-ID: <a1@example.com>\r\nMIME-Version: 1.0\r\n"
    'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    "--b1\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
    "--b1\r\nContent-Type: text/plain\r\n"
    'Content-Disposition: attachment; filename="seats.txt"\r\n\r\nrow 12\r\n'
    "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
    "From: Box Office <tickets@example.net>\r\nTo: Kari Nilsen <kari@example.com>\r\n"
    "Subject: your tickets\r\nDate: Fri, 09 Jan 2026 09:00:00 +0100\r\n\r\ntwo tickets for saturday\r\n"
    "--b1--\r\n"
)


def test_attachments_and_attached_messages_are_linked(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    source = tmp_path / "mail"
    source.mkdir()
    (source / "forward.eml").write_text(EMAIL_WITH_FORWARD, encoding="utf-8")
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    assert cli("process", "--case", case_dir).code == 0
    with sqlite3.connect(case_dir / "case.db") as db:
        messages = db.execute("SELECT id, body, parent_message_id FROM messages ORDER BY id").fetchall()
        attachments = db.execute("SELECT message_id, name FROM message_attachments").fetchall()
    assert len(messages) == 2
    carrier, forwarded = messages
    assert forwarded[2] == carrier[0]
    assert "two tickets" in forwarded[1]
    assert (carrier[0], "seats.txt") in attachments
