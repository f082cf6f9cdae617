"""WhatsApp for iOS databases: `ChatStorage.sqlite` (chats, messages) and `ContactsV2.sqlite` (contacts).

Both sit in the app's shared container, `…/Containers/Shared/AppGroup/<UUID>/`. ChatStorage is a
Core Data store: `ZWACHATSESSION` (one row per chat), `ZWAMESSAGE`, `ZWAMEDIAITEM` (a message's file,
caption or location), `ZWAGROUPMEMBER` (who is in a group, and who sent a group message),
`ZWAPROFILEPUSHNAME` (the names people gave themselves). Times are Apple-epoch seconds (UTC).

Decisions where the format leaves room:
- Accounts: platform "whatsapp"; a phone JID `4712345678@s.whatsapp.net` becomes the handle
  "+4712345678" (its user part is the full international number); other JIDs (`…@lid`) stay whole.
- Display names, first found wins: ContactsV2 beside the database (the owner's address book), the
  chat's ZPARTNERNAME (one-to-one chats), the group member's ZCONTACTNAME/ZFIRSTNAME, the push name.
  The runner hands over ChatStorage alone, so there the address-book names are missing;
  ContactsV2.sqlite parsed on its own yields one `ParsedContact` per ZWAADDRESSBOOKCONTACT row.
- Owner: `OwnJabberID` of `Library/Preferences/group.net.whatsapp.WhatsApp.shared.plist` beside the
  database when present; else the one phone JID that incoming messages carry in ZTOJID (WhatsApp
  writes the owner's JID there on system notices: `ZFROMJID 120363…@g.us, ZTOJID 19195794674@s.whatsapp.net`).
  With no such JID, or several, the owner is `AccountRef("whatsapp", "device-owner")`, with a warning.
- Senders: ZISFROMME=1 → owner; else the ZGROUPMEMBER's JID, else ZFROMJID when it names a person,
  else the partner of a one-to-one chat; system notices of a group may have no sender.
- ZSESSIONTYPE: 0 one-to-one, 1 group, 2 broadcast list, 3 status; others are warned about and read
  as a group when the JID ends in `@g.us`.
- ZMESSAGETYPE: 0 text, 7 link → TEXT; 1 image, 2 video, 3 audio, 4 contact, 5 location, 8 document,
  11 GIF, 15 sticker → MEDIA; 6 group event, 10 system notice → SYSTEM; 14 deleted → DELETED
  (community-documented values, not vendor ones). Unknown types are warned and read as TEXT (or SYSTEM
  when they have no text).
- Bodies: ZTEXT; a media caption falls back to ZWAMEDIAITEM.ZTITLE; a location appends
  "[location LAT, LON]", a contact "[contact NAME]"; media with neither caption nor file reads "[image]".
  The attachment name is ZMEDIALOCALPATH as stored (relative to `Message/`: `Media/<jid>/d/0/<uuid>.jpg`),
  its type ZVCARDSTRING where that holds one (`image/jpeg`; contacts keep their vCard there), else by suffix.
- Keys: conversation `chat-<Z_PK>` (external id = ZCONTACTJID), message `message-<Z_PK>`, parent
  `message-<ZPARENTMESSAGE>`. A message whose chat row is missing gets a conversation of its own.
  Messages come in arrival (Z_PK) order, all chats interleaved.
- Not read yet: calls (CallHistory.sqlite), reactions and quoted replies (protobuf in ZMETADATA), stars.
"""

from __future__ import annotations

import mimetypes
import plistlib
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedAttachment,
    ParsedContact,
    ParsedConversation,
    ParsedMessage,
    Record,
    WrongFormat,
)
from darkroom.formats.ios_sqlite import (
    DamagedDatabase,
    IosDatabase,
    apple_time,
    open_database,
    sniff_database,
)
from darkroom.model import MessageKind

