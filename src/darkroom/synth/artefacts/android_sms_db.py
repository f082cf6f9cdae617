"""Android's SMS/MMS store `mmssms.db`, as a full file-system extraction finds it (with `-wal`).

Texts with a few saved contacts, bland small talk: `sms(_id=12, thread_id=3,
address='+447700900123', date=1739552640000, type=1 (inbox), body='Running late')`; a sent text
has type 2 and the recipient as address. One group MMS thread: a received picture message
(`pdu.msg_box=1`, `date` in seconds, `addr` rows 0x89 from and 0x97 to — the owner's own number
among the to-addresses — and `part` rows text/plain + image/jpeg) and the owner's reply
(from-address `insert-address-token`). The newest texts wait in the WAL.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.android_sqlite import build_database, insert_rows
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, write_file
from darkroom.synth.contacts import ContactEntry
from darkroom.synth.conversations import iter_messages
from darkroom.synth.fictional import format_phone
from darkroom.synth.records import Conversation
from darkroom.synth.rng import derive_seed

SMS_DDL = """
CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT);
CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0,
  message_count INTEGER DEFAULT 0, recipient_ids TEXT, snippet TEXT, snippet_cs INTEGER DEFAULT 0,
  read INTEGER DEFAULT 1, archived INTEGER DEFAULT 0, type INTEGER DEFAULT 0, error INTEGER DEFAULT 0,
  has_attachment INTEGER DEFAULT 0);
CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, date INTEGER,
  date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1,
  type INTEGER, reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT,
  locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT 0, creator TEXT,
  seen INTEGER DEFAULT 0);
CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER,
  date_sent INTEGER DEFAULT 0, msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT,
  sub_cs INTEGER, ct_t TEXT, ct_l TEXT, exp INTEGER, m_cls TEXT, m_type INTEGER, v INTEGER, m_size INTEGER,
  pri INTEGER, rr INTEGER, rpt_a INTEGER, resp_st INTEGER, st INTEGER, tr_id TEXT, retr_st INTEGER,
  retr_txt TEXT, retr_txt_cs INTEGER, read_status INTEGER, ct_cls INTEGER, resp_txt TEXT, d_tm INTEGER,
  d_rpt INTEGER, locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1, seen INTEGER DEFAULT 0,
  creator TEXT, text_only INTEGER DEFAULT 0);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER,
  charset INTEGER);
CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT,
  name TEXT, chset INTEGER, cd TEXT, fn TEXT, cid TEXT, cl TEXT, ctt_s INTEGER, ctt_t TEXT, _data TEXT,
  text TEXT);
CREATE INDEX typeThreadIdIndex ON sms (type, thread_id);
"""
_INBOX, _SENT = 1, 2
_FROM, _TO = 0x89, 0x97
_RETRIEVE_CONF, _SEND_REQ = 132, 128
_UTF8 = 106
_WAL_SHARE = 0.15
_MAX_THREADS = 6
_PARTS_DIR = "/data/user_de/0/com.android.providers.telephony/app_parts"
_MMS_TEXTS = ("Pitch is booked for Sunday", "Great, see you there")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(slots=True)
class _Rows:
    """Every table's rows, and the facts truth.json reports."""

    tables: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    threads: list[dict[str, object]] = field(default_factory=list)
    accounts: set[str] = field(default_factory=set)

    def add(self, table: str, row: dict[str, object]) -> int:
        """Append a row with the next `_id`; returns it."""
        rows = self.tables.setdefault(table, [])
        row_id = len(rows) + 1
        rows.append({"_id": row_id} | row)
        return row_id


@dataclass(frozen=True, slots=True)
class _Party:
    """A contact texted from the phone: their number, the form it is stored in, their account."""

    e164: str
    written: str
    key: str


