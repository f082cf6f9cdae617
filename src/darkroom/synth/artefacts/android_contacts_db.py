"""Android's address book `contacts2.db`, as a full file-system extraction finds it (with `-wal`).

Every saved card is a `raw_contacts` row whose values are `data` rows typed through `mimetypes`:
`(raw_contact_id=3, mimetype_id=5 → vnd.android.cursor.item/phone_v2, data1='07700 900123',
data2='2' (mobile), data4='+447700900123')`. WhatsApp adds its own raw contact (account type
`com.whatsapp`) for each saved number that uses it, with a `vnd.com.whatsapp.profile` row whose
data1 is the jid. One older card of a contact is deleted (`deleted = 1`) and not yet purged by sync.
The newest cards wait in the WAL.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta

from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.android_sqlite import build_database, insert_rows
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, write_file
from darkroom.synth.artefacts.vcard import card_truth
from darkroom.synth.contacts import ContactEntry

CONTACTS_DDL = """
CREATE TABLE accounts (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_name TEXT, account_type TEXT,
  data_set TEXT);
CREATE TABLE contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name_raw_contact_id INTEGER REFERENCES raw_contacts(_id),
  photo_id INTEGER, custom_ringtone TEXT, send_to_voicemail INTEGER NOT NULL DEFAULT 0,
  times_contacted INTEGER NOT NULL DEFAULT 0, last_time_contacted INTEGER,
  starred INTEGER NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0, has_phone_number INTEGER NOT NULL DEFAULT 0, lookup TEXT,
  contact_last_updated_timestamp INTEGER);
CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER REFERENCES accounts(_id),
  sourceid TEXT, backup_id TEXT, raw_contact_is_read_only INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1, dirty INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
  metadata_dirty INTEGER NOT NULL DEFAULT 0, contact_id INTEGER REFERENCES contacts(_id),
  aggregation_mode INTEGER NOT NULL DEFAULT 0, aggregation_needed INTEGER NOT NULL DEFAULT 1,
  custom_ringtone TEXT, send_to_voicemail INTEGER NOT NULL DEFAULT 0,
  times_contacted INTEGER NOT NULL DEFAULT 0,
  last_time_contacted INTEGER, starred INTEGER NOT NULL DEFAULT 0, pinned INTEGER NOT NULL DEFAULT 0,
  display_name TEXT, display_name_alt TEXT, display_name_source INTEGER NOT NULL DEFAULT 0,
  phonetic_name TEXT, phonetic_name_style TEXT, sort_key TEXT, sort_key_alt TEXT,
  name_verified INTEGER NOT NULL DEFAULT 0,
  sync1 TEXT, sync2 TEXT, sync3 TEXT, sync4 TEXT);
CREATE TABLE mimetypes (_id INTEGER PRIMARY KEY AUTOINCREMENT, mimetype TEXT NOT NULL);
CREATE TABLE packages (_id INTEGER PRIMARY KEY AUTOINCREMENT, package TEXT NOT NULL);
CREATE TABLE data (_id INTEGER PRIMARY KEY AUTOINCREMENT, package_id INTEGER REFERENCES packages(_id),
  mimetype_id INTEGER REFERENCES mimetypes(_id) NOT NULL,
  raw_contact_id INTEGER REFERENCES raw_contacts(_id) NOT NULL,
  hash_id TEXT, is_read_only INTEGER NOT NULL DEFAULT 0, is_primary INTEGER NOT NULL DEFAULT 0,
  is_super_primary INTEGER NOT NULL DEFAULT 0, data_version INTEGER NOT NULL DEFAULT 0,
  data1 TEXT, data2 TEXT, data3 TEXT, data4 TEXT, data5 TEXT, data6 TEXT, data7 TEXT, data8 TEXT,
  data9 TEXT, data10 TEXT, data11 TEXT, data12 TEXT, data13 TEXT, data14 TEXT, data15 TEXT,
  data_sync1 TEXT, data_sync2 TEXT, data_sync3 TEXT, data_sync4 TEXT,
  carrier_presence INTEGER NOT NULL DEFAULT 0);
CREATE TABLE groups (_id INTEGER PRIMARY KEY AUTOINCREMENT, package_id INTEGER, account_id INTEGER,
  sourceid TEXT, version INTEGER NOT NULL DEFAULT 1, dirty INTEGER NOT NULL DEFAULT 0, title TEXT,
  title_res INTEGER, notes TEXT, system_id TEXT, deleted INTEGER NOT NULL DEFAULT 0,
  group_visible INTEGER NOT NULL DEFAULT 0, should_sync INTEGER NOT NULL DEFAULT 1);
