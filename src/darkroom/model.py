"""The typed records every layer of darkroom speaks: store, intake, parsers, analysis, CLI, web.

Records are frozen, slotted dataclasses (they are created in hot loops). Times are aware
`datetime`s in UTC unless a field name says otherwise; paths inside exhibits are raw `bytes`
because seized file names need not be valid UTF-8 and must survive exactly.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class SourceKind(enum.StrEnum):
    """What an exhibit's source path is."""

    FOLDER = "folder"
    FILE = "file"
    ARCHIVE = "archive"


class IntakeStatus(enum.StrEnum):
    """Where an exhibit's registration stands; `registering` is resumable."""

    REGISTERING = "registering"
    COMPLETE = "complete"


class EntryKind(enum.StrEnum):
    """What a recorded path inside an exhibit is."""

    FILE = "file"
    SYMLINK = "symlink"
    DIRECTORY = "directory"  # recorded only when it could not be listed
    OTHER = "other"  # fifo, socket, device node


class ArchiveStatus(enum.StrEnum):
    """Whether the members of an archive file have been recorded."""

    PENDING = "pending"
    WALKED = "walked"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """A case's identity and defaults (region for national phone numbers, local time zone)."""

    case_id: str
    name: str
    region: str
    timezone: str
    created_at: datetime
    schema_version: int


@dataclass(frozen=True, slots=True)
class SeizureFacts:
    """The custody facts an examiner states when registering an exhibit."""

    seized_from: str
    seized_at: datetime
    seized_by: str
    description: str | None = None
    timezone: str | None = None  # the device's zone when it differs from the case's


@dataclass(frozen=True, slots=True)
class Exhibit:
    """A registered seized item (folder, file or archive) and its intake state."""

    exhibit_id: int
    ref: str
    source_path: bytes
    source_kind: SourceKind
    facts: SeizureFacts
    intake_status: IntakeStatus
    registered_at: datetime
    completed_at: datetime | None
    file_count: int
    total_bytes: int


@dataclass(frozen=True, slots=True)
class Digests:
    """The three digests of one byte stream, computed in one read pass."""

    md5_hex: str
    sha1_hex: str
    sha256_hex: str
    size: int


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One path inside an exhibit, as registered (or as found again by `verify`)."""

    exhibit_id: int
    container_id: int | None  # the archive file it sits in; None at the exhibit's top level
    path: bytes  # lossless, relative to the exhibit root or the container
    display_path: str  # for people: bad bytes shown as \\xNN, archive members as outer!/inner
    entry_kind: EntryKind
    size: int | None
    digests: Digests | None
    mime_type: str | None
    mtime: datetime | None
    atime: datetime | None
    ctime: datetime | None
    mode: int | None
    symlink_target: bytes | None
    is_archive: bool
    read_error: str | None
    time_zone_assumed: str | None = None  # set when the source gave local time without a zone
    file_id: int | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One row of the hash-chained, append-only audit log."""

    seq: int
    at: datetime
    actor: str
    action: str
    object_ref: str
    details: dict[str, Any]
    prev_hash: str
    row_hash: str


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a derived fact came from: a court asks for exhibit, file and locator."""

    exhibit_id: int
    file_id: int
    locator: str  # line number, table+rowid, JSON path …


class Platform(enum.StrEnum):
    """Where an account lives; parsers may add free-text platforms beyond these."""

    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    SMS = "sms"
    PHONE = "phone"
    EMAIL = "email"
    DISCORD = "discord"
    XMPP = "xmpp"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    CONTACT_CARD = "contact-card"
    FORUM = "forum"


class IdentifierKind(enum.StrEnum):
    """Kinds of identifier the identifiers stage extracts and normalizes."""

    PHONE = "phone"
    EMAIL = "email"
    HANDLE = "handle"
    ONION = "onion"
    BITCOIN = "bitcoin"
    ETHEREUM = "ethereum"
    MONERO = "monero"
    IP = "ip"
    URL = "url"


@dataclass(frozen=True, slots=True)
class Account:
    """One profile on one platform (a WhatsApp number, a Telegram id, an email address)."""

    platform: str
    handle_norm: str
    handle: str
    display_names: tuple[str, ...] = ()
    account_id: int | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalized identifier value (E.164 phone, lower-cased email, checked wallet …)."""

    kind: IdentifierKind
    value_norm: str
    is_shared: bool = False
    identifier_id: int | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    """A chat, thread or mailbox folder as found on one exhibit."""

    platform: str
    title: str | None
    is_group: bool
    provenance: Provenance
    external_id: str | None = None
    conversation_id: int | None = None


class MessageKind(enum.StrEnum):
    """Whether a message is a person's text, a media item, or a system notice."""

    TEXT = "text"
    MEDIA = "media"
    SYSTEM = "system"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class Message:
    """One message; time kept in UTC beside the original text and the zone assumed."""

    conversation_id: int
    sender_account_id: int | None
    sent_at: datetime | None
    sent_at_raw: str | None
    assumed_zone: str | None
    body: str
    kind: MessageKind
    provenance: Provenance
    parent_message_id: int | None = None  # an attached message points at its carrier
    message_id: int | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact card or address-book row, every field the source carries kept."""

    display_name: str | None
    fields: dict[str, list[str]]
    provenance: Provenance
    owner_account_id: int | None = None
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A resolved person: several accounts believed to be one human."""

    label: str
    restricted: bool = False
    person_id: int | None = None


class LinkMethod(enum.StrEnum):
    """How an account came to be linked to a person; `model` links stay marked until confirmed."""

    DETERMINISTIC = "deterministic"
    MODEL = "model"
    INVESTIGATOR = "investigator"


@dataclass(frozen=True, slots=True)
class PersonLink:
    """An account's membership of a person, with confidence and the reasons behind it."""

    person_id: int
    account_id: int
    method: LinkMethod
    probability: float | None
    reasons: dict[str, Any] = field(default_factory=dict)
    confirmed: bool = False


@dataclass(frozen=True, slots=True)
class MediaItem:
    """Perceptual and EXIF facts of one image or video file."""

    file_id: int
    width: int | None
    height: int | None
    pdq_hex: str | None
    pdq_quality: int | None
    exif: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HashSetEntry:
    """One entry of an imported hash set (VICS, CSV, NSRL)."""

    hashset_id: int
    md5_hex: str | None
    sha1_hex: str | None
    sha256_hex: str | None
    pdq_hex: str | None
    category: str | None
    series: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """An investigator's decision (merge, split, confirm, reject-link, categorise); wins on re-run."""

    kind: str
    subject: str
    object_ref: str | None
    reason: str
    actor: str
    at: datetime
    decision_id: int | None = None
