"""WhatsApp's own iOS databases in the app's shared container, as a full-file-system extraction has them.

Written below the slot's folder (`private/var/mobile/Containers/Shared/AppGroup/<UUID>`):
  ChatStorage.sqlite (+ -wal, -shm)   Core Data store: ZWACHATSESSION, ZWAMESSAGE, ZWAMEDIAITEM,
                                      ZWAGROUPINFO, ZWAGROUPMEMBER, ZWAPROFILEPUSHNAME, Z_PRIMARYKEY …
  ContactsV2.sqlite (+ -wal, -shm)    ZWAADDRESSBOOKCONTACT: the owner's address book as WhatsApp saw it
  Library/Preferences/group.net.whatsapp.WhatsApp.shared.plist    OwnJabberID, FullUserName

Rows follow the iOS 15 sample (iLEAPP's josh_ios15 image): a chat opens with a system notice
(ZMESSAGETYPE 10) from the chat's JID to the owner's JID, a group also with a group event (type 6,
ZGROUPEVENTTYPE 12); the owner's messages have ZISFROMME 1 and ZTOJID = the chat; incoming ones carry
ZFROMJID = the chat, and in groups ZGROUPMEMBER → the sender's ZWAGROUPMEMBER row. Received images
are type 1 with ZMEDIALOCALPATH relative to `Message/`. Times are Apple-epoch seconds. The newest
tenth of the messages (and their chats' updated rows) is left in ChatStorage's WAL.
"""

from __future__ import annotations

import plistlib
import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from darkroom.synth.accounts import account_key
from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, join_path, write_file
from darkroom.synth.artefacts.chats import chat_content, chat_lines, chat_title, labels_for
from darkroom.synth.artefacts.ios_sqlite_files import (
    Build,
    apple_seconds,
    build_database,
    insert_row,
    write_database,
)
from darkroom.synth.fictional import format_phone
from darkroom.synth.records import Conversation

CHAT_STORAGE = "ChatStorage.sqlite"
CONTACTS = "ContactsV2.sqlite"
SHARED_PLIST = "Library/Preferences/group.net.whatsapp.WhatsApp.shared.plist"
PHONE_SERVER = "@s.whatsapp.net"
WAL_SHARE = 0.1
# Core Data entity numbers (Z_ENT): the entities in alphabetical order, as in Z_PRIMARYKEY.
ENTITIES = (
    "WABlackListItem", "WAChatProperties", "WAChatPushConfig", "WAChatSession", "WAGroupInfo",
    "WAGroupMember", "WAGroupMembersChange", "WAMediaItem", "WAMessage", "WAMessageDataItem",
    "WAMessageInfo", "WAProfilePictureItem", "WAProfilePushName", "WAVCardMention", "WAZ1PaymentTransaction",
)  # fmt: skip
ENT = {name: number for number, name in enumerate(ENTITIES, start=1)}