class AndroidSmsDbWriter:
    """Text threads with saved contacts, plus one group MMS thread, for the seized phone's owner."""

    name = "android-sms-db"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """mmssms.db (+ -wal) at the slot's path."""
        owner = job.exhibit.owner
        book = ctx.address_books.get(owner)
        mobiles = ctx.accounts.mobiles.get(owner, ())
        if book is None or not mobiles:
            return []
        me = _Party(mobiles[0], format_phone(mobiles[0], "national"), account_key("phone", mobiles[0]))
        parties = _parties(book.entries, ctx, rng)
        rows = _Rows(accounts={me.key})
        for number, party in enumerate(parties, start=1):
            _thread(rows, job, me, party, number, rng)
        mms_count = _group_mms(rows, me, parties[:2], rng) if len(parties) >= 2 else 0
        sms = rows.tables.get("sms", [])
        newest = sorted(sms, key=lambda row: (int(str(row["date"])), int(str(row["_id"]))))
        in_wal = {row["_id"] for row in newest[len(newest) - round(len(newest) * _WAL_SHARE) :]}
        files = build_database(
            SMS_DDL,
            lambda connection: _fill(connection, rows, in_wal),
            lambda connection: insert_rows(connection, "sms", [row for row in sms if row["_id"] in in_wal]),
            rng,
        )
        when = job.exhibit.seized_at - timedelta(minutes=rng.randrange(30, 600))
        content = {
            "format": self.name,
            "platform": "sms",
            "owner_account": me.key,
            "accounts": sorted(rows.accounts),
            "message_count": len(sms) + mms_count,
            "sms_count": len(sms),
            "mms_count": mms_count,
            "attachment_count": 1 if mms_count else 0,
            "wal_message_count": len(in_wal),
            "threads": rows.threads,
        }
        truths = [write_file(job, job.slot.path, files.database, when, "sqlite", content)]
        if files.wal is not None:
            wal_content = {"format": "sqlite-wal", "database": job.slot.path}
            truths.append(write_file(job, f"{job.slot.path}-wal", files.wal, when, "sqlite-wal", wal_content))
        return truths


def _parties(entries: tuple[ContactEntry, ...], ctx: WriteContext, rng: random.Random) -> list[_Party]:
    """Up to six saved contacts whose mobile number is a phone account of theirs."""
    options: list[_Party] = []
    for entry in entries:
        phone = next((p for p in entry.phones if p.label == "CELL"), None)
        if phone is not None and account_key("phone", phone.e164) in ctx.accounts.by_key:
            options.append(_Party(phone.e164, phone.written, account_key("phone", phone.e164)))
    chosen = rng.sample(options, min(_MAX_THREADS, len(options)))
    return sorted(chosen, key=lambda party: party.e164)


def _thread(rows: _Rows, job: SlotJob, me: _Party, party: _Party, number: int, rng: random.Random) -> None:
    """One text thread: small talk streamed as the chat writers stream it."""
    day = job.exhibit.seized_at - timedelta(days=rng.randrange(60, 400))
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)  # sessions fall in waking hours
    conversation = Conversation(
        id=f"{job.exhibit.ref}-sms-{number}",
        platform="sms",
        accounts=(me.key, party.key),
        group_name=None,
        start_utc=start,
        end_utc=job.exhibit.seized_at - timedelta(days=1),
        weight=1.0,
        seed=derive_seed(rng.getrandbits(63), "sms-thread"),
        message_count=rng.randint(3, 14),
    )
    address_id = rows.add("canonical_addresses", {"address": party.e164})
    messages = list(iter_messages(conversation))
    thread_id = rows.add(
        "threads",
        {
            "date": _ms(messages[-1].sent_at),
            "message_count": len(messages),
            "recipient_ids": str(address_id),
            "snippet": messages[-1].text,
            "read": 1,
        },
    )
    for message in messages:
        sent = message.sender == me.key
        rows.add(
            "sms",
            {
                "thread_id": thread_id,
                "address": party.written if sent else party.e164,
                "date": _ms(message.sent_at),
                "protocol": None if sent else 0,
                "date_sent": 0 if sent else _ms(message.sent_at) - rng.randrange(1000, 9000),
                "read": 1,
                "type": _SENT if sent else _INBOX,
                "body": message.text,
                "seen": 1,
                "service_center": None if sent else "+447700900000",
            },
        )
    rows.accounts.add(party.key)
    rows.threads.append(
        {
            "thread_id": thread_id,
            "accounts": [me.key, party.key],
            "group": False,
            "message_count": len(messages),
            "first_utc": messages[0].sent_at.isoformat(),
            "last_utc": messages[-1].sent_at.isoformat(),
        }
    )


