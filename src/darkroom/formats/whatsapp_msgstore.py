"""Reading WhatsApp for Android's `msgstore.db` in both schemas into conversations and messages.

The decisions (owner, kinds, bodies, keys) are listed in `whatsapp_android_db`'s docstring; this
module holds the two schema readers behind it. The 2021+ schema splits a message over `message`,
`message_media`, `message_system`, `message_location` and `message_quoted`, linked by
`message_row_id`; the old one keeps it in one wide `messages` row.
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.sqlite_util import Schema, from_epoch, iter_rows, open_database, text_of
from darkroom.model import MessageKind

__all__ = ["MsgstoreReader", "NewSchema", "OldSchema", "account_for_jid", "is_group_jid", "whole_number"]

PLATFORM = "whatsapp"
_PHONE_SERVERS = frozenset({"s.whatsapp.net", "c.us"})
_GROUP_SERVERS = frozenset({"g.us", "broadcast"})
_MEDIA_TYPES = frozenset({1, 2, 3, 4, 5, 9, 13, 16, 20, 42, 43})
_SYSTEM_TYPES = frozenset({7, 10, 90})
_LOCATION_TYPES = frozenset({5, 16})
_DELETED_TYPE = 15
_OLD_SYSTEM_STATUS = 6
_SYSTEM_ACTIONS = {
    1: "subject changed", 6: "group photo changed", 11: "group created", 12: "participant added",
    14: "participant removed", 28: "number changed", 58: "contact blocked",
    67: "end-to-end encryption notice",
}  # fmt: skip
PREFS_FILES = ("com.whatsapp_preferences_light.xml", "com.whatsapp_preferences.xml", "startup_prefs.xml")
# The 2021+ side tables: alias, columns read (missing ones read as NULL).
_SIDE_TABLES = {
    "message_media": ("mm", ("file_path", "mime_type", "media_name", "media_caption")),
    "message_system": ("ms", ("action_type",)),
    "message_location": ("ml", ("latitude", "longitude")),
    "message_quoted": ("mq", ("key_id",)),
}
_OLD_COLUMNS = (
    "data", "status", "media_wa_type", "media_url", "media_mime_type", "media_name", "media_caption",
    "remote_resource", "key_id", "latitude", "longitude", "media_size",
)  # fmt: skip


def account_for_jid(jid: str, display_name: str | None = None) -> AccountRef:
    """`447700900123@s.whatsapp.net` (or a device jid `…:12@…`) → `+447700900123`; others as written."""
    user, _, server = jid.partition("@")
    number = user.split(":")[0].split(".")[0]
    if server in _PHONE_SERVERS and number.isdigit():
        return AccountRef(PLATFORM, f"+{number}", display_name)
    return AccountRef(PLATFORM, jid, display_name)


def is_group_jid(jid: str | None) -> bool:
    """Groups (`…@g.us`) and broadcast lists/status (`…@broadcast`) are many-party chats."""
    return jid is not None and jid.rpartition("@")[2] in _GROUP_SERVERS


def whole_number(value: object) -> int | None:
    """A column value as an int (SQLite may hand back '1' as text in old schemas); else None."""
    text = text_of(value)
    return int(text) if text is not None and text.strip().lstrip("-").isdigit() else None


@dataclass(frozen=True, slots=True)
class _Chat:
    """A chat as the database names it: its conversation key, jid and subject."""

    key: str
    jid: str | None
    subject: str | None
    locator: str


@dataclass(frozen=True, slots=True)
class _Row:
    """One message row, read from either schema into the same shape."""

    locator: str
    chat_id: object
    from_me: bool
    sender_jid: str | None
    timestamp: object
    message_type: int | None
    system: bool
    text: str | None
    attachment: ParsedAttachment | None
    location: tuple[object, object] | None
    action: object
    key_id: str | None
    quoted_key_id: str | None


def _attachment(
    file_path: object, media_name: object, media_url: object, mime: object
) -> ParsedAttachment | None:
    """The media file's name as the database gives it (path, name or URL), with its MIME type."""
    names = (PurePosixPath(text).name for text in (text_of(file_path), text_of(media_name)) if text)
    name = next((candidate for candidate in names if candidate), None)
    url = text_of(media_url)
    if name is None and url:
        name = PurePosixPath(urlsplit(url).path).name or None
    return ParsedAttachment(name, text_of(mime)) if name else None