CHAT_SCHEMA = """
CREATE TABLE ZWABLACKLISTITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZJID VARCHAR );
CREATE TABLE ZWACHATPROPERTIES ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZALERTS INTEGER, ZENABLED INTEGER, ZCHATSESSION INTEGER, ZMUTEDATE TIMESTAMP, ZSOUNDNAME VARCHAR );
CREATE TABLE ZWACHATSESSION ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER, ZCONTACTABID INTEGER, ZFLAGS INTEGER, ZHIDDEN INTEGER, ZIDENTITYVERIFICATIONEPOCH INTEGER, ZIDENTITYVERIFICATIONSTATE INTEGER, ZMESSAGECOUNTER INTEGER, ZREMOVED INTEGER, ZSESSIONTYPE INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZUNREADCOUNT INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER, ZPROPERTIES INTEGER, ZLASTMESSAGEDATE TIMESTAMP, ZLOCATIONSHARINGENDDATE TIMESTAMP, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTJID VARCHAR, ZETAG VARCHAR, ZLASTMESSAGETEXT VARCHAR, ZPARTNERNAME VARCHAR, ZSAVEDINPUT VARCHAR );
CREATE TABLE ZWAGROUPINFO ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSTATE INTEGER, ZCHATSESSION INTEGER, ZLASTMESSAGEOWNER INTEGER, ZCREATIONDATE TIMESTAMP, ZSUBJECTTIMESTAMP TIMESTAMP, ZCREATORJID VARCHAR, ZOWNERJID VARCHAR, ZPICTUREID VARCHAR, ZPICTUREPATH VARCHAR, ZSOURCEJID VARCHAR, ZSUBJECTOWNERJID VARCHAR );
CREATE TABLE ZWAGROUPMEMBER ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCONTACTABID INTEGER, ZISACTIVE INTEGER, ZISADMIN INTEGER, ZSENDERKEYSENT INTEGER, ZCHATSESSION INTEGER, ZRECENTGROUPCHAT INTEGER, ZCONTACTIDENTIFIER VARCHAR, ZCONTACTNAME VARCHAR, ZFIRSTNAME VARCHAR, ZMEMBERJID VARCHAR );
CREATE TABLE ZWAMEDIAITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCLOUDSTATUS INTEGER, ZFILESIZE INTEGER, ZMEDIAORIGIN INTEGER, ZMOVIEDURATION INTEGER, ZMESSAGE INTEGER, ZASPECTRATIO FLOAT, ZHACCURACY FLOAT, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIAURLDATE TIMESTAMP, ZAUTHORNAME VARCHAR, ZCOLLECTIONNAME VARCHAR, ZMEDIALOCALPATH VARCHAR, ZMEDIAURL VARCHAR, ZTHUMBNAILLOCALPATH VARCHAR, ZTITLE VARCHAR, ZVCARDNAME VARCHAR, ZVCARDSTRING VARCHAR, ZXMPPTHUMBPATH VARCHAR, ZMEDIAKEY BLOB, ZMETADATA BLOB );
CREATE TABLE ZWAMESSAGE ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHILDMESSAGESDELIVEREDCOUNT INTEGER, ZCHILDMESSAGESPLAYEDCOUNT INTEGER, ZCHILDMESSAGESREADCOUNT INTEGER, ZDATAITEMVERSION INTEGER, ZDOCID INTEGER, ZENCRETRYCOUNT INTEGER, ZFILTEREDRECIPIENTCOUNT INTEGER, ZFLAGS INTEGER, ZGROUPEVENTTYPE INTEGER, ZISFROMME INTEGER, ZMESSAGEERRORSTATUS INTEGER, ZMESSAGESTATUS INTEGER, ZMESSAGETYPE INTEGER, ZSORT INTEGER, ZSPOTLIGHTSTATUS INTEGER, ZSTARRED INTEGER, ZCHATSESSION INTEGER, ZGROUPMEMBER INTEGER, ZLASTSESSION INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEINFO INTEGER, ZPARENTMESSAGE INTEGER, ZMESSAGEDATE TIMESTAMP, ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZMEDIASECTIONID VARCHAR, ZPHASH VARCHAR, ZPUSHNAME VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZTOJID VARCHAR );
CREATE TABLE ZWAMESSAGEINFO ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZMESSAGE INTEGER, ZRECEIPTINFO BLOB );
CREATE TABLE ZWAPROFILEPICTUREITEM ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZREQUESTDATE TIMESTAMP, ZJID VARCHAR, ZPATH VARCHAR, ZPICTUREID VARCHAR );
CREATE TABLE ZWAPROFILEPUSHNAME ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZJID VARCHAR, ZPUSHNAME VARCHAR );
CREATE INDEX ZWAGROUPMEMBER_ZCHATSESSION_INDEX ON ZWAGROUPMEMBER (ZCHATSESSION);
CREATE INDEX ZWAMESSAGE_ZCHATSESSION_INDEX ON ZWAMESSAGE (ZCHATSESSION);
CREATE INDEX ZWAMESSAGE_ZMEDIAITEM_INDEX ON ZWAMESSAGE (ZMEDIAITEM);
CREATE INDEX Z_WAMessage_byMessageDateIndex ON ZWAMESSAGE (ZMESSAGEDATE COLLATE BINARY ASC);
CREATE INDEX Z_WAChatSession_byContactJIDIndex ON ZWACHATSESSION (ZCONTACTJID COLLATE BINARY ASC);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB);
"""  # noqa: E501 - the schema as WhatsApp writes it, one table per line

