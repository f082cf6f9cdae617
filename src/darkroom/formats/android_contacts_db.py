"""Android's address book `contacts2.db` (ContactsProvider): one contact per raw contact.

`raw_contacts(_id, contact_id, display_name, account_id | account_type/account_name, deleted)`
holds the cards; their values are `data(raw_contact_id, mimetype_id, data1…data15)` rows, typed
by `mimetypes(_id, mimetype)` such as `vnd.android.cursor.item/phone_v2` (data1 = number as typed,
data2 = type, data3 = custom label, data4 = E.164). Apps add their own raw contacts: WhatsApp's
`vnd.android.cursor.item/vnd.com.whatsapp.profile` rows carry the jid in data1.

Decisions (the field scheme):
- One `ParsedContact` per raw contact, also for `deleted = 1` rows (sync has not purged them yet):
  those carry `fields["deleted"] = ["1"]`; nothing is dropped. Locator `raw_contacts._id=N`.
- `fields` keys: `name` (+ `name.given`, `name.family`, `name.prefix`, `name.middle`,
  `name.suffix`), `phone` (+ parallel `phone.e164`, `phone.type`), `email` (+ `email.type`), `im`
  (+ `im.protocol`), `address` (+ `address.type`), `organization` (+ `organization.title`,
  `organization.department`), `note`, `event` (+ `event.type`) and `birthday` for type-3 events,
  `nickname`, `website`, `relation` (+ `relation.type`), `sip`, `group` (the group's title),
  `photo` ("<photo, N bytes>"); any other mimetype keeps each non-empty column as
  `MIMETYPE.dataN`. Card facts: `contact_id`, `account_type`, `account_name`, `starred`,
  `times_contacted`. Parallel `.type`/`.e164` lists hold "" where the row gives nothing.
- Types: Android's numeric type codes become words (2 → "mobile"); type 0 (custom) uses the label.
- accounts: each phone ("phone", as typed), email ("email"), IM handle (platform from the protocol
  code, or the custom protocol name; "im" when unknown), SIP ("sip"), WhatsApp profile rows
  ("whatsapp", `+NUMBER` from the jid) and Signal rows ("signal", data1; unverified mimetype).
- display_name: `raw_contacts.display_name`, else the name row, else the first phone or email.
- Data rows whose raw contact is missing are reported in one warning and not made into contacts.
- The device's own accounts: the sync accounts the address book holds (`accounts(_id, account_name,
  account_type, data_set)`, AOSP ContactsDatabaseHelper; older files keep the pair on `raw_contacts`)
  whose name is an email address (`someone@example.com`, `com.google`; Exchange and Samsung accounts
  are named the same way) come first as owner `ParsedAccount`s ("email"), locator `accounts._id=N`
  (`raw_contacts._id=N` for the first card of an account in older files). Accounts named otherwise
  ("WhatsApp", "SIM1", a local phone book with no name) state nobody.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from darkroom.formats.base import AccountRef, ParseContext, ParsedAccount, ParsedContact, Record, WrongFormat
from darkroom.formats.sqlite_util import Schema, head_tables, iter_rows, open_database, text_of
from darkroom.formats.vcard import platform_for_service
from darkroom.formats.whatsapp_msgstore import account_for_jid
from darkroom.identifiers.normalize import normalize_email

__all__ = ["AndroidContactsDb"]

_ITEM = "vnd.android.cursor.item/"
_DATA_COLUMNS = tuple(f"data{n}" for n in range(1, 16))
# ContactsContract type codes per kind (0 = custom: the label in data3 applies).
_PHONE_TYPES = {
    1: "home", 2: "mobile", 3: "work", 4: "fax_work", 5: "fax_home", 6: "pager", 7: "other",
    8: "callback", 9: "car", 10: "company_main", 11: "isdn", 12: "main", 13: "other_fax", 14: "radio",
    15: "telex", 16: "tty_tdd", 17: "work_mobile", 18: "work_pager", 19: "assistant", 20: "mms",
}  # fmt: skip
_EMAIL_TYPES = {1: "home", 2: "work", 3: "other", 4: "mobile"}
_ADDRESS_TYPES = {1: "home", 2: "work", 3: "other"}
_EVENT_TYPES = {1: "anniversary", 2: "other", 3: "birthday"}
_RELATION_TYPES = {
    1: "assistant", 2: "brother", 3: "child", 4: "domestic_partner", 5: "father", 6: "friend",
    7: "manager", 8: "mother", 9: "parent", 10: "partner", 11: "referred_by", 12: "relative",
    13: "sister", 14: "spouse",
}  # fmt: skip
_IM_PROTOCOLS = {
    0: "AIM", 1: "MSN", 2: "Yahoo", 3: "Skype", 4: "QQ", 5: "Google Talk", 6: "ICQ", 7: "Jabber",
    8: "NetMeeting",
}  # fmt: skip
_BIRTHDAY = 3
_WHATSAPP_PROFILE = _ITEM + "vnd.com.whatsapp.profile"
_SIGNAL_CONTACT = _ITEM + "vnd.org.thoughtcrime.securesms.contact"  # unverified
# mimetype suffix → (field, column for each extra field) for the simple kinds.
_PLAIN: dict[str, tuple[str, dict[str, str]]] = {
    "name": ("name", {"name.given": "data2", "name.family": "data3", "name.prefix": "data4",
                      "name.middle": "data5", "name.suffix": "data6"}),
    "organization": ("organization", {"organization.title": "data4", "organization.department": "data5"}),
    "note": ("note", {}),
    "nickname": ("nickname", {}),
    "website": ("website", {}),
    "sip_address": ("sip", {}),
    "identity": ("identity", {}),
}  # fmt: skip
_TYPED: dict[str, tuple[str, dict[int, str]]] = {
    "email_v2": ("email", _EMAIL_TYPES),
    "postal-address_v2": ("address", _ADDRESS_TYPES),
    "contact_event": ("event", _EVENT_TYPES),
    "relation": ("relation", _RELATION_TYPES),
}


@dataclass(slots=True)
class _Card:
    """One raw contact being assembled from its data rows."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    accounts: list[AccountRef] = field(default_factory=list)

    def add(self, name: str, value: str | None) -> None:
        """Append a value (empty text kept as "" only for parallel lists)."""
        self.fields.setdefault(name, []).append(value or "")

    def account(self, ref: AccountRef) -> None:
        if ref not in self.accounts:
            self.accounts.append(ref)