PLATFORM = "whatsapp"
CHAT_TABLES = ("ZWAMESSAGE", "ZWACHATSESSION")
CONTACT_TABLES = ("ZWAADDRESSBOOKCONTACT",)
CHAT_FILE = "ChatStorage.sqlite"
CONTACTS_FILE = "ContactsV2.sqlite"
SHARED_PLIST = Path("Library", "Preferences", "group.net.whatsapp.WhatsApp.shared.plist")
DEVICE_OWNER = "device-owner"
PHONE_SERVERS = frozenset({"s.whatsapp.net", "c.us"})
# ZSESSIONTYPE -> is a group: 0 one-to-one, 1 group, 2 broadcast list, 3 status updates.
SESSION_IS_GROUP = {0: False, 1: True, 2: False, 3: False}
_TEXT, _MEDIA, _SYSTEM = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.SYSTEM
MESSAGE_TYPES: dict[int, tuple[MessageKind, str]] = {
    0: (_TEXT, "text"), 1: (_MEDIA, "image"), 2: (_MEDIA, "video"), 3: (_MEDIA, "audio"),
    4: (_MEDIA, "contact"), 5: (_MEDIA, "location"), 6: (_SYSTEM, "group event"), 7: (_TEXT, "link"),
    8: (_MEDIA, "document"), 10: (_SYSTEM, "system notice"), 11: (_MEDIA, "GIF"),
    14: (MessageKind.DELETED, "deleted"), 15: (_MEDIA, "sticker"),
}  # fmt: skip
LOCATION_TYPE, CONTACT_TYPE = 5, 4
_MIME_SHAPE = re.compile(r"[a-z]+/[a-z0-9.+-]+")
_MIME_TYPES = mimetypes.MimeTypes()  # the built-in table only: the same answer on every machine
_EXTRA_MIME = {".opus": "audio/ogg", ".webp": "image/webp", ".m4a": "audio/mp4", ".heic": "image/heic"}


class WhatsAppIosDb:
    """Reads WhatsApp's iOS ChatStorage.sqlite (and ContactsV2.sqlite)."""

    name: ClassVar[str] = "whatsapp-ios-db"
    version: ClassVar[str] = "2"
    # Read beside ChatStorage.sqlite when present (names; the owner's JID): copied with it.
    companions: ClassVar[tuple[str, ...]] = (
        CONTACTS_FILE,
        f"{CONTACTS_FILE}-wal",
        f"{CONTACTS_FILE}-shm",
        SHARED_PLIST.as_posix(),
    )

    def sniff(self, path: Path, head: bytes) -> float:
        """SQLite header plus the ZWAMESSAGE/ZWACHATSESSION (or ZWAADDRESSBOOKCONTACT) schema."""
        chats = sniff_database(path, head, CHAT_TABLES, (CHAT_FILE,))
        return max(chats, sniff_database(path, head, CONTACT_TABLES, (CONTACTS_FILE,)))

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """Owner, conversations, then messages in arrival order; or the contacts of ContactsV2."""
        database = open_database(path, ctx)
        try:
            if database.has_table("ZWAADDRESSBOOKCONTACT") and not database.has_table("ZWAMESSAGE"):
                yield from _address_book_contacts(database, ctx)
                return
            database.require(CHAT_TABLES, "a WhatsApp ChatStorage database")
            yield from _chat_records(database, path, ctx)
        finally:
            database.close()


# -- accounts and names -------------------------------------------------------------------------


def jid_handle(jid: str) -> str:
    """`4712345678@s.whatsapp.net` (or `4712345678:3@…` of a linked device) → "+4712345678"."""
    user, _, server = jid.strip().partition("@")
    number = user.split(":", 1)[0].split(".", 1)[0]
    if server.lower() in PHONE_SERVERS and number.isdigit():
        return "+" + number
    return jid.strip()


def _is_person(jid: str | None) -> bool:
    return bool(jid) and str(jid).rpartition("@")[2].lower() not in {"g.us", "broadcast", "newsletter"}


@dataclass(slots=True)
class _Directory:
    """Who is who in this database: display names by JID, the owner, group members by Z_PK."""

    owner: AccountRef
    names: dict[str, str] = field(default_factory=dict)
    members: dict[int, tuple[int | None, str]] = field(default_factory=dict)  # pk -> (chat pk, JID)

    def account(self, jid: str) -> AccountRef:
        """The account a JID names, with the best display name known for it."""
        handle = jid_handle(jid)
        if handle == self.owner.handle:
            return self.owner
        return AccountRef(PLATFORM, handle, self.names.get(jid.strip()))

    def name(self, jid: str | None, name: str | None) -> None:
        """Remember a display name unless a better source named the JID already."""
        if jid and name and name.strip():
            self.names.setdefault(jid.strip(), name.strip())