CONTACTS_SCHEMA = """
CREATE TABLE ZWAADDRESSBOOKCONTACT ( Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZABOUTTIMESTAMP TIMESTAMP, ZLASTUPDATED TIMESTAMP, ZABOUTTEXT VARCHAR, ZBUSINESSNAME VARCHAR, ZFULLNAME VARCHAR, ZGIVENNAME VARCHAR, ZHIGHLIGHTEDNAME VARCHAR, ZIDENTIFIER VARCHAR, ZLASTNAME VARCHAR, ZLID VARCHAR, ZLOCALIZEDPHONENUMBER VARCHAR, ZPHONENUMBER VARCHAR, ZPHONENUMBERLABEL VARCHAR, ZUSERNAME VARCHAR, ZWHATSAPPID VARCHAR );
CREATE INDEX Z_WAAddressBookContact_byWhatsAppIDIndex ON ZWAADDRESSBOOKCONTACT (ZWHATSAPPID COLLATE BINARY ASC);
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE Z_MODELCACHE (Z_CONTENT BLOB);
"""  # noqa: E501
_LABELS = {"CELL": "_$!<Mobile>!$_", "HOME": "_$!<Home>!$_", "WORK": "_$!<Work>!$_"}


def jid_of(handle: str) -> str:
    """`+447700900123` → `447700900123@s.whatsapp.net`."""
    return handle.lstrip("+") + PHONE_SERVER


@dataclass(slots=True)
class _Row:
    """One ZWAMESSAGE row (and its media item) before Z_PK numbers are handed out."""

    sent_at: datetime
    chat: int
    order: int
    message_type: int
    from_me: bool
    text: str | None = None
    from_jid: str | None = None
    to_jid: str | None = None
    member: int | None = None
    event: int = 0
    media_path: str | None = None
    stanza: str = ""
    pk: int = 0
    media_pk: int | None = None


@dataclass(slots=True)
class _Chat:
    """One ZWACHATSESSION row and what it needs: members (Z_PK, JID, saved name) for groups."""

    pk: int
    conversation: Conversation
    jid: str
    title: str
    members: list[tuple[int, str, str | None]] = field(default_factory=list)


@dataclass(slots=True)
class _Store:
    """The whole ChatStorage content, planned before a byte is written."""

    owner_jid: str
    chats: list[_Chat] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)
    push_names: dict[str, str] = field(default_factory=dict)
    truth: list[dict[str, object]] = field(default_factory=list)


