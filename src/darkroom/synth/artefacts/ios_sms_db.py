"""The iPhone's Messages store, `private/var/mobile/Library/SMS/sms.db` (+ -wal, -shm).

The case plan has WhatsApp chats only, so this writer plans a few SMS and iMessage threads of its
own: the owner's main number with people saved in their address book (and one iMessage group),
their lines streamed from the same small-talk generator the chats use. As on iOS 16+, times are
nanoseconds since 2001-01-01 UTC, every body is also archived in `attributedBody` (a typedstream of
an NSAttributedString), and iMessage rows keep `text` NULL, so a reader must decode the archive.
The newest tenth of the messages is left in the WAL.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, join_path
from darkroom.synth.artefacts.ios_sqlite_files import (
    Build,
    apple_seconds,
    build_database,
    insert_row,
    write_database,
)
from darkroom.synth.conversations import CHATS_BEGIN, CHATS_END, iter_messages
from darkroom.synth.media import local_time
from darkroom.synth.records import Conversation
from darkroom.synth.vocab import GROUP_NAMES_NETWORK

FILE_NAME = "sms.db"
WAL_SHARE = 0.1
ONE_TO_ONE_STYLE, GROUP_STYLE = 45, 43

SCHEMA = """
CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER, engram_id TEXT, server_change_token TEXT, ck_sync_state INTEGER DEFAULT 0, original_group_id TEXT, last_read_message_timestamp INTEGER DEFAULT 0, cloudkit_record_id TEXT, last_addressed_sim_id TEXT, is_blackholed INTEGER DEFAULT 0, syndication_date INTEGER DEFAULT 0, syndication_type INTEGER DEFAULT 0, is_recovered INTEGER DEFAULT 0);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER, message_summary_info BLOB, ck_sync_state INTEGER DEFAULT 0, ck_record_id TEXT, ck_record_change_tag TEXT, destination_caller_id TEXT, is_corrupt INTEGER DEFAULT 0, reply_to_guid TEXT, sort_id INTEGER, is_spam INTEGER DEFAULT 0, has_unseen_mention INTEGER DEFAULT 0, thread_originator_guid TEXT, thread_originator_part TEXT, syndication_ranges TEXT, synced_syndication_ranges TEXT, was_delivered_quietly INTEGER DEFAULT 0, did_notify_recipient INTEGER DEFAULT 0, date_retracted INTEGER, date_edited INTEGER, was_detonated INTEGER DEFAULT 0, part_count INTEGER, is_stewie INTEGER DEFAULT 0, is_kt_verified INTEGER DEFAULT 0, is_sos INTEGER DEFAULT 0, is_critical INTEGER DEFAULT 0, bia_reference_id TEXT, fallback_hash TEXT);
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date INTEGER DEFAULT 0, start_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_state INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0, user_info BLOB, transfer_name TEXT, total_bytes INTEGER DEFAULT 0, is_sticker INTEGER DEFAULT 0, sticker_user_info BLOB, attribution_info BLOB, hide_attachment INTEGER DEFAULT 0, ck_sync_state INTEGER DEFAULT 0, ck_server_change_token_blob BLOB, ck_record_id TEXT, original_guid TEXT UNIQUE NOT NULL, is_commsafety_sensitive INTEGER DEFAULT 0);
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
CREATE TABLE deleted_messages (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, guid TEXT NOT NULL);
CREATE TABLE kvtable (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, key TEXT UNIQUE NOT NULL, value BLOB NOT NULL);
CREATE INDEX chat_message_join_idx_message_date_id_chat_id ON chat_message_join(chat_id, message_date, message_id);
CREATE INDEX message_idx_handle ON message(handle_id, date);
"""  # noqa: E501 - the schema as iOS writes it, one table per line

# The archive Messages writes for a body: NSAttributedString holding an NSString, one attribute run.
_ARCHIVE_HEAD = (
    b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00"
    b"\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+"
)
_ARCHIVE_RUN = b"\x86\x84\x02iI\x01"
_ARCHIVE_TAIL = (
    b"\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01\x92\x84\x96\x96\x1d__kIMMessagePartAttributeName"
    b"\x86\x92\x84\x84\x84\x08NSNumber\x00\x84\x84\x07NSValue\x00\x94\x84\x01*\x84\x99\x99\x00\x86\x86\x86"
)


def typedstream_int(number: int) -> bytes:
    """A typedstream integer: one byte below 0x80, else 0x81 + 2 or 0x82 + 4 little-endian bytes."""
    if number < 0x80:
        return bytes([number])
    if number < 0x10000:
        return b"\x81" + number.to_bytes(2, "little")
    return b"\x82" + number.to_bytes(4, "little")


def attributed_body(text: str) -> bytes:
    """`text` archived as Messages stores it in `message.attributedBody`."""
    encoded = text.encode("utf-8")
    utf16_units = len(text.encode("utf-16-le")) // 2
    return (
        _ARCHIVE_HEAD + typedstream_int(len(encoded)) + encoded + _ARCHIVE_RUN + typedstream_int(utf16_units)
    ) + _ARCHIVE_TAIL


@dataclass(frozen=True, slots=True)
class _Thread:
    """One planned chat: its ROWID, service, name (groups) and conversation."""

    rowid: int
    service: str
    group_name: str | None
    conversation: Conversation


@dataclass(frozen=True, slots=True)
class _Message:
    """One message row before it is written."""

    rowid: int
    thread: _Thread
    sent_at: datetime
    sender: str
    text: str
    guid: str


class IosSmsDbWriter:
    """sms.db with a few SMS/iMessage threads of the owner's main number."""

    name = "ios-sms-db"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """sms.db (+ -wal, -shm) in the slot's folder."""
        phones = ctx.accounts.on_platform(job.exhibit.owner, "phone")
        if not phones:
            return []
        owner = phones[0]
        threads = _threads(job, rng, ctx, owner.key)
        messages = _messages(threads, rng)
        keep = len(messages) - int(len(messages) * WAL_SHARE)
        older = _step(threads, messages[:keep], owner.handle, ctx, rng, True)
        files = build_database(
            SCHEMA, older, _step(threads, messages[keep:], owner.handle, ctx, rng, False), rng
        )
        when = job.exhibit.seized_at - timedelta(hours=rng.randrange(1, 30))
        content = {
            "format": self.name,
            "owner_account": owner.key,
            "owner_handle": owner.handle,
            "accounts": sorted({key for thread in threads for key in thread.conversation.accounts}),
            "message_count": len(messages),
            "wal_message_count": len(messages) - keep,
            "text_null_count": sum(1 for m in messages if m.thread.service == "iMessage"),
            "conversations": [_thread_truth(thread, messages, ctx) for thread in threads],
        }
        return write_database(job, join_path(job.slot.path, FILE_NAME), files, when, "ios-sms", content)


