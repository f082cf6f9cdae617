"""Messages in columns: how a parser worker hands a file's messages to the writer while it parses.

A million messages as a million objects cost more to pickle and unpickle than to parse; as a
few lists of strings (one per column, a chunk at a time) they cost a fraction, and the writer
feeds the columns to SQLite without a Python loop per row. The worker also reads each body for
identifiers (it has a core to spare while the writer stores), so the writer stores them with the
message ids without reading the text back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC

from darkroom.formats.base import AccountRef, ParsedMessage
from darkroom.identifiers.extract import extract
from darkroom.model import MessageKind
from darkroom.timeutil import to_iso

SenderTuple = tuple[str, str, str | None]  # platform, handle, display name
AttachmentTuple = tuple[str, str | None]  # name, MIME type
MessageFind = tuple[int, str, str, str]  # message index in the chunk, kind, normalized value, as written
_LIST_COLUMNS = ("conversation_keys", "sent_at_utc", "sent_at_raw", "assumed_zone", "body", "kind", "locator")
CHUNK_MESSAGES = 10_000  # small enough to keep the writer busy early, large enough to cost little per chunk
_KIND_TEXT = {kind: kind.value for kind in MessageKind}  # Enum.value is a slow property


@dataclass(slots=True)
class MessageChunk:
    """Consecutive messages of one file, one list per column (index n is the n-th message)."""

    conversation_keys: list[str] = field(default_factory=list)
    senders: list[SenderTuple] = field(default_factory=list)  # distinct, in order of first message
    sender_index: list[int] = field(default_factory=list)  # into `senders`; -1 for no sender
    sent_at_utc: list[str | None] = field(default_factory=list)
    sent_at_raw: list[str | None] = field(default_factory=list)
    assumed_zone: list[str | None] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    locator: list[str] = field(default_factory=list)
    attachments: dict[int, tuple[AttachmentTuple, ...]] = field(default_factory=dict)
    keys: dict[int, str] = field(default_factory=dict)
    parent_keys: dict[int, str] = field(default_factory=dict)
    finds: list[MessageFind] | None = None  # identifiers in the bodies; None when not read
    # sender index -> earliest and latest time of its timed messages here (for first/last seen)
    sender_times: dict[int, tuple[str, str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.body)

    def note_time(self, sender: int, sent_at_utc: str) -> None:
        """Widen the sender's earliest/latest time in this chunk (ISO UTC text sorts by time)."""
        seen = self.sender_times.get(sender)
        if seen is None:
            self.sender_times[sender] = (sent_at_utc, sent_at_utc)
        elif sent_at_utc < seen[0]:
            self.sender_times[sender] = (sent_at_utc, seen[1])
        elif sent_at_utc > seen[1]:
            self.sender_times[sender] = (seen[0], sent_at_utc)

    def select(self, indexes: list[int]) -> MessageChunk:
        """The chunk of only the messages at `indexes` (in order), senders and finds renumbered."""
        position = {old: new for new, old in enumerate(indexes)}
        picked = MessageChunk()
        sender_map: dict[int, int] = {-1: -1}
        for old in indexes:
            sender = self.sender_index[old]
            if sender not in sender_map:
                sender_map[sender] = len(picked.senders)
                picked.senders.append(self.senders[sender])
            picked.sender_index.append(sender_map[sender])
        for name in _LIST_COLUMNS:
            column = getattr(self, name)
            setattr(picked, name, [column[old] for old in indexes])
        for name in ("attachments", "keys", "parent_keys"):
            column = getattr(self, name)
            setattr(picked, name, {position[old]: v for old, v in column.items() if old in position})
        if self.finds is not None:
            picked.finds = [
                (position[n], kind, value, raw) for n, kind, value, raw in self.finds if n in position
            ]
        for n, sender in enumerate(picked.sender_index):
            sent_at = picked.sent_at_utc[n]
            if sender >= 0 and sent_at is not None:
                picked.note_time(sender, sent_at)
        return picked


class ChunkBuilder:
    """Collects parsed messages into chunks; optionally reads each body for identifiers."""

    def __init__(self, region: str | None) -> None:
        self.region = region  # None: identifiers are not read here
        self.chunk = MessageChunk(finds=[] if region is not None else None)
        self._sender_ids: dict[AccountRef, int] = {}
        self._by_identity: dict[int, tuple[AccountRef, int]] = {}

    def add(self, message: ParsedMessage) -> None:
        """Append one message to the current chunk (this runs a million times: kept lean)."""
        chunk = self.chunk
        n = len(chunk.body)
        sender = message.sender
        index = -1 if sender is None else self._sender_index(sender)
        chunk.sender_index.append(index)
        chunk.conversation_keys.append(message.conversation_key)
        sent_at = message.sent_at
        if sent_at is None:
            chunk.sent_at_utc.append(None)
        else:  # what parsers give is UTC: the same text as to_iso, at half the cost
            text = sent_at.isoformat("T", "microseconds") if sent_at.tzinfo is UTC else to_iso(sent_at)
            chunk.sent_at_utc.append(text)
            if index >= 0:
                chunk.note_time(index, text)
        chunk.sent_at_raw.append(message.sent_at_raw)
        chunk.assumed_zone.append(message.assumed_zone)
        chunk.body.append(message.body)
        chunk.kind.append(_KIND_TEXT[message.kind])
        chunk.locator.append(message.locator)
        if message.attachments:
            chunk.attachments[n] = tuple((a.name, a.mime_type) for a in message.attachments)
        if message.key is not None:
            chunk.keys[n] = message.key
        if message.parent_key is not None:
            chunk.parent_keys[n] = message.parent_key
        if chunk.finds is not None and self.region is not None:
            try:
                found = extract(message.body, self.region)
            except Exception:  # noqa: BLE001 - the identifier stage reads the file again and reports it
                self.stop_reading_identifiers()
                return
            if found:
                chunk.finds.extend((n, f.kind.value, f.value_norm, f.raw) for f in found)

    def _sender_index(self, sender: AccountRef) -> int:
        """The sender's index in the chunk's senders; by object identity first (parsers reuse one
        AccountRef per sender, and hashing a dataclass costs more than the rest of `add`)."""
        known = self._by_identity.get(id(sender))
        if known is not None and known[0] is sender:  # the reference kept in `known` pins the id
            return known[1]
        index = self._sender_ids.get(sender)
        if index is None:
            index = self._sender_ids[sender] = len(self.chunk.senders)
            self.chunk.senders.append((sender.platform, sender.handle, sender.display_name))
        self._by_identity[id(sender)] = (sender, index)
        return index

    def take(self) -> MessageChunk | None:
        """The messages collected so far (None when there are none); a new chunk starts."""
        if not self.chunk.body:
            return None
        taken = self.chunk
        self.chunk = MessageChunk(finds=[] if self.region is not None else None)
        self._sender_ids = {}
        self._by_identity = {}
        return taken

    @property
    def read_identifiers(self) -> bool:
        """Whether every message so far was read for identifiers."""
        return self.region is not None

    def stop_reading_identifiers(self) -> None:
        """Identifier extraction failed: the chunks carry none (the identifier stage reads the file)."""
        self.region = None
        self.chunk.finds = None
