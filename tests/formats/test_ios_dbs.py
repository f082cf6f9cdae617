"""iOS databases: WhatsApp ChatStorage/ContactsV2, Messages sms.db and AddressBook.sqlitedb.

Fixtures are real-schema SQLite files built here (schemas from the synthetic writers, which copy the
apps' own CREATE statements); malformed variants end as warnings or a clear failure; the iOS 15
ChatStorage sample of the conformance corpus must give the facts its README states.
"""

from __future__ import annotations

import plistlib
import random
import sqlite3
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from darkroom.errors import DamagedDatabase, WrongFormat
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
from darkroom.formats.ios_addressbook_db import IosAddressBookDb
from darkroom.formats.ios_sms_db import IosSmsDb, attributed_body_text
from darkroom.formats.ios_sqlite import apple_time, open_database
from darkroom.formats.whatsapp_ios_db import WhatsAppIosDb, jid_handle
from darkroom.model import MessageKind
from darkroom.synth.artefacts import ios_addressbook_db as addressbook_schema
from darkroom.synth.artefacts import ios_sms_db as sms_schema
from darkroom.synth.artefacts.ios_sms_db import attributed_body
from darkroom.synth.artefacts.ios_sqlite_files import build_database, insert_row
from darkroom.synth.artefacts.whatsapp_ios_db import CHAT_SCHEMA, CONTACTS_SCHEMA

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "ios_db"
JOSH_ZIP = CONFORMANCE / "testdata.whatsApp.whatsAppMessages.josh_ios15_ffs.zip"
BASE = datetime(2025, 2, 14, 17, 4, 31, tzinfo=UTC)
APPLE_BASE = int(BASE.timestamp()) - 978_307_200  # 761_238_271
OWNER_JID = "447700900999@s.whatsapp.net"
TOM_JID = "447700900123@s.whatsapp.net"
ANN_JID = "12125550142@s.whatsapp.net"
GROUP_JID = "120363000000000001@g.us"
Rows = Mapping[str, Sequence[Mapping[str, object]]]


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _database(path: Path, schema: str, rows: Rows) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        connection.executescript(schema)
        for table, table_rows in rows.items():
            for row in table_rows:
                insert_row(connection, table, row)
        connection.commit()
    finally:
        connection.close()
    return path


def _parse(
    parser: WhatsAppIosDb | IosSmsDb | IosAddressBookDb, path: Path
) -> tuple[list[Record], ParseContext]:
    ctx = _ctx(path.parent)
    return list(parser.parse(path, ctx)), ctx


def _messages(records: list[Record]) -> list[ParsedMessage]:
    return [record for record in records if isinstance(record, ParsedMessage)]


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(978_307_200 + seconds, tz=UTC)


# --- shared helpers ------------------------------------------------------------------------------


def test_apple_time_seconds_nanoseconds_and_nonsense() -> None:
    assert apple_time(APPLE_BASE) == BASE
    assert apple_time(APPLE_BASE * 1_000_000_000 + 250_000_000, nanoseconds_allowed=True) == BASE.replace(
        microsecond=250_000
    )
    assert apple_time(float(APPLE_BASE) + 0.5) == BASE.replace(microsecond=500_000)
    assert apple_time("-478742400") == datetime(1985, 10, 31, tzinfo=UTC)  # ABPerson.Birthday is text
    assert apple_time(None) is None
    assert apple_time(0) is None
    assert apple_time("soon") is None
    assert apple_time(10**30) is None


def test_jid_handles() -> None:
    assert jid_handle(TOM_JID) == "+447700900123"
    assert jid_handle("447700900123:12@s.whatsapp.net") == "+447700900123"
    assert jid_handle("205690463334636@lid") == "205690463334636@lid"
    assert jid_handle(GROUP_JID) == GROUP_JID