def _threads(job: SlotJob, rng: random.Random, ctx: WriteContext, owner_key: str) -> list[_Thread]:
    """Threads with saved people who have a mobile account; the last one a group when three or more."""
    book = ctx.address_books.get(job.exhibit.owner)
    candidates = sorted(
        {
            account_key("phone", phone.e164)
            for entry in (book.entries if book is not None else ())
            for phone in entry.phones
            if phone.label == "CELL" and account_key("phone", phone.e164) in ctx.accounts.by_key
        }
        - {owner_key}
    )
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(3, 6)))
    plans: list[tuple[tuple[str, ...], str | None]] = [((owner_key, key), None) for key in chosen]
    if len(chosen) >= 3:
        plans.append(((owner_key, chosen[0], chosen[1]), rng.choice(GROUP_NAMES_NETWORK)))
    threads: list[_Thread] = []
    for rowid, (accounts, group_name) in enumerate(plans, start=1):
        start = CHATS_BEGIN + timedelta(days=rng.randrange(600), seconds=rng.randrange(86_400))
        conversation = Conversation(
            id=f"SMS-{job.exhibit.ref}-{rowid}",
            platform="sms",
            accounts=accounts,
            group_name=group_name,
            start_utc=start,
            end_utc=min(start + timedelta(days=rng.randrange(20, 300)), CHATS_END),
            weight=1.0,
            seed=rng.getrandbits(63),
            message_count=rng.randint(4, 18),
        )
        service = "iMessage" if group_name is not None or rng.random() < 0.5 else "SMS"
        threads.append(_Thread(rowid, service, group_name, conversation))
    return threads


def _messages(threads: Sequence[_Thread], rng: random.Random) -> list[_Message]:
    """Every thread's messages in arrival order, numbered as SQLite would."""
    streamed = [(m.sent_at, t.rowid, t, m) for t in threads for m in iter_messages(t.conversation)]
    streamed.sort(key=lambda item: (item[0], item[1]))
    return [
        _Message(rowid, thread, sent_at, message.sender, message.text, _guid(rng))
        for rowid, (sent_at, _, thread, message) in enumerate(streamed, start=1)
    ]


def _guid(rng: random.Random) -> str:
    return "-".join("".join(rng.choice("0123456789ABCDEF") for _ in range(n)) for n in (8, 4, 4, 4, 12))


def _nanoseconds(moment: datetime) -> int:
    return apple_seconds(moment) * 1_000_000_000