class WhatsAppIosDbWriter:
    """ChatStorage.sqlite, ContactsV2.sqlite and the shared preferences of the exhibit's main account."""

    name = "whatsapp-ios-db"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """The three stores of the owner's (first) WhatsApp account, with the slot's chats."""
        if not job.exhibit.whatsapp_accounts:
            return []
        owner = ctx.accounts.by_key[job.exhibit.whatsapp_accounts[0]]
        store = _plan(job, rng, ctx, jid_of(owner.handle))
        older, newer = _split(store.rows)
        files = build_database(
            CHAT_SCHEMA, _writer(store, older, rng, True), _writer(store, newer, rng, False), rng
        )
        when = job.exhibit.seized_at - timedelta(hours=rng.randrange(2, 40))
        content = {
            "format": self.name,
            "platform": "whatsapp",
            "owner_account": owner.key,
            "owner_jid": store.owner_jid,
            "accounts": sorted({key for c in store.chats for key in c.conversation.accounts}),
            "message_count": sum(int(str(t["message_count"])) for t in store.truth),
            "system_count": sum(int(str(t["system_count"])) for t in store.truth),
            "attachment_count": sum(int(str(t["attachment_count"])) for t in store.truth),
            "wal_row_count": len(newer),
            "conversations": store.truth,
        }
        written = write_database(
            job, join_path(job.slot.path, CHAT_STORAGE), files, when, "whatsapp-ios-chatstorage", content
        )
        written += _contacts_files(job, rng, ctx, when)
        preferences = {"OwnJabberID": store.owner_jid, "FullUserName": owner.display_name}
        plist = plistlib.dumps(preferences, fmt=plistlib.FMT_BINARY)
        written.append(
            write_file(
                job,
                join_path(job.slot.path, SHARED_PLIST),
                plist,
                when,
                "plist",
                {"owner_account": owner.key},
            )
        )
        return written


def _plan(job: SlotJob, rng: random.Random, ctx: WriteContext, owner_jid: str) -> _Store:
    store = _Store(owner_jid)
    member_pk = 0
    for number, conversation_id in enumerate(job.conversations, start=1):
        conversation = ctx.conversations[conversation_id]
        labels = labels_for(conversation, job, ctx)
        title = chat_title(conversation, job, labels)
        others = [key for key in conversation.accounts if key not in job.exhibit.whatsapp_accounts]
        if conversation.group_name is None:
            jid = jid_of(ctx.accounts.by_key[others[0]].handle)
        else:
            jid = f"120363{rng.randrange(10**11, 10**12)}@g.us"
        chat = _Chat(number, conversation, jid, title)
        book = ctx.address_books.get(job.exhibit.owner)
        for key in conversation.accounts:
            account = ctx.accounts.by_key[key]
            if key not in job.exhibit.whatsapp_accounts:
                store.push_names.setdefault(jid_of(account.handle), account.display_name)
            if conversation.group_name is not None:
                member_pk += 1
                saved = book.label_by_phone.get(account.handle) if book is not None else None
                chat.members.append((member_pk, jid_of(account.handle), saved))
        store.chats.append(chat)
        store.truth.append(_chat_rows(store, chat, job, ctx, labels, rng))
    return store


def _chat_rows(
    store: _Store, chat: _Chat, job: SlotJob, ctx: WriteContext, labels: dict[str, str], rng: random.Random
) -> dict[str, object]:
    """Append the chat's rows to the store; return its truth record."""
    conversation = chat.conversation
    member_of = {jid: pk for pk, jid, _ in chat.members}
    rows: list[_Row] = []
    messages = attachments = 0
    for line in chat_lines(conversation, job, ctx):
        if not rows:
            rows.append(
                _Row(line.sent_at, chat.pk, 0, 10, False, from_jid=chat.jid, to_jid=store.owner_jid, event=2)
            )
            if conversation.group_name is not None:
                rows.append(
                    _Row(
                        line.sent_at,
                        chat.pk,
                        1,
                        6,
                        False,
                        from_jid=chat.jid,
                        to_jid=store.owner_jid,
                        event=12,
                    )
                )
        sender_jid = jid_of(ctx.accounts.by_key[line.sender].handle)
        from_me = line.sender in job.exhibit.whatsapp_accounts
        row = _Row(
            line.sent_at, chat.pk, len(rows), 1 if line.attachment else 0, from_me, text=line.text or None
        )
        if from_me:
            row.to_jid = chat.jid
        else:
            row.from_jid = chat.jid
            row.member = member_of.get(sender_jid)
        if line.attachment:
            row.media_path = _media_path(job, chat.jid, line.attachment)
            attachments += 1
        rows.append(row)
        messages += 1
    for row in rows:
        row.stanza = "3A" + "".join(rng.choice("0123456789ABCDEF") for _ in range(18))
    store.rows.extend(rows)
    span = (rows[0].sent_at, rows[-1].sent_at) if rows else (conversation.start_utc, conversation.start_utc)
    system = len(rows) - messages
    truth = chat_content("whatsapp-ios-db", conversation, job, labels, (messages, system, attachments), span)
    return {**truth, "key": f"chat-{chat.pk}", "jid": chat.jid, "title": chat.title}