def _directory(database: IosDatabase, path: Path, ctx: ParseContext) -> tuple[_Directory, str]:
    """Names from every source in priority order, group members, and the owner (with locator)."""
    owner_jid, owner_name, locator = _plist_owner(path, ctx)
    if owner_jid is None:
        owner_jid, locator = _owner_from_messages(database, ctx)
    # Per exhibit: a bare placeholder would merge the unknown owners of every seized phone.
    directory = _Directory(AccountRef(PLATFORM, f"{DEVICE_OWNER} ({ctx.exhibit_ref})", None))
    directory.names.update(_contacts_v2_names(path.parent / CONTACTS_FILE, ctx))
    if owner_jid is not None:
        directory.name(owner_jid, owner_name)
        directory.owner = AccountRef(PLATFORM, jid_handle(owner_jid), directory.names.get(owner_jid))
    missing: list[str] = []
    columns = ", ".join(database.pick("ZWACHATSESSION", c, missing) for c in ("ZCONTACTJID", "ZPARTNERNAME"))
    session_type = database.pick("ZWACHATSESSION", "ZSESSIONTYPE", missing)
    sql = f"SELECT {columns} FROM ZWACHATSESSION WHERE {session_type} = 0"
    for jid, name in database.rows(sql, lambda _: "ZWACHATSESSION", ctx, "ZWACHATSESSION"):
        directory.name(jid, name)
    _read_members(database, directory, ctx)
    if database.has_table("ZWAPROFILEPUSHNAME"):
        for jid, name in database.rows(
            "SELECT ZJID, ZPUSHNAME FROM ZWAPROFILEPUSHNAME",
            lambda _: "ZWAPROFILEPUSHNAME",
            ctx,
            "ZWAPROFILEPUSHNAME",
        ):
            directory.name(jid, name)
    return directory, locator


def _read_members(database: IosDatabase, directory: _Directory, ctx: ParseContext) -> None:
    if not database.has_table("ZWAGROUPMEMBER"):
        ctx.warn("ZWAGROUPMEMBER", "table missing: group senders and members unknown")
        return
    missing: list[str] = []
    wanted = ("Z_PK", "ZCHATSESSION", "ZMEMBERJID", "ZCONTACTNAME", "ZFIRSTNAME")
    columns = ", ".join(database.pick("ZWAGROUPMEMBER", column, missing) for column in wanted)
    for pk, chat, jid, contact_name, first_name in database.rows(
        f"SELECT {columns} FROM ZWAGROUPMEMBER ORDER BY Z_PK",
        _row_locator("ZWAGROUPMEMBER"),
        ctx,
        "ZWAGROUPMEMBER",
    ):
        if not jid:
            ctx.warn(f"ZWAGROUPMEMBER Z_PK={pk}", "group member without ZMEMBERJID")
            continue
        directory.members[int(pk)] = (chat, str(jid))
        directory.name(jid, contact_name or first_name)


def _plist_owner(path: Path, ctx: ParseContext) -> tuple[str | None, str | None, str]:
    """`OwnJabberID` (and `FullUserName`) from the app's shared preferences beside the database."""
    plist = path.parent / SHARED_PLIST
    if not plist.is_file():
        return None, None, ""
    try:
        with plist.open("rb") as stream:
            preferences = plistlib.load(stream)
    except (OSError, plistlib.InvalidFileException, ValueError) as err:
        ctx.warn(SHARED_PLIST.as_posix(), f"preferences unreadable: {err}")
        return None, None, ""
    jid = preferences.get("OwnJabberID") or preferences.get("LastOwnJabberID")
    name = preferences.get("FullUserName")
    if not isinstance(jid, str) or "@" not in jid:
        return None, None, ""
    return jid, name if isinstance(name, str) else None, f"{SHARED_PLIST.as_posix()} OwnJabberID"


def _owner_from_messages(database: IosDatabase, ctx: ParseContext) -> tuple[str | None, str]:
    """The one phone JID incoming messages are addressed to (ZTOJID), if there is exactly one."""
    found: Counter[str] = Counter()
    if database.has_column("ZWAMESSAGE", "ZTOJID") and database.has_column("ZWAMESSAGE", "ZISFROMME"):
        sql = "SELECT ZTOJID FROM ZWAMESSAGE WHERE ZISFROMME = 0 AND ZTOJID LIKE '%@s.whatsapp.net'"
        found.update(str(row[0]) for row in database.rows(sql, lambda _: "ZWAMESSAGE", ctx, "ZWAMESSAGE"))
    if len(found) == 1:
        return next(iter(found)), "ZWAMESSAGE.ZTOJID of incoming messages"
    reason = "no incoming message names it" if not found else f"incoming messages name {len(found)} JIDs"
    ctx.warn("ZWAMESSAGE", f"owner's JID not found ({reason}); the owner is 'device-owner'")
    return None, "ZWAMESSAGE"


