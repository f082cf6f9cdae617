"""Building accounts, contact cards and messages straight into a case, as the parsers and the
identifier stage would leave them, for identity tests that need no evidence files.

Numbers come from the UK drama range (07700 900xxx) and landlines from 0113 496 0xxx; emails
are at example.org; every name is invented.
"""

from __future__ import annotations

import json
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from darkroom.store import CaseStore

NOW = "2026-01-01T00:00:00+00:00"


def mobile(n: int) -> str:
    """A fictional UK mobile in E.164."""
    return f"+447700900{n:03d}"


def landline(n: int) -> str:
    """A fictional UK landline in E.164."""
    return f"+441134960{n:03d}"


def _insert(conn: Connection, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(row)
    values = ", ".join(f":{key}" for key in row)
    return int(
        conn.execute(
            text(f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING rowid"), row
        ).scalar_one()
    )


class CaseBuilder:
    """A case filled record by record; ids come back so tests can name what they made."""

    def __init__(self, root: Path) -> None:
        self.store = CaseStore.create(root, "Op Identity", "GB", "Europe/Oslo")
        self._files: dict[str, int] = {}
        self._exhibits: dict[str, int] = {}
        self._lines = count(1)

    def close(self) -> None:
        self.store.close()

    def exhibit(self, ref: str, seized_from: str = "a flat") -> int:
        if ref not in self._exhibits:
            with self.store.write() as conn:
                row = {"ref": ref, "source_path": b"/", "source_kind": "folder", "seized_from": seized_from}
                row |= {"seized_at_utc": NOW, "seized_by": "PC", "intake_status": "complete"}
                self._exhibits[ref] = _insert(conn, "exhibits", row | {"registered_at_utc": NOW})
        return self._exhibits[ref]

    def file(self, exhibit: str, path: str) -> int:
        key = f"{exhibit}:{path}"
        if key not in self._files:
            exhibit_id = self.exhibit(exhibit)
            with self.store.write() as conn:
                row = {"exhibit_id": exhibit_id, "path": path.encode(), "display_path": path}
                self._files[key] = _insert(
                    conn, "files", row | {"entry_kind": "file", "recorded_at_utc": NOW}
                )
        return self._files[key]

    def _identifier(self, conn: Connection, kind: str, value: str) -> int:
        conn.execute(
            text("INSERT INTO identifiers (kind, value_norm) VALUES (:k, :v) ON CONFLICT DO NOTHING"),
            {"k": kind, "v": value},
        )
        return int(
            conn.execute(
                text("SELECT id FROM identifiers WHERE kind = :k AND value_norm = :v"),
                {"k": kind, "v": value},
            ).scalar_one()
        )

    def account(self, platform: str, handle: str, names: tuple[str, ...] = (), exhibit: str = "EX-1") -> int:
        """An account (and its own identifier, as the identifier stage records it)."""
        file_id = self.file(exhibit, f"{platform}/export.json")
        handle_norm = handle if handle.startswith("+") else handle.lower()
        with self.store.write() as conn:
            account_id = _insert(
                conn, "accounts", {"platform": platform, "handle_norm": handle_norm, "handle": handle}
            )
            for name in names:
                row = {"account_id": account_id, "display_name": name, "exhibit_id": self._exhibits[exhibit]}
                _insert(conn, "account_names", row | {"file_id": file_id, "locator": "participants"})
            if handle.startswith("+"):
                kind, value = "phone", handle_norm
            elif platform == "email":
                kind, value = "email", handle_norm
            else:
                kind, value = "handle", f"{platform}:{handle_norm}"
            identifier_id = self._identifier(conn, kind, value)
            conn.execute(
                text("INSERT OR IGNORE INTO account_identifiers (account_id, identifier_id) VALUES (:a, :i)"),
                {"a": account_id, "i": identifier_id},
            )
        return account_id

    def card(
        self,
        exhibit: str,
        name: str,
        phones: tuple[str, ...] = (),
        emails: tuple[str, ...] = (),
        fields: dict[str, list[str]] | None = None,
    ) -> int:
        """A vCard-like contact card with its identifier occurrences (and a phone account per number,
        as the contact parsers create)."""
        file_id = self.file(exhibit, "Contacts/contacts.vcf")
        exhibit_id = self._exhibits[exhibit]
        card_fields: dict[str, list[str]] = {"FN": [name], **(fields or {})}
        if phones:
            card_fields["TEL"] = list(phones)
        if emails:
            card_fields["EMAIL"] = list(emails)
        locator = f"card {next(self._lines)}"
        with self.store.write() as conn:
            row = {"display_name": name, "fields_json": json.dumps(card_fields), "exhibit_id": exhibit_id}
            contact_id = _insert(conn, "contacts", row | {"file_id": file_id, "locator": locator})
            values = [("phone", p) for p in phones] + [("email", e.lower()) for e in emails]
            for field_name in ("account_name",):
                values += [("email", v.lower()) for v in card_fields.get(field_name, []) if "@" in v]
            for kind, value in values:
                identifier_id = self._identifier(conn, kind, value)
                occurrence = {"identifier_id": identifier_id, "raw_value": value, "contact_id": contact_id}
                _insert(
                    conn,
                    "identifier_occurrences",
                    occurrence | {"exhibit_id": exhibit_id, "file_id": file_id, "locator": locator},
                )
        for phone in phones:
            self.phone_account(phone, name, exhibit)
        return contact_id

    def phone_account(self, phone: str, name: str, exhibit: str) -> int:
        """The `phone` account a contact parser makes for a card's number (named by the card)."""
        with self.store.read() as conn:
            found = conn.execute(
                text("SELECT id FROM accounts WHERE platform = 'phone' AND handle_norm = :h"), {"h": phone}
            ).first()
        if found is None:
            return self.account("phone", phone, (name,), exhibit)
        with self.store.write() as conn:
            row = {"account_id": found[0], "display_name": name, "exhibit_id": self._exhibits[exhibit]}
            conn.execute(
                text(
                    "INSERT OR IGNORE INTO account_names (account_id, display_name, exhibit_id, file_id, "
                    "locator) VALUES (:account_id, :display_name, :exhibit_id, :file_id, 'card')"
                ),
                row | {"file_id": self.file(exhibit, "Contacts/contacts.vcf")},
            )
        return int(found[0])

    def chat(self, exhibit: str, path: str, messages: list[tuple[int, str, str]]) -> int:
        """A conversation from one file: (sender account id, minute 'YYYY-MM-DDTHH:MM', text) each."""
        file_id = self.file(exhibit, path)
        exhibit_id = self._exhibits[exhibit]
        with self.store.write() as conn:
            row = {"platform": "whatsapp", "title": path, "exhibit_id": exhibit_id, "file_id": file_id}
            conversation_id = _insert(conn, "conversations", row | {"locator": "chat"})
            for sender in sorted({m[0] for m in messages}):
                conn.execute(
                    text("INSERT OR IGNORE INTO conversation_participants VALUES (:c, :a)"),
                    {"c": conversation_id, "a": sender},
                )
            for line, (sender, minute, body) in enumerate(messages, 1):
                message = {"conversation_id": conversation_id, "sender_account_id": sender, "body": body}
                message |= {
                    "sent_at_utc": f"{minute}:00.000000+00:00",
                    "kind": "text",
                    "exhibit_id": exhibit_id,
                }
                _insert(conn, "messages", message | {"file_id": file_id, "locator": f"line {line}"})
        return conversation_id
