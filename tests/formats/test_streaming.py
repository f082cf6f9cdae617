"""`darkroom process` stores a file's records as the worker sends them, in parts, in one
transaction: a parse that fails half-way keeps nothing of the file, a worker that dies half-way
has its file parsed again from the start (stored once), and the identifiers the worker read in the
message bodies are those the identifier stage finds."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from darkroom.formats.base import AccountRef, ParsedAccount, ParsedConversation, ParsedMessage
from darkroom.formats.runner import STREAM_FROM_RECORDS
from darkroom.formats.stream import CHUNK_MESSAGES, ChunkBuilder
from darkroom.model import MessageKind
from darkroom.store import CaseStore
from darkroom.store.records import FileSource, RecordWriter
from tests.conftest import add_args

MESSAGES = 25_000  # more than two chunks, and past the point where the writer stores as they come
PLUGIN = '''
from __future__ import annotations
import os
from pathlib import Path
from darkroom.formats.base import AccountRef, ParsedConversation, ParsedMessage
from darkroom.model import MessageKind


class Notes:
    """Claims NOTES/BREAK/DIEONCE files: many messages; BREAK raises and DIEONCE dies half-way."""

    name = "notes"
    version = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        return 1.0 if head.startswith((b"NOTES", b"BREAK", b"DIEONCE")) else 0.0

    def parse(self, path: Path, ctx):
        kind = path.read_bytes().split()[0]
        yield ParsedConversation("c", "notes", "notes", False, "line 1")
        people = [AccountRef("notes", f"person{n}", f"Person {n}") for n in range(3)]
        for n in range(MESSAGES):
            if n == 22_000 and kind == b"BREAK":  # after the writer began to store it
                raise ValueError("the notes end in garbage")
            if n == 22_000 and kind == b"DIEONCE":
                marker = Path(os.environ["NOTES_MARKERS"]) / path.name
                if not marker.exists():
                    marker.touch()
                    os._exit(9)
            body = f"note {n}" + (f" call +44 7700 900{n % 1000:03d}" if n % 100 == 0 else "")
            sender = people[n % 3]
            yield ParsedMessage("c", sender, None, None, None, body, MessageKind.TEXT, f"line {n + 2}")
'''.replace("MESSAGES", str(MESSAGES))


def _install_plugin(root: Path) -> Path:
    site = root / "site"
    info = site / "notes_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (site / "notes_plugin.py").write_text(PLUGIN, encoding="utf-8")
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: notes-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[darkroom.formats]\nnotes = notes_plugin:Notes\n", encoding="utf-8"
    )
    return site


def _darkroom(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    darkroom = str(Path(sys.executable).with_name("darkroom"))
    return subprocess.run([darkroom, *map(str, args)], capture_output=True, text=True, env=env, check=False)


def _occurrences(db: sqlite3.Connection) -> list[tuple[object, ...]]:
    return sorted(
        db.execute(
            "SELECT i.kind, i.value_norm, o.raw_value, f.display_path, o.locator, o.message_id IS NOT NULL "
            "FROM identifier_occurrences o JOIN identifiers i ON i.id = o.identifier_id "
            "JOIN files f ON f.id = o.file_id"
        )
    )


@pytest.mark.slow
def test_streamed_files_are_stored_whole_or_not_at_all(case_dir: Path, tmp_path: Path) -> None:
    assert STREAM_FROM_RECORDS < 22_000 < MESSAGES  # the failures come after the writer began
    source = tmp_path / "phone"
    source.mkdir()
    (source / "a.notes").write_bytes(b"NOTES fine")
    (source / "b.notes").write_bytes(b"BREAK half-way")
    (source / "c.notes").write_bytes(b"DIEONCE half-way")
    markers = tmp_path / "markers"
    markers.mkdir()
    site = _install_plugin(tmp_path)
    python_path = os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": python_path, "NOTES_MARKERS": str(markers)}
    assert _darkroom(env, *add_args(case_dir, source, "EX-1")).returncode == 0
    done = _darkroom(env, "process", "--case", case_dir, "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert (markers / "c.notes").exists()  # the DIEONCE file did kill its first worker
    files = {
        row["path"]: row
        for row in map(json.loads, _darkroom(env, "files", "--case", case_dir, "--json").stdout.splitlines())
    }
    assert files["a.notes"]["status"] == "parsed"
    assert files["a.notes"]["records"] == MESSAGES + 1
    assert files["b.notes"]["status"] == "failed"
    assert "the notes end in garbage" in files["b.notes"]["error"]
    assert files["c.notes"]["status"] == "parsed"
    assert files["c.notes"]["records"] == MESSAGES + 1
    with sqlite3.connect(case_dir / "case.db") as db:
        per_file = dict(
            db.execute(
                "SELECT f.path, COUNT(m.id) FROM files f LEFT JOIN messages m ON m.file_id = f.id "
                "GROUP BY f.id"
            )
        )
        fts_rows = db.execute("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'note'").fetchone()[
            0
        ]
        streamed = _occurrences(db)
        db.execute("DELETE FROM identifier_occurrences")
        db.execute("DELETE FROM identifier_passes")
    assert per_file == {b"a.notes": MESSAGES, b"b.notes": 0, b"c.notes": MESSAGES}
    assert fts_rows == 2 * MESSAGES
    message_hits = [row for row in streamed if row[5]]
    assert len(message_hits) == 2 * MESSAGES // 100
    # The identifier stage, reading the stored text itself, finds exactly what the workers found.
    again = _darkroom(env, "process", "--case", case_dir)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(case_dir / "case.db") as db:
        assert _occurrences(db) == streamed


def _message(
    n: int, key: str | None = None, parent: str | None = None, conversation: str = "c"
) -> ParsedMessage:
    sender = AccountRef("notes", f"person{n % 2}", f"Person {n % 2}")
    return ParsedMessage(
        conversation,
        sender,
        None,
        None,
        None,
        f"note {n}",
        MessageKind.TEXT,
        f"line {n}",
        key=key,
        parent_key=parent,
    )


def _case_with_a_file(root: Path) -> CaseStore:
    store = CaseStore.create(root, "t", "NO", "Europe/Oslo")
    with store.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO exhibits (id, ref, source_path, source_kind, seized_from, seized_at_utc, seized_by, "
            "intake_status, registered_at_utc) "
            "VALUES (1, 'EX-1', x'2f', 'folder', 'a', 'b', 'c', 'complete', 'd')"
        )
        conn.exec_driver_sql(
            "INSERT INTO files (id, exhibit_id, path, display_path, entry_kind, is_archive, recorded_at_utc) "
            "VALUES (1, 1, x'61', 'a', 'file', 0, 'd')"
        )
    return store


class _Rollback(Exception):
    pass


def test_accounts_of_a_rolled_back_file_are_not_reused(tmp_path: Path) -> None:
    store = _case_with_a_file(tmp_path / "case")
    writer = RecordWriter("NO")
    with pytest.raises(_Rollback), store.write() as conn:
        writer.open_file(conn, FileSource(1, 1)).add_records(
            [ParsedAccount(AccountRef("notes", "person0"), "x")]
        )
        raise _Rollback
    writer.rolled_back()
    with store.write() as conn:  # the account is created again, not taken from the writer's memory
        file_write = writer.open_file(conn, FileSource(1, 1))
        file_write.add_records([ParsedConversation("c", "notes", "notes", False, "line 0")])
        builder = ChunkBuilder(None)
        builder.add(_message(0))
        chunk = builder.take()
        assert chunk is not None
        file_write.add_messages(chunk)
        assert file_write.finish().messages == 1
    store.close()


def test_the_writer_places_chunks_links_across_them_and_notes_what_it_cannot_place(tmp_path: Path) -> None:
    store = _case_with_a_file(tmp_path / "case")
    with store.write() as conn:
        file_write = RecordWriter("NO").open_file(conn, FileSource(1, 1))
        file_write.add_records([ParsedConversation("c", "notes", "notes", False, "line 0")])
        first, second = ChunkBuilder(None), ChunkBuilder(None)
        first.add(_message(1, parent="k3"))  # its parent comes in the next chunk
        first.add(_message(2, conversation="nowhere"))
        second.add(_message(3, key="k3"))
        second.add(_message(4, parent="missing"))
        for builder in (first, second):
            chunk = builder.take()
            assert chunk is not None
            file_write.add_messages(chunk)
        counts = file_write.finish()
        rows = conn.exec_driver_sql("SELECT locator, parent_message_id FROM messages ORDER BY id").all()
        ids = {locator: n for n, (locator, _parent) in enumerate(rows, start=1)}
        names = conn.exec_driver_sql("SELECT display_name, locator FROM account_names ORDER BY 1").all()
    store.close()
    assert counts.messages == 3
    assert counts.problems == [
        ("line 2", "message names unknown conversation 'nowhere'"),
        ("line 4", "parent message 'missing' not in this file"),
    ]
    assert [row[0] for row in rows] == ["line 1", "line 3", "line 4"]
    assert rows[0][1] == ids["line 3"]
    assert names == [("Person 0", "line 4"), ("Person 1", "line 1")]
    assert CHUNK_MESSAGES > 4  # the chunks above were cut by hand


def test_first_and_last_seen_come_from_the_placed_messages_of_every_chunk(tmp_path: Path) -> None:
    store = _case_with_a_file(tmp_path / "case")
    kari = AccountRef("notes", "kari", "Kari")
    times = {n: datetime(2025, 1, n, 12, 0, tzinfo=UTC) for n in range(1, 6)}
    with store.write() as conn:
        file_write = RecordWriter("NO").open_file(conn, FileSource(1, 1))
        file_write.add_records([ParsedConversation("c", "notes", "notes", False, "line 0")])
        for days in (((3, "c"), (2, "c")), ((4, "c"), (5, "nowhere"), (1, "c"))):
            builder = ChunkBuilder(None)
            for day, conversation in days:
                raw = f"day {day}"
                builder.add(
                    ParsedMessage(conversation, kari, times[day], raw, None, "x", MessageKind.TEXT, raw)
                )
            chunk = builder.take()
            assert chunk is not None
            file_write.add_messages(chunk)
        file_write.finish()
        seen = conn.exec_driver_sql("SELECT first_seen_utc, last_seen_utc FROM accounts").one()
    store.close()
    # day 5 was in a conversation the file never named: not placed, so not seen
    assert tuple(seen) == (
        times[1].isoformat(timespec="microseconds"),
        times[4].isoformat(timespec="microseconds"),
    )