def _contacts_v2_names(path: Path, ctx: ParseContext) -> dict[str, str]:
    """JID → full name from ContactsV2.sqlite beside ChatStorage, when it is there and readable."""
    if not path.is_file():
        return {}
    names: dict[str, str] = {}
    try:
        contacts = open_database(path)
    except (WrongFormat, DamagedDatabase) as err:
        ctx.warn(CONTACTS_FILE, f"not used for names: {err}")
        return names
    try:
        if contacts.has_column("ZWAADDRESSBOOKCONTACT", "ZWHATSAPPID"):
            full_name = contacts.pick("ZWAADDRESSBOOKCONTACT", "ZFULLNAME", [])
            sql = f"SELECT ZWHATSAPPID, {full_name} FROM ZWAADDRESSBOOKCONTACT"
            for jid, name in contacts.rows(sql, lambda _: CONTACTS_FILE, ctx, CONTACTS_FILE):
                if jid and name:
                    names.setdefault(str(jid).strip(), str(name).strip())
    finally:
        contacts.close()
    return names


# -- chats --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Chat:
    """What a message needs to know about its chat."""

    key: str
    is_group: bool
    partner: AccountRef | None


def _chat_records(database: IosDatabase, path: Path, ctx: ParseContext) -> Iterator[Record]:
    directory, owner_locator = _directory(database, path, ctx)
    yield ParsedAccount(directory.owner, owner_locator, is_owner=True)
    chats: dict[int, _Chat] = {}
    for conversation, chat_pk, chat in _conversations(database, directory, ctx):
        chats[chat_pk] = chat
        yield conversation
    yield from _messages(database, directory, chats, ctx)


def _conversations(
    database: IosDatabase, directory: _Directory, ctx: ParseContext
) -> Iterator[tuple[ParsedConversation, int, _Chat]]:
    missing: list[str] = []
    wanted = ("Z_PK", "ZCONTACTJID", "ZPARTNERNAME", "ZSESSIONTYPE")
    columns = ", ".join(database.pick("ZWACHATSESSION", column, missing) for column in wanted)
    if missing:
        ctx.warn("ZWACHATSESSION", f"columns missing, read as NULL: {', '.join(missing)}")
    sql = f"SELECT {columns} FROM ZWACHATSESSION ORDER BY Z_PK"
    for pk, jid, title, session_type in database.rows(
        sql, _row_locator("ZWACHATSESSION"), ctx, "ZWACHATSESSION"
    ):
        locator = f"ZWACHATSESSION Z_PK={pk}"
        jid_text = str(jid).strip() if jid else ""
        if not jid_text:
            ctx.warn(locator, "chat without ZCONTACTJID")
        is_group = _session_is_group(session_type, jid_text, locator, ctx)
        partner = directory.account(jid_text) if jid_text and not is_group and _is_person(jid_text) else None
        participants = _members_of(int(pk), directory) if is_group else ()
        if partner is not None:
            participants = (directory.owner, partner)
        key = f"chat-{pk}"
        conversation = ParsedConversation(
            key, PLATFORM, title or None, is_group, locator, jid_text or None, participants
        )
        yield conversation, int(pk), _Chat(key, is_group, partner)


def _session_is_group(session_type: object, jid: str, locator: str, ctx: ParseContext) -> bool:
    known = SESSION_IS_GROUP.get(session_type) if isinstance(session_type, int) else None
    if known is not None:
        return known
    ctx.warn(locator, f"unknown ZSESSIONTYPE {session_type!r}; group when the JID ends in @g.us")
    return jid.endswith("@g.us")


def _members_of(chat_pk: int, directory: _Directory) -> tuple[AccountRef, ...]:
    seen: dict[str, AccountRef] = {}
    for member_chat, jid in directory.members.values():
        if member_chat == chat_pk:
            account = directory.account(jid)
            seen.setdefault(account.handle, account)
    return tuple(seen.values())


def _row_locator(table: str) -> Callable[[sqlite3.Row], str]:
    """`TABLE Z_PK=N` for rows whose first column is Z_PK."""
    return lambda row: f"{table} Z_PK={row[0]}"


# -- messages -----------------------------------------------------------------------------------

