"""The identifier stage: every identifier in accounts, contact cards and message text, each
occurrence stored with its provenance (exhibit, file, locator).

Incremental: a file is read once per extractor version (`identifier_passes`); when the
extractor changes, its occurrences are replaced. `darkroom process` stores the identifiers of a
file's message text as it stores the file (the parser worker read them); this stage then reads
only the files that were not read that way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from darkroom.identifiers.extract import extract
from darkroom.identifiers.normalize import PHONE_PLATFORMS, normalize_email, normalize_phone
from darkroom.model import IdentifierKind
from darkroom.store import CaseStore
from darkroom.timeutil import to_iso, utc_now

EXTRACTOR_VERSION = "1"
PHONE_FIELDS = frozenset({"TEL", "PHONE", "MOBILE", "NUMBER"})
EMAIL_FIELDS = frozenset({"EMAIL", "E-MAIL"})


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One sighting of an identifier: what it is, as written, and where."""

    kind: str
    value_norm: str
    raw: str
    subject: str  # account_id | contact_id | message_id
    subject_id: int
    exhibit_id: int
    file_id: int
    locator: str


def _account_identifier(platform: str, handle_norm: str) -> tuple[str, str]:
    if platform in PHONE_PLATFORMS and handle_norm.startswith("+"):
        return IdentifierKind.PHONE.value, handle_norm
    if platform == "email":
        return IdentifierKind.EMAIL.value, handle_norm
    return IdentifierKind.HANDLE.value, f"{platform}:{handle_norm}"


def _field_kind(name: str) -> str:
    base = name.split(".", 1)[0].split(";", 1)[0].upper()
    if base in PHONE_FIELDS or "PHONE" in base or "TELEFON" in base or "MOBIL" in base:
        return "phone"
    if base in EMAIL_FIELDS or "E-MAIL" in base or "EMAIL" in base or "E-POST" in base:
        return "email"
    return "text"


def _contact_occurrences(row: Any, region: str) -> Iterator[Occurrence]:
    fields: dict[str, list[str]] = json.loads(row.fields_json)
    for name, values in fields.items():
        if name.endswith((".TYPE", ".LABEL")) or name.upper() in {"PHOTO", "VERSION"}:
            continue
        kind = _field_kind(name)
        for value in values:
            direct = None
            if kind == "phone":
                direct = normalize_phone(value, region)
            elif kind == "email":
                direct = normalize_email(value)
            if direct:
                yield Occurrence(
                    kind, direct, value, "contact_id", row.id, row.exhibit_id, row.file_id, row.locator
                )
                continue
            for found in extract(value, region, phone_field=kind == "phone"):
                yield Occurrence(
                    found.kind.value,
                    found.value_norm,
                    found.raw,
                    "contact_id",
                    row.id,
                    row.exhibit_id,
                    row.file_id,
                    row.locator,
                )


def account_and_contact_occurrences(conn: Connection, file_id: int, region: str) -> Iterator[Occurrence]:
    """Every identifier sighting in one file's accounts and contact cards."""
    for row in conn.execute(
        text(
            "SELECT DISTINCT n.account_id, n.exhibit_id, n.file_id, n.locator, a.platform, a.handle_norm, "
            "a.handle FROM account_names n JOIN accounts a ON a.id = n.account_id WHERE n.file_id = :f"
        ),
        {"f": file_id},
    ):
        kind, value = _account_identifier(row.platform, row.handle_norm)
        yield Occurrence(
            kind,
            value,
            row.handle,
            "account_id",
            row.account_id,
            row.exhibit_id,
            row.file_id,
            row.locator or "",
        )
    contacts = text("SELECT id, fields_json, exhibit_id, file_id, locator FROM contacts WHERE file_id = :f")
    for row in conn.execute(contacts, {"f": file_id}):
        yield from _contact_occurrences(row, region)


