"""The parser contract: what a format module provides and the records it yields.

A parser is a small class with a unique `name` and a `version` (bump it when its output
changes: files it parsed are parsed again). `sniff` looks at content and answers 0.0–1.0;
`parse` yields records, each with a locator (line, row id, JSON path) so every fact keeps its
provenance. A wrong format raises `WrongFormat`; a bad record is `ctx.warn(...)` and the parse
goes on.

A parser may also declare `companions: ClassVar[tuple[str, ...]]`: paths relative to its file's
folder that it reads beside it (WhatsApp's `wa.db` beside `msgstore.db`); the runner copies them
into the working folder with the same layout when the exhibit holds them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Protocol, runtime_checkable

from darkroom.errors import WrongFormat
from darkroom.model import MessageKind

__all__ = [
    "AccountRef",
    "ParseContext",
    "ParsedAccount",
    "ParsedAttachment",
    "ParsedContact",
    "ParsedConversation",
    "ParsedMessage",
    "Parser",
    "Record",
    "WrongFormat",
]


@dataclass(frozen=True, slots=True)
class AccountRef:
    """A profile as the source names it: platform plus handle (phone, email, user id, alias)."""

    platform: str
    handle: str
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedAccount:
    """An account the source states exists (e.g. the device owner's own account)."""

    account: AccountRef
    locator: str
    is_owner: bool = False


@dataclass(frozen=True, slots=True)
class ParsedConversation:
    """A chat or thread; `key` is the parser's own name for it, unique within the file."""

    key: str
    platform: str
    title: str | None
    is_group: bool
    locator: str
    external_id: str | None = None
    participants: tuple[AccountRef, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedAttachment:
    """A file a message carried: its name as the source gives it, and type when known."""

    name: str
    mime_type: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    """One message. `sent_at` is UTC; `sent_at_raw` is the source's own text; `assumed_zone` is set
    when the source gave local time without an offset and the case or device zone was applied."""

    conversation_key: str
    sender: AccountRef | None
    sent_at: datetime | None
    sent_at_raw: str | None
    assumed_zone: str | None
    body: str
    kind: MessageKind
    locator: str
    attachments: tuple[ParsedAttachment, ...] = ()
    key: str | None = None  # for replies/attached messages to point at
    parent_key: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedContact:
    """One contact card or address-book row, every field kept (`fields`: name -> values)."""

    display_name: str | None
    fields: dict[str, list[str]]
    locator: str
    accounts: tuple[AccountRef, ...] = ()


Record = ParsedAccount | ParsedConversation | ParsedMessage | ParsedContact


@dataclass(slots=True)
class ParseContext:
    """What a parser knows about the file it reads, and where it reports bad records."""

    exhibit_ref: str
    display_path: str
    region: str  # default region for national phone numbers
    zone_name: str  # the device's (or case's) zone for local times
    work_dir: Path  # inside the case folder; scratch space for the parser
    warnings: list[tuple[str, str]] = field(default_factory=list)
    derived_dir: Path | None = None  # the case's derived/ folder, for files worth keeping (photos)

    def warn(self, locator: str, message: str) -> None:
        """A bad record: noted with its locator, and the parse goes on."""
        self.warnings.append((locator, message))


@runtime_checkable
class Parser(Protocol):
    """A format module's parser class (instantiated without arguments)."""

    name: ClassVar[str]
    version: ClassVar[str]

    def sniff(self, path: Path, head: bytes) -> float:
        """How sure (0.0–1.0) the file is this format, from its first bytes (name only as a hint)."""
        ...

    def parse(self, path: Path, ctx: ParseContext) -> Iterator[Record]:
        """Yield every record; raise `WrongFormat` when the file turns out not to be this format."""
        ...
