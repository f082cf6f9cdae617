"""WhatsApp for Android's own databases, as a full file-system extraction finds them.

Writes `databases/msgstore.db` (2021+ schema, newest messages left in `msgstore.db-wal`),
`databases/wa.db` (`wa_contacts`) and `shared_prefs/com.whatsapp_preferences_light.xml` (the
owner's `cc`/`ph`) under the slot's folder's parent. A message row reads
`(_id=41, chat_row_id=3, from_me=0, key_id='3EB0…', timestamp=1739552640000, message_type=0,
text_data='Fancy a coffee on Friday?')`; a received image is `message_type=1` with
`message_media.file_path = 'Media/WhatsApp Images/IMG-20250214-WA0003.jpg'`. A group the owner
was added to opens with a system row (action 12) whose `message_system_group.is_me_joined = 1`.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.android_sqlite import build_database, insert_rows
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, join_path, write_file
from darkroom.synth.artefacts.chats import chat_content, chat_lines, labels_for
from darkroom.synth.fictional import format_phone
from darkroom.synth.records import Conversation

MSGSTORE_DDL = """
CREATE TABLE props (_id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, value TEXT);
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
  agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER,
  subject TEXT, created_timestamp INTEGER, display_message_row_id INTEGER, last_message_row_id INTEGER,
  last_read_message_row_id INTEGER, archived INTEGER, sort_timestamp INTEGER, mod_tag INTEGER,
  unseen_message_count INTEGER, ephemeral_expiration INTEGER, group_type INTEGER NOT NULL DEFAULT 0);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
  broadcast INTEGER, recipient_count INTEGER, participant_hash TEXT, origination_flags INTEGER,
  origin INTEGER, timestamp INTEGER, received_timestamp INTEGER, receipt_server_timestamp INTEGER,
  message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER,
  sort_id INTEGER NOT NULL DEFAULT 0, message_add_on_flags INTEGER, view_mode INTEGER);
CREATE TABLE message_media (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER,
  autotransfer_retry_enabled INTEGER, multicast_id TEXT, media_job_uuid TEXT, transferred INTEGER,
  transcoded INTEGER, file_path TEXT, file_size INTEGER, suspicious_content INTEGER, width INTEGER,
  height INTEGER, direct_path TEXT, message_url TEXT, mime_type TEXT, file_length INTEGER,
  media_name TEXT, file_hash TEXT, media_duration INTEGER, page_count INTEGER, enc_file_hash TEXT,
  media_caption TEXT);
CREATE TABLE message_system (message_row_id INTEGER PRIMARY KEY, action_type INTEGER NOT NULL);
CREATE TABLE message_system_group (message_row_id INTEGER PRIMARY KEY, is_me_joined INTEGER);
CREATE TABLE message_system_chat_participant (message_row_id INTEGER, user_jid_row_id INTEGER);
CREATE TABLE message_location (message_row_id INTEGER PRIMARY KEY, chat_row_id INTEGER, latitude REAL,
  longitude REAL, place_name TEXT, place_address TEXT, url TEXT, live_location_share_duration INTEGER);
CREATE TABLE message_quoted (message_row_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
  parent_message_chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL, sender_jid_row_id INTEGER,
  key_id TEXT NOT NULL, timestamp INTEGER, message_type INTEGER, origin INTEGER, text_data TEXT);
CREATE TABLE message_revoked (message_row_id INTEGER PRIMARY KEY, revoked_key_id TEXT NOT NULL,
  admin_jid_row_id INTEGER, revoke_timestamp INTEGER);
CREATE TABLE group_participant_user (_id INTEGER PRIMARY KEY AUTOINCREMENT, group_jid_row_id INTEGER NOT NULL,
  user_jid_row_id INTEGER NOT NULL, rank INTEGER, pending INTEGER, add_timestamp INTEGER);
CREATE TABLE call_log (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER, from_me INTEGER,
  call_id TEXT, transaction_id INTEGER, timestamp INTEGER, video_call INTEGER, duration INTEGER,
  call_result INTEGER, bytes_transferred INTEGER, group_jid_row_id INTEGER NOT NULL DEFAULT 0);
CREATE INDEX message_chat_sort ON message (chat_row_id, sort_id);
"""
WA_DDL = """
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL,
  is_whatsapp_user BOOLEAN NOT NULL, status TEXT, status_timestamp INTEGER, number TEXT,
  raw_contact_id INTEGER, display_name TEXT, phone_type INTEGER, phone_label TEXT,
  unseen_msg_count INTEGER, photo_ts INTEGER, thumb_ts INTEGER, photo_id_timestamp INTEGER,
  given_name TEXT, family_name TEXT, wa_name TEXT, sort_name TEXT, nickname TEXT, company TEXT,
  title TEXT, status_autodownload_disabled INTEGER, keep_timestamp INTEGER, is_spam_reported INTEGER);
