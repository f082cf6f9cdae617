"""What every chat-export writer shares: names as the device shows them, and the message stream.

An export labels each sender by the name saved in the owner's address book, falls back to
the number for unsaved contacts, and uses the owner's own profile name for their messages.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from darkroom.synth.artefacts.base import SlotJob, WriteContext
from darkroom.synth.conversations import ChatMessage, iter_messages
from darkroom.synth.fictional import format_phone
from darkroom.synth.media import local_time
from darkroom.synth.records import Conversation

E2E_NOTICE = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, "
    "not even WhatsApp, can read or listen to them."
)


@dataclass(frozen=True, slots=True)
class ChatLine:
    """A message or a received-image line, ready to print."""

    sent_at: datetime
    sender: str
    text: str
    attachment: str | None


def labels_for(conversation: Conversation, job: SlotJob, ctx: WriteContext) -> dict[str, str]:
    """account key -> the sender name this device's export prints."""
    book = ctx.address_books.get(job.exhibit.owner)
    labels: dict[str, str] = {}
    for key in conversation.accounts:
        account = ctx.accounts.by_key[key]
        if key in job.exhibit.whatsapp_accounts or account.person == job.exhibit.owner:
            labels[key] = account.display_name
        elif book is not None and account.handle in book.label_by_phone:
            labels[key] = book.label_by_phone[account.handle]
        else:
            labels[key] = format_phone(account.handle, "international")
    return labels


def chat_title(conversation: Conversation, job: SlotJob, labels: dict[str, str]) -> str:
    """The group name, or the name of the other party as this device shows it."""
    if conversation.group_name is not None:
        return conversation.group_name
    others = [key for key in conversation.accounts if key not in job.exhibit.whatsapp_accounts]
    return labels[others[0]] if others else labels[conversation.accounts[-1]]


def chat_lines(conversation: Conversation, job: SlotJob, ctx: WriteContext) -> Iterator[ChatLine]:
    """The chat's messages merged in time order with the images this device received in it."""
    messages = (_as_line(message) for message in iter_messages(conversation))
    received = ctx.attachments.get((job.exhibit.ref, conversation.id), ())
    images = (ChatLine(a.sent_at, a.sender, "", a.file_name) for a in received)
    return heapq.merge(messages, images, key=lambda line: line.sent_at)


def _as_line(message: ChatMessage) -> ChatLine:
    return ChatLine(message.sent_at, message.sender, message.text, None)


def chat_content(
    writer: str,
    conversation: Conversation,
    job: SlotJob,
    labels: dict[str, str],
    counts: tuple[int, int, int],
    span: tuple[datetime, datetime],
) -> dict[str, object]:
    """The truth.json description of one exported chat file."""
    message_count, system_count, attachment_count = counts
    owner_accounts = [key for key in conversation.accounts if key in job.exhibit.whatsapp_accounts]
    return {
        "format": writer,
        "platform": conversation.platform,
        "conversation": conversation.id,
        "group": conversation.group_name,
        "owner_account": owner_accounts[0] if owner_accounts else None,
        "accounts": sorted(conversation.accounts),
        "participants": [{"label": labels[key], "account": key} for key in conversation.accounts],
        "message_count": message_count,
        "system_count": system_count,
        "attachment_count": attachment_count,
        "first_local": local_time(span[0]).isoformat(),
        "last_local": local_time(span[1]).isoformat(),
    }
