"""Moving parsed records from a worker process to the writer cheaply.

Pickling a million frozen dataclasses (and their datetimes) costs more than parsing them; a
message travels instead as a plain tuple of strings (a named tuple pickles half as fast), already
in the form the store keeps (UTC time as ISO text), and the writer reads it as a `PackedMessage`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from darkroom.formats.base import ParsedMessage, Record
from darkroom.timeutil import to_iso

SenderTuple = tuple[str, str, str | None]  # platform, handle, display name


class PackedMessage(NamedTuple):
    """A ParsedMessage as plain values."""

    conversation_key: str
    sender: SenderTuple | None
    sent_at_utc: str | None
    sent_at_raw: str | None
    assumed_zone: str | None
    body: str
    kind: str
    locator: str
    attachments: tuple[tuple[str, str | None], ...]
    key: str | None
    parent_key: str | None


MessageTuple = tuple[object, ...]  # a PackedMessage's fields, as sent between processes
Transported = Record | PackedMessage | MessageTuple


def pack_message(message: ParsedMessage) -> PackedMessage:
    """The flat form of one message."""
    sender = message.sender
    return PackedMessage(
        message.conversation_key,
        None if sender is None else (sender.platform, sender.handle, sender.display_name),
        to_iso(message.sent_at) if message.sent_at else None,
        message.sent_at_raw,
        message.assumed_zone,
        message.body,
        message.kind.value,
        message.locator,
        tuple((a.name, a.mime_type) for a in message.attachments),
        message.key,
        message.parent_key,
    )


def pack(records: Iterable[Record]) -> list[Transported]:
    """Messages as plain tuples; the few other records travel as they are."""
    return [tuple(pack_message(r)) if isinstance(r, ParsedMessage) else r for r in records]


def as_packed(record: Transported) -> PackedMessage | Record:
    """The writer's view of a transported record: a tuple becomes a PackedMessage again."""
    if isinstance(record, ParsedMessage):
        return pack_message(record)
    if type(record) is tuple:
        return PackedMessage._make(record)
    return record  # type: ignore[return-value]