_MESSAGE_COLUMNS = (
    "Z_PK", "ZCHATSESSION", "ZISFROMME", "ZMESSAGETYPE", "ZGROUPEVENTTYPE", "ZMESSAGEDATE", "ZTEXT",
    "ZFROMJID", "ZGROUPMEMBER", "ZPARENTMESSAGE",
)  # fmt: skip
_MEDIA_COLUMNS = ("ZMEDIALOCALPATH", "ZTITLE", "ZLATITUDE", "ZLONGITUDE", "ZVCARDNAME", "ZVCARDSTRING")


def _message_sql(database: IosDatabase, ctx: ParseContext) -> str:
    missing: list[str] = []
    has_media = database.has_table("ZWAMEDIAITEM")
    if not has_media:
        ctx.warn("ZWAMEDIAITEM", "table missing: attachments, captions and locations unknown")
    picked = [(database.pick("ZWAMESSAGE", column, missing), column) for column in _MESSAGE_COLUMNS]
    picked += [
        (database.pick("ZWAMEDIAITEM", c, missing) if has_media else "NULL", c) for c in _MEDIA_COLUMNS
    ]
    columns = ", ".join(f"{expression} AS {column}" for expression, column in picked)
    if missing:
        ctx.warn("ZWAMESSAGE", f"columns missing, read as NULL: {', '.join(missing)}")
    join = ""
    if has_media and database.has_column("ZWAMESSAGE", "ZMEDIAITEM"):
        join = " LEFT JOIN ZWAMEDIAITEM ON ZWAMEDIAITEM.Z_PK = ZWAMESSAGE.ZMEDIAITEM"
    elif has_media and database.has_column("ZWAMEDIAITEM", "ZMESSAGE"):
        join = " LEFT JOIN ZWAMEDIAITEM ON ZWAMEDIAITEM.ZMESSAGE = ZWAMESSAGE.Z_PK"
    # Arrival (Z_PK) order needs no sort, so a damaged table still yields the rows before the damage.
    return f"SELECT {columns} FROM ZWAMESSAGE{join} ORDER BY ZWAMESSAGE.Z_PK"


def _messages(
    database: IosDatabase, directory: _Directory, chats: dict[int, _Chat], ctx: ParseContext
) -> Iterator[Record]:
    for row in database.rows(_message_sql(database, ctx), _row_locator("ZWAMESSAGE"), ctx, "ZWAMESSAGE"):
        locator = _row_locator("ZWAMESSAGE")(row)
        chat_pk = row["ZCHATSESSION"]
        chat = chats.get(chat_pk) if isinstance(chat_pk, int) else chats.get(-1)
        if chat is None:
            ctx.warn(locator, f"chat {chat_pk!r} not in ZWACHATSESSION; given a conversation of its own")
            chat = _Chat(f"chat-{chat_pk}", False, None)
            chats[chat_pk if isinstance(chat_pk, int) else -1] = chat
            yield ParsedConversation(chat.key, PLATFORM, None, False, locator)
        yield _message(row, chat, directory, locator, ctx)


def _message(
    row: sqlite3.Row, chat: _Chat, directory: _Directory, locator: str, ctx: ParseContext
) -> ParsedMessage:
    message_type = row["ZMESSAGETYPE"]
    if not isinstance(message_type, int):
        ctx.warn(locator, f"ZMESSAGETYPE is {message_type!r}; read as text")
        message_type = 0
    kind, body, attachments = _content(row, message_type, locator, ctx)
    from_me = row["ZISFROMME"]
    if from_me is None:
        ctx.warn(locator, "ZISFROMME is NULL; read as incoming")
    sender = _sender(from_me == 1, row["ZGROUPMEMBER"], row["ZFROMJID"], chat, directory)
    if sender is None and kind is not MessageKind.SYSTEM:
        ctx.warn(locator, "incoming message without ZGROUPMEMBER or ZFROMJID: sender unknown")
    date = row["ZMESSAGEDATE"]
    sent_at = apple_time(date)
    if sent_at is None:
        ctx.warn(locator, f"no usable ZMESSAGEDATE ({date!r})")
    parent = row["ZPARENTMESSAGE"]
    return ParsedMessage(
        conversation_key=chat.key,
        sender=sender,
        sent_at=sent_at,
        sent_at_raw=None if date is None else str(date),
        assumed_zone=None,
        body=body,
        kind=kind,
        locator=locator,
        attachments=attachments,
        key=f"message-{row['Z_PK']}",
        parent_key=f"message-{parent}" if parent else None,
    )


def _sender(
    from_me: bool, member: object, from_jid: object, chat: _Chat, directory: _Directory
) -> AccountRef | None:
    if from_me:
        return directory.owner
    if isinstance(member, int) and member in directory.members:
        return directory.account(directory.members[member][1])
    if isinstance(from_jid, str) and _is_person(from_jid):
        return directory.account(from_jid)
    return chat.partner