def _media_path(job: SlotJob, chat_jid: str, file_name: str) -> str:
    """ZMEDIALOCALPATH (relative to `Message/`) of a received image the image stage placed."""
    received = job.exhibit.profile.media.get("received", "")
    prefix = join_path(job.slot.path, "Message/")
    if received.startswith(prefix):
        return f"{received[len(prefix) :]}/{file_name}"
    return f"Media/{chat_jid}/{file_name}"


def _split(rows: list[_Row]) -> tuple[list[_Row], list[_Row]]:
    """Number the rows (and media items) in arrival order; the newest tenth goes to the WAL."""
    rows.sort(key=lambda row: (row.sent_at, row.chat, row.order))
    media = 0
    for pk, row in enumerate(rows, start=1):
        row.pk = pk
        if row.media_path is not None:
            media += 1
            row.media_pk = media
    keep = len(rows) - int(len(rows) * WAL_SHARE)
    return rows[:keep], rows[keep:]


def _writer(store: _Store, rows: Sequence[_Row], rng: random.Random, first: bool) -> Build:
    """A build step inserting `rows` (the first step also every chat); sessions and keys kept current."""

    def build(connection: sqlite3.Connection) -> None:
        if first:
            _insert_chats(connection, store)
            _insert_metadata(connection, rng)
        _insert_rows(connection, rows)
        _update_sessions(connection, rows)
        _primary_keys(connection, store, rows[-1].pk if rows else 0, first)

    return build


def _insert_chats(connection: sqlite3.Connection, store: _Store) -> None:
    group_pk = 0
    for chat in store.chats:
        group_info: int | None = None
        if chat.members:
            group_pk += 1
            group_info = group_pk
            created = apple_seconds(next(r.sent_at for r in store.rows if r.chat == chat.pk))
            insert_row(connection, "ZWAGROUPINFO", {
                "Z_PK": group_pk, "Z_ENT": ENT["WAGroupInfo"], "Z_OPT": 1, "ZSTATE": 0,
                "ZCHATSESSION": chat.pk, "ZCREATIONDATE": created, "ZSUBJECTTIMESTAMP": created,
                "ZCREATORJID": chat.members[0][1],
            })  # fmt: skip
        insert_row(connection, "ZWACHATSESSION", {
            "Z_PK": chat.pk, "Z_ENT": ENT["WAChatSession"], "Z_OPT": 1, "ZARCHIVED": 0, "ZCONTACTABID": 0,
            "ZFLAGS": 256 if chat.members else 272, "ZHIDDEN": 0, "ZIDENTITYVERIFICATIONEPOCH": 2_147_483_647,
            "ZIDENTITYVERIFICATIONSTATE": 0, "ZMESSAGECOUNTER": 0, "ZREMOVED": 0,
            "ZSESSIONTYPE": 1 if chat.members else 0, "ZSPOTLIGHTSTATUS": 0, "ZUNREADCOUNT": 0,
            "ZGROUPINFO": group_info, "ZCONTACTJID": chat.jid, "ZPARTNERNAME": chat.title,
        })  # fmt: skip
        for position, (pk, jid, saved) in enumerate(chat.members):
            insert_row(connection, "ZWAGROUPMEMBER", {
                "Z_PK": pk, "Z_ENT": ENT["WAGroupMember"], "Z_OPT": 1, "ZCONTACTABID": 0, "ZISACTIVE": 1,
                "ZISADMIN": 1 if position == 0 else 0, "ZCHATSESSION": chat.pk, "ZCONTACTNAME": saved,
                "ZMEMBERJID": jid,
            })  # fmt: skip
    for pk, (jid, push_name) in enumerate(sorted(store.push_names.items()), start=1):
        insert_row(connection, "ZWAPROFILEPUSHNAME", {
            "Z_PK": pk, "Z_ENT": ENT["WAProfilePushName"], "Z_OPT": 1, "ZJID": jid, "ZPUSHNAME": push_name,
        })  # fmt: skip