def _type_word(code: object, label: object, words: dict[int, str]) -> str:
    """A ContactsContract type code as a word; 0 (custom) gives the label, unknown codes stay numeric."""
    text = text_of(code)
    if text is None:
        return ""
    if text.strip() == "0":
        return text_of(label) or "custom"
    return words.get(int(text), text) if text.strip().isdigit() else text


class AndroidContactsDb:
    """contacts2.db → one contact per raw contact, every data row kept."""

    name: ClassVar[str] = "android-contacts-db"
    version: ClassVar[str] = "2"

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 when raw_contacts, data and mimetypes are declared; 0.6 for the file name alone."""
        tables = head_tables(head)
        if tables is None:
            return 0.0
        if {"raw_contacts", "data", "mimetypes"} <= tables:
            return 0.95
        return 0.6 if path.name.lower() == "contacts2.db" else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """The device's own email accounts, then every raw contact with its data rows."""
        with open_database(path, ctx) as (connection, schema):
            missing = schema.missing("raw_contacts", ["_id"]) + schema.missing(
                "data", ["raw_contact_id", "mimetype_id", "data1"]
            )
            missing += schema.missing("mimetypes", ["_id", "mimetype"])
            if missing:
                raise WrongFormat(f"not an Android contacts2.db: lacks {', '.join(missing)}")
            yield from _device_accounts(connection, schema, ctx)
            cards = _read_data(connection, schema, ctx)
            yield from _contacts(connection, schema, ctx, cards)


