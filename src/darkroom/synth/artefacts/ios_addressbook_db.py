"""The iPhone's own address book: `private/var/mobile/Library/AddressBook/AddressBook.sqlitedb`.

One ABPerson row per card of the owner's address book; numbers, emails and social profiles are
ABMultiValue rows (property 3 phone, 4 email, 46 social profile with its parts in ABMultiValueEntry),
labelled through ABMultiValueLabel (`_$!<Mobile>!$_`). Birthdays are Apple-epoch seconds stored as
text, as iOS does. The newest tenth of the cards is left in the `-wal` beside it (with a `-shm`).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, join_path
from darkroom.synth.artefacts.ios_sqlite_files import (
    Build,
    apple_seconds,
    build_database,
    insert_row,
    write_database,
)
from darkroom.synth.artefacts.vcard import card_truth
from darkroom.synth.contacts import ContactEntry

FILE_NAME = "AddressBook.sqlitedb"
WAL_SHARE = 0.1
PHONE, EMAIL, SOCIAL_PROFILE = 3, 4, 46
LABELS = ("_$!<Mobile>!$_", "_$!<Home>!$_", "_$!<Work>!$_", "_$!<Other>!$_", "_$!<HomePage>!$_", "iPhone")
LABEL_ID = {label: number for number, label in enumerate(LABELS, start=1)}
PHONE_LABELS = {"CELL": "_$!<Mobile>!$_", "HOME": "_$!<Home>!$_", "WORK": "_$!<Work>!$_"}
ENTRY_KEYS = ("Street", "State", "ZIP", "City", "CountryCode", "username", "service", "Country", "url")
ENTRY_KEY_ID = {key: number for number, key in enumerate(ENTRY_KEYS, start=1)}

SCHEMA = """
CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
CREATE TABLE ABStore (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, Name TEXT, ExternalIdentifier TEXT, Type INTEGER, ConstraintsPath TEXT, ExternalModificationTag TEXT, ExternalSyncTag TEXT, AccountID INTEGER, Enabled INTEGER DEFAULT 1, SyncData BLOB, MeIdentifier INTEGER DEFAULT -1, Capabilities INTEGER DEFAULT 0);
CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, First TEXT, Last TEXT, Middle TEXT, FirstPhonetic TEXT, MiddlePhonetic TEXT, LastPhonetic TEXT, Organization TEXT, Department TEXT, Note TEXT, Kind INTEGER, Birthday TEXT, JobTitle TEXT, Nickname TEXT, Prefix TEXT, Suffix TEXT, FirstSort TEXT, LastSort TEXT, CreationDate INTEGER, ModificationDate INTEGER, CompositeNameFallback TEXT, ExternalIdentifier TEXT, ExternalModificationTag TEXT, ExternalUUID TEXT, StoreID INTEGER, DisplayName TEXT, ExternalRepresentation BLOB, FirstSortSection TEXT, LastSortSection TEXT, FirstSortLanguageIndex INTEGER DEFAULT 2147483647, LastSortLanguageIndex INTEGER DEFAULT 2147483647, PersonLink INTEGER DEFAULT -1, ImageURI TEXT, IsPreferredName INTEGER DEFAULT 1, guid TEXT, PhonemeData TEXT, AlternateBirthday TEXT, MapsData TEXT, FirstPronunciation TEXT, MiddlePronunciation TEXT, LastPronunciation TEXT, OrganizationPhonetic TEXT, OrganizationPronunciation TEXT, PreviousFamilyName TEXT, PreviousFamilyNamePhonetic TEXT, PreviousFamilyNamePronunciation TEXT, ExternalCollectionPath TEXT, UNIQUE(guid));
CREATE TABLE ABGroup (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, Name TEXT, ExternalIdentifier TEXT, StoreID INTEGER, ExternalModificationTag TEXT, ExternalRepresentation BLOB, ExternalUUID TEXT, guid TEXT, UNIQUE(guid));
CREATE TABLE ABGroupMembers (UID INTEGER PRIMARY KEY, group_id INTEGER, member_type INTEGER, member_id INTEGER, UNIQUE(group_id, member_type, member_id));
CREATE TABLE ABMultiValue (UID INTEGER PRIMARY KEY, record_id INTEGER, property INTEGER, identifier INTEGER, label INTEGER, value TEXT, guid TEXT, UNIQUE(guid));
CREATE TABLE ABMultiValueEntry (parent_id INTEGER, key INTEGER, value TEXT, UNIQUE(parent_id, key));
CREATE TABLE ABMultiValueEntryKey (value TEXT, UNIQUE(value));
CREATE TABLE ABMultiValueLabel (value TEXT, UNIQUE(value));
CREATE INDEX ABMultiValueRecordIDIndex ON ABMultiValue(record_id);
CREATE INDEX ABPersonLastSortIndex ON ABPerson(LastSort);
"""  # noqa: E501 - the schema as iOS writes it, one table per line


class IosAddressBookDbWriter:
    """The owner's address book as the iPhone's Contacts store."""

    name = "ios-addressbook-db"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """AddressBook.sqlitedb (+ -wal, -shm) in the slot's folder."""
        book = ctx.address_books.get(job.exhibit.owner)
        if book is None:
            return []
        entries = [e for e in book.entries if job.slot.share >= 1.0 or rng.random() < job.slot.share]
        when = job.exhibit.seized_at - timedelta(hours=rng.randrange(2, 72))
        created = [
            when - timedelta(days=rng.randrange(30, 900), seconds=rng.randrange(86_400)) for _ in entries
        ]
        guids = [_guid(rng) for _ in entries]
        keep = len(entries) - int(len(entries) * WAL_SHARE)
        cards = list(zip(range(1, len(entries) + 1), entries, created, guids, strict=True))
        files = build_database(
            SCHEMA, _cards_step(cards[:keep], rng, True), _cards_step(cards[keep:], rng, False), rng
        )
        content = {
            "format": self.name,
            "card_count": len(entries),
            "wal_card_count": len(entries) - keep,
            "cards": [card_truth(index, entry, ctx) for index, entry in enumerate(entries)],
        }
        return write_database(
            job, join_path(job.slot.path, FILE_NAME), files, when, "ios-addressbook", content
        )


