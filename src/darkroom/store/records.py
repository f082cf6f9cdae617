"""Writing one file's parsed records into the case: accounts upserted, conversations, messages
(+ full-text index), contacts, and the identifiers the parser worker found in the message bodies —
all in the caller's transaction, a part at a time while the worker is still parsing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat

from sqlalchemy import Connection, delete, insert, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from darkroom.formats.base import (
    AccountRef,
    ParsedAccount,
    ParsedContact,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.stream import ChunkBuilder, MessageChunk, SenderTuple
from darkroom.identifiers.normalize import is_saved_name, normalize_handle
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
# A message's identifier: its id, kind, normalized value, as written, locator
MessageOccurrence = tuple[int, str, str, str, str]


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
        self._uncommitted: list[tuple[str, str]] = []  # accounts created in the open transaction
        self._scoped: dict[tuple[str, str, int], str] = {}
        self._exhibit_refs: dict[int, str] = {}

    def scoped_handle(self, conn: Connection, platform: str, handle: str, exhibit_id: int) -> str:
        """The handle an account is keyed by. A chat export's participant known only by a saved name
        ("David") is that device's David, not everyone's: the name is keyed with the exhibit
        ("David (EX-011)"), so two phones' Davids never become one account; identity resolution
        ties each to a person by the saved contact card and the messages copies share."""
        key = (platform, handle, exhibit_id)
        scoped = self._scoped.get(key)
        if scoped is None:
            scoped = handle
            if is_saved_name(platform, normalize_handle(platform, handle, self.region)):
                scoped = f"{handle} ({self._exhibit_ref(conn, exhibit_id)})"
            self._scoped[key] = scoped
        return scoped

    def _exhibit_ref(self, conn: Connection, exhibit_id: int) -> str:
        ref = self._exhibit_refs.get(exhibit_id)
        if ref is None:
            found = conn.execute(text("SELECT ref FROM exhibits WHERE id = :id"), {"id": exhibit_id})
            ref = self._exhibit_refs[exhibit_id] = str(found.scalar_one())
        return ref

    def committed(self) -> None:
        """The file's transaction committed: the accounts it created exist for good."""
        self._uncommitted.clear()

    def rolled_back(self) -> None:
        """The file's transaction rolled back: forget the ids of the accounts it had created."""
        for key in self._uncommitted:
            self._account_ids.pop(key, None)
        self._uncommitted.clear()

    def open_file(self, conn: Connection, source: FileSource) -> FileWrite:
        """Start writing one file's records (in the caller's transaction)."""
        return FileWrite(self, conn, source)

    def write(self, conn: Connection, source: FileSource, records: Iterable[Record]) -> WriteCounts:
        """Write every record of one file at once; returns counts and records that could not be placed."""
        file_write = self.open_file(conn, source)
        builder = ChunkBuilder(None)
        for record in records:
            if isinstance(record, ParsedMessage):
                builder.add(record)
                continue
            if (chunk := builder.take()) is not None:
                file_write.add_messages(chunk)
            file_write.add_records([record])
        if (chunk := builder.take()) is not None:
            file_write.add_messages(chunk)
        return file_write.finish()

    def account_id_of(self, conn: Connection, platform: str, handle: str) -> int:
        """The id of the account (platform, handle as written), created on first sight."""
        account_id = self._account_ids.get((platform, handle))
        if account_id is None:
            account_id = self._lookup_or_create(conn, AccountRef(platform, handle))
            self._account_ids[(platform, handle)] = account_id
            self._uncommitted.append((platform, handle))
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


