"""A small case written straight into the store, for the network tests: two seized phones (Alice's
and Bob's), a hidden contact (Carol) in their group chat and both address books, bystanders
(Dave, Erin), and a number only one card holds. Everyone is fictional; numbers are from the
UK drama range 07700 900xxx, emails on example.org."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from darkroom.store import CaseStore

NOW = "2026-01-10T12:00:00.000000+00:00"


def insert(conn: Connection, table: str, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    values = ", ".join(f":{key}" for key in row)
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)


@dataclass
class CaseWriter:
    """Writes rows with fresh ids; one per test."""

    conn: Connection
    ids: dict[str, count[int]] = field(default_factory=dict)

    def next_id(self, table: str) -> int:
        if table not in self.ids:
            last = self.conn.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")).scalar_one()
            self.ids[table] = count(int(last) + 1)
        return next(self.ids[table])

    def exhibit(self, ref: str) -> int:
        exhibit_id = self.next_id("exhibits")
        row = {"id": exhibit_id, "ref": ref, "source_path": b"/", "source_kind": "folder"}
        row |= {"seized_from": f"owner of {ref}", "seized_at_utc": NOW, "seized_by": "PC Example"}
        row |= {"intake_status": "complete", "registered_at_utc": NOW}
        insert(self.conn, "exhibits", row)
        return exhibit_id

    def file(self, exhibit_id: int, path: str, parser: str) -> int:
        file_id = self.next_id("files")
        row = {"id": file_id, "exhibit_id": exhibit_id, "path": path.encode(), "display_path": path}
        row |= {"entry_kind": "file", "recorded_at_utc": NOW}
        insert(self.conn, "files", row)
        insert(
            self.conn,
            "file_parses",
            {
                "file_id": file_id,
                "parser": parser,
                "parser_version": "1",
                "status": "parsed",
                "parsed_at_utc": NOW,
            },
        )
        return file_id

    def account(self, platform: str, handle: str, identifiers: tuple[tuple[str, str], ...] = ()) -> int:
        account_id = self.next_id("accounts")
        insert(
            self.conn,
            "accounts",
            {"id": account_id, "platform": platform, "handle_norm": handle, "handle": handle},
        )
        for kind, value in identifiers:
            identifier_id = self.identifier(kind, value)
            insert(
                self.conn, "account_identifiers", {"account_id": account_id, "identifier_id": identifier_id}
            )
        return account_id

    def identifier(self, kind: str, value: str, shared: bool = False) -> int:
        found = self.conn.execute(
            text("SELECT id FROM identifiers WHERE kind = :kind AND value_norm = :value"),
            {"kind": kind, "value": value},
        ).scalar_one_or_none()
        if found is not None:
            return int(found)
        identifier_id = self.next_id("identifiers")
        row = {"id": identifier_id, "kind": kind, "value_norm": value, "is_shared": int(shared)}
        insert(self.conn, "identifiers", row)
        return identifier_id

    def conversation(
        self,
        file_id: int,
        exhibit_id: int,
        members: list[int],
        messages: list[tuple[int, str]],
        group: str | None = None,
    ) -> int:
        """A conversation with its participants and (sender, sent_at_utc) messages."""
        conversation_id = self.next_id("conversations")
        row = {
            "id": conversation_id,
            "platform": "whatsapp",
            "title": group,
            "is_group": int(group is not None),
        }
        row |= {"exhibit_id": exhibit_id, "file_id": file_id, "locator": f"chat {conversation_id}"}
        insert(self.conn, "conversations", row)
        for account_id in members:
            insert(
                self.conn,
                "conversation_participants",
                {"conversation_id": conversation_id, "account_id": account_id},
            )
        for sender, sent_at in messages:
            message_id = self.next_id("messages")
            row = {"id": message_id, "conversation_id": conversation_id, "sender_account_id": sender}
            row |= {"sent_at_utc": sent_at, "body": "see you at the match", "kind": "text"}
            row |= {"exhibit_id": exhibit_id, "file_id": file_id, "locator": f"message {message_id}"}
            insert(self.conn, "messages", row)
        return conversation_id

    def contact(
        self, file_id: int, exhibit_id: int, name: str, identifiers: tuple[tuple[str, str], ...]
    ) -> int:
        contact_id = self.next_id("contacts")
        row = {"id": contact_id, "display_name": name, "fields_json": "{}", "exhibit_id": exhibit_id}
        row |= {"file_id": file_id, "locator": f"card {contact_id}"}
        insert(self.conn, "contacts", row)
        for kind, value in identifiers:
            occurrence = {"identifier_id": self.identifier(kind, value), "raw_value": value}
            occurrence |= {"contact_id": contact_id, "exhibit_id": exhibit_id, "file_id": file_id}
            insert(self.conn, "identifier_occurrences", occurrence | {"locator": f"card {contact_id}"})
        return contact_id

    def person(self, label: str, account_ids: list[int]) -> int:
        person_id = self.next_id("persons")
        insert(self.conn, "persons", {"id": person_id, "label": label, "created_at_utc": NOW})
        for account_id in account_ids:
            insert(
                self.conn,
                "person_links",
                {"person_id": person_id, "account_id": account_id, "method": "model"},
            )
        return person_id


@dataclass(frozen=True)
class Story:
    """Ids of the rows the tests look at."""

    store: CaseStore
    exhibits: dict[str, int]
    accounts: dict[str, int]
    contacts: dict[str, int]
    conversations: dict[str, int]
    lone_number: str


PHONES = {
    "alice": "+447700900101",
    "bob": "+447700900102",
    "carol": "+447700900103",
    "dave": "+447700900104",
    "erin": "+447700900105",
    "frank": "+447700900106",
}


def _day(n: int) -> str:
    return f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}T10:00:00.000000+00:00"


def write_story(tmp_path: Path, with_persons: bool = False) -> Story:
    """The case described in the module docstring; `with_persons` adds Carol's email as a second
    account linked to her person (and persons for everyone else)."""
    store = CaseStore.create(tmp_path / "case", "Op Story", "GB", "Europe/London")
    with store.write() as conn:
        w = CaseWriter(conn)
        ex1, ex2 = w.exhibit("EX-001"), w.exhibit("EX-002")
        acc = {name: w.account("whatsapp", phone, (("phone", phone),)) for name, phone in PHONES.items()}
        acc["carol-email"] = w.account("email", "carol@example.org", (("email", "carol@example.org"),))
        db1, db2 = (
            w.file(ex1, "msgstore.db", "whatsapp-android-db"),
            w.file(ex2, "msgstore.db", "whatsapp-android-db"),
        )
        a, b, c, d, e = (acc[n] for n in ("alice", "bob", "carol", "dave", "erin"))
        conversations = {
            "alice-carol": w.conversation(db1, ex1, [a, c], [(a, _day(1)), (c, _day(2)), (c, _day(40))]),
            "alice-dave": w.conversation(db1, ex1, [a, d], [(a, _day(3)), (d, _day(4))]),
            "alice-bob": w.conversation(db1, ex1, [a, b], [(a, _day(5)), (b, _day(6))]),
            "club-on-1": w.conversation(db1, ex1, [a, b, c], [(c, _day(7)), (a, _day(8))], group="club"),
            "bob-carol": w.conversation(db2, ex2, [b, c], [(b, _day(9)), (c, _day(50))]),
            "bob-erin": w.conversation(db2, ex2, [b, e], [(e, _day(10))]),
            "bob-alice": w.conversation(db2, ex2, [b, a], [(b, _day(11))]),
            "club-on-2": w.conversation(db2, ex2, [a, b, c], [(c, _day(7)), (a, _day(8))], group="club"),
        }
        book1, book2 = (
            w.file(ex1, "contacts.vcf", "vcard"),
            w.file(ex2, "contacts2.db", "android-contacts-db"),
        )
        contacts = {
            "carol-on-1": w.contact(book1, ex1, "Carol", (("phone", PHONES["carol"]),)),
            "dave-on-1": w.contact(book1, ex1, "Dave", (("phone", PHONES["dave"]),)),
            "bob-on-1": w.contact(book1, ex1, "Bob", (("phone", PHONES["bob"]),)),
            "carol-on-2": w.contact(
                book2, ex2, "C", (("phone", PHONES["carol"]), ("email", "carol@example.org"))
            ),
            "lone-on-2": w.contact(book2, ex2, "Taxi?", (("phone", "+447700900199"),)),
        }
        if with_persons:
            w.person("Carol", [c, acc["carol-email"]])
            for name in ("alice", "bob", "dave", "erin", "frank"):
                w.person(name.title(), [acc[name]])
    return Story(store, {"EX-001": ex1, "EX-002": ex2}, acc, contacts, conversations, "+447700900199")