def _device_accounts(
    connection: sqlite3.Connection, schema: Schema, ctx: ParseContext
) -> Iterator[ParsedAccount]:
    """Sync accounts named by an email address: the device's own (its Google account)."""
    if schema.has("accounts", "_id", "account_name"):
        sql = "SELECT _id AS id, account_name FROM accounts ORDER BY _id"
        table = "accounts"
    elif schema.has("raw_contacts", "account_name"):
        sql = "SELECT MIN(_id) AS id, account_name FROM raw_contacts GROUP BY account_name ORDER BY 1"
        table = "raw_contacts"
    else:
        return
    seen: set[str] = set()
    for row in iter_rows(connection, sql, ctx, table):
        name = text_of(row["account_name"])
        address = normalize_email(name) if name else None
        if name and address and address not in seen:
            seen.add(address)
            yield ParsedAccount(AccountRef("email", name), f"{table}._id={row['id']}", is_owner=True)


def _read_data(connection: sqlite3.Connection, schema: Schema, ctx: ParseContext) -> dict[int, _Card]:
    """Every data row, folded into the card of its raw contact."""
    groups = _group_titles(connection, schema, ctx)
    columns = ", ".join(f"{schema.column('d', 'data', c)} AS {c}" for c in _DATA_COLUMNS)
    sql = (
        f"SELECT d.raw_contact_id AS raw_id, m.mimetype AS mimetype, {columns} FROM data d"
        " LEFT JOIN mimetypes m ON m._id = d.mimetype_id ORDER BY d.raw_contact_id, d._id"
    )
    cards: dict[int, _Card] = {}
    for row in iter_rows(connection, sql, ctx, "data"):
        raw_id = row["raw_id"]
        if not isinstance(raw_id, int):
            ctx.warn("data", f"data row with raw_contact_id {raw_id!r} skipped")
            continue
        _add_row(cards.setdefault(raw_id, _Card()), row, groups)
    return cards


def _group_titles(connection: sqlite3.Connection, schema: Schema, ctx: ParseContext) -> dict[str, str]:
    if not schema.has("groups", "_id", "title"):
        return {}
    rows = iter_rows(connection, 'SELECT _id, title FROM "groups"', ctx, "groups")
    return {str(row["_id"]): str(row["title"]) for row in rows if row["title"] is not None}


def _add_row(card: _Card, row: sqlite3.Row, groups: dict[str, str]) -> None:
    """One data row into its card's fields and accounts, by mimetype."""
    mimetype = text_of(row["mimetype"]) or "unknown mimetype"
    kind = mimetype.removeprefix(_ITEM)
    value = text_of(row["data1"])
    if kind == "phone_v2":
        card.add("phone", value)
        card.add("phone.e164", text_of(row["data4"]))
        card.add("phone.type", _type_word(row["data2"], row["data3"], _PHONE_TYPES))
        if value:
            card.account(AccountRef("phone", value))
    elif kind in _TYPED:
        _add_typed(card, kind, row)
    elif kind == "im":
        _add_im(card, row)
    elif kind in _PLAIN:
        _add_plain(card, kind, row)
    elif kind == "group_membership":
        card.add("group", groups.get(value or "", value))
    elif kind == "photo":
        photo = row["data15"]
        card.add("photo", f"<photo, {len(photo)} bytes>" if isinstance(photo, bytes) else value)
    else:
        _add_other(card, mimetype, row)


def _add_typed(card: _Card, kind: str, row: sqlite3.Row) -> None:
    """Email, address, event, relation: the value and its type word; birthdays and emails also apart."""
    name, words = _TYPED[kind]
    value = text_of(row["data1"])
    card.add(name, value)
    card.add(f"{name}.type", _type_word(row["data2"], row["data3"], words))
    if kind == "contact_event" and text_of(row["data2"]) == str(_BIRTHDAY):
        card.add("birthday", value)
    if kind == "email_v2" and value:
        card.account(AccountRef("email", value))