CREATE TABLE wa_vnames (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL, serial INTEGER NOT NULL,
  issuer TEXT NOT NULL, expires INTEGER, verified_name TEXT NOT NULL, industry TEXT, city TEXT,
  country TEXT, verified_level INTEGER);
CREATE TABLE wa_group_admin_settings (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT UNIQUE,
  creator_jid TEXT, creation_time INTEGER);
"""
_PREFS = """<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <string name="push_name">{push_name}</string>
    <string name="cc">{cc}</string>
    <string name="ph">{ph}</string>
    <int name="shared_prefs_version" value="3" />
</map>
"""
_WAL_SHARE = 0.1  # the newest tenth of the messages waits in the WAL
_ADDED_ACTION, _CREATED_ACTION = 12, 11
_TEXT, _IMAGE, _SYSTEM = 0, 1, 7
_READ_BY_ALL, _RECEIVED, _SYSTEM_STATUS = 13, 0, 6


def _jid(phone: str) -> str:
    return f"{phone.lstrip('+')}@s.whatsapp.net"


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(slots=True)
class _Message:
    """One planned `message` row and the side-table rows that go with it."""

    chat_id: int
    from_me: bool
    key_id: str
    sender_jid: int  # 0 for the owner and in one-to-one chats, as WhatsApp writes it
    timestamp_ms: int
    message_type: int
    text: str | None
    recipient_count: int
    media_name: str | None = None
    system_action: int | None = None
    joined_jid: int | None = None  # the owner's jid row on "you were added"
    row_id: int = 0

    def row(self) -> dict[str, object]:
        """The `message` row."""
        status = (
            _SYSTEM_STATUS if self.message_type == _SYSTEM else _READ_BY_ALL if self.from_me else _RECEIVED
        )
        return {
            "_id": self.row_id, "chat_row_id": self.chat_id, "from_me": int(self.from_me),
            "key_id": self.key_id, "sender_jid_row_id": self.sender_jid, "status": status, "broadcast": 0,
            "recipient_count": self.recipient_count, "origination_flags": 0, "origin": 0,
            "timestamp": self.timestamp_ms, "received_timestamp": self.timestamp_ms + 1500,
            "receipt_server_timestamp": -1, "message_type": self.message_type, "text_data": self.text,
            "starred": 0, "lookup_tables": 0, "sort_id": self.row_id, "message_add_on_flags": 0,
        }  # fmt: skip


@dataclass(slots=True)
class _Store:
    """The rows of msgstore.db being planned."""

    rng: random.Random
    jids: dict[str, int] = field(default_factory=dict)  # raw_string → jid._id
    chats: list[dict[str, object]] = field(default_factory=list)
    members: list[dict[str, object]] = field(default_factory=list)
    messages: list[_Message] = field(default_factory=list)
    group_subjects: dict[str, str] = field(default_factory=dict)

    def jid(self, raw: str) -> int:
        """The jid's row id, added on first use."""
        return self.jids.setdefault(raw, len(self.jids) + 1)

    def key_id(self) -> str:
        """A message key as Android clients write them (hex)."""
        return "".join(self.rng.choice("0123456789ABCDEF") for _ in range(32))

    def numbered(self) -> list[_Message]:
        """Messages in arrival order with their row ids (WhatsApp inserts as messages arrive)."""
        ordered = sorted(self.messages, key=lambda message: (message.timestamp_ms, message.chat_id))
        for number, message in enumerate(ordered, start=1):
            message.row_id = number
        return ordered


@dataclass(frozen=True, slots=True)
class _ChatTruth:
    """What truth.json says about one chat, with its counts kept typed for the totals."""

    facts: dict[str, object]
    accounts: tuple[str, ...]
    messages: int
    system: int
    attachments: int


class WhatsAppAndroidDbWriter:
    """msgstore.db (+ -wal), wa.db and the owner's prefs for the phone's main WhatsApp account."""

    name = "whatsapp-android-db"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """Every chat assigned to the slot, in one database."""
        if not job.exhibit.whatsapp_accounts:
            return []
        owner = ctx.accounts.by_key[job.exhibit.whatsapp_accounts[0]]
        store = _Store(rng)
        store.jid(_jid(owner.handle))
        chats = [_plan_chat(store, ctx.conversations[cid], job, ctx, owner.key) for cid in job.conversations]
        rows = store.numbered()
        in_wal = max(1, round(len(rows) * _WAL_SHARE)) if rows else 0
        files = build_database(
            MSGSTORE_DDL,
            lambda connection: _fill(connection, store, owner.display_name, rows[: len(rows) - in_wal]),
            lambda connection: _fill_messages(connection, store, rows[len(rows) - in_wal :]),
            rng,
        )
        last = max((row.timestamp_ms for row in rows), default=_ms(job.exhibit.seized_at) - 86_400_000)
        when = min(datetime.fromtimestamp(last / 1000, tz=UTC) + timedelta(hours=3), job.exhibit.seized_at)
        database = join_path(job.slot.path, "msgstore.db")
        content = _msgstore_content(owner.key, chats, in_wal)
        truths = [write_file(job, database, files.database, when, "sqlite", content)]
        if files.wal is not None:
            wal_content = {"format": "sqlite-wal", "database": database}
            truths.append(write_file(job, f"{database}-wal", files.wal, when, "sqlite-wal", wal_content))
        truths.append(_write_wa_db(job, ctx, rng, store, owner.key, when))
        truths.append(_write_prefs(job, owner.handle, owner.display_name, owner.key, when))
        return truths