def _group_mms(rows: _Rows, me: _Party, pair: list[_Party], rng: random.Random) -> int:
    """A group MMS thread: a picture message from the first contact, and the owner's reply."""
    sender, other = pair
    ids = [rows.add("canonical_addresses", {"address": party.e164}) for party in pair]
    received = datetime.fromtimestamp(_latest_sms_ms(rows) // 1000 + 3600, tz=UTC)
    thread_id = rows.add(
        "threads",
        {
            "date": _ms(received) + 600_000,
            "message_count": 2,
            "recipient_ids": " ".join(map(str, ids)),
            "snippet": _MMS_TEXTS[1],
            "has_attachment": 1,
        },
    )
    stamp = int(received.timestamp())
    picture = f"IMG_{received:%Y%m%d_%H%M%S}.jpg"
    for box, moment, text in ((_INBOX, stamp, _MMS_TEXTS[0]), (_SENT, stamp + 600, _MMS_TEXTS[1])):
        pdu_id = rows.add(
            "pdu",
            {
                "thread_id": thread_id,
                "date": moment,
                "msg_box": box,
                "read": 1,
                "seen": 1,
                "m_type": _RETRIEVE_CONF if box == _INBOX else _SEND_REQ,
                "ct_t": "application/vnd.wap.multipart.related",
                "m_id": "".join(rng.choice("0123456789abcdef") for _ in range(20)),
                "v": 18,
                "sub_cs": _UTF8,
            },
        )
        addresses = [(sender.e164, _FROM), (me.written, _TO), (other.e164, _TO)]
        if box == _SENT:
            addresses = [("insert-address-token", _FROM), (sender.e164, _TO), (other.e164, _TO)]
        for address, kind in addresses:
            rows.add("addr", {"msg_id": pdu_id, "address": address, "type": kind, "charset": _UTF8})
        rows.add(
            "part", {"mid": pdu_id, "seq": -1, "ct": "application/smil", "cid": "<smil>", "text": "<smil/>"}
        )
        rows.add(
            "part",
            {"mid": pdu_id, "seq": 0, "ct": "text/plain", "chset": _UTF8, "cl": "text_0.txt", "text": text},
        )
        if box == _INBOX:
            data = f"{_PARTS_DIR}/PART_{stamp}000"
            rows.add(
                "part",
                {"mid": pdu_id, "seq": 0, "ct": "image/jpeg", "name": picture, "cl": picture, "_data": data},
            )
    rows.accounts.update(party.key for party in pair)
    rows.threads.append(
        {
            "thread_id": thread_id,
            "accounts": [me.key, sender.key, other.key],
            "group": True,
            "message_count": 2,
            "first_utc": received.isoformat(),
            "last_utc": (received + timedelta(seconds=600)).isoformat(),
            "attachments": [picture],
        }
    )
    return 2


def _latest_sms_ms(rows: _Rows) -> int:
    return max((int(str(row["date"])) for row in rows.tables.get("sms", [])), default=0)


def _fill(connection: sqlite3.Connection, rows: _Rows, in_wal: set[object]) -> None:
    """Every table's rows; of `sms` only those not left for the WAL."""
    for table, table_rows in rows.tables.items():
        insert_rows(
            connection, table, [row for row in table_rows if table != "sms" or row["_id"] not in in_wal]
        )