def _step(
    threads: Sequence[_Thread],
    messages: Sequence[_Message],
    owner_number: str,
    ctx: WriteContext,
    rng: random.Random,
    first: bool,
) -> Build:
    """A build step: handles and chats first, then the messages given."""

    def build(connection: sqlite3.Connection) -> None:
        if first:
            _insert_threads(connection, threads, owner_number, ctx, rng)
        for message in messages:
            _insert_message(connection, message, owner_number, ctx)

    return build


def _handle_rowid(connection: sqlite3.Connection, number: str, service: str) -> int:
    found = connection.execute(
        "SELECT ROWID FROM handle WHERE id = ? AND service = ?", (number, service)
    ).fetchone()
    if found is not None:
        return int(found[0])
    country = "us" if number.startswith("+1") else "gb"
    insert_row(connection, "handle", {"id": number, "country": country, "service": service})
    return int(connection.execute("SELECT last_insert_rowid()").fetchone()[0])


def _insert_threads(
    connection: sqlite3.Connection,
    threads: Sequence[_Thread],
    owner: str,
    ctx: WriteContext,
    rng: random.Random,
) -> None:
    insert_row(connection, "_SqliteDatabaseProperties", {"key": "_ClientVersion", "value": "18026"})
    for thread in threads:
        partners = [ctx.accounts.by_key[key].handle for key in thread.conversation.accounts[1:]]
        identifier = partners[0] if thread.group_name is None else f"chat{rng.randrange(10**17, 10**18)}"
        separator = "-" if thread.group_name is None else "+"
        insert_row(connection, "chat", {
            "ROWID": thread.rowid, "guid": f"{thread.service};{separator};{identifier}",
            "style": ONE_TO_ONE_STYLE if thread.group_name is None else GROUP_STYLE, "state": 3,
            "account_id": _guid(rng), "chat_identifier": identifier, "service_name": thread.service,
            "room_name": identifier if thread.group_name else None, "account_login": f"P:{owner}",
            "last_addressed_handle": owner, "display_name": thread.group_name or "",
            "group_id": _guid(rng),
        })  # fmt: skip
        for number in partners:
            handle = _handle_rowid(connection, number, thread.service)
            insert_row(connection, "chat_handle_join", {"chat_id": thread.rowid, "handle_id": handle})


def _insert_message(connection: sqlite3.Connection, message: _Message, owner: str, ctx: WriteContext) -> None:
    thread = message.thread
    from_me = message.sender == thread.conversation.accounts[0]
    date = _nanoseconds(message.sent_at)
    if from_me:
        handle = 0 if thread.group_name else _handle_rowid(connection, _partner(thread, ctx), thread.service)
    else:
        handle = _handle_rowid(connection, ctx.accounts.by_key[message.sender].handle, thread.service)
    insert_row(connection, "message", {
        "ROWID": message.rowid, "guid": message.guid,
        "text": None if thread.service == "iMessage" else message.text,
        "handle_id": handle, "attributedBody": attributed_body(message.text), "version": 10, "type": 0,
        "service": thread.service, "account": f"p:{owner}", "date": date,
        "date_read": date if not from_me else 0, "date_delivered": date if from_me else 0,
        "is_delivered": 1, "is_finished": 1,
        "is_from_me": 1 if from_me else 0, "is_read": 0 if from_me else 1, "is_sent": 1 if from_me else 0,
        "destination_caller_id": owner, "part_count": 1,
    })  # fmt: skip
    insert_row(
        connection,
        "chat_message_join",
        {"chat_id": thread.rowid, "message_id": message.rowid, "message_date": date},
    )


def _partner(thread: _Thread, ctx: WriteContext) -> str:
    return ctx.accounts.by_key[thread.conversation.accounts[1]].handle


def _thread_truth(thread: _Thread, messages: Sequence[_Message], ctx: WriteContext) -> dict[str, object]:
    mine = [m for m in messages if m.thread is thread]
    first = mine[0].sent_at if mine else thread.conversation.start_utc
    last = mine[-1].sent_at if mine else thread.conversation.start_utc
    return {
        "id": thread.conversation.id,
        "key": f"chat-{thread.rowid}",
        "service": thread.service,
        "group": thread.group_name,
        "accounts": list(thread.conversation.accounts),
        "handles": [ctx.accounts.by_key[key].handle for key in thread.conversation.accounts],
        "message_count": len(mine),
        "sent_by_owner": sum(1 for m in mine if m.sender == thread.conversation.accounts[0]),
        "first_local": local_time(first).isoformat(),
        "last_local": local_time(last).isoformat(),
    }
