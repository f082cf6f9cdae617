"""A tiny parsed case written straight into the store: two exhibits, one chat seized on both
(the same messages twice), with a planned event, a decoy and small talk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from darkroom.store import CaseStore
from darkroom.store.case import execute_many

SEIZED = datetime(2026, 3, 6, 6, 10, tzinfo=UTC)  # the day after the plan was written
# (minutes after the first message, sender: 1 = Ola, 2 = Kari, body)
CHAT: list[tuple[int, int, str]] = [
    (0, 1, "Did you see the match last night?"),
    (5, 2, "Yes, awful second half"),
    (60 * 24 * 3, 1, "Her mum is away next Saturday, so I'm looking after the little one on my own"),
    (60 * 24 * 3 + 4, 2, "Ok. Can I come over then?"),
    (60 * 24 * 3 + 9, 1, "Yes, come round in the evening. Delete this chat after"),
    (60 * 24 * 6, 2, "Shall we meet up at the cabin next Sunday?"),
    (60 * 24 * 6 + 3, 1, "Sure, I'll come over after lunch"),
    (60 * 24 * 8, 1, "I'm not looking after her on Friday after all"),
    (60 * 24 * 8 + 2, 2, "Ok. Come over for the match instead?"),
]
FIRST = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday; the plan is written on Thursday 5 March


@dataclass(frozen=True)
class TinyCase:
    root: Path
    store: CaseStore


def _insert_chat(store: CaseStore, exhibit_id: int, file_id: int, conversation_id: int) -> None:
    with store.write() as conn:
        conn.execute(
            text(
                "INSERT INTO files (id, exhibit_id, path, display_path, entry_kind, recorded_at_utc) "
                "VALUES (:f, :e, :p, :p, 'file', '2026-03-20T00:00:00.000000+00:00')"
            ),
            {"f": file_id, "e": exhibit_id, "p": f"chat-{file_id}.txt"},
        )
        conn.execute(
            text(
                "INSERT INTO file_parses (file_id, parser, parser_version, status, parsed_at_utc) "
                "VALUES (:f, 'whatsapp-txt', '1', 'parsed', '2026-03-20T00:00:00.000000+00:00')"
            ),
            {"f": file_id},
        )
        conn.execute(
            text(
                "INSERT INTO conversations (id, platform, title, exhibit_id, file_id, locator) "
                "VALUES (:c, 'whatsapp', 'Ola', :e, :f, 'file')"
            ),
            {"c": conversation_id, "e": exhibit_id, "f": file_id},
        )
        execute_many(
            conn,
            "INSERT INTO conversation_participants (conversation_id, account_id) VALUES (?, ?)",
            [(conversation_id, 1), (conversation_id, 2)],
        )
        rows = [
            (conversation_id, sender, (FIRST + timedelta(minutes=minutes)).isoformat(timespec="microseconds"),
             body, exhibit_id, file_id, f"line {index + 1}")
            for index, (minutes, sender, body) in enumerate(CHAT)
        ]  # fmt: skip
        execute_many(
            conn,
            "INSERT INTO messages (conversation_id, sender_account_id, sent_at_utc, body, kind, exhibit_id, "
            "file_id, locator) VALUES (?, ?, ?, ?, 'text', ?, ?, ?)",
            rows,
        )


@pytest.fixture
def tiny_case(tmp_path: Path) -> TinyCase:
    root = tmp_path / "case"
    store = CaseStore.create(root, "Operation Tiny", "NO", "Europe/Oslo")
    with store.write() as conn:
        for exhibit_id, seized in ((1, SEIZED), (2, SEIZED + timedelta(days=20))):
            conn.execute(
                text(
                    "INSERT INTO exhibits (id, ref, source_path, source_kind, seized_from, seized_at_utc, "
                    "seized_by, intake_status, registered_at_utc) VALUES (:i, :r, x'00', 'folder', "
                    "'someone', :s, 'DC Example', 'complete', '2026-03-20T00:00:00.000000+00:00')"
                ),
                {
                    "i": exhibit_id,
                    "r": f"EX-{exhibit_id:03d}",
                    "s": seized.isoformat(timespec="microseconds"),
                },
            )
        execute_many(
            conn,
            "INSERT INTO accounts (id, platform, handle_norm, handle) VALUES (?, 'whatsapp', ?, ?)",
            [(1, "+4790000001", "+47 900 00 001"), (2, "+4790000002", "+47 900 00 002")],
        )
        execute_many(
            conn,
            "INSERT INTO account_names (account_id, display_name, exhibit_id, file_id, locator) "
            "VALUES (?, ?, NULL, NULL, NULL)",
            [(1, "Ola"), (2, "Kari")],
        )
    _insert_chat(store, 1, 1, 1)
    _insert_chat(store, 2, 2, 2)
    yield TinyCase(root, store)
    store.close()