CREATE INDEX data_raw_contact_id ON data (raw_contact_id);
CREATE INDEX raw_contacts_contact_id_index ON raw_contacts (contact_id);
"""
_ITEM = "vnd.android.cursor.item/"
_MIMETYPES = (
    "email_v2", "im", "nickname", "organization", "phone_v2", "sip_address", "name", "postal-address_v2",
    "identity", "photo", "group_membership", "note", "contact_event", "website", "relation",
    "vnd.com.whatsapp.profile",
)  # fmt: skip
_MIMETYPE_IDS = {name: number for number, name in enumerate(_MIMETYPES, start=1)}
_PHONE_TYPE = {"CELL": "2", "HOME": "1", "WORK": "3"}
_GOOGLE, _WHATSAPP, _LOCAL = 1, 2, 3
_BIRTHDAY, _OTHER_EMAIL, _CUSTOM_IM = "3", "3", "-1"
_WAL_CARDS = 2  # the newest cards wait in the WAL


@dataclass(slots=True)
class _Book:
    """raw_contacts and data rows being planned, and each raw contact's truth."""

    raw_contacts: list[dict[str, object]] = field(default_factory=list)
    data: list[dict[str, object]] = field(default_factory=list)
    cards: list[dict[str, object]] = field(default_factory=list)

    def card(self, account: int, contact_id: int, name: str, deleted: bool = False) -> int:
        """A new raw contact row; returns its id."""
        raw_id = len(self.raw_contacts) + 1
        self.raw_contacts.append(
            {"_id": raw_id, "account_id": account, "contact_id": contact_id, "display_name": name,
             "display_name_alt": name, "sort_key": name, "deleted": int(deleted), "dirty": int(deleted),
             "display_name_source": 40}
        )  # fmt: skip
        return raw_id

    def value(self, raw_id: int, kind: str, *values: str | None) -> None:
        """One data row of mimetype `kind` with data1, data2 … in order."""
        row: dict[str, object] = {"raw_contact_id": raw_id, "mimetype_id": _MIMETYPE_IDS[kind]}
        row |= {f"data{number}": value for number, value in enumerate(values, start=1) if value is not None}
        self.data.append(row)


def _entry_rows(book: _Book, entry: ContactEntry, contact_id: int, account: int) -> int:
    """The main card of one address-book entry."""
    raw_id = book.card(account, contact_id, entry.saved_name)
    given, _, family = entry.saved_name.partition(" ")
    book.value(raw_id, "name", entry.saved_name, given, family or None)
    for phone in entry.phones:
        book.value(raw_id, "phone_v2", phone.written, _PHONE_TYPE[phone.label], None, phone.e164)
    for email in entry.emails:
        book.value(raw_id, "email_v2", email, _OTHER_EMAIL)
    if entry.nickname:
        book.value(raw_id, "nickname", entry.nickname, "1")
    if entry.org:
        book.value(raw_id, "organization", entry.org, "1")
    if entry.birthday:
        book.value(raw_id, "contact_event", entry.birthday, _BIRTHDAY)
    if entry.telegram:
        book.value(raw_id, "im", entry.telegram, "3", None, None, _CUSTOM_IM, "Telegram")
    return raw_id


