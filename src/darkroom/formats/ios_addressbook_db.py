"""The iOS address book `AddressBook.sqlitedb` (`private/var/mobile/Library/AddressBook/`).

`ABPerson` holds one row per card (First, Last, Organization, Note, Birthday …); `ABMultiValue`
holds its repeated values (`record_id` → ABPerson.ROWID) by `property`: 3 phone, 4 email, 5 address,
12 date, 13 instant messaging, 22 URL, 23 related name, 46 social profile. Labels are rows of
`ABMultiValueLabel` (`label` → its ROWID), Apple's own written `_$!<Mobile>!$_`. Addresses, IM and
social profiles keep their parts in `ABMultiValueEntry` (`parent_id` → ABMultiValue.UID, `key` →
`ABMultiValueEntryKey` ROWID: Street, City, ZIP, Country, username, service …).

Decisions (the field scheme):
- One `ParsedContact` per ABPerson row, locator `ABPerson ROWID=N`.
- `fields[Column]`: every non-empty ABPerson column under its own name, except the derived sort
  keys; CreationDate/ModificationDate as ISO UTC, Birthday as an ISO date (`--MM-DD` when the year is
  Apple's "unknown year" 1604); the stored number is kept as `Birthday.raw`.
- Multi-values: `fields["Phone" | "Email" | "Address" | "Date" | "IM" | "URL" | "Related" | "Profile"]`
  in stored order, with a parallel `NAME.label` list (`_$!<Mobile>!$_` → "Mobile", custom labels as
  written, "" without label); IM and profiles add `NAME.service`. An address is its parts joined with
  ", " in the order street, sub-locality, city, sub-administrative area, state, ZIP, country.
  Unknown properties are kept as `Property N`.
- display_name: DisplayName when stored, else "Prefix First Middle Last Suffix", else Organization,
  else Nickname, else the first phone or email.
- accounts: every phone ("phone"), email ("email"), IM username and social-profile username (platform
  by service name, as for vCard), as written; normalization happens downstream.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from darkroom.formats.base import AccountRef, ParseContext, ParsedContact, Record
from darkroom.formats.ios_sqlite import IosDatabase, apple_time, open_database, raw_number, sniff_database
from darkroom.formats.vcard import platform_for_service

REQUIRED_TABLES = ("ABPerson", "ABMultiValue")
FILE_NAMES = ("AddressBook.sqlitedb",)
PROPERTY_NAMES = {
    3: "Phone",
    4: "Email",
    5: "Address",
    12: "Date",
    13: "IM",
    22: "URL",
    23: "Related",
    46: "Profile",
}
ENTRY_PROPERTIES = frozenset({5, 13, 46})
ADDRESS_ORDER = ("street", "sublocality", "city", "subadministrativearea", "state", "zip", "country")
UNKNOWN_YEAR = 1604  # Apple's year for a birthday given without one
SKIPPED_COLUMNS = frozenset(
    {"rowid", "firstsort", "lastsort", "firstsortsection", "lastsortsection"}
    | {"firstsortlanguageindex", "lastsortlanguageindex", "phonemedata", "namesortorder"}
)
TIME_COLUMNS = frozenset({"creationdate", "modificationdate"})
NAME_PARTS = ("Prefix", "First", "Middle", "Last", "Suffix")


class IosAddressBookDb:
    """Reads the iOS Contacts store (AddressBook.sqlitedb)."""

    name: ClassVar[str] = "ios-addressbook-db"
    version: ClassVar[str] = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        """SQLite header plus the ABPerson/ABMultiValue schema."""
        return sniff_database(path, head, REQUIRED_TABLES, FILE_NAMES)

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """One contact per ABPerson row with its phones, emails, addresses and other values."""
        database = open_database(path, ctx)
        try:
            database.require(REQUIRED_TABLES, "an iOS AddressBook database")
            values = _multi_values(database, ctx)
            for row in database.rows("SELECT * FROM ABPerson ORDER BY ROWID", _locator, ctx, "ABPerson"):
                yield _contact(row, values.get(row["ROWID"], _Values()), ctx)
        finally:
            database.close()


def clean_label(label: str | None) -> str:
    """`_$!<Mobile>!$_` → "Mobile"; a custom label as written; "" for none."""
    if not label:
        return ""
    if label.startswith("_$!<") and label.endswith(">!$_"):
        return label[4:-4]
    return label


@dataclass(slots=True)
class _Values:
    """One person's multi-values as fields, and the accounts they name."""

    fields: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    accounts: list[tuple[str, str]] = field(default_factory=list)


def _multi_values(database: IosDatabase, ctx: ParseContext) -> dict[int, _Values]:
    """record_id → that person's multi-values, in stored order."""
    entries = _entries(database, ctx)
    has_labels = database.has_table("ABMultiValueLabel")
    label = "ABMultiValueLabel.value" if has_labels else "NULL"
    join = (
        " LEFT JOIN ABMultiValueLabel ON ABMultiValueLabel.ROWID = ABMultiValue.label" if has_labels else ""
    )
    missing: list[str] = []
    uid = database.pick("ABMultiValue", "UID", missing)
    sql = (
        f"SELECT {uid}, ABMultiValue.record_id, ABMultiValue.property, {label}, ABMultiValue.value "
        f"FROM ABMultiValue{join} ORDER BY ABMultiValue.record_id, ABMultiValue.property, {uid}"
    )
    people: dict[int, _Values] = defaultdict(_Values)
    for value_uid, record_id, prop, label_text, value in database.rows(
        sql, lambda row: f"ABMultiValue UID={row[0]}", ctx, "ABMultiValue"
    ):
        locator = f"ABMultiValue UID={value_uid}"
        if not isinstance(record_id, int) or not isinstance(prop, int):
            ctx.warn(locator, f"record_id {record_id!r} / property {prop!r} unusable; value skipped")
            continue
        parts = entries.get(value_uid, {}) if prop in ENTRY_PROPERTIES else {}
        _add_value(people[record_id], prop, clean_label(label_text), value, parts, locator, ctx)
    return people