def _names_beside(msgstore: Path, ctx: ParseContext) -> dict[str, str]:
    """jid → address-book name (else push name) from a `wa.db` beside msgstore.db, when there is one."""
    wa_db = msgstore.with_name("wa.db")
    names: dict[str, str] = {}
    if not wa_db.is_file():
        return names
    try:
        with open_database(wa_db, ctx) as (connection, schema):
            if not schema.has("wa_contacts", "jid"):
                ctx.warn("wa.db", "beside msgstore.db but without a wa_contacts table; names not read")
                return names
            display, push = (schema.column("w", "wa_contacts", c) for c in ("display_name", "wa_name"))
            sql = f"SELECT w.jid, {display} AS display_name, {push} AS wa_name FROM wa_contacts w"
            for row in iter_rows(connection, sql, ctx, "wa.db wa_contacts"):
                name = text_of(row["display_name"]) or text_of(row["wa_name"])
                if row["jid"] and name:
                    names[str(row["jid"])] = name
    except Exception as err:  # noqa: BLE001 - names are optional; a bad wa.db must not fail msgstore
        ctx.warn("wa.db", f"beside msgstore.db but unreadable, names not read: {err}")
    return names


def _owner_in_prefs(msgstore: Path, ctx: ParseContext) -> tuple[str, str] | None:
    """`cc` + `ph` from WhatsApp's shared_prefs beside the databases folder (full extractions)."""
    folder = msgstore.parent.parent / "shared_prefs"
    for name in PREFS_FILES:
        prefs = folder / name
        if not prefs.is_file():
            continue
        try:
            root = ET.fromstring(prefs.read_bytes())  # noqa: S314 - app prefs from the exhibit, no DTD
        except (ET.ParseError, OSError) as err:
            ctx.warn(f"shared_prefs/{name}", f"unreadable: {err}")
            continue
        strings = {item.get("name"): (item.text or "").strip() for item in root.iter("string")}
        country, number = strings.get("cc", ""), strings.get("ph", "")
        if country.isdigit() and number.isdigit():
            return f"{country}{number}@s.whatsapp.net", f"shared_prefs/{name}"
    return None