def _insert_rows(connection: sqlite3.Connection, rows: Sequence[_Row]) -> None:
    for row in rows:
        date = apple_seconds(row.sent_at)
        if row.media_pk is not None:
            insert_row(connection, "ZWAMEDIAITEM", {
                "Z_PK": row.media_pk, "Z_ENT": ENT["WAMediaItem"], "Z_OPT": 1, "ZCLOUDSTATUS": 4,
                "ZFILESIZE": 0, "ZMEDIAORIGIN": 0, "ZMOVIEDURATION": 0, "ZMESSAGE": row.pk,
                "ZMEDIALOCALPATH": row.media_path,
                "ZVCARDSTRING": "image/jpeg", "ZMEDIAURLDATE": date,
            })  # fmt: skip
        insert_row(connection, "ZWAMESSAGE", {
            "Z_PK": row.pk, "Z_ENT": ENT["WAMessage"], "Z_OPT": 3, "ZCHILDMESSAGESDELIVEREDCOUNT": 0,
            "ZCHILDMESSAGESPLAYEDCOUNT": 0, "ZCHILDMESSAGESREADCOUNT": 0, "ZDATAITEMVERSION": 3,
            "ZDOCID": row.pk, "ZENCRETRYCOUNT": 0, "ZFILTEREDRECIPIENTCOUNT": 0,
            "ZFLAGS": 16_777_280 if row.from_me else 16_777_216,
            "ZGROUPEVENTTYPE": row.event, "ZISFROMME": 1 if row.from_me else 0, "ZMESSAGEERRORSTATUS": 0,
            "ZMESSAGESTATUS": 8 if row.message_type in (0, 1) else 0, "ZMESSAGETYPE": row.message_type,
            "ZSORT": row.order + 1, "ZSPOTLIGHTSTATUS": -32768, "ZCHATSESSION": row.chat,
            "ZGROUPMEMBER": row.member, "ZMEDIAITEM": row.media_pk, "ZMESSAGEDATE": date,
            "ZSENTDATE": date if row.from_me else None, "ZFROMJID": row.from_jid,
            "ZMEDIASECTIONID": f"{row.sent_at:%Y-%m}" if row.media_pk else None, "ZSTANZAID": row.stanza,
            "ZTEXT": row.text, "ZTOJID": row.to_jid,
        })  # fmt: skip


def _update_sessions(connection: sqlite3.Connection, rows: Sequence[_Row]) -> None:
    last: dict[int, _Row] = {}
    counts: dict[int, int] = {}
    for row in rows:
        last[row.chat] = row
        counts[row.chat] = counts.get(row.chat, 0) + 1
    for chat, row in sorted(last.items()):
        connection.execute(
            "UPDATE ZWACHATSESSION SET ZLASTMESSAGE = ?, ZLASTMESSAGEDATE = ?, "
            "ZMESSAGECOUNTER = ZMESSAGECOUNTER + ?, Z_OPT = Z_OPT + 1 WHERE Z_PK = ?",
            (row.pk, apple_seconds(row.sent_at), counts[chat], chat),
        )