def _plan_chat(
    store: _Store, conversation: Conversation, job: SlotJob, ctx: WriteContext, owner_key: str
) -> _ChatTruth:
    """Plan one chat's rows; return its truth.json facts."""
    group = conversation.group_name
    if group is not None:
        chat_jid = f"1203630{store.rng.randrange(10**11, 10**12)}@g.us"
        store.group_subjects[chat_jid] = group
    else:
        other = next((key for key in conversation.accounts if key != owner_key), conversation.accounts[0])
        chat_jid = _jid(ctx.accounts.by_key[other].handle)
    chat_id = len(store.chats) + 1
    store.chats.append({"_id": chat_id, "jid_row_id": store.jid(chat_jid), "subject": group, "hidden": 0})
    lines = list(chat_lines(conversation, job, ctx))
    if group is not None and lines:
        _group_opening(store, conversation, chat_id, chat_jid, _ms(lines[0].sent_at), owner_key, ctx)
    for line in lines:
        sender = store.jid(_jid(ctx.accounts.by_key[line.sender].handle))
        mine = line.sender == owner_key
        store.messages.append(
            _Message(
                chat_id=chat_id,
                from_me=mine,
                key_id=store.key_id(),
                sender_jid=sender if group is not None and not mine else 0,
                timestamp_ms=_ms(line.sent_at),
                message_type=_IMAGE if line.attachment else _TEXT,
                text=None if line.attachment else line.text,
                recipient_count=len(conversation.accounts) - 1 if group is not None else 0,
                media_name=line.attachment,
            )
        )
    counts = (len(lines), int(group is not None and bool(lines)), sum(1 for line in lines if line.attachment))
    first = lines[0].sent_at if lines else conversation.start_utc
    last = lines[-1].sent_at if lines else conversation.start_utc
    labels = labels_for(conversation, job, ctx)
    facts = chat_content(WhatsAppAndroidDbWriter.name, conversation, job, labels, counts, (first, last))
    facts |= {"jid": chat_jid, "first_utc": first.isoformat(), "last_utc": last.isoformat()}
    return _ChatTruth(facts, conversation.accounts, *counts)


def _group_opening(
    store: _Store,
    conversation: Conversation,
    chat_id: int,
    chat_jid: str,
    first_ms: int,
    owner_key: str,
    ctx: WriteContext,
) -> None:
    """Group members, and the system row that opens the chat: created by the owner, or 'added you'."""
    member_jids = [store.jid(_jid(ctx.accounts.by_key[key].handle)) for key in conversation.accounts]
    group_jid = store.jid(chat_jid)
    for rank, member in enumerate(member_jids):
        store.members.append(
            {"group_jid_row_id": group_jid, "user_jid_row_id": member, "rank": int(rank == 0), "pending": 0}
        )
    by_owner = conversation.accounts[0] == owner_key
    owner_jid = (
        member_jids[conversation.accounts.index(owner_key)] if owner_key in conversation.accounts else 0
    )
    store.messages.append(
        _Message(
            chat_id=chat_id,
            from_me=by_owner,
            key_id=store.key_id(),
            sender_jid=0 if by_owner else member_jids[0],
            timestamp_ms=first_ms - 60_000,
            message_type=_SYSTEM,
            text=None,
            recipient_count=0,
            system_action=_CREATED_ACTION if by_owner else _ADDED_ACTION,
            joined_jid=None if by_owner else owner_jid,
        )
    )


def _fill(connection: sqlite3.Connection, store: _Store, push_name: str, rows: list[_Message]) -> None:
    """Props, jids, chats and group members, then the older messages."""
    insert_rows(connection, "props", [{"key": "user_push_name", "value": push_name}])
    jid_rows: list[dict[str, object]] = []
    for raw, number in store.jids.items():
        user, _, server = raw.partition("@")
        jid_rows.append(
            {"_id": number, "user": user, "server": server, "agent": 0, "device": 0, "raw_string": raw}
        )
    insert_rows(connection, "jid", jid_rows)
    insert_rows(connection, "chat", store.chats)
    insert_rows(connection, "group_participant_user", store.members)
    _fill_messages(connection, store, rows)