def test_open_database_failures(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_bytes(b"coffee on Friday?\n")
    with pytest.raises(WrongFormat):
        open_database(text)
    good = _database(tmp_path / "good.sqlite", CHAT_SCHEMA, {})
    truncated = tmp_path / "ChatStorage.sqlite"
    truncated.write_bytes(good.read_bytes()[:100])
    with pytest.raises(DamagedDatabase, match="truncated or damaged"):
        list(WhatsAppIosDb().parse(truncated, _ctx(tmp_path)))


# --- WhatsApp ChatStorage ------------------------------------------------------------------------


def _session(pk: int, jid: str, name: str, session_type: int) -> dict[str, object]:
    return {
        "Z_PK": pk,
        "Z_ENT": 4,
        "Z_OPT": 1,
        "ZCONTACTJID": jid,
        "ZPARTNERNAME": name,
        "ZSESSIONTYPE": session_type,
    }


def _wa(pk: int, chat: int, message_type: int, seconds: float, **columns: object) -> dict[str, object]:
    row: dict[str, object] = {"Z_PK": pk, "Z_ENT": 9, "Z_OPT": 3, "ZCHATSESSION": chat, "ZISFROMME": 0}
    row.update({"ZMESSAGETYPE": message_type, "ZMESSAGEDATE": APPLE_BASE + seconds, **columns})
    return row


def _chat_storage_rows() -> dict[str, list[dict[str, object]]]:
    """A one-to-one chat with Tom (every message type) and a group with Tom and Ann."""
    return {
        "ZWACHATSESSION": [_session(1, TOM_JID, "Tom B", 0), _session(2, GROUP_JID, "Sunday football", 1)],
        "ZWAGROUPMEMBER": [
            {"Z_PK": 1, "ZCHATSESSION": 2, "ZMEMBERJID": OWNER_JID, "ZISACTIVE": 1},
            {"Z_PK": 2, "ZCHATSESSION": 2, "ZMEMBERJID": TOM_JID, "ZISACTIVE": 1},
            {"Z_PK": 3, "ZCHATSESSION": 2, "ZMEMBERJID": ANN_JID, "ZFIRSTNAME": "Ann", "ZISACTIVE": 1},
        ],
        "ZWAPROFILEPUSHNAME": [{"Z_PK": 1, "ZJID": ANN_JID, "ZPUSHNAME": "Annie"}],
        "ZWAMEDIAITEM": [
            {
                "Z_PK": 1,
                "ZMESSAGE": 4,
                "ZTITLE": "Match tickets",
                "ZVCARDSTRING": "image/jpeg",
                "ZMEDIALOCALPATH": "Media/447700900123@s.whatsapp.net/a/b/photo.jpg",
                "ZLATITUDE": 640.0,
            },
            {"Z_PK": 2, "ZMESSAGE": 5, "ZLATITUDE": 50.25, "ZLONGITUDE": -30.5},
            {"Z_PK": 3, "ZMESSAGE": 6, "ZVCARDNAME": "Kari Lie", "ZVCARDSTRING": "BEGIN:VCARD\r\nEND:VCARD"},
            {"Z_PK": 4, "ZMESSAGE": 12},
        ],
        "ZWAMESSAGE": [
            _wa(1, 1, 10, -60, ZFROMJID=TOM_JID, ZTOJID=OWNER_JID, ZGROUPEVENTTYPE=2),
            _wa(2, 1, 0, 0, ZISFROMME=1, ZTOJID=TOM_JID, ZTEXT="Fancy a coffee on Friday?"),
            _wa(3, 1, 0, 60.5, ZFROMJID=TOM_JID, ZTEXT="Sure, 10:30 works for me"),
            _wa(4, 1, 1, 120, ZFROMJID=TOM_JID, ZMEDIAITEM=1),
            _wa(5, 1, 5, 180, ZISFROMME=1, ZTOJID=TOM_JID, ZMEDIAITEM=2),
            _wa(6, 1, 4, 240, ZFROMJID=TOM_JID, ZMEDIAITEM=3),
            _wa(7, 1, 14, 300, ZFROMJID=TOM_JID),
            _wa(8, 1, 99, 360, ZFROMJID=TOM_JID, ZTEXT="Pizza or curry?"),
            _wa(9, 2, 6, 400, ZFROMJID=GROUP_JID, ZTOJID=OWNER_JID, ZGROUPEVENTTYPE=12),
            _wa(10, 2, 0, 460, ZFROMJID=GROUP_JID, ZGROUPMEMBER=3, ZTEXT="Who's driving?"),
            _wa(11, 2, 0, 520, ZISFROMME=1, ZTOJID=GROUP_JID, ZTEXT="I can drive"),
            _wa(12, 2, 2, 580, ZFROMJID=GROUP_JID, ZGROUPMEMBER=2, ZMEDIAITEM=4, ZPARENTMESSAGE=10),
        ],
    }


def _app_group(tmp_path: Path, *, plist: bool = True, contacts: bool = True) -> Path:
    folder = tmp_path / "private/var/mobile/Containers/Shared/AppGroup/0E0F1C2D-3A4B-4C5D-8E6F-708192A3B4C5"
    chat_storage = _database(folder / "ChatStorage.sqlite", CHAT_SCHEMA, _chat_storage_rows())
    if plist:
        preferences = folder / "Library/Preferences/group.net.whatsapp.WhatsApp.shared.plist"
        preferences.parent.mkdir(parents=True)
        preferences.write_bytes(
            plistlib.dumps({"OwnJabberID": OWNER_JID, "FullUserName": "Sam"}, fmt=plistlib.FMT_BINARY)
        )
    if contacts:
        contact = {"Z_PK": 1, "Z_ENT": 1, "Z_OPT": 1, "ZFULLNAME": "Tom Berg", "ZGIVENNAME": "Tom"}
        contact |= {
            "ZPHONENUMBER": "07700 900123",
            "ZPHONENUMBERLABEL": "_$!<Mobile>!$_",
            "ZWHATSAPPID": TOM_JID,
        }
        _database(folder / "ContactsV2.sqlite", CONTACTS_SCHEMA, {"ZWAADDRESSBOOKCONTACT": [contact]})
    return chat_storage


@pytest.mark.parametrize(
    ("name", "tables", "expected"),
    [
        ("x.sqlite", CHAT_SCHEMA, 0.95),
        ("x.sqlite", CONTACTS_SCHEMA, 0.95),
        ("x.sqlite", "CREATE TABLE other (a);", 0.0),
        ("ChatStorage.sqlite", "CREATE TABLE other (a);", 0.8),
        ("x.sqlite", sms_schema.SCHEMA, 0.0),
    ],
)
def test_whatsapp_sniff(tmp_path: Path, name: str, tables: str, expected: float) -> None:
    path = _database(tmp_path / "db.sqlite", tables, {})
    assert WhatsAppIosDb().sniff(Path(name), path.read_bytes()[:65536]) == expected
    assert WhatsAppIosDb().sniff(Path("ChatStorage.sqlite"), b"just text about football") == 0.0


def test_whatsapp_chat_storage_with_plist_and_contacts(tmp_path: Path) -> None:
    records, ctx = _parse(WhatsAppIosDb(), _app_group(tmp_path))
    owner = AccountRef("whatsapp", "+447700900999", "Sam")
    tom = AccountRef("whatsapp", "+447700900123", "Tom Berg")
    ann = AccountRef("whatsapp", "+12125550142", "Ann")
    plist_locator = "Library/Preferences/group.net.whatsapp.WhatsApp.shared.plist OwnJabberID"
    assert records[:3] == [
        ParsedAccount(owner, plist_locator, is_owner=True),
        ParsedConversation(
            "chat-1", "whatsapp", "Tom B", False, "ZWACHATSESSION Z_PK=1", TOM_JID, (owner, tom)
        ),
        ParsedConversation(
            "chat-2",
            "whatsapp",
            "Sunday football",
            True,
            "ZWACHATSESSION Z_PK=2",
            GROUP_JID,
            (owner, tom, ann),
        ),
    ]
    messages = _messages(records)
    assert [m.key for m in messages] == [f"message-{n}" for n in range(1, 13)]
    assert messages[1] == ParsedMessage(
        conversation_key="chat-1",
        sender=owner,
        sent_at=BASE,
        sent_at_raw=str(APPLE_BASE),
        assumed_zone=None,
        body="Fancy a coffee on Friday?",
        kind=MessageKind.TEXT,
        locator="ZWAMESSAGE Z_PK=2",
        key="message-2",
    )
    assert messages[2].sent_at == _at(APPLE_BASE + 60.5) and messages[2].sent_at_raw == f"{APPLE_BASE + 60.5}"
    summary = [(m.sender, m.kind, m.body, m.attachments) for m in messages]
    assert summary == [
        (tom, MessageKind.SYSTEM, "[system notice, event type 2]", ()),
        (owner, MessageKind.TEXT, "Fancy a coffee on Friday?", ()),
        (tom, MessageKind.TEXT, "Sure, 10:30 works for me", ()),
        (tom, MessageKind.MEDIA, "Match tickets", (ParsedAttachment(
            "Media/447700900123@s.whatsapp.net/a/b/photo.jpg", "image/jpeg"),)),
        (owner, MessageKind.MEDIA, "[location 50.250000, -30.500000]", ()),
        (tom, MessageKind.MEDIA, "[contact Kari Lie]", ()),
        (tom, MessageKind.DELETED, "", ()),
        (tom, MessageKind.TEXT, "Pizza or curry?", ()),
        (None, MessageKind.SYSTEM, "[group event, event type 12]", ()),
        (ann, MessageKind.TEXT, "Who's driving?", ()),
        (owner, MessageKind.TEXT, "I can drive", ()),
        (tom, MessageKind.MEDIA, "[video]", ()),
    ]  # fmt: skip
    assert messages[11].parent_key == "message-10"
    assert ctx.warnings == [("ZWAMESSAGE Z_PK=8", "unknown ZMESSAGETYPE 99")]


def test_whatsapp_owner_from_incoming_to_jid_without_plist_or_contacts(tmp_path: Path) -> None:
    records, ctx = _parse(WhatsAppIosDb(), _app_group(tmp_path, plist=False, contacts=False))
    owner = AccountRef("whatsapp", "+447700900999", None)
    assert records[0] == ParsedAccount(owner, "ZWAMESSAGE.ZTOJID of incoming messages", is_owner=True)
    messages = _messages(records)
    assert messages[1].sender == owner
    assert messages[2].sender == AccountRef("whatsapp", "+447700900123", "Tom B")  # ZPARTNERNAME
    assert messages[9].sender == AccountRef("whatsapp", "+12125550142", "Ann")  # ZFIRSTNAME before push name
    assert [w for w in ctx.warnings if "owner" in w[1]] == []


@pytest.mark.parametrize("to_jids", [[], [OWNER_JID, "447700900555@s.whatsapp.net"]])
def test_whatsapp_owner_unknown_is_device_owner(tmp_path: Path, to_jids: list[str]) -> None:
    rows = _chat_storage_rows()
    rows["ZWAMESSAGE"] = [
        _wa(1, 1, 0, 0, ZISFROMME=1, ZTEXT="On my way"),
        *[_wa(2 + n, 1, 10, 10 + n, ZFROMJID=TOM_JID, ZTOJID=jid) for n, jid in enumerate(to_jids)],
    ]
    path = _database(tmp_path / "ChatStorage.sqlite", CHAT_SCHEMA, rows)
    records, ctx = _parse(WhatsAppIosDb(), path)
    device_owner = AccountRef("whatsapp", "device-owner (EX-1)", None)  # per exhibit, never merged
    assert records[0] == ParsedAccount(device_owner, "ZWAMESSAGE", is_owner=True)
    assert _messages(records)[0].sender == device_owner
    assert any("owner's JID not found" in message for _, message in ctx.warnings)


def test_whatsapp_contacts_v2_alone(tmp_path: Path) -> None:
    _app_group(tmp_path)
    contacts_path = next(tmp_path.rglob("ContactsV2.sqlite"))
    records, ctx = _parse(WhatsAppIosDb(), contacts_path)
    assert records == [
        ParsedContact(
            display_name="Tom Berg",
            fields={
                "ZFULLNAME": ["Tom Berg"],
                "ZGIVENNAME": ["Tom"],
                "ZPHONENUMBER": ["07700 900123"],
                "ZPHONENUMBERLABEL": ["_$!<Mobile>!$_"],
                "ZWHATSAPPID": [TOM_JID],
            },
            locator="ZWAADDRESSBOOKCONTACT Z_PK=1",
            accounts=(
                AccountRef("whatsapp", "+447700900123", "Tom Berg"),
                AccountRef("phone", "07700 900123", "Tom Berg"),
            ),
        )
    ]
    assert ctx.warnings == []


def test_whatsapp_null_columns_orphans_and_bad_text_are_warnings(tmp_path: Path) -> None:
    rows = _chat_storage_rows()
    rows["ZWAMESSAGE"] = [
        _wa(1, 1, 0, 0, ZISFROMME=None, ZTEXT="Ok", ZMESSAGEDATE=None),
        _wa(2, 1, 0, 5, ZMESSAGETYPE=None, ZFROMJID=TOM_JID, ZTEXT="Thanks!"),
        _wa(3, 7, 0, 10, ZFROMJID=TOM_JID, ZTEXT="No worries"),
        _wa(4, 2, 0, 15, ZFROMJID=GROUP_JID, ZTEXT="Sounds good"),
        _wa(5, 1, 0, 20, ZFROMJID=TOM_JID, ZTEXT=b"caf\xe9 at ten".decode("latin-1")),
    ]
    path = _database(tmp_path / "ChatStorage.sqlite", CHAT_SCHEMA, rows)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE ZWAMESSAGE SET ZTEXT = CAST(? AS TEXT) WHERE Z_PK = 5", (b"caf\xe9 at ten",))
    connection.commit()
    connection.close()
    records, ctx = _parse(WhatsAppIosDb(), path)
    messages = _messages(records)
    assert [m.sent_at is None for m in messages] == [True, False, False, False, False]
    assert ParsedConversation("chat-7", "whatsapp", None, False, "ZWAMESSAGE Z_PK=3") in records
    assert messages[4].body == "caf\ufffd at ten"
    assert messages[3].sender is None
    warned = dict(ctx.warnings)
    assert warned["ZWAMESSAGE Z_PK=1"].startswith("no usable ZMESSAGEDATE")
    assert ("ZWAMESSAGE Z_PK=1", "ZISFROMME is NULL; read as incoming") in ctx.warnings
    assert warned["ZWAMESSAGE Z_PK=2"] == "ZMESSAGETYPE is None; read as text"
    assert "not in ZWACHATSESSION" in warned["ZWAMESSAGE Z_PK=3"]
    assert "sender unknown" in warned["ZWAMESSAGE Z_PK=4"]
    assert "not valid UTF-8" in warned["ZWAMESSAGE Z_PK=5"]


def test_whatsapp_missing_tables_and_columns(tmp_path: Path) -> None:
    no_sessions = _database(
        tmp_path / "a" / "ChatStorage.sqlite", "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER);", {}
    )
    with pytest.raises(WrongFormat, match="ZWACHATSESSION"):
        list(WhatsAppIosDb().parse(no_sessions, _ctx(tmp_path)))
    schema = (
        "CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, ZCONTACTJID VARCHAR, ZSESSIONTYPE INTEGER);"
        "CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, ZCHATSESSION INTEGER, ZISFROMME INTEGER, "
        "ZMESSAGETYPE INTEGER, ZMESSAGEDATE TIMESTAMP, ZTEXT VARCHAR, ZFROMJID VARCHAR);"
    )
    rows = {
        "ZWACHATSESSION": [{"Z_PK": 1, "ZCONTACTJID": TOM_JID, "ZSESSIONTYPE": 0}],
        "ZWAMESSAGE": [{"Z_PK": 1, "ZCHATSESSION": 1, "ZISFROMME": 0, "ZMESSAGETYPE": 0,
                        "ZMESSAGEDATE": APPLE_BASE, "ZTEXT": "Ok", "ZFROMJID": TOM_JID}],
    }  # fmt: skip
    old = _database(tmp_path / "b" / "ChatStorage.sqlite", schema, rows)
    records, ctx = _parse(WhatsAppIosDb(), old)
    assert [m.body for m in _messages(records)] == ["Ok"]
    assert {locator for locator, _ in ctx.warnings} >= {"ZWAGROUPMEMBER", "ZWAMEDIAITEM", "ZWAMESSAGE"}


def test_whatsapp_rows_in_the_wal_are_read_and_a_damaged_table_is_a_warning(tmp_path: Path) -> None:
    rows = _chat_storage_rows()
    sessions = {key: rows[key] for key in ("ZWACHATSESSION", "ZWAGROUPMEMBER")}
    filler = [_wa(100 + n, 1, 0, 1000 + n, ZFROMJID=TOM_JID, ZTEXT="Long day, heading home now" * 20)
              for n in range(300)]  # fmt: skip

    def older(connection: sqlite3.Connection) -> None:
        for table, table_rows in sessions.items():
            for row in table_rows:
                insert_row(connection, table, row)
        for row in filler:
            insert_row(connection, "ZWAMESSAGE", row)

    def newer(connection: sqlite3.Connection) -> None:
        insert_row(connection, "ZWAMESSAGE", _wa(900, 1, 0, 5000, ZFROMJID=TOM_JID, ZTEXT="Just parked"))

    files = build_database(CHAT_SCHEMA, older, newer, random.Random(3))
    folder = tmp_path / "copy"
    folder.mkdir()
    for suffix, payload in (("", files.main), ("-wal", files.wal), ("-shm", files.shm)):
        (folder / f"ChatStorage.sqlite{suffix}").write_bytes(payload)
    records, ctx = _parse(WhatsAppIosDb(), folder / "ChatStorage.sqlite")
    assert len(_messages(records)) == 301 and _messages(records)[-1].body == "Just parked"
    assert ctx.warnings == [
        ("ZWAMESSAGE", "owner's JID not found (no incoming message names it); the owner is 'device-owner'")
    ]
    damaged = tmp_path / "damaged" / "ChatStorage.sqlite"
    damaged.parent.mkdir()
    damaged.write_bytes(files.main[: len(files.main) * 2 // 3])
    records, ctx = _parse(WhatsAppIosDb(), damaged)
    assert 0 < len(_messages(records)) < 300
    assert "(truncated copy?)" in dict(ctx.warnings)["file header"]
    assert any("unreadable after" in message for _, message in ctx.warnings)


@pytest.fixture(scope="module")
def josh_ios15(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not JOSH_ZIP.is_file():
        pytest.skip("conformance corpus not present")
    folder = tmp_path_factory.mktemp("josh_ios15")
    with zipfile.ZipFile(JOSH_ZIP) as archive:
        archive.extractall(folder)
    return next(folder.rglob("ChatStorage.sqlite"))


def test_conformance_josh_ios15_chat_storage(josh_ios15: Path) -> None:
    """README: ZWAMESSAGE 32 (11 from me), ZWACHATSESSION 5 (type 0:1, 1:4), ZWAMEDIAITEM 7, ZWAGROUPMEMBER 8,
    first 2022-03-26T17:44:06Z, last 2023-05-17T14:36:40Z, ZMESSAGETYPE {0:15, 1:2, 5:4, 6:6, 10:5}."""
    head = josh_ios15.read_bytes()[:65536]
    assert WhatsAppIosDb().sniff(Path("ChatStorage.sqlite"), head) == 0.8  # schema lies 315 KB in
    assert (josh_ios15.parent / "ChatStorage.sqlite-wal").stat().st_size == 0
    records, ctx = _parse(WhatsAppIosDb(), josh_ios15)
    assert ctx.warnings == []
    owner = AccountRef("whatsapp", "+19195794674", None)
    assert records[0] == ParsedAccount(owner, "ZWAMESSAGE.ZTOJID of incoming messages", is_owner=True)
    conversations = [r for r in records if isinstance(r, ParsedConversation)]
    assert Counter(c.is_group for c in conversations) == {True: 4, False: 1}
    assert sum(len(c.participants) for c in conversations if c.is_group) == 8
    one_to_one = next(c for c in conversations if not c.is_group)
    assert (one_to_one.title, one_to_one.external_id) == ("This Is DFIR Two", "19198887386@s.whatsapp.net")
    messages = _messages(records)
    assert len(messages) == 32
    assert sum(1 for m in messages if m.sender == owner) == 11
    assert Counter(m.kind for m in messages) == {
        MessageKind.TEXT: 15,
        MessageKind.MEDIA: 6,
        MessageKind.SYSTEM: 11,
    }
    images = [a for m in messages for a in m.attachments]
    assert len(images) == 2 and {a.mime_type for a in images} == {"image/jpeg"}
    assert sum(1 for m in messages if m.body.startswith("[location ")) == 4
    times = sorted(m.sent_at for m in messages if m.sent_at is not None)
    assert times[0] == datetime(2022, 3, 26, 17, 44, 6, tzinfo=UTC)
    assert times[-1] == datetime(2023, 5, 17, 14, 36, 40, tzinfo=UTC)
    partner = AccountRef("whatsapp", "+19198887386", "This Is DFIR Two")
    assert {m.sender for m in messages} == {owner, partner, None}


# --- sms.db --------------------------------------------------------------------------------------

NS = 1_000_000_000


def _sms_rows() -> dict[str, list[dict[str, object]]]:
    """An SMS chat (seconds-era date), an iMessage chat with an archived body and a photo, a group."""
    message = {"version": 10, "is_finished": 1, "account": "p:+447700900999"}
    return {
        "handle": [
            {"ROWID": 1, "id": "+447700900123", "service": "SMS"},
            {"ROWID": 2, "id": "kari@example.com", "service": "iMessage"},
            {"ROWID": 3, "id": "+12125550142", "service": "iMessage"},
        ],
        "chat": [
            {
                "ROWID": 1,
                "guid": "SMS;-;+447700900123",
                "style": 45,
                "chat_identifier": "+447700900123",
                "service_name": "SMS",
                "last_addressed_handle": "+447700900999",
                "display_name": "",
            },
            {
                "ROWID": 2,
                "guid": "iMessage;-;kari@example.com",
                "style": 45,
                "chat_identifier": "kari@example.com",
                "service_name": "iMessage",
            },
            {
                "ROWID": 3,
                "guid": "iMessage;+;chat123456789",
                "style": 43,
                "chat_identifier": "chat123456789",
                "service_name": "iMessage",
                "display_name": "Quiz night",
            },
        ],
        "chat_handle_join": [
            {"chat_id": 1, "handle_id": 1},
            {"chat_id": 2, "handle_id": 2},
            {"chat_id": 3, "handle_id": 2},
            {"chat_id": 3, "handle_id": 3},
        ],
        "message": [
            {
                **message,
                "ROWID": 1,
                "guid": "M1",
                "text": "Did you see the match?",
                "handle_id": 1,
                "service": "SMS",
                "date": APPLE_BASE,
                "is_from_me": 0,
            },
            {
                **message,
                "ROWID": 2,
                "guid": "M2",
                "text": "Yes, awful second half",
                "handle_id": 1,
                "service": "SMS",
                "date": APPLE_BASE + 60,
                "is_from_me": 1,
            },
            {
                **message,
                "ROWID": 3,
                "guid": "M3",
                "attributedBody": attributed_body("Lunch at the usual place?"),
                "handle_id": 2,
                "service": "iMessage",
                "date": (APPLE_BASE + 120) * NS + 5_000,
                "is_from_me": 0,
            },
            {
                **message,
                "ROWID": 4,
                "guid": "M4",
                "text": "\ufffcThe new cafe",
                "handle_id": 2,
                "service": "iMessage",
                "date": (APPLE_BASE + 180) * NS,
                "is_from_me": 1,
                "destination_caller_id": "sam@example.org",
                "cache_has_attachments": 1,
            },
            {
                **message,
                "ROWID": 5,
                "guid": "M5",
                "attributedBody": attributed_body("Loved “The new cafe”"),
                "handle_id": 2,
                "service": "iMessage",
                "date": (APPLE_BASE + 240) * NS,
                "is_from_me": 0,
                "associated_message_type": 2000,
                "associated_message_guid": "p:0/M4",
            },
            {
                **message,
                "ROWID": 6,
                "guid": "M6",
                "handle_id": 3,
                "service": "iMessage",
                "date": (APPLE_BASE + 300) * NS,
                "is_from_me": 0,
                "item_type": 2,
                "group_title": "Quiz night",
            },
            {
                **message,
                "ROWID": 7,
                "guid": "M7",
                "text": "We came third again",
                "handle_id": 3,
                "service": "iMessage",
                "date": (APPLE_BASE + 360) * NS,
                "is_from_me": 0,
            },
            {
                **message,
                "ROWID": 8,
                "guid": "M8",
                "text": "Quiz starts at 19:30",
                "handle_id": 0,
                "service": "iMessage",
                "date": (APPLE_BASE + 420) * NS,
                "is_from_me": 1,
            },
        ],
        "chat_message_join": [
            {"chat_id": chat, "message_id": rowid}
            for chat, rowid in ((1, 1), (1, 2), (2, 3), (2, 4), (2, 5), (3, 6), (3, 7), (3, 8))
        ],
        "attachment": [
            {
                "ROWID": 1,
                "guid": "A1",
                "original_guid": "A1",
                "mime_type": "image/jpeg",
                "transfer_name": "IMG_0042.JPG",
                "filename": "~/Library/SMS/Attachments/0a/10/A1/IMG_0042.JPG",
            },
        ],
        "message_attachment_join": [{"message_id": 4, "attachment_id": 1}],
    }


def test_sms_sniff(tmp_path: Path) -> None:
    path = _database(tmp_path / "x.db", sms_schema.SCHEMA, {})
    head = path.read_bytes()[:65536]
    assert IosSmsDb().sniff(Path("x.db"), head) == 0.95
    assert IosSmsDb().sniff(Path("sms.db"), b"SQLite format 3\x00" + bytes(84)) == 0.8
    assert IosSmsDb().sniff(Path("x.db"), _database(tmp_path / "y.db", CHAT_SCHEMA, {}).read_bytes()) == 0.0


def test_sms_db_chats_owner_bodies_attachments_and_reactions(tmp_path: Path) -> None:
    path = _database(tmp_path / "sms.db", sms_schema.SCHEMA, _sms_rows())
    records, ctx = _parse(IosSmsDb(), path)
    tom = AccountRef("sms", "+447700900123")
    kari = AccountRef("imessage", "kari@example.com")
    ann = AccountRef("imessage", "+12125550142")
    owners = [r for r in records if isinstance(r, ParsedAccount)]
    assert [o.account for o in owners] == [
        AccountRef("imessage", "+447700900999"),  # message.account "p:…" (group, no destination)
        AccountRef("imessage", "sam@example.org"),  # destination_caller_id
        AccountRef("sms", "+447700900999"),  # the chat's last_addressed_handle
    ]
    assert all(o.is_owner for o in owners)
    assert [r for r in records if isinstance(r, ParsedConversation)] == [
        ParsedConversation(
            "chat-1", "sms", "+447700900123", False, "chat ROWID=1", "SMS;-;+447700900123", (tom,)
        ),
        ParsedConversation(
            "chat-2",
            "imessage",
            "kari@example.com",
            False,
            "chat ROWID=2",
            "iMessage;-;kari@example.com",
            (kari,),
        ),
        ParsedConversation(
            "chat-3", "imessage", "Quiz night", True, "chat ROWID=3", "iMessage;+;chat123456789", (kari, ann)
        ),
    ]
    messages = _messages(records)
    assert [(m.conversation_key, m.sender, m.kind, m.body) for m in messages] == [
        ("chat-1", tom, MessageKind.TEXT, "Did you see the match?"),
        ("chat-1", AccountRef("sms", "+447700900999"), MessageKind.TEXT, "Yes, awful second half"),
        ("chat-2", kari, MessageKind.TEXT, "Lunch at the usual place?"),
        ("chat-2", AccountRef("imessage", "sam@example.org"), MessageKind.MEDIA, "The new cafe"),
        ("chat-2", kari, MessageKind.SYSTEM, "Loved “The new cafe”"),
        ("chat-3", ann, MessageKind.SYSTEM, "[group renamed: Quiz night]"),
        ("chat-3", ann, MessageKind.TEXT, "We came third again"),
        ("chat-3", AccountRef("imessage", "+447700900999"), MessageKind.TEXT, "Quiz starts at 19:30"),
    ]
    assert messages[0].sent_at == BASE and messages[0].sent_at_raw == str(APPLE_BASE)
    assert messages[2].sent_at == _at(APPLE_BASE + 120).replace(microsecond=5)
    assert messages[2].sent_at_raw == str((APPLE_BASE + 120) * NS + 5000)
    assert messages[3].attachments == (
        ParsedAttachment("~/Library/SMS/Attachments/0a/10/A1/IMG_0042.JPG", "image/jpeg"),
    )
    assert (messages[4].key, messages[4].parent_key) == ("M5", "M4")
    assert ctx.warnings == []


def test_sms_db_bad_rows_are_warnings(tmp_path: Path) -> None:
    rows = _sms_rows()
    rows["message"] = [
        {"ROWID": 1, "guid": "B1", "text": "Ok", "handle_id": 1, "service": "Carrier Pigeon", "date": None,
         "is_from_me": 0},
        {"ROWID": 2, "guid": "B2", "attributedBody": b"\x04\x0bstreamtyped garbage", "handle_id": 9,
         "service": "iMessage", "date": APPLE_BASE, "is_from_me": 0},
        {"ROWID": 3, "guid": "B3", "text": "On my way", "handle_id": 0, "service": "SMS", "date": APPLE_BASE,
         "is_from_me": 1, "account": ""},
        {"ROWID": 6, "guid": "B6", "handle_id": 1, "service": "SMS", "date": APPLE_BASE, "is_from_me": None},
    ]  # fmt: skip
    rows["chat_message_join"] = [{"chat_id": 3, "message_id": 2}, {"chat_id": 9, "message_id": 3}]
    rows["chat"][0]["last_addressed_handle"] = None
    records, ctx = _parse(IosSmsDb(), _database(tmp_path / "sms.db", sms_schema.SCHEMA, rows))
    messages = _messages(records)
    assert [m.conversation_key for m in messages] == ["chat-none", "chat-3", "chat-9", "chat-none"]
    assert messages[2].sender == AccountRef("sms", "device-owner (EX-1)")
    assert messages[0].sender == AccountRef("carrier pigeon", "+447700900123")
    warned = [message for _, message in ctx.warnings]
    for expected in (
        "outgoing messages without the owner's number",
        "unknown service 'Carrier Pigeon'",
        "no usable date (None)",
        "attributedBody could not be read; body left empty",
        "incoming message with unknown handle_id 9",
        "is_from_me is NULL; read as incoming",
        "message without text, attributedBody or attachment",
        "placed in chat-none",
    ):
        assert any(expected in message for message in warned), expected


def test_sms_db_missing_table_is_wrong_format(tmp_path: Path) -> None:
    path = _database(
        tmp_path / "sms.db", "CREATE TABLE message (ROWID INTEGER); CREATE TABLE handle (id);", {}
    )
    with pytest.raises(WrongFormat, match="chat, chat_message_join"):
        list(IosSmsDb().parse(path, _ctx(tmp_path)))


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_attributed_body_round_trip(text: str) -> None:
    assert attributed_body_text(attributed_body(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_attributed_body_garbage_never_raises(blob: bytes) -> None:
    result = attributed_body_text(b"NSString\x01\x94\x84\x01+" + blob)
    assert result is None or isinstance(result, str)


def test_attributed_body_truncated_or_wrong_is_none() -> None:
    blob = attributed_body("Can you grab milk on the way?")
    assert attributed_body_text(blob[:80]) is None
    assert attributed_body_text(b"no archive here") is None
    assert attributed_body_text(blob.replace(b"\x84\x01+", b"\x84\x01i")) is None


# --- AddressBook.sqlitedb -------------------------------------------------------------------------


def _addressbook_rows() -> dict[str, list[dict[str, object]]]:
    labels = ["_$!<Mobile>!$_", "_$!<Home>!$_", "_$!<Work>!$_", "Gym"]
    keys = ["Street", "City", "ZIP", "Country", "username", "service", "url"]
    entry_of = {key: number for number, key in enumerate(keys, start=1)}
    values = [
        (1, 3, 1, "+44 7700 900123"), (2, 3, 4, "07700 900555"), (3, 3, None, "+1 212-555-0142"),
        (4, 4, 2, "tom.berg@example.com"), (5, 5, 2, None), (6, 13, 3, "tomb"), (7, 22, None, "https://example.org/tom"),
        (8, 46, None, None), (9, 12, None, str(APPLE_BASE)), (10, 3, 1, "+44 7700 900777"),
    ]  # fmt: skip
    record_of = {10: 2}
    address = {"Street": "12 Harbour Lane", "City": "Northtown", "ZIP": "ZZ1 1ZZ", "Country": "UK"}
    parts = {5: address,
             6: {"username": "tomb", "service": "Skype"},
             8: {"username": "tom_berg", "service": "Telegram", "url": "https://t.me/tom_berg"}}  # fmt: skip
    return {
        "ABMultiValueLabel": [{"value": label} for label in labels],
        "ABMultiValueEntryKey": [{"value": key} for key in keys],
        "ABPerson": [
            {
                "ROWID": 1,
                "First": "Tom",
                "Last": "Berg",
                "Organization": "Northgate Logistics",
                "Note": "Five-a-side on Sundays",
                "Birthday": "-478742400",
                "Nickname": "Tommy",
                "CreationDate": APPLE_BASE,
                "FirstSort": "TOM",
                "Kind": 0,
            },
            {"ROWID": 2, "Organization": "Harbour Print Ltd", "Birthday": "-12000000000"},
            {"ROWID": 3, "Birthday": "soon"},
        ],
        "ABMultiValue": [
            {
                "UID": uid,
                "record_id": record_of.get(uid, 1),
                "property": prop,
                "identifier": 0,
                "label": label,
                "value": value,
            }
            for uid, prop, label, value in values
        ],
        "ABMultiValueEntry": [
            {"parent_id": parent, "key": entry_of[key], "value": value}
            for parent, entries in parts.items()
            for key, value in entries.items()
        ],
    }


def test_addressbook_sniff(tmp_path: Path) -> None:
    head = _database(tmp_path / "a.db", addressbook_schema.SCHEMA, {}).read_bytes()[:65536]
    assert IosAddressBookDb().sniff(Path("a.db"), head) == 0.95
    assert IosAddressBookDb().sniff(Path("AddressBook.sqlitedb"), b"SQLite format 3\x00") == 0.8
    assert IosAddressBookDb().sniff(Path("AddressBook.sqlitedb"), b"BEGIN:VCARD\r\n") == 0.0


def test_addressbook_people_values_labels_and_entries(tmp_path: Path) -> None:
    path = _database(tmp_path / "AddressBook.sqlitedb", addressbook_schema.SCHEMA, _addressbook_rows())
    records, ctx = _parse(IosAddressBookDb(), path)
    assert all(isinstance(r, ParsedContact) for r in records)
    tom, harbour, empty = (r for r in records if isinstance(r, ParsedContact))
    assert tom.display_name == "Tom Berg" and tom.locator == "ABPerson ROWID=1"
    expected_columns = {
        "First": ["Tom"], "Last": ["Berg"], "Organization": ["Northgate Logistics"],
        "Note": ["Five-a-side on Sundays"], "Kind": ["0"], "Birthday": ["1985-10-31"],
        "Birthday.raw": ["-478742400"], "Nickname": ["Tommy"], "CreationDate": ["2025-02-14T17:04:31+00:00"],
    }  # fmt: skip
    assert {name: tom.fields[name] for name in expected_columns} == expected_columns
    assert "FirstSort" not in tom.fields and "FirstSortLanguageIndex" not in tom.fields
    assert tom.fields["Phone"] == ["+44 7700 900123", "07700 900555", "+1 212-555-0142"]
    assert tom.fields["Phone.label"] == ["Mobile", "Gym", ""]
    assert tom.fields["Email"] == ["tom.berg@example.com"] and tom.fields["Email.label"] == ["Home"]
    assert tom.fields["Address"] == ["12 Harbour Lane, Northtown, ZZ1 1ZZ, UK"]
    assert (tom.fields["IM"], tom.fields["IM.service"], tom.fields["IM.label"]) == (
        ["tomb"],
        ["Skype"],
        ["Work"],
    )
    assert tom.fields["URL"] == ["https://example.org/tom"]
    assert (tom.fields["Profile"], tom.fields["Profile.service"]) == (["tom_berg"], ["Telegram"])
    assert (tom.fields["Date"], tom.fields["Date.label"]) == (["2025-02-14"], [""])
    assert tom.accounts == (
        AccountRef("phone", "+44 7700 900123", "Tom Berg"),
        AccountRef("phone", "07700 900555", "Tom Berg"),
        AccountRef("phone", "+1 212-555-0142", "Tom Berg"),
        AccountRef("email", "tom.berg@example.com", "Tom Berg"),
        AccountRef("skype", "tomb", "Tom Berg"),
        AccountRef("telegram", "tom_berg", "Tom Berg"),
    )
    assert harbour.display_name == "Harbour Print Ltd"
    assert harbour.fields["Birthday"] == ["1620-09-26"]
    assert harbour.accounts == (AccountRef("phone", "+44 7700 900777", "Harbour Print Ltd"),)
    assert empty.display_name is None and "Birthday" not in empty.fields
    assert ("ABPerson ROWID=3", "Birthday 'soon' is no Apple time") in ctx.warnings
    assert ("ABPerson ROWID=3", "contact without name, organization, phone or email") in ctx.warnings


def test_addressbook_year_less_birthday_and_missing_label_tables(tmp_path: Path) -> None:
    schema = (
        "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT, Birthday TEXT);"
        "CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER,"
        " label INTEGER, value TEXT);"
    )
    year_less = str(int(datetime(1604, 3, 9, tzinfo=UTC).timestamp()) - 978_307_200)
    rows = {
        "ABPerson": [{"ROWID": 1, "First": "Kari", "Birthday": year_less}],
        "ABMultiValue": [{"UID": 1, "record_id": 1, "property": 3, "label": 1, "value": "+44 7700 900321"},
                         {"UID": 2, "record_id": 1, "property": 3, "label": 1, "value": ""}],
    }  # fmt: skip
    records, ctx = _parse(IosAddressBookDb(), _database(tmp_path / "AddressBook.sqlitedb", schema, rows))
    (kari,) = records
    assert isinstance(kari, ParsedContact)
    assert kari.fields["Birthday"] == ["--03-09"]
    assert kari.fields["Phone"] == ["+44 7700 900321"] and kari.fields["Phone.label"] == [""]
    assert ("ABMultiValue UID=2", "Phone without a value") in ctx.warnings
    assert any(locator == "ABMultiValueEntry" for locator, _ in ctx.warnings)


def test_addressbook_missing_table_is_wrong_format(tmp_path: Path) -> None:
    path = _database(tmp_path / "AddressBook.sqlitedb", "CREATE TABLE ABPerson (ROWID INTEGER);", {})
    with pytest.raises(WrongFormat, match="ABMultiValue"):
        list(IosAddressBookDb().parse(path, _ctx(tmp_path)))


def test_sms_db_old_minimal_schema(tmp_path: Path) -> None:
    schema = (
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER,"
        " date INTEGER, is_from_me INTEGER);"
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
        "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, guid TEXT, chat_identifier TEXT);"
        "CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
    )
    rows: dict[str, list[dict[str, object]]] = {
        "handle": [{"ROWID": 1, "id": "+447700900123"}],
        "chat": [{"ROWID": 1, "guid": "SMS;-;+447700900123", "chat_identifier": "+447700900123"}],
        "message": [
            {"ROWID": 1, "guid": "O1", "text": "Ok", "handle_id": 1, "date": APPLE_BASE, "is_from_me": 0}
        ],
        "chat_message_join": [{"chat_id": 1, "message_id": 1}],
    }
    records, ctx = _parse(IosSmsDb(), _database(tmp_path / "sms.db", schema, rows))
    (message,) = _messages(records)
    assert (message.sender, message.body, message.sent_at) == (AccountRef("sms", "+447700900123"), "Ok", BASE)
    assert {locator for locator, _ in ctx.warnings} == {"attachment", "message"}
