"""A small processed case for package and export tests, built once per session through the real
pipeline (intake, process, media), then given persons and links the way identity resolution would.

Exhibit EX-1 (Ola's laptop): a Telegram chat Ola–Kari (12 messages, one with Ola's phone number),
a chat Ola–"Per" (an undercover officer's account: restricted), a group chat, a broken export
(fails), an unknown binary (unsupported), a picture (media). Exhibit EX-2 (Kari's phone): a
Telegram chat Kari–Ola on a second account of Ola's, linked by the model only.
Everything is synthetic and bland: adults arranging football, groceries and work.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import Connection, text

from darkroom.cli.app import run
from darkroom.evidence import audit
from darkroom.store import CaseStore

START = datetime(2026, 1, 10, 17, 0, tzinfo=UTC)
OLA, KARI, PER, LISE, OLA2 = "user222", "user111", "user333", "user444", "user999"
PHONE = "+44 7700 900123"

CHAT_OLA_KARI = [
    (OLA, "Ola Berg", "are you still on for the match on saturday?"),
    (KARI, "Kari Nilsen", "yes, kickoff is at three"),
    (OLA, "Ola Berg", "great, I will bring the flask"),
    (KARI, "Kari Nilsen", "can you pick up bread on the way"),
    (OLA, "Ola Berg", "sure, call me on " + PHONE + " if plans change"),
    (KARI, "Kari Nilsen", "noted"),
    (OLA, "Ola Berg", "parking is tricky near the stadium"),
    (KARI, "Kari Nilsen", "take the bus then"),
    (OLA, "Ola Berg", "fine, the 12 leaves at half past one"),
    (KARI, "Kari Nilsen", "see you at the gate"),
    (OLA, "Ola Berg", "do not forget the tickets"),
    (KARI, "Kari Nilsen", "they are in my bag"),
]
CHAT_OLA_PER = [
    (PER, "Per", "hello, is the bike still for sale?"),
    (OLA, "Ola Berg", "yes, it is in the shed"),
    (PER, "Per", "can I see it on monday"),
    (OLA, "Ola Berg", "monday evening works"),
]
GROUP = [
    (LISE, "Lise Dahl", "who is bringing snacks for the quiz"),
    (OLA, "Ola Berg", "I can do crisps"),
    (KARI, "Kari Nilsen", "I will bring lemonade"),
]
CHAT_KARI_OLA2 = [
    (KARI, "Kari Nilsen", "new number? the rota is out"),
    (OLA2, "Ola B", "yes this is my work phone, thanks for the rota"),
    (KARI, "Kari Nilsen", "you are on the early shift on friday"),
]


def _chat(name: str, chat_id: int, lines: list[tuple[str, str, str]], kind: str = "personal_chat") -> dict:
    messages = []
    for index, (from_id, sender, body) in enumerate(lines):
        sent = START + timedelta(days=chat_id, minutes=7 * index)
        messages.append(
            {"id": index + 1, "type": "message", "date": sent.strftime("%Y-%m-%dT%H:%M:%S"),
             "date_unixtime": str(int(sent.timestamp())), "from": sender, "from_id": from_id, "text": body}
        )  # fmt: skip
    return {"name": name, "type": kind, "id": chat_id, "messages": messages}


def _write(path: Path, chat: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(chat), encoding="utf-8")


def _exhibits(root: Path) -> tuple[Path, Path]:
    laptop, phone = root / "laptop", root / "phone"
    _write(laptop / "Telegram" / "kari" / "result.json", _chat("Kari Nilsen", 1, CHAT_OLA_KARI))
    _write(laptop / "Telegram" / "per" / "result.json", _chat("Per", 2, CHAT_OLA_PER))
    _write(laptop / "Telegram" / "quiz" / "result.json", _chat("Quiz night", 3, GROUP, "private_group"))
    (laptop / "Telegram" / "broken.json").write_text(json.dumps(_chat("x", 9, GROUP))[:-30], encoding="utf-8")
    (laptop / "notes.bin").write_bytes(b"\x00\x01 nothing anyone parses")
    Image.linear_gradient("L").resize((320, 240)).save(laptop / "photo.jpg", "JPEG")
    _write(phone / "Telegram" / "result.json", _chat("Ola B", 4, CHAT_KARI_OLA2))
    return laptop, phone


def _cli(*args: str | Path) -> None:
    code = run([str(a) for a in args])
    if code != 0:
        raise RuntimeError(f"darkroom {' '.join(map(str, args))} exited {code}")


SEIZURE = ["--seized-at", "2026-03-14T06:10", "--seized-by", "DC Example", "--actor", "examiner1"]


@dataclass(frozen=True)
class BuiltCase:
    root: Path
    ola: int
    kari: int
    photo_file_id: int


def _account(conn: Connection, handle: str) -> int:
    return int(conn.execute(text("SELECT id FROM accounts WHERE handle = :h"), {"h": handle}).scalar_one())


def _identity(store: CaseStore) -> tuple[int, int]:
    """Persons and links as identity resolution and an investigator would leave them."""
    now = "2026-03-20T09:00:00.000000+00:00"
    with store.write() as conn:
        ola, ola2, kari, per = (_account(conn, h) for h in (OLA, OLA2, KARI, PER))
        conn.execute(text("UPDATE accounts SET restricted = 1 WHERE id = :a"), {"a": per})
        conn.execute(
            text("INSERT INTO persons (id, label, restricted, created_at_utc) VALUES "
                 "(1, 'Ola Berg', 0, :t), (2, 'Kari Nilsen', 0, :t), (3, 'Per Undercover', 1, :t)"),
            {"t": now},
        )  # fmt: skip
        links = [
            (1, ola, "deterministic", None, json.dumps({"shared phone": "+447700900123"}), 1),
            (
                1,
                ola2,
                "model",
                0.87,
                json.dumps({"display name": "Ola B ~ Ola Berg", "match weight": 6.2}),
                0,
            ),
            (2, kari, "deterministic", None, "{}", 0),
            (3, per, "investigator", None, "{}", 1),
        ]
        conn.exec_driver_sql("INSERT INTO person_links VALUES (?, ?, ?, ?, ?, ?)", links)
        entry = audit.append(conn, "examiner1", "identity.confirm", "person:1", {"account": ola})
        conn.execute(
            text("INSERT INTO decisions (kind, subject, object_ref, reason, actor, at_utc, audit_seq) VALUES "
                 "('identity.confirm', 'person:1', :o, 'phone on the seizure record', 'examiner1', :t, :s)"),
            {"o": f"account:{ola}", "t": now, "s": entry.seq},
        )  # fmt: skip
    return 1, 2


@pytest.fixture(scope="session")
def built_case(tmp_path_factory: pytest.TempPathFactory) -> BuiltCase:
    root = tmp_path_factory.mktemp("reports")
    laptop, phone = _exhibits(root / "evidence")
    case = root / "case"
    _cli(
        "case",
        "init",
        "--case",
        case,
        "--name",
        "Operation Test",
        "--timezone",
        "Europe/Oslo",
        "--actor",
        "x",
    )
    _cli(
        "evidence", "add", laptop, "--case", case, "--exhibit", "EX-1", "--seized-from", "Ola Berg", *SEIZURE
    )
    _cli(
        "evidence",
        "add",
        phone,
        "--case",
        case,
        "--exhibit",
        "EX-2",
        "--seized-from",
        "Kari Nilsen",
        *SEIZURE,
    )
    _cli("process", "--case", case, "--workers", "1", "--actor", "examiner1")
    store = CaseStore.open(case)
    try:
        ola, kari = _identity(store)
        with store.read() as conn:
            photo = int(conn.execute(text("SELECT file_id FROM media")).scalar_one())
    finally:
        store.close()
    _cli(
        "media",
        "categorise",
        "illegal",
        "--file",
        str(photo),
        "--reason",
        "test",
        "--case",
        case,
        "--actor",
        "x",
    )
    _cli("evidence", "verify", "--case", case, "--exhibit", "EX-1", "--actor", "examiner1")
    return BuiltCase(case, ola, kari, photo)


@pytest.fixture
def case_copy(built_case: BuiltCase, tmp_path: Path) -> BuiltCase:
    """A private copy for tests that write to the case (reports and exports append audit rows)."""
    root = tmp_path / "case"
    shutil.copytree(built_case.root, root)
    return BuiltCase(root, built_case.ola, built_case.kari, built_case.photo_file_id)
