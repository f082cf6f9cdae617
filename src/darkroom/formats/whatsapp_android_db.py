"""WhatsApp for Android databases: `msgstore.db` (chats and messages) and `wa.db` (contacts).

Both msgstore schemas are read. The 2021+ schema keeps `message(_id, chat_row_id, from_me,
timestamp, message_type, text_data, sender_jid_row_id)`, `chat(_id, jid_row_id, subject)` and
`jid(_id, raw_string)`, with media in `message_media(file_path, mime_type, media_name)`; the old one
keeps everything in `messages(key_remote_jid, key_from_me, data, timestamp, media_wa_type,
media_url, remote_resource)`. A jid reads `447700900123@s.whatsapp.net` (a person) or
`120363…@g.us` (a group). `wa.db` holds `wa_contacts(jid, number, display_name, wa_name)`.

Decisions:
- One conversation per chat, key = the chat's jid. Groups (`@g.us`, `@broadcast`) take the
  subject as title; a one-to-one chat takes the contact's name from `wa.db` when it sits beside
  `msgstore.db`. The runner copies only the database and its `-wal`/`-shm`, so in a processing run
  names come from `wa.db`'s own parse (its contacts name the same accounts).
- Accounts: platform "whatsapp"; a phone jid becomes `+447700900123`, any other jid (`…@lid`)
  stays as written. Display names: address-book name, else the push name (`wa_name`).
- The device owner (sender of `from_me` rows, participant of every chat) is found, in order: in
  msgstore itself (a group system message with `message_system_group.is_me_joined = 1` names the
  owner's jid in `message_system_chat_participant`), in `../shared_prefs/com.whatsapp_preferences*.xml`
  (`cc` + `ph`) beside the databases folder. Unknown, the owner is `me (EXHIBIT)`: a per-exhibit
  placeholder, because a bare "me" would merge the owners of every seized phone into one account.
  The owner's push name comes from `props.user_push_name`. A `ParsedAccount(is_owner=True)` is
  yielded first.
- Times: `timestamp` is Unix ms (absolute): `assumed_zone` None, `sent_at_raw` the number. 0 or
  NULL → `sent_at` None with a warning.
- Kinds by `message_type` / `media_wa_type`: 0 text; 1 image, 2 audio, 3 video, 4 contact card,
  5/16 location, 9 document, 13 GIF, 20 sticker, 42/43 view-once → MEDIA; 7 and 10/90 (calls)
  → SYSTEM; 15 → DELETED (revoked; unverified for the old schema). Old-schema `status = 6` rows
  are system messages. An unknown type stays TEXT (warned when it has no text).
- MEDIA: attachment named by `file_path`'s file name, else `media_name`, else the last segment of
  `media_url`; none when the file was never named. Body: text/caption; a location reads
  `location: LAT,LON`. SYSTEM bodies without text read `system action N (what)`.
- `key` is the message's `key_id`; `parent_key` the quoted message's `key_id` (new schema).
- Old-schema placeholder rows with `key_remote_jid = '-1'` carry no message and are skipped.
  When both schemas are present (a migrated file), the new one is read unless it holds no rows.
- wa.db: one contact per `wa_contacts` row, `fields` = its non-empty columns by column name
  (jid, number, display_name, wa_name, status …); accounts: "whatsapp" (push name as display
  name) unless `is_whatsapp_user = 0`, and "phone" for `number` as written. Group rows (`@g.us`)
  are kept with `fields["kind"] = ["group"]` and no account.
- Locators: `message._id=N`, `messages._id=N`, `chat._id=N`, `wa_contacts._id=N`. The two schema
  readers live in `whatsapp_msgstore`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from darkroom.formats.base import AccountRef, ParseContext, ParsedContact, Record, WrongFormat
from darkroom.formats.sqlite_util import Schema, head_tables, iter_rows, open_database, text_of
from darkroom.formats.whatsapp_msgstore import (
    PREFS_FILES,
    MsgstoreReader,
    NewSchema,
    OldSchema,
    account_for_jid,
    is_group_jid,
    whole_number,
)

__all__ = ["WhatsAppAndroidDb"]

_WA_CONTACT_COLUMNS = (
    "jid", "number", "display_name", "given_name", "family_name", "wa_name", "nickname", "company",
    "title", "status", "is_whatsapp_user", "raw_contact_id", "phone_label", "sort_name",
)  # fmt: skip


class WhatsAppAndroidDb:
    """`msgstore.db` (both schemas) → conversations and messages; `wa.db` → contacts."""

    name: ClassVar[str] = "whatsapp-android-db"
    version: ClassVar[str] = "2"
    # Read beside msgstore.db when present (names; the owner's number): copied into its working folder.
    companions: ClassVar[tuple[str, ...]] = (
        "wa.db",
        "wa.db-wal",
        "wa.db-shm",
        *(f"../shared_prefs/{name}" for name in PREFS_FILES),
    )

    def sniff(self, path: Path, head: bytes) -> float:
        """0.95 when the first pages declare msgstore or wa.db tables; 0.6 for the file name alone."""
        tables = head_tables(head)
        if tables is None:
            return 0.0
        new_schema = {"message", "chat", "jid"} <= tables and b"chat_row_id" in head
        old_schema = "messages" in tables and b"key_remote_jid" in head
        if new_schema or old_schema or "wa_contacts" in tables:
            return 0.95
        return 0.6 if path.name.lower() in {"msgstore.db", "wa.db"} else 0.0

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """Chats and messages from msgstore.db, or contacts from wa.db."""
        with open_database(path, ctx) as (connection, schema):
            reader: MsgstoreReader
            if _is_new_schema(connection, schema):
                reader = NewSchema(connection, schema, ctx, path)
            elif schema.has("messages", "key_remote_jid", "key_from_me", "timestamp"):
                reader = OldSchema(connection, schema, ctx, path)
            elif schema.has("wa_contacts", "jid"):
                yield from _wa_contacts(connection, schema, ctx)
                return
            else:
                found = ", ".join(sorted(schema.tables)[:12]) or "none"
                raise WrongFormat(
                    f"no WhatsApp tables (message+chat, messages or wa_contacts); it has {found}"
                )
            yield from reader.records()


def _is_new_schema(connection: sqlite3.Connection, schema: Schema) -> bool:
    """The 2021+ tables, unless a migrated file still keeps every row in the old `messages`."""
    if not (
        schema.has("message", "_id", "chat_row_id", "from_me", "timestamp") and schema.has("chat", "_id")
    ):
        return False
    if not schema.has("messages", "key_remote_jid"):
        return True
    try:
        return connection.execute("SELECT 1 FROM message LIMIT 1").fetchone() is not None
    except sqlite3.DatabaseError:
        return True


def _wa_contacts(connection: sqlite3.Connection, schema: Schema, ctx: ParseContext) -> Iterator[Record]:
    """One contact per `wa_contacts` row; WhatsApp users get a whatsapp account, numbers a phone one."""
    columns = ", ".join(f"{schema.column('w', 'wa_contacts', c)} AS {c}" for c in _WA_CONTACT_COLUMNS)
    sql = f"SELECT w._id AS id, {columns} FROM wa_contacts w ORDER BY w._id"
    for row in iter_rows(connection, sql, ctx, "wa_contacts"):
        locator = f"wa_contacts._id={row['id']}"
        values = {column: text_of(row[column]) for column in _WA_CONTACT_COLUMNS}
        fields = {column: [value] for column, value in values.items() if value}
        jid, number, push_name = values["jid"], values["number"], values["wa_name"]
        full_name = " ".join(part for part in (values["given_name"], values["family_name"]) if part)
        display = values["display_name"] or full_name or push_name or number or jid
        accounts: list[AccountRef] = []
        if jid is None:
            ctx.warn(locator, "contact without a jid; kept")
        elif is_group_jid(jid):
            fields["kind"] = ["group"]
        elif whole_number(row["is_whatsapp_user"]) != 0:
            accounts.append(account_for_jid(jid, push_name or display))
        if number:
            accounts.append(AccountRef("phone", number, display))
        yield ParsedContact(display, fields, locator, tuple(accounts))