def _entries(database: IosDatabase, ctx: ParseContext) -> dict[int, dict[str, str]]:
    """ABMultiValue UID → {lower-case key: value} for addresses, IM and social profiles."""
    if not (database.has_table("ABMultiValueEntry") and database.has_table("ABMultiValueEntryKey")):
        ctx.warn("ABMultiValueEntry", "entry tables missing: addresses, IM and profiles without parts")
        return {}
    sql = (
        "SELECT ABMultiValueEntry.parent_id, ABMultiValueEntryKey.value, ABMultiValueEntry.value "
        "FROM ABMultiValueEntry "
        "LEFT JOIN ABMultiValueEntryKey ON ABMultiValueEntryKey.ROWID = ABMultiValueEntry.key"
    )
    parts: dict[int, dict[str, str]] = defaultdict(dict)
    for parent, key, value in database.rows(sql, lambda _: "ABMultiValueEntry", ctx, "ABMultiValueEntry"):
        if isinstance(parent, int) and key and value not in (None, ""):
            parts[parent][str(key).lower()] = str(value)
    return parts


def _add_value(
    person: _Values,
    prop: int,
    label: str,
    value: object,
    parts: dict[str, str],
    locator: str,
    ctx: ParseContext,
) -> None:
    name = PROPERTY_NAMES.get(prop, f"Property {prop}")
    text = _value_text(prop, value, parts)
    if not text:
        ctx.warn(locator, f"{name} without a value")
        return
    person.fields[name].append(text)
    person.fields[f"{name}.label"].append(label)
    if prop in {13, 46}:
        service = parts.get("service", "")
        person.fields[f"{name}.service"].append(service)
        username = parts.get("username") or (str(value) if value else "")
        platform = platform_for_service(service) or service.lower() or "im"
        if username:
            person.accounts.append((platform, username))
    elif prop in {3, 4}:
        person.accounts.append(("phone" if prop == 3 else "email", text))


def _value_text(prop: int, value: object, parts: dict[str, str]) -> str:
    if prop == 5:
        found = [parts[key] for key in ADDRESS_ORDER if parts.get(key)]
        return ", ".join(found) or (str(value).strip() if value else "")
    if prop in {13, 46} and parts:
        return parts.get("username") or parts.get("url") or ", ".join(parts.values())
    if prop == 12:
        moment = apple_time(value)
        return moment.date().isoformat() if moment else (str(value) if value else "")
    return str(value).strip() if isinstance(value, str | int | float) else ""


def _locator(row: sqlite3.Row) -> str:
    return f"ABPerson ROWID={row['ROWID']}"


def _contact(row: sqlite3.Row, values: _Values, ctx: ParseContext) -> ParsedContact:
    locator = _locator(row)
    fields: dict[str, list[str]] = {}
    for column in row.keys():  # noqa: SIM118 - sqlite3.Row offers keys(), not iteration over names
        text = _column_text(column, row[column], fields, locator, ctx)
        if text:
            fields[column] = [text]
    fields.update({name: list(items) for name, items in values.fields.items()})
    display_name = _display_name(fields)
    if display_name is None:
        ctx.warn(locator, "contact without name, organization, phone or email")
    accounts = {(p, h): AccountRef(p, h, display_name) for p, h in values.accounts}
    return ParsedContact(display_name, fields, locator, tuple(accounts.values()))


def _column_text(
    column: str, value: object, fields: dict[str, list[str]], locator: str, ctx: ParseContext
) -> str:
    lowered = column.lower()
    if lowered in SKIPPED_COLUMNS or value is None or isinstance(value, bytes) or value == "":
        return ""
    if lowered == "birthday":
        fields["Birthday.raw"] = [str(value)]
        birthday = _birthday(value)
        if birthday is None:
            ctx.warn(locator, f"Birthday {value!r} is no Apple time")
        return birthday or ""
    if lowered in TIME_COLUMNS:
        moment = apple_time(value)
        return moment.isoformat() if moment else str(value)
    return str(value).strip()


def _birthday(value: object) -> str | None:
    """An Apple-epoch birthday as `YYYY-MM-DD`, or `--MM-DD` for Apple's year-less 1604."""
    if raw_number(value) is None:
        return None
    moment: datetime | None = apple_time(value)
    if moment is None:
        return None
    day = moment.date()
    return f"--{day:%m-%d}" if day.year == UNKNOWN_YEAR else day.isoformat()


def _display_name(fields: dict[str, list[str]]) -> str | None:
    if fields.get("DisplayName"):
        return fields["DisplayName"][0]
    name = " ".join(fields[part][0] for part in NAME_PARTS if fields.get(part))
    if name:
        return name
    for fallback in ("Organization", "Nickname", "Phone", "Email"):
        if fields.get(fallback):
            return fields[fallback][0]
    return None