def _content(
    row: sqlite3.Row, message_type: int, locator: str, ctx: ParseContext
) -> tuple[MessageKind, str, tuple[ParsedAttachment, ...]]:
    """Kind, body and attachment of one message row (see the module docstring for the rules)."""
    known = MESSAGE_TYPES.get(message_type)
    text = row["ZTEXT"]
    if known is None:
        ctx.warn(locator, f"unknown ZMESSAGETYPE {message_type}")
        known = (MessageKind.TEXT if text else MessageKind.SYSTEM, f"type {message_type}")
    kind, label = known
    body = str(text) if text else ""
    if kind is MessageKind.SYSTEM:
        event = row["ZGROUPEVENTTYPE"]
        return kind, body or (f"[{label}, event type {event}]" if event else f"[{label}]"), ()
    if kind is not MessageKind.MEDIA:
        if not body and kind is MessageKind.TEXT:
            ctx.warn(locator, "text message with empty ZTEXT")
        return kind, body, ()
    title, local_path = row["ZTITLE"], row["ZMEDIALOCALPATH"]
    body = body or (str(title) if title else "")
    notes = []
    latitude, longitude = row["ZLATITUDE"], row["ZLONGITUDE"]
    if message_type == LOCATION_TYPE and isinstance(latitude, float) and isinstance(longitude, float):
        notes.append(f"[location {latitude:.6f}, {longitude:.6f}]")
    if message_type == CONTACT_TYPE and row["ZVCARDNAME"]:
        notes.append(f"[contact {row['ZVCARDNAME']}]")
    attachments = (ParsedAttachment(str(local_path), _mime(str(local_path), row)),) if local_path else ()
    if not body and not notes and not attachments:
        notes.append(f"[{label}]")
    return kind, " ".join(part for part in (body, *notes) if part), attachments


def _mime(name: str, row: sqlite3.Row) -> str | None:
    """ZVCARDSTRING when it holds a MIME type (media rows keep it there: `image/jpeg`), else by suffix."""
    stored = row["ZVCARDSTRING"]
    if row["ZMESSAGETYPE"] != CONTACT_TYPE and isinstance(stored, str) and _MIME_SHAPE.fullmatch(stored):
        return stored
    suffix = Path(name).suffix.lower()
    return _EXTRA_MIME.get(suffix) or _MIME_TYPES.guess_type("x" + suffix, strict=False)[0]


# -- ContactsV2 ---------------------------------------------------------------------------------

_BOOKKEEPING = frozenset({"z_pk", "z_ent", "z_opt"})


def _address_book_contacts(database: IosDatabase, ctx: ParseContext) -> Iterator[ParsedContact]:
    """One contact per ZWAADDRESSBOOKCONTACT row: every stored column kept under its own name."""
    for row in database.rows(
        "SELECT * FROM ZWAADDRESSBOOKCONTACT ORDER BY Z_PK", _contact_locator, ctx, "ZWAADDRESSBOOKCONTACT"
    ):
        locator = _contact_locator(row)
        fields = {
            column: [str(row[column])]
            for column in row.keys()  # noqa: SIM118 - sqlite3.Row has keys() but no iteration over names
            if column.lower() not in _BOOKKEEPING
            and isinstance(row[column], str | int | float)
            and row[column] != ""
        }
        display_name = next(
            (fields[c][0] for c in ("ZFULLNAME", "ZGIVENNAME", "ZBUSINESSNAME") if c in fields), None
        )
        accounts: dict[tuple[str, str], AccountRef] = {}
        for column, platform in (("ZWHATSAPPID", PLATFORM), ("ZLID", PLATFORM), ("ZPHONENUMBER", "phone")):
            if column in fields:
                handle = jid_handle(fields[column][0]) if platform == PLATFORM else fields[column][0]
                accounts.setdefault((platform, handle), AccountRef(platform, handle, display_name))
        if display_name is None and not accounts:
            ctx.warn(locator, "contact row without name, number or WhatsApp id")
        yield ParsedContact(display_name, fields, locator, tuple(accounts.values()))


def _contact_locator(row: sqlite3.Row) -> str:
    return f"ZWAADDRESSBOOKCONTACT Z_PK={row['Z_PK']}" if "Z_PK" in row.keys() else "ZWAADDRESSBOOKCONTACT"  # noqa: SIM118
