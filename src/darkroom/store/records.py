"""Writing one file's parsed records into the case: accounts upserted, conversations, messages
(+ full-text index), contacts, and the file's parse status — all in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from darkroom.formats.base import (
    AccountRef,
    ParsedAccount,
    ParsedContact,
    ParsedConversation,
)
from darkroom.formats.transport import PackedMessage, SenderTuple, Transported, as_packed
from darkroom.identifiers.normalize import normalize_handle
from darkroom.store import schema
from darkroom.store.case import new_row_id

MESSAGE_COLUMNS = (
    "conversation_id",
    "sender_account_id",
    "sent_at_utc",
    "sent_at_raw",
    "assumed_zone",
    "body",
    "kind",
    "exhibit_id",
    "file_id",
    "locator",
)


INSERT_MESSAGE = (
    f"INSERT INTO messages ({', '.join(MESSAGE_COLUMNS)}) VALUES ({', '.join('?' * len(MESSAGE_COLUMNS))})"
)


@dataclass(frozen=True, slots=True)
class FileSource:
    """The exhibit and file every record of one parse comes from (its provenance)."""

    exhibit_id: int
    file_id: int


@dataclass(slots=True)
class WriteCounts:
    """How many rows one file's records became."""

    accounts: int = 0
    conversations: int = 0
    messages: int = 0
    contacts: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def records(self) -> int:
        return self.conversations + self.messages + self.contacts + self.accounts


class RecordWriter:
    """Turns parser records into rows; keeps the account ids it has seen for the whole run."""

    def __init__(self, region: str) -> None:
        self.region = region
        self._account_ids: dict[tuple[str, str], int] = {}  # (platform, handle as written) -> id
        self._names: dict[tuple[int, str], tuple[int, int, str]] = {}  # this file's names, once each

    def account_id(self, conn: Connection, ref: AccountRef, source: FileSource, locator: str) -> int:
        """The id of the account `ref` names, created on first sight; its display name noted."""
        return self.account_id_of(conn, (ref.platform, ref.handle, ref.display_name), source, locator)

    def account_id_of(self, conn: Connection, sender: SenderTuple, source: FileSource, locator: str) -> int:
        """`account_id` for a (platform, handle, display name) triple, the hot path's form."""
        platform, handle, display_name = sender
        account_id = self._account_ids.get((platform, handle))
        if account_id is None:
            account_id = self._lookup_or_create(conn, AccountRef(platform, handle))
            self._account_ids[(platform, handle)] = account_id
        if display_name and (account_id, display_name) not in self._names:
            self._names[(account_id, display_name)] = (source.exhibit_id, source.file_id, locator)
        return account_id

    def _lookup_or_create(self, conn: Connection, ref: AccountRef) -> int:
        handle_norm = normalize_handle(ref.platform, ref.handle, self.region)
        a = schema.accounts.c
        found = conn.execute(select(a.id).where(a.platform == ref.platform, a.handle_norm == handle_norm))
        account_id = found.scalar_one_or_none()
        if account_id is None:
            values = {"platform": ref.platform, "handle_norm": handle_norm, "handle": ref.handle}
            account_id = new_row_id(conn.execute(insert(schema.accounts).values(**values)))
        return int(account_id)

    def _write_names(self, conn: Connection) -> None:
        """The display names seen in this file, with where each was first seen."""
        if self._names:
            conn.exec_driver_sql(
                "INSERT INTO account_names (account_id, display_name, exhibit_id, file_id, locator) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(account, name, *where) for (account, name), where in self._names.items()],
            )
        self._names = {}

    def write(self, conn: Connection, source: FileSource, records: Iterable[Transported]) -> WriteCounts:
        """Write every record of one file; returns counts and records that could not be placed."""
        counts = WriteCounts()
        conversations: dict[str, int] = {}
        participants: set[tuple[int, int]] = set()
        message_rows: list[tuple[object, ...]] = []
        placed: list[PackedMessage] = []
        for record in records:
            record = as_packed(record)  # noqa: PLW2901 - one form for every caller
            if isinstance(record, PackedMessage):
                row = self._message_row(conn, source, record, conversations, participants, counts)
                if row is not None:
                    message_rows.append(row)
                    placed.append(record)
            elif isinstance(record, ParsedConversation):
                conversations[record.key] = self._conversation(conn, source, record, participants)
                counts.conversations += 1
            elif isinstance(record, ParsedContact):
                self._contact(conn, source, record)
                counts.contacts += 1
            elif isinstance(record, ParsedAccount):
                self.account_id(conn, record.account, source, record.locator)
                counts.accounts += 1
        if message_rows:
            first_id = self._insert_messages(conn, message_rows)
            counts.messages = len(message_rows)
            self._links(conn, placed, first_id, counts)
        if participants:
            conn.execute(
                sqlite_insert(schema.conversation_participants).on_conflict_do_nothing(),
                [{"conversation_id": c, "account_id": a} for c, a in sorted(participants)],
            )
        self._write_names(conn)
        self._index_and_dates(conn, source.file_id)
        return counts

    @staticmethod
    def _insert_messages(conn: Connection, rows: list[tuple[object, ...]]) -> int:
        """Insert in order; returns the first new id. We hold the write lock and rowids are
        assigned one after another, so the batch gets first_id … first_id + len - 1."""
        before = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM messages")).scalar_one()
        conn.exec_driver_sql(INSERT_MESSAGE, rows)
        after = conn.execute(text("SELECT MAX(id) FROM messages")).scalar_one()
        if after - before != len(rows):
            msg = f"message ids are not contiguous ({before}..{after} for {len(rows)} rows)"
            raise RuntimeError(msg)
        return int(before) + 1

    @staticmethod
    def _links(conn: Connection, placed: list[PackedMessage], first_id: int, counts: WriteCounts) -> None:
        """Attachments of each message, and attached/reply messages pointed at their parent."""
        ids_by_key = {m.key: first_id + n for n, m in enumerate(placed) if m.key is not None}
        attachments: list[dict[str, Any]] = []
        parents: list[dict[str, int]] = []
        for n, message in enumerate(placed):
            message_id = first_id + n
            attachments.extend(
                {"message_id": message_id, "name": name, "mime_type": mime}
                for name, mime in message.attachments
            )
            if message.parent_key is None:
                continue
            parent_id = ids_by_key.get(message.parent_key)
            if parent_id is None:
                counts.problems.append(
                    (message.locator, f"parent message {message.parent_key!r} not in this file")
                )
            else:
                parents.append({"child": message_id, "parent": parent_id})
        if attachments:
            conn.execute(
                text(
                    "INSERT INTO message_attachments (message_id, name, mime_type) "
                    "VALUES (:message_id, :name, :mime_type)"
                ),
                attachments,
            )
        if parents:
            conn.execute(text("UPDATE messages SET parent_message_id = :parent WHERE id = :child"), parents)

    def _conversation(
        self,
        conn: Connection,
        source: FileSource,
        record: ParsedConversation,
        participants: set[tuple[int, int]],
    ) -> int:
        row = {
            "platform": record.platform,
            "external_id": record.external_id,
            "title": record.title,
            "is_group": int(record.is_group),
            "exhibit_id": source.exhibit_id,
            "file_id": source.file_id,
            "locator": record.locator,
        }
        conversation_id = new_row_id(conn.execute(insert(schema.conversations).values(**row)))
        for ref in record.participants:
            participants.add((conversation_id, self.account_id(conn, ref, source, record.locator)))
        return conversation_id

    def _message_row(
        self,
        conn: Connection,
        source: FileSource,
        record: PackedMessage,
        conversations: dict[str, int],
        participants: set[tuple[int, int]],
        counts: WriteCounts,
    ) -> tuple[object, ...] | None:
        """The message's row in MESSAGE_COLUMNS order (a tuple: this runs a million times)."""
        conversation_id = conversations.get(record.conversation_key)
        if conversation_id is None:
            counts.problems.append(
                (record.locator, f"message names unknown conversation {record.conversation_key!r}")
            )
            return None
        sender_id = None
        if record.sender is not None:
            sender_id = self.account_id_of(conn, record.sender, source, record.locator)
            participants.add((conversation_id, sender_id))
        return (
            conversation_id,
            sender_id,
            record.sent_at_utc,
            record.sent_at_raw,
            record.assumed_zone,
            record.body,
            record.kind,
            source.exhibit_id,
            source.file_id,
            record.locator,
        )

    def _contact(self, conn: Connection, source: FileSource, record: ParsedContact) -> None:
        conn.execute(
            insert(schema.contacts).values(
                display_name=record.display_name,
                fields_json=json.dumps(record.fields, ensure_ascii=False),
                exhibit_id=source.exhibit_id,
                file_id=source.file_id,
                locator=record.locator,
            )
        )
        for ref in record.accounts:
            named = AccountRef(ref.platform, ref.handle, ref.display_name or record.display_name)
            self.account_id(conn, named, source, record.locator)

    @staticmethod
    def _index_and_dates(conn: Connection, file_id: int) -> None:
        """Full-text index the file's messages; widen first/last seen of their senders."""
        conn.execute(
            text("INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages WHERE file_id = :f"),
            {"f": file_id},
        )
        conn.execute(
            text(
                "UPDATE accounts SET "
                "first_seen_utc = MIN(COALESCE(first_seen_utc, s.first), s.first), "
                "last_seen_utc = MAX(COALESCE(last_seen_utc, s.last), s.last) "
                "FROM (SELECT sender_account_id AS id, MIN(sent_at_utc) AS first, "
                "      MAX(sent_at_utc) AS last FROM messages "
                "      WHERE file_id = :f AND sent_at_utc IS NOT NULL GROUP BY sender_account_id) s "
                "WHERE accounts.id = s.id"
            ),
            {"f": file_id},
        )


