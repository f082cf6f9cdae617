"""Android's SMS/MMS store `mmssms.db` (TelephonyProvider): threads, SMS and MMS messages.

`sms(_id, thread_id, address, date, type, body)` holds texts: `date` is Unix **milliseconds**,
`type` 1 inbox, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued. `threads(_id, recipient_ids)` names
its other parties as ids into `canonical_addresses(_id, address)`. MMS live in `pdu(_id,
thread_id, date, msg_box)` with `date` in Unix **seconds**, their addresses in `addr(msg_id,
address, type)` (0x89 from, 0x97 to, 0x82 cc, 0x81 bcc) and their content in `part(mid, ct, text,
cl, name, _data)`. A sent MMS's from-address reads `insert-address-token`.

Decisions:
- One conversation per `thread_id` (key `thread N`, locator `threads._id=N`, or `sms._id=M` for a
  thread only the messages name), platform "sms", no title; `is_group` when the thread has more
  than one other party. Participants: the owner (when known) and the thread's addresses.
- Accounts are phone lines: `AccountRef("phone", address as stored)`; normalization is downstream.
- The device owner's number is not stored as such. It is taken from received MMS: the to/cc
  addresses that are not one of the thread's other parties, when every received MMS agrees on
  one. Unknown (no MMS, or no agreement), sent messages keep `sender=None` and no owner account
  is yielded; found, a `ParsedAccount(is_owner=True)` comes first.
- SMS sender: inbox → the address; sent/outbox/failed/queued/draft → the owner. Drafts (never
  sent) are kept and each is warned. MMS sender: inbox → the from-address; otherwise the owner.
- Times are absolute (`assumed_zone` None): SMS `date` (the time the device stored it; for inbox
  messages `date_sent` is the sender's clock and is not used), MMS `date` in seconds (a value
  above 1e11 is read as ms, as some vendors write). 0 or NULL → `sent_at` None, warned.
- Bodies: SMS `body`; MMS text/plain parts joined by newlines, else the subject. A NULL body is
  kept as "" and warned; a BLOB body (app-encrypted, as some vendors store them) is kept as ""
  and warned with its size. MMS parts other than text and SMIL are attachments (name from `cl`,
  `name`, `fn` or `_data`), making the message MEDIA.
- Locators: `sms._id=N`, `pdu._id=N`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import ClassVar

from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Record,
    WrongFormat,
)
from darkroom.formats.sqlite_util import Schema, from_epoch, head_tables, iter_rows, open_database, text_of
from darkroom.identifiers.normalize import normalize_phone
from darkroom.model import MessageKind

__all__ = ["AndroidSmsDb"]

PLATFORM = "sms"
ACCOUNT_PLATFORM = "phone"
_INBOX = 1
_DRAFT = 3
_ADDR_FROM, _ADDR_TO, _ADDR_CC = 0x89, 0x97, 0x82
_OWN_ADDRESS_PLACEHOLDER = "insert-address-token"  # a sent MMS's from-address
_SKIPPED_PARTS = frozenset({"text/plain", "application/smil"})
_MS_ABOVE = 1e11  # seconds stay below 1e11 until the year 5138
_SMS_COLUMNS = ("thread_id", "address", "date", "type", "body")


@dataclass(slots=True)
class _Mms:
    """One MMS: its pdu row, addresses by type and parts in order."""

    pdu_id: int
    thread_id: object
    date: object
    box: int | None
    subject: str | None
    addresses: dict[int, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)


def _int(value: object) -> int | None:
    text = text_of(value)
    return int(text) if text is not None and text.strip().lstrip("-").isdigit() else None


class AndroidSmsDb:
    """mmssms.db → one conversation per thread with its SMS and MMS messages."""

    name: ClassVar[str] = "android-sms-db"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 when sms and threads are declared; 0.6 for the file name alone."""
        tables = head_tables(head)
        if tables is None:
            return 0.0
        if {"sms", "threads"} <= tables:
            return 0.95
        return 0.6 if path.name.lower() == "mmssms.db" else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The owner (when found), the threads, then SMS and MMS messages."""
        with open_database(path, ctx) as (connection, schema):
            missing = schema.missing("sms", ["_id", *_SMS_COLUMNS])
            if missing:
                raise WrongFormat(f"not an Android mmssms.db: lacks {', '.join(missing)}")
            yield from _SmsReader(connection, schema, ctx).records()


class _SmsReader:
    """One parse of one mmssms.db."""

    def __init__(self, connection: sqlite3.Connection, schema: Schema, ctx: ParseContext) -> None:
        self.connection, self.schema, self.ctx = connection, schema, ctx
        self.owner: AccountRef | None = None
        self.thread_parties: dict[object, list[str]] = {}
        self.yielded: set[str] = set()

    def records(self) -> Iterator[Record]:
        self.thread_parties = self._thread_parties()
        mms = self._read_mms() if self.schema.has("pdu", "_id", "thread_id", "date", "msg_box") else []
        owner = self._owner_from_mms(mms)
        if owner is not None:
            self.owner = AccountRef(ACCOUNT_PLATFORM, owner[0])
            yield ParsedAccount(self.owner, owner[1], is_owner=True)
        for thread_id in self.thread_parties:
            yield self._conversation(thread_id, f"threads._id={thread_id}")
        for sms_row in iter_rows(self.connection, self._sms_query(), self.ctx, "sms"):
            yield from self._sms(sms_row)
        for message in mms:
            yield from self._mms(message)

    def _thread_parties(self) -> dict[object, list[str]]:
        """Thread id → its other parties' addresses (`recipient_ids` → `canonical_addresses`)."""
        if not self.schema.has("threads", "_id"):
            return {}
        addresses: dict[str, str] = {}
        if self.schema.has("canonical_addresses", "_id", "address"):
            sql = "SELECT _id, address FROM canonical_addresses"
            rows = iter_rows(self.connection, sql, self.ctx, "canonical_addresses")
            addresses = {str(row["_id"]): str(row["address"]) for row in rows if row["address"]}
        recipients = self.schema.column("t", "threads", "recipient_ids")
        sql = f"SELECT t._id AS id, {recipients} AS recipient_ids FROM threads t ORDER BY t._id"
        parties: dict[object, list[str]] = {}
        for row in iter_rows(self.connection, sql, self.ctx, "threads"):
            ids = (text_of(row["recipient_ids"]) or "").split()
            parties[row["id"]] = [addresses[i] for i in ids if i in addresses]
            if len(parties[row["id"]]) < len(ids):
                self.ctx.warn(f"threads._id={row['id']}", "recipient ids missing from canonical_addresses")
        return parties

    def _conversation(self, thread_id: object, locator: str) -> ParsedConversation:
        key = f"thread {thread_id}"
        self.yielded.add(key)
        parties = self.thread_parties.get(thread_id, [])
        people = [AccountRef(ACCOUNT_PLATFORM, address) for address in parties]
        if self.owner is not None:
            people.insert(0, self.owner)
        return ParsedConversation(
            key, PLATFORM, None, len(parties) > 1, locator, str(thread_id), tuple(people)
        )

    def _ensure_thread(self, thread_id: object, address: str | None, locator: str) -> Iterator[Record]:
        """A thread only messages name (no threads row) becomes a conversation on first sight."""
        if f"thread {thread_id}" in self.yielded:
            return
        if address and thread_id not in self.thread_parties:
            self.thread_parties[thread_id] = [address]
        yield self._conversation(thread_id, locator)

    def _sms_query(self) -> str:
        columns = ", ".join(f"s.{column} AS {column}" for column in _SMS_COLUMNS)
        return f"SELECT s._id AS id, {columns} FROM sms s ORDER BY s.thread_id, s.date, s._id"

    def _sms(self, row: sqlite3.Row) -> Iterator[Record]:
        locator = f"sms._id={row['id']}"
        address = text_of(row["address"])
        yield from self._ensure_thread(row["thread_id"], address, locator)
        box = _int(row["type"])
        if box == _DRAFT:
            self.ctx.warn(locator, "draft (type 3): written on the device, never sent")
        sender = self.owner
        if box == _INBOX:
            sender = AccountRef(ACCOUNT_PLATFORM, address) if address else None
            if address is None:
                self.ctx.warn(locator, "received SMS without an address; sender unknown")
        yield ParsedMessage(
            conversation_key=f"thread {row['thread_id']}",
            sender=sender,
            sent_at=self._time(row["date"], 0.001, locator),
            sent_at_raw=text_of(row["date"]),
            assumed_zone=None,
            body=self._body(row["body"], locator),
            kind=MessageKind.TEXT,
            locator=locator,
        )

    def _time(self, value: object, unit_seconds: float, locator: str) -> datetime | None:
        moment = from_epoch(value, unit_seconds)
        if moment is None:
            self.ctx.warn(locator, f"no usable date ({value!r}); kept without time")
        return moment

    def _body(self, value: object, locator: str) -> str:
        if value is None:
            self.ctx.warn(locator, "body is NULL; kept with an empty body")
            return ""
        if isinstance(value, bytes):
            self.ctx.warn(
                locator, f"body is binary ({len(value)} bytes, app-encrypted?); kept with an empty body"
            )
            return ""
        return str(value)

    # -- MMS --------------------------------------------------------------------------------------

    def _read_mms(self) -> list[_Mms]:
        subject = self.schema.column("p", "pdu", "sub")
        sql = (
            f"SELECT p._id AS id, p.thread_id AS thread_id, p.date AS date, p.msg_box AS box, "
            f"{subject} AS sub FROM pdu p ORDER BY p.thread_id, p.date, p._id"
        )
        rows = iter_rows(self.connection, sql, self.ctx, "pdu")
        by_id = {
            row["id"]: _Mms(row["id"], row["thread_id"], row["date"], _int(row["box"]), text_of(row["sub"]))
            for row in rows
        }
        if self.schema.has("addr", "msg_id", "address", "type"):
            sql = "SELECT msg_id, address, type FROM addr ORDER BY msg_id, _id"
            for row in iter_rows(self.connection, sql, self.ctx, "addr"):
                message, kind = by_id.get(row["msg_id"]), _int(row["type"])
                if message is not None and kind is not None and row["address"]:
                    message.addresses.setdefault(kind, []).append(str(row["address"]))
        if self.schema.has("part", "mid", "ct"):
            self._read_parts(by_id)
        return list(by_id.values())

    def _read_parts(self, by_id: dict[int, _Mms]) -> None:
        wanted = ("seq", "text", "cl", "name", "fn", "_data")
        columns = ", ".join(f"{self.schema.column('p', 'part', c)} AS {c.strip('_')}" for c in wanted)
        sql = f"SELECT p._id AS id, p.mid AS mid, p.ct AS ct, {columns} FROM part p ORDER BY mid, seq, id"
        for row in iter_rows(self.connection, sql, self.ctx, "part"):
            message = by_id.get(row["mid"])
            if message is None:
                self.ctx.warn(f"part._id={row['id']}", f"part of MMS {row['mid']!r}, which pdu lacks")
                continue
            content_type = (text_of(row["ct"]) or "").lower()
            if content_type == "text/plain":
                message.texts.append(text_of(row["text"]) or "")
            elif content_type not in _SKIPPED_PARTS:
                names = (text_of(row[c]) for c in ("cl", "name", "fn", "data"))
                name = next((PurePosixPath(n).name for n in names if n), None) or f"part {row['id']}"
                message.attachments.append(ParsedAttachment(name, content_type or None))

    def _owner_from_mms(self, messages: list[_Mms]) -> tuple[str, str] | None:
        """The one address every received MMS was sent to besides the thread's other parties."""
        agreed: dict[str, str] | None = None
        first_id = None
        for message in messages:
            if message.box != _INBOX:
                continue
            others = {self._norm(a) for a in self.thread_parties.get(message.thread_id, [])}
            others |= {self._norm(a) for a in message.addresses.get(_ADDR_FROM, [])}
            candidates = {
                self._norm(address): address
                for kind in (_ADDR_TO, _ADDR_CC)
                for address in message.addresses.get(kind, [])
                if self._norm(address) not in others
            }
            agreed = candidates if agreed is None else {k: v for k, v in agreed.items() if k in candidates}
            first_id = first_id if first_id is not None else message.pdu_id
        if agreed is None or len(agreed) != 1:
            return None
        return next(iter(agreed.values())), f"addr (received MMS, first pdu._id={first_id})"

    def _norm(self, address: str) -> str:
        return normalize_phone(address, self.ctx.region) or address.strip().lower()

    def _mms(self, message: _Mms) -> Iterator[Record]:
        locator = f"pdu._id={message.pdu_id}"
        from_address = next(iter(message.addresses.get(_ADDR_FROM, [])), None)
        yield from self._ensure_thread(message.thread_id, from_address, locator)
        sender = self.owner
        if message.box == _INBOX:
            known = from_address and from_address != _OWN_ADDRESS_PLACEHOLDER
            sender = AccountRef(ACCOUNT_PLATFORM, from_address) if known and from_address else None
        raw = _int(message.date)
        unit = 0.001 if raw is not None and raw > _MS_ABOVE else 1.0
        body = "\n".join(message.texts) or message.subject or ""
        yield ParsedMessage(
            conversation_key=f"thread {message.thread_id}",
            sender=sender,
            sent_at=self._time(message.date, unit, locator),
            sent_at_raw=text_of(message.date),
            assumed_zone=None,
            body=body,
            kind=MessageKind.MEDIA if message.attachments else MessageKind.TEXT,
            locator=locator,
            attachments=tuple(message.attachments),
        )