def _add_plain(card: _Card, kind: str, row: sqlite3.Row) -> None:
    """Name, organization, note …: data1 plus the named extra columns that hold something."""
    name, extras = _PLAIN[kind]
    value = text_of(row["data1"])
    card.add(name, value)
    for extra, column in extras.items():
        if text_of(row[column]):
            card.add(extra, text_of(row[column]))
    if kind == "sip_address" and value:
        card.account(AccountRef("sip", value))


def _add_im(card: _Card, row: sqlite3.Row) -> None:
    """IM handle: data5 is the protocol code (-1 custom, named in data6)."""
    handle, code = text_of(row["data1"]), text_of(row["data5"])
    protocol = text_of(row["data6"]) if code == "-1" else None
    if protocol is None and code is not None and code.isdigit():
        protocol = _IM_PROTOCOLS.get(int(code), code)
    card.add("im", handle)
    card.add("im.protocol", protocol)
    if handle:
        card.account(AccountRef(platform_for_service(protocol or "") or "im", handle))


def _add_other(card: _Card, mimetype: str, row: sqlite3.Row) -> None:
    """App rows kept column by column; WhatsApp and Signal rows also name an account."""
    for column in _DATA_COLUMNS:
        value = row[column]
        if isinstance(value, bytes):
            card.add(f"{mimetype}.{column}", f"<binary, {len(value)} bytes>")
        elif text_of(value):
            card.add(f"{mimetype}.{column}", text_of(value))
    handle = text_of(row["data1"])
    if handle and mimetype == _WHATSAPP_PROFILE:
        card.account(account_for_jid(handle))
    elif handle and mimetype == _SIGNAL_CONTACT:
        card.account(AccountRef("signal", handle))


def _contacts(
    connection: sqlite3.Connection, schema: Schema, ctx: ParseContext, cards: dict[int, _Card]
) -> Iterator[ParsedContact]:
    """The raw contacts in id order, each with the card its data rows built."""
    wanted = ("contact_id", "display_name", "deleted", "starred", "times_contacted")
    columns = [f"{schema.column('r', 'raw_contacts', c)} AS {c}" for c in wanted]
    join = ""
    if schema.has("raw_contacts", "account_id") and schema.has("accounts", "_id", "account_type"):
        join = "LEFT JOIN accounts a ON a._id = r.account_id"
        account_name = schema.column("a", "accounts", "account_name")
        columns += ["a.account_type AS account_type", f"{account_name} AS account_name"]
    else:
        columns += [
            f"{schema.column('r', 'raw_contacts', c)} AS {c}" for c in ("account_type", "account_name")
        ]
    sql = f"SELECT r._id AS id, {', '.join(columns)} FROM raw_contacts r {join} ORDER BY r._id"
    seen: set[int] = set()
    for row in iter_rows(connection, sql, ctx, "raw_contacts"):
        seen.add(row["id"])
        card = cards.get(row["id"], _Card())
        for column in ("contact_id", "account_type", "account_name", "starred", "times_contacted"):
            if text_of(row[column]):
                card.fields[column] = [str(text_of(row[column]))]
        if text_of(row["deleted"]) == "1":
            card.fields["deleted"] = ["1"]
        display = text_of(row["display_name"]) or _first(card, "name", "phone", "email")
        yield ParsedContact(display, card.fields, f"raw_contacts._id={row['id']}", tuple(card.accounts))
    orphans = sorted(set(cards) - seen)
    if orphans:
        ctx.warn(
            "data", f"{len(orphans)} raw contact ids have data rows but no raw_contacts row: {orphans[:10]}"
        )


def _first(card: _Card, *names: str) -> str | None:
    return next((value for name in names for value in card.fields.get(name, []) if value), None)
