"""Android databases: WhatsApp msgstore.db/wa.db (both schemas), contacts2.db and mmssms.db.

Fixtures are real SQLite files built with the apps' table and column names; the newest rows sit in
an uncheckpointed `-wal` copied beside the database, as an extraction of a running phone has it.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkroom.errors import DamagedDatabase, WrongFormat
from darkroom.formats.android_contacts_db import AndroidContactsDb
from darkroom.formats.android_sms_db import AndroidSmsDb
from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedAttachment,
    ParsedContact,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.whatsapp_android_db import WhatsAppAndroidDb
from darkroom.model import MessageKind

T = TypeVar("T")
Rows = Mapping[str, Iterable[Mapping[str, object]]]
Tables = dict[str, list[dict[str, object]]]
T0 = 1_739_552_640_000  # 2025-02-14T17:04:00Z in ms
OWNER = "447700900999@s.whatsapp.net"
TOM = "447700900111@s.whatsapp.net"
SARA = "447700900222@s.whatsapp.net"
GROUP = "120363000000000001@g.us"

MSGSTORE_DDL = """
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
  agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER,
  subject TEXT, created_timestamp INTEGER, archived INTEGER, sort_timestamp INTEGER);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
  broadcast INTEGER, recipient_count INTEGER, timestamp INTEGER, received_timestamp INTEGER,
  message_type INTEGER, text_data TEXT, starred INTEGER, sort_id INTEGER NOT NULL DEFAULT 0);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, file_path TEXT,
  file_size INTEGER, mime_type TEXT, media_name TEXT, media_caption TEXT, width INTEGER, height INTEGER);
CREATE TABLE message_system (message_row_id INTEGER PRIMARY KEY, action_type INTEGER NOT NULL);
CREATE TABLE message_system_group (message_row_id INTEGER PRIMARY KEY, is_me_joined INTEGER);
CREATE TABLE message_system_chat_participant (message_row_id INTEGER, user_jid_row_id INTEGER);
CREATE TABLE message_location (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, latitude REAL,
  longitude REAL, place_name TEXT);
CREATE TABLE message_quoted (message_row_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  parent_message_chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL, sender_jid_row_id INTEGER,
  key_id TEXT NOT NULL, timestamp INTEGER, message_type INTEGER, text_data TEXT);
CREATE TABLE message_revoked (message_row_id INTEGER PRIMARY KEY, revoked_key_id TEXT NOT NULL,
  admin_jid_row_id INTEGER, revoke_timestamp INTEGER);
CREATE TABLE props (_id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, value TEXT);
"""
OLD_MSGSTORE_DDL = """
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL,
  key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT,
  timestamp INTEGER, media_url TEXT, media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER,
  media_name TEXT, media_caption TEXT, latitude REAL, longitude REAL, remote_resource TEXT,
  received_timestamp INTEGER);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE,
  message_table_id INTEGER, subject TEXT, creation INTEGER);
CREATE TABLE group_participants (_id INTEGER PRIMARY KEY AUTOINCREMENT, gjid TEXT NOT NULL,
  jid TEXT NOT NULL, admin INTEGER, pending INTEGER);
"""
WA_DDL = """
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL,
  is_whatsapp_user BOOLEAN NOT NULL, status TEXT, status_timestamp INTEGER, number TEXT,
  raw_contact_id INTEGER, display_name TEXT, phone_type INTEGER, phone_label TEXT,
  given_name TEXT, family_name TEXT, wa_name TEXT, sort_name TEXT, nickname TEXT, company TEXT, title TEXT);
"""
CONTACTS_DDL = """
CREATE TABLE accounts (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_name TEXT, account_type TEXT,
  data_set TEXT);
CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER, sourceid TEXT,
  version INTEGER NOT NULL DEFAULT 1, dirty INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
  contact_id INTEGER, starred INTEGER NOT NULL DEFAULT 0, times_contacted INTEGER NOT NULL DEFAULT 0,
  display_name TEXT, display_name_alt TEXT, sort_key TEXT);
CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY AUTOINCREMENT, mimetype TEXT NOT NULL);
CREATE TABLE data (_id INTEGER PRIMARY KEY AUTOINCREMENT, package_id INTEGER, mimetype_id INTEGER NOT NULL,
  raw_contact_id INTEGER NOT NULL, is_primary INTEGER NOT NULL DEFAULT 0, data1 TEXT, data2 TEXT,
  data3 TEXT, data4 TEXT, data5 TEXT, data6 TEXT, data7 TEXT, data8 TEXT, data9 TEXT, data10 TEXT,
  data11 TEXT, data12 TEXT, data13 TEXT, data14 TEXT, data15 TEXT);
CREATE TABLE groups (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER, title TEXT);
"""
SMS_DDL = """
CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT);
CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0,
  message_count INTEGER DEFAULT 0, recipient_ids TEXT, snippet TEXT, read INTEGER DEFAULT 1,
  type INTEGER DEFAULT 0);
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER,
  date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1,
  type INTEGER, subject TEXT, body TEXT, service_center TEXT, seen INTEGER DEFAULT 0);
CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER,
  date_sent INTEGER DEFAULT 0, msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT,
  ct_t TEXT, m_type INTEGER);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT,
  type INTEGER, charset INTEGER);
CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT,
  name TEXT, chset INTEGER, cd TEXT, fn TEXT, cid TEXT, cl TEXT, _data TEXT, text TEXT);
"""


# --- building databases as a phone extraction leaves them -----------------------------------------


def _insert(connection: sqlite3.Connection, rows: Rows) -> None:
    for table, table_rows in rows.items():
        for row in table_rows:
            names = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            connection.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values()))


def build_db(path: Path, ddl: str, rows: Rows, wal_rows: Rows | None = None) -> Path:
    """Write `rows` into the database file and `wal_rows` into an uncheckpointed -wal beside it."""
    live = path.parent / "live"
    live.mkdir(parents=True, exist_ok=True)
    source = live / path.name
    connection = sqlite3.connect(source)
    try:
        connection.executescript(ddl)
        _insert(connection, rows)
        connection.commit()
        if wal_rows is not None:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA wal_autocheckpoint=0")
            _insert(connection, wal_rows)
            connection.commit()
            shutil.copyfile(str(source) + "-wal", str(path) + "-wal")
        shutil.copyfile(source, path)  # copied while the app still holds the database open
    finally:
        connection.close()
    shutil.rmtree(live)
    return path


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _parse(parser: object, path: Path) -> tuple[list[Record], ParseContext]:
    ctx = _ctx(path.parent)
    assert isinstance(parser, WhatsAppAndroidDb | AndroidContactsDb | AndroidSmsDb)
    return list(parser.parse(path, ctx)), ctx


def _of(records: list[Record], kind: type[T]) -> list[T]:
    return [record for record in records if isinstance(record, kind)]


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


# --- WhatsApp, 2021+ schema -----------------------------------------------------------------------


def _new_msgstore_rows() -> tuple[Tables, Tables]:
    jids = [
        {"_id": n, "user": jid.split("@")[0], "server": jid.split("@")[1], "raw_string": jid, "type": 0}
        for n, jid in ((1, TOM), (2, SARA), (3, GROUP), (4, OWNER))
    ]

    def message(n: int, chat: int, from_me: int, text: str | None, **extra: object) -> dict[str, object]:
        row: dict[str, object] = {"_id": n, "chat_row_id": chat, "from_me": from_me, "key_id": f"KEY{n:03d}"}
        row |= {"timestamp": T0 + n * 60_000, "message_type": 0, "text_data": text, "sort_id": n}
        row |= {"sender_jid_row_id": 0, "status": 13 if from_me else 0}
        return row | extra

    main: Tables = {
        "jid": jids,
        "chat": [
            {"_id": 1, "jid_row_id": 1, "subject": None},
            {"_id": 2, "jid_row_id": 3, "subject": "Sunday football"},
        ],
        "message": [
            message(1, 1, 0, "Fancy a coffee on Friday?"),
            message(2, 1, 1, "Sure, 10:30 works for me"),
            message(3, 1, 0, "Look at this", message_type=1),
            message(4, 1, 0, None, message_type=15),
            message(5, 2, 0, None, message_type=7, sender_jid_row_id=2),
            message(6, 2, 0, "Kick-off at 18:00", sender_jid_row_id=2),
        ],
        "message_quoted": [
            {
                "message_row_id": 2,
                "chat_row_id": 1,
                "parent_message_chat_row_id": 1,
                "from_me": 0,
                "key_id": "KEY001",
                "text_data": "Fancy a coffee on Friday?",
            },
        ],
        "message_media": [
            {
                "message_row_id": 3,
                "chat_row_id": 1,
                "file_path": "Media/WhatsApp Images/IMG-20250214-WA0003.jpg",
                "mime_type": "image/jpeg",
                "file_size": 48213,
            },
        ],
        "message_revoked": [{"message_row_id": 4, "revoked_key_id": "KEY004OLD"}],
        "message_system": [{"message_row_id": 5, "action_type": 12}],
        "message_system_group": [{"message_row_id": 5, "is_me_joined": 1}],
        "message_system_chat_participant": [{"message_row_id": 5, "user_jid_row_id": 4}],
        "props": [{"key": "user_push_name", "value": "Alex"}],
    }
    wal: Tables = {
        "message": [
            message(7, 2, 1, "I'll bring the ball"),
            message(8, 2, 0, None, message_type=5, sender_jid_row_id=2),
        ],
        "message_location": [{"message_row_id": 8, "chat_row_id": 2, "latitude": 51.5, "longitude": -0.12}],
    }
    return main, wal


def _wa_rows() -> Tables:
    return {
        "wa_contacts": [
            {"_id": 1, "jid": TOM, "is_whatsapp_user": 1, "number": "+44 7700 900111",
             "display_name": "Tom B", "given_name": "Tom", "family_name": "B", "wa_name": "Tommy"},
            {"_id": 2, "jid": SARA, "is_whatsapp_user": 1, "wa_name": "Sara", "status": "At the gym"},
            {"_id": 3, "jid": GROUP, "is_whatsapp_user": 1, "display_name": "Sunday football"},
            {"_id": 4, "jid": "447700900333@s.whatsapp.net", "is_whatsapp_user": 0, "number": "07700 900333",
             "display_name": "Kari home"},
        ],
    }  # fmt: skip


@pytest.fixture
def new_msgstore(tmp_path: Path) -> Path:
    databases = tmp_path / "data" / "data" / "com.whatsapp" / "databases"
    databases.mkdir(parents=True)
    main, wal = _new_msgstore_rows()
    build_db(databases / "wa.db", WA_DDL, _wa_rows())
    return build_db(databases / "msgstore.db", MSGSTORE_DDL, main, wal)


def test_sniff_reads_the_schema_from_the_first_pages(new_msgstore: Path, tmp_path: Path) -> None:
    parser = WhatsAppAndroidDb()
    head = new_msgstore.read_bytes()[:65536]
    assert parser.sniff(Path("renamed.bin"), head) == 0.95
    assert parser.sniff(Path("x"), (new_msgstore.parent / "wa.db").read_bytes()) == 0.95
    other = build_db(tmp_path / "other.db", "CREATE TABLE notes (_id INTEGER, body TEXT);", {})
    assert parser.sniff(Path("other.db"), other.read_bytes()) == 0.0
    assert parser.sniff(Path("msgstore.db"), other.read_bytes()) == 0.6  # the name alone: a hint
    assert parser.sniff(Path("msgstore.db"), b"Fancy a coffee on Friday?\n") == 0.0
    assert AndroidSmsDb().sniff(Path("msgstore.db"), head) == 0.0
    assert AndroidContactsDb().sniff(Path("msgstore.db"), head) == 0.0


def test_new_schema_with_wal_rows_media_system_deleted_location(new_msgstore: Path) -> None:
    records, ctx = _parse(WhatsAppAndroidDb(), new_msgstore)
    assert ctx.warnings == []
    owner = AccountRef("whatsapp", "+447700900999", "Alex")
    tom = AccountRef("whatsapp", "+447700900111", "Tom B")
    sara = AccountRef("whatsapp", "+447700900222", "Sara")
    assert records[0] == ParsedAccount(owner, "message_system_group.message_row_id=5", is_owner=True)
    assert _of(records, ParsedConversation) == [
        ParsedConversation(TOM, "whatsapp", "Tom B", False, "chat._id=1", TOM, (owner, tom)),
        ParsedConversation(GROUP, "whatsapp", "Sunday football", True, "chat._id=2", GROUP, (owner, sara)),
    ]
    messages = _of(records, ParsedMessage)
    assert [m.locator for m in messages] == [f"message._id={n}" for n in range(1, 9)]  # 7, 8 from the WAL
    assert [(m.conversation_key, m.sender, m.kind, m.body) for m in messages] == [
        (TOM, tom, MessageKind.TEXT, "Fancy a coffee on Friday?"),
        (TOM, owner, MessageKind.TEXT, "Sure, 10:30 works for me"),
        (TOM, tom, MessageKind.MEDIA, "Look at this"),
        (TOM, tom, MessageKind.DELETED, ""),
        (GROUP, sara, MessageKind.SYSTEM, "system action 12 (participant added)"),
        (GROUP, sara, MessageKind.TEXT, "Kick-off at 18:00"),
        (GROUP, owner, MessageKind.TEXT, "I'll bring the ball"),
        (GROUP, sara, MessageKind.MEDIA, "location: 51.5,-0.12"),
    ]
    first = messages[0]
    assert (first.sent_at, first.sent_at_raw, first.assumed_zone) == (
        _at(T0 + 60_000),
        str(T0 + 60_000),
        None,
    )
    assert messages[2].attachments == (ParsedAttachment("IMG-20250214-WA0003.jpg", "image/jpeg"),)
    assert (messages[1].key, messages[1].parent_key) == ("KEY002", "KEY001")


def test_wa_db_rows_become_contacts(new_msgstore: Path) -> None:
    records, ctx = _parse(WhatsAppAndroidDb(), new_msgstore.parent / "wa.db")
    assert ctx.warnings == []
    contacts = _of(records, ParsedContact)
    assert [(c.display_name, c.locator) for c in contacts] == [
        ("Tom B", "wa_contacts._id=1"),
        ("Sara", "wa_contacts._id=2"),
        ("Sunday football", "wa_contacts._id=3"),
        ("Kari home", "wa_contacts._id=4"),
    ]
    assert contacts[0].accounts == (
        AccountRef("whatsapp", "+447700900111", "Tommy"),
        AccountRef("phone", "+44 7700 900111", "Tom B"),
    )
    assert contacts[0].fields["wa_name"] == ["Tommy"] and contacts[1].fields["status"] == ["At the gym"]
    assert contacts[2].accounts == () and contacts[2].fields["kind"] == ["group"]
    assert contacts[3].accounts == (AccountRef("phone", "07700 900333", "Kari home"),)  # not a WhatsApp user


def test_owner_unknown_is_a_placeholder_scoped_to_the_exhibit(tmp_path: Path) -> None:
    main, _ = _new_msgstore_rows()
    for table in ("message_system_group", "message_system_chat_participant"):
        main.pop(table)
    path = build_db(tmp_path / "msgstore.db", MSGSTORE_DDL, main)
    records, _ = _parse(WhatsAppAndroidDb(), path)
    owner = AccountRef("whatsapp", "me (EX-1)", "Alex")
    assert records[0] == ParsedAccount(owner, "props.user_push_name", is_owner=True)
    assert _of(records, ParsedMessage)[1].sender == owner
    assert _of(records, ParsedConversation)[0].title is None  # no wa.db beside it


def test_minimal_new_schema_without_side_tables_and_bad_rows(tmp_path: Path) -> None:
    ddl = """
    CREATE TABLE jid (_id INTEGER PRIMARY KEY, raw_string TEXT);
    CREATE TABLE chat (_id INTEGER PRIMARY KEY, jid_row_id INTEGER);
    CREATE TABLE message (_id INTEGER PRIMARY KEY, chat_row_id INTEGER, from_me INTEGER, timestamp INTEGER,
      text_data TEXT);
    """
    rows: Tables = {
        "jid": [{"_id": 1, "raw_string": TOM}],
        "chat": [{"_id": 1, "jid_row_id": 1}, {"_id": 2, "jid_row_id": 99}],
        "message": [
            {"_id": 1, "chat_row_id": 1, "from_me": 0, "timestamp": T0, "text_data": "Morning!"},
            {"_id": 2, "chat_row_id": 1, "from_me": 1, "timestamp": None, "text_data": None},
            {"_id": 3, "chat_row_id": 7, "from_me": 0, "timestamp": T0, "text_data": "Who is this?"},
        ],
    }
    records, ctx = _parse(WhatsAppAndroidDb(), build_db(tmp_path / "msgstore.db", ddl, rows))
    keys = [c.key for c in _of(records, ParsedConversation)]
    assert keys == [TOM, "chat 2", "chat 7"]
    messages = _of(records, ParsedMessage)
    assert [m.body for m in messages] == ["Morning!", "", "Who is this?"]
    assert messages[1].sent_at is None and messages[2].conversation_key == "chat 7"
    assert messages[2].sender is None
    assert [locator for locator, _ in ctx.warnings] == [
        "chat._id=2", "message._id=2", "message._id=2", "message._id=3",
    ]  # fmt: skip


# --- WhatsApp, old schema -------------------------------------------------------------------------


def test_old_schema_with_prefs_owner_group_media_and_status_rows(tmp_path: Path) -> None:
    app = tmp_path / "data" / "data" / "com.whatsapp"
    (app / "databases").mkdir(parents=True)
    (app / "shared_prefs").mkdir()
    (app / "shared_prefs" / "com.whatsapp_preferences_light.xml").write_text(
        "<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n"
        '    <string name="cc">44</string>\n    <string name="ph">7700900999</string>\n</map>\n',
        encoding="utf-8",
    )
    base = {"key_from_me": 0, "status": 0, "media_wa_type": "0"}
    rows: Tables = {
        "messages": [
            {"_id": 1, "key_remote_jid": "-1", "key_id": "-1", "status": -1, "timestamp": 0},
            base | {"_id": 2, "key_remote_jid": TOM, "key_id": "A1", "data": "Did you see the match?",
                    "timestamp": T0},
            base | {"_id": 3, "key_remote_jid": TOM, "key_id": "A2", "key_from_me": 1, "data": "Yes, awful",
                    "timestamp": T0 + 1000},
            base | {"_id": 4, "key_remote_jid": GROUP, "key_id": "A3", "status": 6, "media_size": 11,
                    "remote_resource": SARA, "timestamp": T0 + 2000},
            base | {"_id": 5, "key_remote_jid": GROUP, "key_id": "A4", "media_wa_type": "1",
                    "media_url": "https://mmg.whatsapp.net/d/f/AbCdEf.enc", "media_mime_type": "image/jpeg",
                    "media_caption": "Pitch booked", "remote_resource": SARA, "timestamp": T0 + 3000},
        ],
        "chat_list": [{"_id": 1, "key_remote_jid": GROUP, "subject": "Five-a-side"}],
        "group_participants": [
            {"gjid": GROUP, "jid": SARA, "admin": 1, "pending": 0},
            {"gjid": GROUP, "jid": "", "admin": 0, "pending": 0},
        ],
    }  # fmt: skip
    path = build_db(app / "databases" / "msgstore.db", OLD_MSGSTORE_DDL, rows)
    assert WhatsAppAndroidDb().sniff(Path("x"), path.read_bytes()) == 0.95
    records, ctx = _parse(WhatsAppAndroidDb(), path)
    assert ctx.warnings == []
    owner = AccountRef("whatsapp", "+447700900999")
    sara = AccountRef("whatsapp", "+447700900222")
    tom = AccountRef("whatsapp", "+447700900111")
    assert records[0] == ParsedAccount(
        owner, "shared_prefs/com.whatsapp_preferences_light.xml", is_owner=True
    )
    assert _of(records, ParsedConversation) == [
        ParsedConversation(GROUP, "whatsapp", "Five-a-side", True, "chat_list._id=1", GROUP, (owner, sara)),
        ParsedConversation(TOM, "whatsapp", None, False, "messages._id=2", TOM, (owner, tom)),
    ]
    messages = _of(records, ParsedMessage)
    assert [(m.locator, m.sender, m.kind, m.body) for m in messages] == [
        ("messages._id=2", tom, MessageKind.TEXT, "Did you see the match?"),
        ("messages._id=3", owner, MessageKind.TEXT, "Yes, awful"),
        ("messages._id=4", sara, MessageKind.SYSTEM, "system action 11 (group created)"),
        ("messages._id=5", sara, MessageKind.MEDIA, "Pitch booked"),
    ]
    assert messages[3].attachments == (ParsedAttachment("AbCdEf.enc", "image/jpeg"),)


# --- WhatsApp, damaged and foreign files ----------------------------------------------------------


def test_not_sqlite_and_foreign_sqlite_are_wrong_format(tmp_path: Path) -> None:
    text = tmp_path / "msgstore.db"
    text.write_text("Fancy a coffee on Friday?\n", encoding="utf-8")
    with pytest.raises(WrongFormat):
        list(WhatsAppAndroidDb().parse(text, _ctx(tmp_path)))
    other = build_db(tmp_path / "other.db", "CREATE TABLE notes (_id INTEGER, body TEXT);", {})
    for parser in (WhatsAppAndroidDb(), AndroidContactsDb(), AndroidSmsDb()):
        with pytest.raises(WrongFormat):
            list(parser.parse(other, _ctx(tmp_path)))


def _truncate(path: Path, keep: int) -> None:
    payload = path.read_bytes()
    path.write_bytes(payload[:keep])


def test_truncated_database_fails_clearly_or_warns(new_msgstore: Path) -> None:
    Path(str(new_msgstore) + "-wal").unlink()
    _truncate(new_msgstore, 100)  # only the header: schema page gone
    with pytest.raises(DamagedDatabase, match=r"msgstore\.db is damaged"):
        list(WhatsAppAndroidDb().parse(new_msgstore, _ctx(new_msgstore.parent)))


def test_truncated_table_pages_end_that_table_with_a_warning(tmp_path: Path) -> None:
    ddl = "CREATE TABLE jid (_id INTEGER PRIMARY KEY, raw_string TEXT);\n" + (
        "CREATE TABLE chat (_id INTEGER PRIMARY KEY, jid_row_id INTEGER, subject TEXT);\n"
        "CREATE TABLE message (_id INTEGER PRIMARY KEY, chat_row_id INTEGER, from_me INTEGER, "
        "timestamp INTEGER, text_data TEXT);"
    )
    rows: Tables = {
        "jid": [{"_id": 1, "raw_string": TOM}],
        "chat": [{"_id": 1, "jid_row_id": 1}],
        "message": [
            {"_id": n, "chat_row_id": 1, "from_me": n % 2, "timestamp": T0 + n, "text_data": f"Ok {n} " * 40}
            for n in range(1, 400)
        ],
    }
    path = build_db(tmp_path / "msgstore.db", ddl, rows)
    _truncate(path, path.stat().st_size // 2)
    records, ctx = _parse(WhatsAppAndroidDb(), path)
    assert 0 < len(_of(records, ParsedMessage)) < 399
    assert any("cannot be read" in message for _, message in ctx.warnings)


def test_unreadable_wa_db_beside_is_a_warning(new_msgstore: Path) -> None:
    (new_msgstore.parent / "wa.db").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    records, ctx = _parse(WhatsAppAndroidDb(), new_msgstore)
    assert len(_of(records, ParsedMessage)) == 8
    assert [locator for locator, _ in ctx.warnings] == ["wa.db"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=6))
def test_property_message_text_comes_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("prop")
    ddl = MSGSTORE_DDL
    rows: Tables = {
        "jid": [{"_id": 1, "user": "447700900111", "server": "s.whatsapp.net", "raw_string": TOM}],
        "chat": [{"_id": 1, "jid_row_id": 1}],
        "message": [
            {"_id": n, "chat_row_id": 1, "from_me": n % 2, "key_id": f"K{n}", "timestamp": T0 + n,
             "message_type": 0, "text_data": text}
            for n, text in enumerate(texts, start=1)
        ],
    }  # fmt: skip
    records, ctx = _parse(WhatsAppAndroidDb(), build_db(folder / "msgstore.db", ddl, rows))
    assert [m.body for m in _of(records, ParsedMessage)] == texts
    assert ctx.warnings == []


# --- contacts2.db ---------------------------------------------------------------------------------

MIMETYPES = (
    "name", "phone_v2", "email_v2", "im", "postal-address_v2", "organization", "note", "contact_event",
    "nickname", "website", "group_membership", "vnd.com.whatsapp.profile",
)  # fmt: skip


def _contacts_rows() -> tuple[Tables, Tables]:
    mime = {name: n for n, name in enumerate(MIMETYPES, start=1)}

    def data(raw: int, kind: str, *values: object) -> dict[str, object]:
        row: dict[str, object] = {"raw_contact_id": raw, "mimetype_id": mime[kind]}
        return row | {f"data{n}": value for n, value in enumerate(values, start=1) if value is not None}

    main: Tables = {
        "accounts": [
            {"_id": 1, "account_name": "alex@example.com", "account_type": "com.google"},
            {"_id": 2, "account_name": "WhatsApp", "account_type": "com.whatsapp"},
        ],
        "mimetypes": [{"_id": n, "mimetype": f"vnd.android.cursor.item/{name}"} for name, n in mime.items()],
        "groups": [{"_id": 6, "account_id": 1, "title": "Football"}],
        "raw_contacts": [
            {"_id": 1, "account_id": 1, "contact_id": 1, "display_name": "Tom Berg", "starred": 1},
            {"_id": 2, "account_id": 2, "contact_id": 1, "display_name": "Tom Berg"},
            {"_id": 3, "account_id": 1, "contact_id": 2, "display_name": "Old Kari", "deleted": 1},
        ],
        "data": [
            data(1, "name", "Tom Berg", "Tom", "Berg"),
            data(1, "phone_v2", "07700 900111", "2", None, "+447700900111"),
            data(1, "phone_v2", "+44 20 7946 0999", "0", "Office"),
            data(1, "email_v2", "tom.berg@example.com", "1"),
            data(1, "im", "tomb@example.net", "3", None, None, "7"),
            data(1, "im", "tom_b", "3", None, None, "-1", "Telegram"),
            data(1, "postal-address_v2", "1 High Street, Leeds", "1"),
            data(1, "organization", "Northgate Logistics", "1", None, "Driver"),
            data(1, "note", "Football on Sundays"),
            data(1, "contact_event", "1990-05-04", "3"),
            data(1, "nickname", "Tommy"),
            data(1, "website", "https://example.org/tom"),
            data(1, "group_membership", "6"),
            data(2, "vnd.com.whatsapp.profile", TOM, "WhatsApp", "Message +44 7700 900111"),
            data(3, "name", "Old Kari"),
            data(3, "phone_v2", "0044 7700 900333", "1"),
        ],
    }
    wal: Tables = {
        "raw_contacts": [{"_id": 4, "account_id": 1, "contact_id": 3}],
        "data": [data(4, "email_v2", "new@example.org")],
    }
    return main, wal


def test_contacts2_every_raw_contact_with_its_data_and_the_deleted_one(tmp_path: Path) -> None:
    main, wal = _contacts_rows()
    path = build_db(tmp_path / "contacts2.db", CONTACTS_DDL, main, wal)
    assert AndroidContactsDb().sniff(Path("x.db"), path.read_bytes()[:65536]) == 0.95
    assert WhatsAppAndroidDb().sniff(Path("x.db"), path.read_bytes()[:65536]) == 0.0
    records, ctx = _parse(AndroidContactsDb(), path)
    assert ctx.warnings == []
    tom, tom_whatsapp, kari, newest = _of(records, ParsedContact)
    assert tom.locator == "raw_contacts._id=1" and tom.display_name == "Tom Berg"
    assert tom.fields == {
        "name": ["Tom Berg"], "name.given": ["Tom"], "name.family": ["Berg"],
        "phone": ["07700 900111", "+44 20 7946 0999"], "phone.e164": ["+447700900111", ""],
        "phone.type": ["mobile", "Office"],
        "email": ["tom.berg@example.com"], "email.type": ["home"],
        "im": ["tomb@example.net", "tom_b"], "im.protocol": ["Jabber", "Telegram"],
        "address": ["1 High Street, Leeds"], "address.type": ["home"],
        "organization": ["Northgate Logistics"], "organization.title": ["Driver"],
        "note": ["Football on Sundays"], "event": ["1990-05-04"], "event.type": ["birthday"],
        "birthday": ["1990-05-04"], "nickname": ["Tommy"], "website": ["https://example.org/tom"],
        "group": ["Football"], "contact_id": ["1"], "account_type": ["com.google"],
        "account_name": ["alex@example.com"], "starred": ["1"], "times_contacted": ["0"],
    }  # fmt: skip
    assert tom.accounts == (
        AccountRef("phone", "07700 900111"),
        AccountRef("phone", "+44 20 7946 0999"),
        AccountRef("email", "tom.berg@example.com"),
        AccountRef("xmpp", "tomb@example.net"),
        AccountRef("telegram", "tom_b"),
    )
    assert tom_whatsapp.accounts == (AccountRef("whatsapp", "+447700900111"),)
    assert tom_whatsapp.fields["vnd.android.cursor.item/vnd.com.whatsapp.profile.data3"] == [
        "Message +44 7700 900111"
    ]
    assert kari.fields["deleted"] == ["1"] and kari.accounts == (AccountRef("phone", "0044 7700 900333"),)
    assert (newest.locator, newest.display_name) == ("raw_contacts._id=4", "new@example.org")  # from the WAL


def test_contacts2_old_layout_orphans_and_missing_tables(tmp_path: Path) -> None:
    ddl = """
    CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY, account_name TEXT, account_type TEXT, deleted INTEGER,
      display_name TEXT);
    CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY, mimetype TEXT);
    CREATE TABLE data (_id INTEGER PRIMARY KEY, raw_contact_id INTEGER, mimetype_id INTEGER, data1 TEXT);
    """
    rows: Tables = {
        "raw_contacts": [{"_id": 1, "account_name": "Phone", "account_type": "vnd.sec.contact.phone"}],
        "mimetypes": [{"_id": 1, "mimetype": "vnd.android.cursor.item/phone_v2"}],
        "data": [
            {"raw_contact_id": 1, "mimetype_id": 1, "data1": "+1 212-555-0101"},
            {"raw_contact_id": 9, "mimetype_id": 1, "data1": "+1 212-555-0102"},
        ],
    }
    records, ctx = _parse(AndroidContactsDb(), build_db(tmp_path / "contacts2.db", ddl, rows))
    [contact] = _of(records, ParsedContact)
    assert contact.display_name == "+1 212-555-0101"
    assert contact.fields["account_type"] == ["vnd.sec.contact.phone"]
    assert contact.fields["phone.type"] == [""]
    assert ctx.warnings == [("data", "1 raw contact ids have data rows but no raw_contacts row: [9]")]
    broken = build_db(tmp_path / "b" / "contacts2.db", "CREATE TABLE raw_contacts (_id INTEGER);", {})
    with pytest.raises(WrongFormat, match="lacks data, mimetypes"):
        list(AndroidContactsDb().parse(broken, _ctx(tmp_path)))


def test_contacts2_states_the_devices_own_email_accounts_first(tmp_path: Path) -> None:
    main, wal = _contacts_rows()
    main["accounts"].append({"_id": 3, "account_name": "SIM1", "account_type": "vnd.sec.contact.sim"})
    main["accounts"].append({"_id": 4, "account_name": None, "account_type": None})
    records, ctx = _parse(AndroidContactsDb(), build_db(tmp_path / "contacts2.db", CONTACTS_DDL, main, wal))
    assert ctx.warnings == []
    assert records[0] == ParsedAccount(
        AccountRef("email", "alex@example.com"), "accounts._id=1", is_owner=True
    )
    assert _of(records, ParsedAccount) == [
        records[0]
    ]  # "WhatsApp", "SIM1" and the nameless book state nobody


def test_contacts2_old_layout_states_the_account_on_its_first_card(tmp_path: Path) -> None:
    ddl = """
    CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY, account_name TEXT, account_type TEXT,
      display_name TEXT);
    CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY, mimetype TEXT);
    CREATE TABLE data (_id INTEGER PRIMARY KEY, raw_contact_id INTEGER, mimetype_id INTEGER, data1 TEXT);
    """
    cards = [("Phone", "vnd.sec.contact.phone"), ("Kari.Berg@example.org", "com.google")] * 2
    rows: Tables = {
        "raw_contacts": [
            {"_id": n, "account_name": name, "account_type": kind} for n, (name, kind) in enumerate(cards, 1)
        ],
        "mimetypes": [{"_id": 1, "mimetype": "vnd.android.cursor.item/phone_v2"}],
        "data": [
            {"raw_contact_id": n, "mimetype_id": 1, "data1": f"+1 212-555-010{n}"} for n in (1, 2, 3, 4)
        ],
    }
    records, _ = _parse(AndroidContactsDb(), build_db(tmp_path / "contacts2.db", ddl, rows))
    assert _of(records, ParsedAccount) == [
        ParsedAccount(AccountRef("email", "Kari.Berg@example.org"), "raw_contacts._id=2", is_owner=True)
    ]
    assert len(_of(records, ParsedContact)) == 4


# --- mmssms.db ------------------------------------------------------------------------------------

ME, TOM_SMS, SARA_SMS = "+447700900999", "+447700900111", "+447700900222"


def _sms(n: int, address: str, seconds: int, box: int, body: object) -> dict[str, object]:
    return {
        "_id": n,
        "thread_id": 1,
        "address": address,
        "date": T0 + seconds * 1000,
        "type": box,
        "body": body,
    }


def _sms_rows() -> tuple[Tables, Tables]:
    main: Tables = {
        "canonical_addresses": [{"_id": 1, "address": TOM_SMS}, {"_id": 2, "address": SARA_SMS}],
        "threads": [{"_id": 1, "recipient_ids": "1"}, {"_id": 2, "recipient_ids": "1 2"}],
        "sms": [
            _sms(1, TOM_SMS, 0, 1, "Running late"),
            _sms(2, "07700 900111", 60, 2, "No worries"),
            _sms(3, TOM_SMS, 120, 1, None),
            _sms(4, TOM_SMS, 180, 1, b"\x8a\x01\xfe"),
        ],
        "pdu": [{"_id": 1, "thread_id": 2, "date": T0 // 1000 + 300, "msg_box": 1, "m_type": 132}],
        "addr": [
            {"_id": 1, "msg_id": 1, "address": SARA_SMS, "type": 137},
            {"_id": 2, "msg_id": 1, "address": "07700 900999", "type": 151},
            {"_id": 3, "msg_id": 1, "address": TOM_SMS, "type": 151},
        ],
        "part": [
            {"_id": 1, "mid": 1, "seq": -1, "ct": "application/smil", "text": "<smil/>"},
            {"_id": 2, "mid": 1, "seq": 0, "ct": "text/plain", "text": "Pitch is booked"},
            {"_id": 3, "mid": 1, "seq": 0, "ct": "image/jpeg", "cl": "IMG_20250214_180400.jpg",
             "_data": "/data/user_de/0/com.android.providers.telephony/app_parts/PART_1739552700000"},
        ],
    }  # fmt: skip
    wal: Tables = {
        "sms": [
            {"_id": 5, "thread_id": 1, "address": TOM_SMS, "date": T0 + 240_000, "type": 3, "body": "See you"}
        ],
        "pdu": [{"_id": 2, "thread_id": 2, "date": T0 // 1000 + 400, "msg_box": 2, "m_type": 128}],
        "addr": [{"_id": 4, "msg_id": 2, "address": "insert-address-token", "type": 137}],
        "part": [{"_id": 4, "mid": 2, "seq": 0, "ct": "text/plain", "text": "Great, thanks"}],
    }
    return main, wal


def test_mmssms_threads_sms_and_mms_with_owner_from_received_mms(tmp_path: Path) -> None:
    main, wal = _sms_rows()
    path = build_db(tmp_path / "mmssms.db", SMS_DDL, main, wal)
    assert AndroidSmsDb().sniff(Path("x"), path.read_bytes()[:65536]) == 0.95
    records, ctx = _parse(AndroidSmsDb(), path)
    me, tom, sara = (AccountRef("phone", a) for a in ("07700 900999", TOM_SMS, SARA_SMS))
    assert records[0] == ParsedAccount(me, "addr (received MMS, first pdu._id=1)", is_owner=True)
    assert _of(records, ParsedConversation) == [
        ParsedConversation("thread 1", "sms", None, False, "threads._id=1", "1", (me, tom)),
        ParsedConversation("thread 2", "sms", None, True, "threads._id=2", "2", (me, tom, sara)),
    ]
    messages = _of(records, ParsedMessage)
    assert [(m.locator, m.sender, m.kind, m.body) for m in messages] == [
        ("sms._id=1", tom, MessageKind.TEXT, "Running late"),
        ("sms._id=2", me, MessageKind.TEXT, "No worries"),
        ("sms._id=3", tom, MessageKind.TEXT, ""),
        ("sms._id=4", tom, MessageKind.TEXT, ""),
        ("sms._id=5", me, MessageKind.TEXT, "See you"),
        ("pdu._id=1", sara, MessageKind.MEDIA, "Pitch is booked"),
        ("pdu._id=2", me, MessageKind.TEXT, "Great, thanks"),
    ]
    assert (messages[0].sent_at, messages[0].sent_at_raw) == (_at(T0), str(T0))
    assert messages[5].sent_at == _at(T0 + 300_000)  # MMS dates are seconds
    assert messages[5].attachments == (ParsedAttachment("IMG_20250214_180400.jpg", "image/jpeg"),)
    assert ctx.warnings == [
        ("sms._id=3", "body is NULL; kept with an empty body"),
        ("sms._id=4", "body is binary (3 bytes, app-encrypted?); kept with an empty body"),
        ("sms._id=5", "draft (type 3): written on the device, never sent"),
    ]


def test_mmssms_without_mms_keeps_sent_senders_unknown(tmp_path: Path) -> None:
    main, _ = _sms_rows()
    for table in ("pdu", "addr", "part"):
        main[table] = []
    main["sms"].append(
        {"_id": 9, "thread_id": 5, "address": "+12125550101", "date": 0, "type": 1, "body": "Hi"}
    )
    records, ctx = _parse(AndroidSmsDb(), build_db(tmp_path / "mmssms.db", SMS_DDL, main))
    assert not _of(records, ParsedAccount)
    messages = _of(records, ParsedMessage)
    assert messages[1].sender is None  # sent, and the owner's number is unknown
    unknown_thread = _of(records, ParsedConversation)[-1]
    assert (unknown_thread.key, unknown_thread.locator) == ("thread 5", "sms._id=9")
    assert unknown_thread.participants == (AccountRef("phone", "+12125550101"),)
    assert ("sms._id=9", "no usable date (0); kept without time") in ctx.warnings