class FileWrite:
    """One file's records as they arrive: `add_records` / `add_messages` in record order, then `finish`."""

    def __init__(self, writer: RecordWriter, conn: Connection, source: FileSource) -> None:
        self.writer = writer
        self.conn = conn
        self.source = source
        self.counts = WriteCounts()
        self.conversations: dict[str, int] = {}
        self.participants: set[tuple[int, int]] = set()
        self.names: dict[tuple[int, str], str] = {}  # (account, display name) -> first locator
        self.owners: dict[int, str] = {}  # account the parser states is the exhibit's own -> first locator
        self.ids_by_key: dict[str, int] = {}
        self.parent_links: list[tuple[int, str, str]] = []  # child id, parent key, child locator
        self.seen: dict[int, tuple[str, str]] = {}  # sender account -> first and last time here
        self.occurrences: list[MessageOccurrence] = []

    def account_id(self, ref: AccountRef | SenderTuple, locator: str) -> int:
        """The id of the account `ref` names, created on first sight; its display name noted."""
        platform, handle, display_name = (
            ref if isinstance(ref, tuple) else (ref.platform, ref.handle, ref.display_name)
        )
        handle = self.writer.scoped_handle(self.conn, platform, handle, self.source.exhibit_id)
        account_id = self.writer.account_id_of(self.conn, platform, handle)
        if display_name and (account_id, display_name) not in self.names:
            self.names[(account_id, display_name)] = locator
        return account_id

    def add_records(self, records: Iterable[Record]) -> None:
        """Records other than messages (conversations, contacts, accounts), in their order."""
        for record in records:
            if isinstance(record, ParsedConversation):
                self.conversations[record.key] = self._conversation(record)
                self.counts.conversations += 1
            elif isinstance(record, ParsedContact):
                self._contact(record)
                self.counts.contacts += 1
            elif isinstance(record, ParsedAccount):
                account_id = self.account_id(record.account, record.locator)
                if record.is_owner:
                    self.owners.setdefault(account_id, record.locator)
                self.counts.accounts += 1
            else:
                msg = f"a message must come in a chunk, not as {type(record).__name__}"
                raise TypeError(msg)

    def add_messages(self, chunk: MessageChunk) -> None:
        """A chunk of messages: rows, full-text index, attachments; links and identifiers at `finish`."""
        conversation_ids = [self.conversations.get(key) for key in chunk.conversation_keys]
        if None in conversation_ids:
            chunk = self._placeable(chunk, conversation_ids)
            conversation_ids = [self.conversations[key] for key in chunk.conversation_keys]
            if not len(chunk):
                return
        sender_ids: list[int | None] = [
            self.account_id(sender, chunk.locator[chunk.sender_index.index(n)])
            for n, sender in enumerate(chunk.senders)
        ]
        sender_ids.append(None)  # index -1: no sender
        senders = [sender_ids[n] for n in chunk.sender_index]
        self.participants.update(
            (conversation, sender)
            for conversation, sender in set(zip(conversation_ids, senders, strict=True))
            if conversation is not None and sender is not None
        )
        source = self.source
        rows = zip(
            conversation_ids,
            senders,
            chunk.sent_at_utc,
            chunk.sent_at_raw,
            chunk.assumed_zone,
            chunk.body,
            chunk.kind,
            repeat(source.exhibit_id),
            repeat(source.file_id),
            chunk.locator,
            strict=False,
        )
        first_id = self._insert_messages(rows, len(chunk))
        last_id = first_id + len(chunk) - 1
        self.counts.messages += len(chunk)
        for n, (first, last) in chunk.sender_times.items():
            account = sender_ids[n]
            if account is not None:
                known = self.seen.get(account)
                self.seen[account] = (
                    (first, last) if known is None else (min(known[0], first), max(known[1], last))
                )
        self.conn.exec_driver_sql(
            "INSERT INTO messages_fts (rowid, body) SELECT id, body FROM messages WHERE id BETWEEN ? AND ?",
            (first_id, last_id),
        )
        self._links(chunk, first_id)
        if chunk.finds is not None:
            self.occurrences.extend(
                (first_id + n, kind, value, raw, chunk.locator[n]) for n, kind, value, raw in chunk.finds
            )

    def _placeable(self, chunk: MessageChunk, conversation_ids: list[int | None]) -> MessageChunk:
        """The messages whose conversation is known; the others noted as problems."""
        for n, conversation_id in enumerate(conversation_ids):
            if conversation_id is None:
                key = chunk.conversation_keys[n]
                self.counts.problems.append((chunk.locator[n], f"message names unknown conversation {key!r}"))
        return chunk.select(
            [n for n, conversation_id in enumerate(conversation_ids) if conversation_id is not None]
        )

    def _insert_messages(self, rows: Iterable[tuple[object, ...]], count: int) -> int:
        """Insert in order; returns the first new id. We hold the write lock and rowids are
        assigned one after another, so the rows get first_id … first_id + count - 1."""
        conn = self.conn
        before = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM messages").scalar_one()
        # Straight to the driver, which reads the rows from the iterator: no list of a million tuples.
        driver = conn.connection.driver_connection
        if driver is None:
            msg = "the connection has no driver connection"
            raise RuntimeError(msg)
        driver.executemany(INSERT_MESSAGE, rows)
        after = conn.exec_driver_sql("SELECT MAX(id) FROM messages").scalar_one()
        if after - before != count:
            msg = f"message ids are not contiguous ({before}..{after} for {count} rows)"
            raise RuntimeError(msg)
        return int(before) + 1

    def _links(self, chunk: MessageChunk, first_id: int) -> None:
        """Attachments of each message now; replies and attached messages noted for `finish`."""
        if chunk.attachments:
            self.conn.exec_driver_sql(
                "INSERT INTO message_attachments (message_id, name, mime_type) VALUES (?, ?, ?)",
                [
                    (first_id + n, name, mime)
                    for n, pairs in chunk.attachments.items()
                    for name, mime in pairs
                ],
            )
        for n, key in chunk.keys.items():
            self.ids_by_key[key] = first_id + n
        self.parent_links.extend(
            (first_id + n, parent_key, chunk.locator[n]) for n, parent_key in chunk.parent_keys.items()
        )

    def finish(self) -> WriteCounts:
        """Parent links, participants, display names, stated owners, first/last seen of the senders."""
        conn = self.conn
        parents: list[tuple[int, int]] = []
        for child_id, parent_key, locator in self.parent_links:
            parent_id = self.ids_by_key.get(parent_key)
            if parent_id is None:
                self.counts.problems.append((locator, f"parent message {parent_key!r} not in this file"))
            else:
                parents.append((parent_id, child_id))
        if parents:
            conn.exec_driver_sql("UPDATE messages SET parent_message_id = ? WHERE id = ?", parents)
        if self.participants:
            conn.execute(
                sqlite_insert(schema.conversation_participants).on_conflict_do_nothing(),
                [{"conversation_id": c, "account_id": a} for c, a in sorted(self.participants)],
            )
        if self.names:
            source = self.source
            conn.exec_driver_sql(
                "INSERT INTO account_names (account_id, display_name, exhibit_id, file_id, locator) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(a, name, source.exhibit_id, source.file_id, loc) for (a, name), loc in self.names.items()],
            )
        if self.owners:
            source = self.source
            conn.exec_driver_sql(
                "INSERT INTO stated_owners (exhibit_id, account_id, file_id, locator) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(source.exhibit_id, a, source.file_id, loc) for a, loc in self.owners.items()],
            )
        if self.seen:  # widen first/last seen of the file's senders
            conn.exec_driver_sql(
                "UPDATE accounts SET first_seen_utc = MIN(COALESCE(first_seen_utc, ?1), ?1), "
                "last_seen_utc = MAX(COALESCE(last_seen_utc, ?2), ?2) WHERE id = ?3",
                [(first, last, account) for account, (first, last) in self.seen.items()],
            )
        return self.counts

    def _conversation(self, record: ParsedConversation) -> int:
        source = self.source
        row = {
            "platform": record.platform,
            "external_id": record.external_id,
            "title": record.title,
            "is_group": int(record.is_group),
            "exhibit_id": source.exhibit_id,
            "file_id": source.file_id,
            "locator": record.locator,
        }
        conversation_id = new_row_id(self.conn.execute(insert(schema.conversations).values(**row)))
        for ref in record.participants:
            self.participants.add((conversation_id, self.account_id(ref, record.locator)))
        return conversation_id

    def _contact(self, record: ParsedContact) -> None:
        source = self.source
        self.conn.execute(
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
            self.account_id(named, record.locator)


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
    # Derived rows that point at this file's messages and cards go with them (the next media
    # link and identity runs rebuild them from the new records).
    conn.execute(
        text(
            "DELETE FROM media_message_links WHERE message_id IN (SELECT id FROM messages WHERE file_id = :f)"
        ),
        {"f": file_id},
    )
    conn.execute(
        text("DELETE FROM person_contacts WHERE contact_id IN (SELECT id FROM contacts WHERE file_id = :f)"),
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
    conn.execute(delete(schema.stated_owners).where(schema.stated_owners.c.file_id == file_id))
    conn.execute(delete(schema.parse_warnings).where(schema.parse_warnings.c.file_id == file_id))
    conn.execute(delete(schema.file_parses).where(schema.file_parses.c.file_id == file_id))