class MsgstoreReader:
    """What both schemas share: the owner, conversations, and turning rows into messages."""

    def __init__(self, connection: sqlite3.Connection, schema: Schema, ctx: ParseContext, path: Path) -> None:
        self.connection, self.schema, self.ctx, self.path = connection, schema, ctx, path
        self.names = _names_beside(path, ctx)
        self.chats: dict[str, _Chat] = {}
        self.key_by_chat_id: dict[object, str] = {}
        self.owner = AccountRef(PLATFORM, f"me ({ctx.exhibit_ref})")

    def records(self) -> Iterator[Record]:
        """The owner's account, every chat, then every message."""
        self.owner, owner_locator = self._find_owner()
        yield ParsedAccount(self.owner, owner_locator, is_owner=True)
        chats = list(self._read_chats())
        members = self._members()
        for chat in chats:
            self.chats[chat.key] = chat
            yield self._conversation(chat, members.get(chat.key, set()))
        for row in self._rows():
            yield from self._message(row)

    def _read_chats(self) -> Iterator[_Chat]:
        raise NotImplementedError

    def _members(self) -> dict[str, set[str]]:
        raise NotImplementedError

    def _rows(self) -> Iterator[_Row]:
        raise NotImplementedError

    def _owner_in_messages(self) -> tuple[str, str] | None:
        return None

    def _account(self, jid: str) -> AccountRef:
        return account_for_jid(jid, self.names.get(jid))

    def _find_owner(self) -> tuple[AccountRef, str]:
        push_name = None
        if self.schema.has("props", "key", "value"):
            sql = "SELECT value FROM props WHERE key = 'user_push_name'"
            rows = iter_rows(self.connection, sql, self.ctx, "props")
            push_name = next((text_of(row[0]) for row in rows), None)
        found = self._owner_in_messages() or _owner_in_prefs(self.path, self.ctx)
        if found is None:
            return AccountRef(PLATFORM, f"me ({self.ctx.exhibit_ref})", push_name), "props.user_push_name"
        jid, locator = found
        return account_for_jid(jid, push_name), locator

    def _conversation(self, chat: _Chat, member_jids: set[str]) -> ParsedConversation:
        is_group = is_group_jid(chat.jid)
        title = chat.subject
        if chat.jid and not is_group:
            member_jids = member_jids | {chat.jid}
            title = self.names.get(chat.jid) or chat.subject
        people: dict[str, AccountRef] = {}
        for jid in sorted(member_jids):  # device jids (`…:12@…`) fold into their user's account
            ref = self._account(jid)
            if not is_group_jid(jid) and ref.handle != self.owner.handle:
                people[ref.handle] = ref if ref.display_name else people.get(ref.handle, ref)
        others = [people[handle] for handle in sorted(people)]
        return ParsedConversation(
            chat.key, PLATFORM, title, is_group, chat.locator, chat.jid, (self.owner, *others)
        )

    def _chat_key(self, row: _Row) -> tuple[str, ParsedConversation | None]:
        """The conversation a row belongs to; a chat missing from the chat table is made up, warned."""
        key = self.key_by_chat_id.get(row.chat_id)
        if key is not None:
            return key, None
        made = _Chat(f"chat {row.chat_id}", None, None, row.locator)
        self.chats[made.key] = made
        self.key_by_chat_id[row.chat_id] = made.key
        self.ctx.warn(row.locator, f"message names chat {row.chat_id!r}, which the chat table lacks")
        return made.key, self._conversation(made, set())

    def _message(self, row: _Row) -> Iterator[Record]:
        key, made = self._chat_key(row)
        if made is not None:
            yield made
        sent_at = from_epoch(row.timestamp, 0.001)
        if sent_at is None:
            self.ctx.warn(row.locator, f"no usable timestamp ({row.timestamp!r}); kept without time")
        kind, body = self._kind_and_body(row)
        yield ParsedMessage(
            conversation_key=key,
            sender=self._sender(row, key, kind),
            sent_at=sent_at,
            sent_at_raw=text_of(row.timestamp),
            assumed_zone=None,
            body=body,
            kind=kind,
            locator=row.locator,
            attachments=(row.attachment,) if row.attachment and kind is MessageKind.MEDIA else (),
            key=row.key_id,
            parent_key=row.quoted_key_id,
        )

    def _sender(self, row: _Row, key: str, kind: MessageKind) -> AccountRef | None:
        """The owner for `from_me`; the group member or, in a one-to-one chat, the other party."""
        if row.from_me:
            return self.owner
        jid = row.sender_jid
        if jid is None and kind is not MessageKind.SYSTEM:
            jid = self.chats[key].jid  # one-to-one chats name no sender: it is the chat's jid
        return self._account(jid) if jid and not is_group_jid(jid) else None

    def _kind_and_body(self, row: _Row) -> tuple[MessageKind, str]:
        text = row.text or ""
        code = row.message_type
        if row.system or code in _SYSTEM_TYPES:
            action = whole_number(row.action)
            if text or action is None:
                return MessageKind.SYSTEM, text or f"system message (type {code})"
            return MessageKind.SYSTEM, f"system action {action} ({_SYSTEM_ACTIONS.get(action, 'unknown')})"
        if code == _DELETED_TYPE:
            return MessageKind.DELETED, text
        if code in _MEDIA_TYPES or row.attachment is not None:
            if code in _LOCATION_TYPES and row.location is not None and not text:
                text = f"location: {row.location[0]},{row.location[1]}"
            return MessageKind.MEDIA, text
        if code not in (0, None) and not text:
            self.ctx.warn(row.locator, f"message_type {code} not understood and without text")
        elif row.text is None:
            self.ctx.warn(row.locator, "text message without text (NULL); kept with an empty body")
        return MessageKind.TEXT, text