def file_occurrences(conn: Connection, file_id: int, region: str) -> Iterator[Occurrence]:
    """Every identifier sighting in one file's accounts, contacts and messages."""
    yield from account_and_contact_occurrences(conn, file_id, region)
    messages = text("SELECT id, body, exhibit_id, file_id, locator FROM messages WHERE file_id = :f")
    for row in conn.execute(messages, {"f": file_id}):
        for found in extract(row.body, region):
            yield Occurrence(
                found.kind.value,
                found.value_norm,
                found.raw,
                "message_id",
                row.id,
                row.exhibit_id,
                row.file_id,
                row.locator,
            )


class IdentifierIds:
    """(kind, value) -> identifier id, created on first sight."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}

    def get(self, conn: Connection, kind: str, value: str) -> int:
        key = (kind, value)
        if key not in self._ids:
            conn.execute(
                text("INSERT INTO identifiers (kind, value_norm) VALUES (:k, :v) ON CONFLICT DO NOTHING"),
                {"k": kind, "v": value},
            )
            found = conn.execute(
                text("SELECT id FROM identifiers WHERE kind = :k AND value_norm = :v"),
                {"k": kind, "v": value},
            ).scalar_one()
            self._ids[key] = int(found)
        return self._ids[key]


_SUBJECT_COLUMN = {"account_id": 0, "contact_id": 1, "message_id": 2}


def store_occurrences(conn: Connection, ids: IdentifierIds, file_id: int, found: Iterable[Occurrence]) -> int:
    """Replace one file's occurrences with `found` and record its pass; returns how many."""
    conn.execute(text("DELETE FROM identifier_occurrences WHERE file_id = :f"), {"f": file_id})
    rows: list[tuple[object, ...]] = []
    account_links: list[tuple[int, int]] = []
    for occ in found:
        identifier_id = ids.get(conn, occ.kind, occ.value_norm)
        subjects: list[int | None] = [None, None, None]
        subjects[_SUBJECT_COLUMN[occ.subject]] = occ.subject_id
        rows.append((identifier_id, occ.raw, *subjects, occ.exhibit_id, occ.file_id, occ.locator))
        if occ.subject == "account_id":
            account_links.append((occ.subject_id, identifier_id))
    if account_links:
        conn.exec_driver_sql(
            "INSERT INTO account_identifiers (account_id, identifier_id) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING",
            account_links,
        )
    if rows:
        conn.exec_driver_sql(
            "INSERT INTO identifier_occurrences (identifier_id, raw_value, account_id, contact_id, "
            "message_id, exhibit_id, file_id, locator) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.execute(
        text(
            "INSERT INTO identifier_passes (file_id, extractor_version, occurrences, at_utc) "
            "VALUES (:f, :v, :n, :t) ON CONFLICT (file_id) DO UPDATE SET extractor_version = :v, "
            "occurrences = :n, at_utc = :t"
        ),
        {"f": file_id, "v": EXTRACTOR_VERSION, "n": len(rows), "t": to_iso(utc_now())},
    )
    return len(rows)


def _store_file(conn: Connection, ids: IdentifierIds, file_id: int, region: str) -> int:
    return store_occurrences(conn, ids, file_id, file_occurrences(conn, file_id, region))


def run_identifier_stage(store: CaseStore) -> tuple[int, int]:
    """Extract identifiers from every parsed file not yet read by this extractor version."""
    region = store.info().region
    with store.read() as conn:
        pending = [
            int(row[0])
            for row in conn.execute(
                text(
                    "SELECT p.file_id FROM file_parses p "
                    "LEFT JOIN identifier_passes i ON i.file_id = p.file_id "
                    "WHERE p.status = 'parsed' AND p.parser != 'archive' "
                    "AND (i.file_id IS NULL OR i.extractor_version != :v) ORDER BY p.file_id"
                ),
                {"v": EXTRACTOR_VERSION},
            )
        ]
    ids = IdentifierIds()
    total = 0
    for file_id in pending:
        with store.write() as conn:
            total += _store_file(conn, ids, file_id, region)
    return len(pending), total