def _fill_messages(connection: sqlite3.Connection, store: _Store, rows: list[_Message]) -> None:
    """Message rows and their side-table rows (media, system events)."""
    for message in rows:
        insert_rows(connection, "message", [message.row()])
        row_id = message.row_id
        if message.media_name is not None:
            media = {
                "message_row_id": row_id, "chat_row_id": message.chat_id, "transferred": 1, "transcoded": 0,
                "file_path": f"Media/WhatsApp Images/{message.media_name}", "mime_type": "image/jpeg",
                "file_size": store.rng.randrange(40_000, 400_000), "width": 1600, "height": 1200,
            }  # fmt: skip
            insert_rows(connection, "message_media", [media])
        if message.system_action is not None:
            system = {"message_row_id": row_id, "action_type": message.system_action}
            insert_rows(connection, "message_system", [system])
        if message.joined_jid is not None:
            insert_rows(connection, "message_system_group", [{"message_row_id": row_id, "is_me_joined": 1}])
            joined = {"message_row_id": row_id, "user_jid_row_id": message.joined_jid}
            insert_rows(connection, "message_system_chat_participant", [joined])


def _write_wa_db(
    job: SlotJob, ctx: WriteContext, rng: random.Random, store: _Store, owner_key: str, when: datetime
) -> TruthFile:
    """wa.db: one wa_contacts row per person the chats name (not the owner), and one per group."""
    book = ctx.address_books.get(job.exhibit.owner)
    people = sorted(
        {key for cid in job.conversations for key in ctx.conversations[cid].accounts} - {owner_key}
    )
    rows: list[dict[str, object]] = []
    cards: list[dict[str, object]] = []
    for key in people:
        account = ctx.accounts.by_key[key]
        saved = book.label_by_phone.get(account.handle) if book is not None else None
        number = format_phone(account.handle, rng.choice(("international", "national"))) if saved else None
        rows.append(
            {"jid": _jid(account.handle), "is_whatsapp_user": 1, "number": number, "display_name": saved,
             "wa_name": account.display_name, "status": "Hey there! I am using WhatsApp.",
             "raw_contact_id": len(rows) + 1 if saved else None}
        )  # fmt: skip
        keys = [key, account_key("phone", account.handle)] if saved else [key]
        cards.append(
            {"index": len(cards), "name": saved or account.display_name, "person": account.person,
             "identifiers": [{"kind": "phone", "value": account.handle, "written": number or account.handle}],
             "account_keys": [k for k in keys if k in ctx.accounts.by_key]}
        )  # fmt: skip
    for raw, name in store.group_subjects.items():  # WhatsApp keeps its groups in wa_contacts too
        rows.append({"jid": raw, "is_whatsapp_user": 1, "display_name": name})
        cards.append(
            {
                "index": len(cards),
                "name": name,
                "person": None,
                "group": True,
                "identifiers": [],
                "account_keys": [],
            }
        )
    files = build_database(WA_DDL, lambda connection: insert_rows(connection, "wa_contacts", rows), None, rng)
    content = {"format": "whatsapp-android-wa-db", "card_count": len(rows), "cards": cards}
    return write_file(job, join_path(job.slot.path, "wa.db"), files.database, when, "sqlite", content)


def _write_prefs(job: SlotJob, phone: str, push_name: str, owner_key: str, when: datetime) -> TruthFile:
    """The owner's number as WhatsApp keeps it: country code and national number apart."""
    country = "1" if phone.startswith("+1") else phone[1:3]
    xml = _PREFS.format(push_name=push_name, cc=country, ph=phone[1 + len(country) :])
    parent = job.slot.path.rpartition("/")[0]
    path = join_path(parent, "shared_prefs/com.whatsapp_preferences_light.xml")
    content = {"format": "whatsapp-android-prefs", "owner_account": owner_key}
    return write_file(job, path, xml.encode("utf-8"), when, "android-shared-prefs", content)


def _msgstore_content(owner_key: str, chats: list[_ChatTruth], in_wal: int) -> dict[str, object]:
    """truth.json for msgstore.db: totals over every chat, and each chat's own facts."""
    return {
        "format": "whatsapp-android-db",
        "platform": "whatsapp",
        "owner_account": owner_key,
        "accounts": sorted({key for chat in chats for key in chat.accounts}),
        "chat_count": len(chats),
        "message_count": sum(chat.messages for chat in chats),
        "system_count": sum(chat.system for chat in chats),
        "attachment_count": sum(chat.attachments for chat in chats),
        "wal_message_count": in_wal,
        "chats": [chat.facts for chat in chats],
    }