class AndroidContactsDbWriter:
    """The owner's address book as the phone's contacts provider stores it."""

    name = "android-contacts-db"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """contacts2.db (+ -wal) at the slot's path."""
        address_book = ctx.address_books.get(job.exhibit.owner)
        if address_book is None:
            return []
        entries = [e for e in address_book.entries if job.slot.share >= 1.0 or rng.random() < job.slot.share]
        emails = ctx.accounts.on_platform(job.exhibit.owner, "email")
        google = emails[0].handle if emails else "device"
        book = _Book()
        for contact_id, entry in enumerate(entries, start=1):
            account = _GOOGLE if emails else _LOCAL
            raw_id = _entry_rows(book, entry, contact_id, account)
            truth = card_truth(len(book.cards), entry, ctx)
            book.cards.append(
                truth | {"raw_contact_id": raw_id, "account_type": "com.google", "deleted": False}
            )
            self._whatsapp_cards(book, entry, contact_id, ctx)
        self._deleted_card(book, entries, rng, ctx)
        older, newer = _split(book)
        files = build_database(
            CONTACTS_DDL,
            lambda connection: _fill(connection, google, older, book),
            lambda connection: _fill_rows(connection, newer),
            rng,
        )
        when = job.exhibit.seized_at - timedelta(hours=rng.randrange(2, 48))
        content = {
            "format": self.name,
            "card_count": len(book.cards),
            "deleted_count": sum(1 for card in book.cards if card["deleted"]),
            "wal_card_count": len(newer.raw_contacts),
            "cards": book.cards,
        }
        truths = [write_file(job, job.slot.path, files.database, when, "sqlite", content)]
        if files.wal is not None:
            wal_content = {"format": "sqlite-wal", "database": job.slot.path}
            truths.append(write_file(job, f"{job.slot.path}-wal", files.wal, when, "sqlite-wal", wal_content))
        return truths

    @staticmethod
    def _whatsapp_cards(book: _Book, entry: ContactEntry, contact_id: int, ctx: WriteContext) -> None:
        """WhatsApp's own raw contact for each saved number with a WhatsApp account."""
        for phone in entry.phones:
            key = account_key("whatsapp", phone.e164)
            if key not in ctx.accounts.by_key:
                continue
            raw_id = book.card(_WHATSAPP, contact_id, entry.saved_name)
            book.value(raw_id, "name", entry.saved_name)
            jid = f"{phone.e164.lstrip('+')}@s.whatsapp.net"
            book.value(raw_id, "vnd.com.whatsapp.profile", jid, "WhatsApp", f"Message {phone.written}")
            identifier = {"kind": "phone", "value": phone.e164, "written": jid}
            book.cards.append(
                {"index": len(book.cards), "name": entry.saved_name, "person": entry.person,
                 "identifiers": [identifier], "account_keys": [key], "raw_contact_id": raw_id,
                 "account_type": "com.whatsapp", "deleted": False}
            )  # fmt: skip

    @staticmethod
    def _deleted_card(
        book: _Book, entries: list[ContactEntry], rng: random.Random, ctx: WriteContext
    ) -> None:
        """An older card of one contact, deleted on the phone and not yet purged by sync."""
        with_phones = [entry for entry in entries if entry.phones]
        if not with_phones:
            return
        entry = rng.choice(with_phones)
        raw_id = book.card(_GOOGLE, len(entries) + 1, entry.saved_name, deleted=True)
        phone = entry.phones[0]
        book.value(raw_id, "name", entry.saved_name)
        book.value(raw_id, "phone_v2", phone.written, _PHONE_TYPE[phone.label], None, phone.e164)
        keys = [k for k in (account_key("phone", phone.e164),) if k in ctx.accounts.by_key]
        book.cards.append(
            {"index": len(book.cards), "name": entry.saved_name, "person": entry.person,
             "identifiers": [{"kind": "phone", "value": phone.e164, "written": phone.written}],
             "account_keys": keys, "raw_contact_id": raw_id, "account_type": "com.google", "deleted": True}
        )  # fmt: skip


def _split(book: _Book) -> tuple[_Book, _Book]:
    """The older cards (checkpointed) and the newest ones (left in the WAL) with their data rows."""
    cut = max(0, len(book.raw_contacts) - _WAL_CARDS)
    newest = {row["_id"] for row in book.raw_contacts[cut:]}
    older = _Book(book.raw_contacts[:cut], [row for row in book.data if row["raw_contact_id"] not in newest])
    newer = _Book(book.raw_contacts[cut:], [row for row in book.data if row["raw_contact_id"] in newest])
    return older, newer


def _fill(connection: sqlite3.Connection, google_account: str, older: _Book, whole: _Book) -> None:
    """Accounts, mimetypes, packages, the aggregated contacts, then the older cards."""
    insert_rows(
        connection,
        "accounts",
        [
            {"_id": _GOOGLE, "account_name": google_account, "account_type": "com.google"},
            {"_id": _WHATSAPP, "account_name": "WhatsApp", "account_type": "com.whatsapp"},
            {"_id": _LOCAL, "account_name": None, "account_type": None},
        ],
    )
    insert_rows(
        connection, "mimetypes", [{"_id": n, "mimetype": _ITEM + name} for name, n in _MIMETYPE_IDS.items()]
    )
    insert_rows(connection, "packages", [{"_id": 1, "package": "com.whatsapp"}])
    first_card: dict[object, object] = {}
    for row in whole.raw_contacts:
        first_card.setdefault(row["contact_id"], row["_id"])
    contacts = [{"_id": contact, "name_raw_contact_id": raw} for contact, raw in first_card.items()]
    insert_rows(connection, "contacts", contacts)
    _fill_rows(connection, older)


def _fill_rows(connection: sqlite3.Connection, book: _Book) -> None:
    """raw_contacts rows, then their data rows."""
    insert_rows(connection, "raw_contacts", book.raw_contacts)
    insert_rows(connection, "data", book.data)