Card = tuple[int, ContactEntry, datetime, str]


def _guid(rng: random.Random) -> str:
    return "-".join("".join(rng.choice("0123456789ABCDEF") for _ in range(n)) for n in (8, 4, 4, 4, 12))


def _cards_step(cards: Sequence[Card], rng: random.Random, first: bool) -> Build:
    """A build step: the lookup tables and the store first, then the cards given."""

    def build(connection: sqlite3.Connection) -> None:
        if first:
            connection.executemany(
                "INSERT INTO ABMultiValueLabel (value) VALUES (?)", [(label,) for label in LABELS]
            )
            connection.executemany(
                "INSERT INTO ABMultiValueEntryKey (value) VALUES (?)", [(k,) for k in ENTRY_KEYS]
            )
            insert_row(connection, "ABStore", {"Name": "Local", "Type": 0, "Enabled": 1})
            insert_row(connection, "_SqliteDatabaseProperties", {"key": "_ClientVersion", "value": "70"})
        for rowid, entry, created, guid in cards:
            _insert_card(connection, rowid, entry, created, guid, rng)

    return build


def _insert_card(
    connection: sqlite3.Connection,
    rowid: int,
    entry: ContactEntry,
    created: datetime,
    guid: str,
    rng: random.Random,
) -> None:
    given, _, family = entry.saved_name.partition(" ")
    insert_row(connection, "ABPerson", {
        "ROWID": rowid, "First": given, "Last": family or None, "Organization": entry.org, "Kind": 0,
        "Birthday": _birthday(entry.birthday), "Nickname": entry.nickname,
        "FirstSort": given.upper(), "LastSort": (family or given).upper(),
        "CreationDate": apple_seconds(created),
        "ModificationDate": apple_seconds(created) + rng.randrange(0, 86_400),
        "StoreID": 1, "FirstSortSection": given[:1].upper(), "LastSortSection": (family or given)[:1].upper(),
        "guid": f"{guid}:ABPerson",
    })  # fmt: skip
    values: list[tuple[int, str, str]] = [
        (PHONE, PHONE_LABELS[phone.label], phone.written) for phone in entry.phones
    ]
    values += [(EMAIL, "_$!<Home>!$_", email) for email in entry.emails]
    for identifier, (prop, label, value) in enumerate(values):
        insert_row(connection, "ABMultiValue", {
            "record_id": rowid, "property": prop, "identifier": identifier, "label": LABEL_ID[label],
            "value": value, "guid": _guid(rng),
        })  # fmt: skip
    if entry.telegram:
        insert_row(connection, "ABMultiValue", {
            "record_id": rowid, "property": SOCIAL_PROFILE, "identifier": len(values), "label": None,
            "value": None, "guid": _guid(rng),
        })  # fmt: skip
        parent = connection.execute("SELECT last_insert_rowid()").fetchone()[0]
        parts = {"service": "Telegram", "username": entry.telegram, "url": f"https://t.me/{entry.telegram}"}
        for key, value in parts.items():
            insert_row(
                connection,
                "ABMultiValueEntry",
                {"parent_id": parent, "key": ENTRY_KEY_ID[key], "value": value},
            )


def _birthday(iso: str | None) -> str | None:
    """An ISO birthday as iOS stores it: Apple-epoch seconds of that day's midnight UTC, as text."""
    if iso is None:
        return None
    day = date.fromisoformat(iso)
    return str(apple_seconds(datetime(day.year, day.month, day.day, tzinfo=UTC)))