def _primary_keys(connection: sqlite3.Connection, store: _Store, last_message: int, first: bool) -> None:
    """Z_PRIMARYKEY: Core Data's next-key table (Z_MAX per entity)."""
    media = max((r.media_pk or 0 for r in store.rows if r.pk <= last_message), default=0)
    maxima = {
        "WAChatSession": len(store.chats),
        "WAGroupInfo": sum(1 for chat in store.chats if chat.members),
        "WAGroupMember": sum(len(chat.members) for chat in store.chats),
        "WAMediaItem": media,
        "WAMessage": last_message,
        "WAProfilePushName": len(store.push_names),
    }
    if not first and last_message == 0:
        return
    for entity, number in ENT.items():
        connection.execute(
            "INSERT OR REPLACE INTO Z_PRIMARYKEY (Z_ENT, Z_NAME, Z_SUPER, Z_MAX) VALUES (?, ?, 0, ?)",
            (number, entity, maxima.get(entity, 0)),
        )


def _insert_metadata(connection: sqlite3.Connection, rng: random.Random) -> None:
    uuid = "-".join("".join(rng.choice("0123456789ABCDEF") for _ in range(n)) for n in (8, 4, 4, 4, 12))
    plist = plistlib.dumps(
        {"NSStoreType": "SQLite", "NSPersistenceFrameworkVersion": 1244}, fmt=plistlib.FMT_BINARY
    )
    connection.execute("INSERT INTO Z_METADATA (Z_VERSION, Z_UUID, Z_PLIST) VALUES (1, ?, ?)", (uuid, plist))


def _contacts_files(job: SlotJob, rng: random.Random, ctx: WriteContext, when: datetime) -> list[TruthFile]:
    """ContactsV2.sqlite: a row per saved number of the owner's address book; its WAL is empty."""
    book = ctx.address_books.get(job.exhibit.owner)
    rows: list[dict[str, object]] = []
    truth: list[dict[str, object]] = []
    for entry in book.entries if book is not None else ():
        given, _, family = entry.saved_name.partition(" ")
        for phone in entry.phones:
            whatsapp = account_key("whatsapp", phone.e164)
            on_whatsapp = whatsapp in ctx.accounts.by_key
            rows.append({
                "Z_PK": len(rows) + 1, "Z_ENT": 1, "Z_OPT": 1, "ZFULLNAME": entry.saved_name,
                "ZGIVENNAME": given, "ZLASTNAME": family or None,
                "ZIDENTIFIER": "".join(rng.choice("0123456789ABCDEF") for _ in range(32)) + ":ABPerson",
                "ZLOCALIZEDPHONENUMBER": format_phone(phone.e164, "international"),
                "ZPHONENUMBER": phone.written, "ZPHONENUMBERLABEL": _LABELS[phone.label],
                "ZWHATSAPPID": jid_of(phone.e164) if on_whatsapp else None,
                "ZLASTUPDATED": apple_seconds(when) - rng.randrange(86_400, 8_640_000),
            })  # fmt: skip
            truth.append(
                {
                    "name": entry.saved_name,
                    "phone": phone.e164,
                    "whatsapp_account": whatsapp if on_whatsapp else None,
                }
            )

    def older(connection: sqlite3.Connection) -> None:
        for row in rows:
            insert_row(connection, "ZWAADDRESSBOOKCONTACT", row)
        insert_row(
            connection,
            "Z_PRIMARYKEY",
            {"Z_ENT": 1, "Z_NAME": "WAAddressBookContact", "Z_SUPER": 0, "Z_MAX": len(rows)},
        )

    files = build_database(CONTACTS_SCHEMA, older, lambda _: None, rng)
    content = {
        "format": "whatsapp-ios-contacts",
        "contact_count": len(rows),
        "whatsapp_count": sum(1 for item in truth if item["whatsapp_account"]),
        "contacts": truth,
    }
    return write_database(
        job, join_path(job.slot.path, CONTACTS), files, when, "whatsapp-ios-contacts", content
    )