class NewSchema(MsgstoreReader):
    """The 2021+ msgstore: message, chat, jid and their side tables."""

    def _has_jids(self) -> bool:
        return self.schema.has("jid", "_id", "raw_string")

    def _read_chats(self) -> Iterator[_Chat]:
        subject = self.schema.column("c", "chat", "subject")
        jid, join = (
            ("j.raw_string", "LEFT JOIN jid j ON j._id = c.jid_row_id") if self._has_jids() else ("NULL", "")
        )
        sql = f"SELECT c._id AS id, {jid} AS jid, {subject} AS subject FROM chat c {join} ORDER BY c._id"
        for row in iter_rows(self.connection, sql, self.ctx, "chat"):
            locator, raw_jid = f"chat._id={row['id']}", text_of(row["jid"])
            if raw_jid is None:
                self.ctx.warn(locator, "chat without a jid; kept as an untitled chat")
            key = raw_jid or f"chat {row['id']}"
            self.key_by_chat_id[row["id"]] = key
            yield _Chat(key, raw_jid, text_of(row["subject"]), locator)

    def _members(self) -> dict[str, set[str]]:
        """Who posted in each chat, plus the `group_participant_user` rows when the table exists."""
        queries: list[str] = []
        if self._has_jids() and self.schema.has("message", "sender_jid_row_id"):
            queries.append(
                "SELECT DISTINCT m.chat_row_id AS chat, j.raw_string AS jid FROM message m"
                " JOIN jid j ON j._id = m.sender_jid_row_id WHERE m.from_me = 0"
            )
        if self._has_jids() and self.schema.has(
            "group_participant_user", "group_jid_row_id", "user_jid_row_id"
        ):
            queries.append(
                "SELECT c._id AS chat, j.raw_string AS jid FROM group_participant_user g"
                " JOIN chat c ON c.jid_row_id = g.group_jid_row_id JOIN jid j ON j._id = g.user_jid_row_id"
            )
        members: dict[str, set[str]] = {}
        for sql in queries:
            for row in iter_rows(self.connection, sql, self.ctx, "chat members"):
                key = self.key_by_chat_id.get(row["chat"])
                if key is not None and row["jid"]:
                    members.setdefault(key, set()).add(str(row["jid"]))
        return members

    def _owner_in_messages(self) -> tuple[str, str] | None:
        """The one jid every 'you joined' group event names (`is_me_joined = 1`), if there is one."""
        if not (
            self._has_jids()
            and self.schema.has("message_system_group", "message_row_id", "is_me_joined")
            and self.schema.has("message_system_chat_participant", "message_row_id", "user_jid_row_id")
        ):
            return None
        sql = (
            "SELECT g.message_row_id AS id, j.raw_string AS jid FROM message_system_group g"
            " JOIN message_system_chat_participant p ON p.message_row_id = g.message_row_id"
            " JOIN jid j ON j._id = p.user_jid_row_id WHERE g.is_me_joined = 1 ORDER BY g.message_row_id"
        )
        by_message: dict[object, set[str]] = {}
        for row in iter_rows(self.connection, sql, self.ctx, "message_system_group"):
            if row["jid"]:
                by_message.setdefault(row["id"], set()).add(str(row["jid"]))
        common = set.intersection(*by_message.values()) if by_message else set()
        if len(common) != 1:
            return None
        return common.pop(), f"message_system_group.message_row_id={next(iter(by_message))}"

    def _rows(self) -> Iterator[_Row]:
        sql = self._message_query()
        for row in iter_rows(self.connection, sql, self.ctx, "message"):
            yield _Row(
                locator=f"message._id={row['id']}",
                chat_id=row["chat"],
                from_me=whole_number(row["from_me"]) == 1,
                sender_jid=text_of(row["sender_jid"]),
                timestamp=row["ts"],
                message_type=whole_number(row["message_type"]),
                system=False,
                text=text_of(row["text_data"]) or text_of(row["mm_media_caption"]),
                attachment=_attachment(row["mm_file_path"], row["mm_media_name"], None, row["mm_mime_type"]),
                location=None if row["ml_latitude"] is None else (row["ml_latitude"], row["ml_longitude"]),
                action=row["ms_action_type"],
                key_id=text_of(row["key_id"]),
                quoted_key_id=text_of(row["mq_key_id"]),
            )

    def _message_query(self) -> str:
        """`message` joined to whichever side tables this file has; absent columns read as NULL."""
        s = self.schema
        joins, columns = [], ["NULL AS sender_jid"]
        if self._has_jids() and s.has("message", "sender_jid_row_id"):
            joins.append("LEFT JOIN jid sj ON sj._id = m.sender_jid_row_id")
            columns = ["sj.raw_string AS sender_jid"]
        for table, (alias, wanted) in _SIDE_TABLES.items():
            joined = s.has(table, "message_row_id")
            if joined:
                joins.append(f"LEFT JOIN {table} {alias} ON {alias}.message_row_id = m._id")
            for column in wanted:
                source = f"{alias}.{column}" if joined and s.has(table, column) else "NULL"
                columns.append(f"{source} AS {alias}_{column}")
        own = [f"{s.column('m', 'message', c)} AS {c}" for c in ("message_type", "text_data", "key_id")]
        return (
            "SELECT m._id AS id, m.chat_row_id AS chat, m.from_me AS from_me, m.timestamp AS ts, "
            f"{', '.join(own + columns)} FROM message m {' '.join(joins)} ORDER BY m._id"
        )