def forget_file(conn: Connection, file_id: int) -> None:
    """Remove every record parsed from one file (before it is parsed again by a newer parser)."""
    conn.execute(
        text(
            "INSERT INTO messages_fts (messages_fts, rowid, body) "
            "SELECT 'delete', id, body FROM messages WHERE file_id = :f"
        ),
        {"f": file_id},
    )
    conversation_ids = select(schema.conversations.c.id).where(schema.conversations.c.file_id == file_id)
    conn.execute(
        text(
            "DELETE FROM message_attachments WHERE message_id IN (SELECT id FROM messages WHERE file_id = :f)"
        ),
        {"f": file_id},
    )
    conn.execute(text("DELETE FROM identifier_occurrences WHERE file_id = :f"), {"f": file_id})
    conn.execute(text("DELETE FROM identifier_passes WHERE file_id = :f"), {"f": file_id})
    conn.execute(delete(schema.messages).where(schema.messages.c.file_id == file_id))
    conn.execute(
        delete(schema.conversation_participants).where(
            schema.conversation_participants.c.conversation_id.in_(conversation_ids)
        )
    )
    conn.execute(delete(schema.conversations).where(schema.conversations.c.file_id == file_id))
    conn.execute(delete(schema.contacts).where(schema.contacts.c.file_id == file_id))
    conn.execute(delete(schema.account_names).where(schema.account_names.c.file_id == file_id))
    conn.execute(delete(schema.parse_warnings).where(schema.parse_warnings.c.file_id == file_id))
    conn.execute(delete(schema.file_parses).where(schema.file_parses.c.file_id == file_id))