class OldSchema(MsgstoreReader):
    """The pre-2021 msgstore: one wide `messages` table, group subjects in `chat_list`."""

    def _read_chats(self) -> Iterator[_Chat]:
        subjects: dict[str, tuple[str | None, str]] = {}
        if self.schema.has("chat_list", "key_remote_jid"):
            subject_column = self.schema.column("c", "chat_list", "subject")
            sql = f"SELECT c._id AS id, c.key_remote_jid AS jid, {subject_column} AS subject FROM chat_list c"
            for row in iter_rows(self.connection, sql, self.ctx, "chat_list"):
                if row["jid"]:
                    subjects[str(row["jid"])] = (text_of(row["subject"]), f"chat_list._id={row['id']}")
        sql = (
            "SELECT key_remote_jid AS jid, MIN(_id) AS first FROM messages GROUP BY key_remote_jid ORDER BY 2"
        )
        for row in iter_rows(self.connection, sql, self.ctx, "messages"):
            remote_jid = text_of(row["jid"])
            if remote_jid is not None and remote_jid != "-1":
                subjects.setdefault(remote_jid, (None, f"messages._id={row['first']}"))
        for jid, (subject, locator) in subjects.items():
            self.key_by_chat_id[jid] = jid
            yield _Chat(jid, jid, subject, locator)

    def _members(self) -> dict[str, set[str]]:
        queries: list[tuple[str, str]] = []
        if self.schema.has("messages", "remote_resource"):
            queries.append(
                (
                    "SELECT DISTINCT key_remote_jid AS chat, remote_resource AS jid FROM messages"
                    " WHERE key_from_me = 0 AND remote_resource IS NOT NULL AND remote_resource != ''",
                    "messages",
                )
            )
        if self.schema.has("group_participants", "gjid", "jid"):
            # The owner's own row has jid '' here; it is skipped (the owner is added to every chat).
            queries.append(
                ("SELECT gjid AS chat, jid FROM group_participants WHERE jid != ''", "group_participants")
            )
        members: dict[str, set[str]] = {}
        for sql, where in queries:
            for row in iter_rows(self.connection, sql, self.ctx, where):
                if row["chat"] and row["jid"]:
                    members.setdefault(str(row["chat"]), set()).add(str(row["jid"]))
        return members

    def _rows(self) -> Iterator[_Row]:
        columns = ", ".join(f"{self.schema.column('m', 'messages', c)} AS {c}" for c in _OLD_COLUMNS)
        sql = (
            "SELECT m._id AS id, m.key_remote_jid AS jid, m.key_from_me AS from_me, m.timestamp AS ts, "
            f"{columns} FROM messages m WHERE m.key_remote_jid IS NOT '-1' ORDER BY m._id"
        )
        for row in iter_rows(self.connection, sql, self.ctx, "messages"):
            media_type = whole_number(row["media_wa_type"])
            system = whole_number(row["status"]) == _OLD_SYSTEM_STATUS
            has_media = not system and media_type not in (0, None)
            yield _Row(
                locator=f"messages._id={row['id']}",
                chat_id=text_of(row["jid"]),
                from_me=whole_number(row["from_me"]) == 1,
                sender_jid=text_of(row["remote_resource"]) or None,
                timestamp=row["ts"],
                message_type=media_type,
                system=system,
                text=text_of(row["data"]) or text_of(row["media_caption"]),
                attachment=_attachment(None, row["media_name"], row["media_url"], row["media_mime_type"])
                if has_media
                else None,
                location=None if row["latitude"] in (None, 0) else (row["latitude"], row["longitude"]),
                action=row["media_size"] if system else None,
                key_id=text_of(row["key_id"]),
                quoted_key_id=None,
            )
