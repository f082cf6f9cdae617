"""WhatsApp chat exports in the iOS layout: `WhatsApp Chat - NAME.zip` holding `_chat.txt`.

Lines read `[14/02/2025, 18:04:31] Tom B: Fancy a coffee?` with CRLF endings; the
end-to-end notice is attributed to the chat itself and starts with U+200E (LEFT-TO-RIGHT MARK).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from darkroom.synth.archives import zip_bytes, zip_time
from darkroom.synth.artefacts.base import (
    SlotJob,
    TruthFile,
    WriteContext,
    describe_member,
    join_path,
    safe_title,
    unique_name,
    write_file,
)
from darkroom.synth.artefacts.chats import E2E_NOTICE, chat_content, chat_lines, chat_title, labels_for
from darkroom.synth.media import local_time
from darkroom.synth.records import Conversation

_LRM = "\u200e"


def _stamp(moment: datetime) -> str:
    return local_time(moment).strftime("[%d/%m/%Y, %H:%M:%S]")


class WhatsAppIosWriter:
    """One export zip per conversation; the zip and its `_chat.txt` are both described."""

    name = "whatsapp-ios"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """Export every conversation assigned to the slot."""
        taken: set[str] = set()
        files: list[TruthFile] = []
        for conversation_id in job.conversations:
            files.extend(self._export(ctx.conversations[conversation_id], job, ctx, taken))
        return files

    def _export(
        self, conversation: Conversation, job: SlotJob, ctx: WriteContext, taken: set[str]
    ) -> list[TruthFile]:
        labels = labels_for(conversation, job, ctx)
        title = chat_title(conversation, job, labels)
        lines: list[str] = []
        messages = 0
        first: datetime | None = None
        last = conversation.start_utc
        for line in chat_lines(conversation, job, ctx):
            if first is None:
                first = line.sent_at
                lines.append(f"{_stamp(line.sent_at)} {title}: {_LRM}{E2E_NOTICE}")
            body = f"{_LRM}<attached: {line.attachment}>" if line.attachment else line.text
            lines.append(f"{_stamp(line.sent_at)} {labels[line.sender]}: {body}".replace("\n", "\r\n"))
            messages += 1
            last = line.sent_at
        first = first or conversation.start_utc
        chat_text = ("\r\n".join(lines) + "\r\n").encode("utf-8")
        exported_at = last + timedelta(hours=3)
        archive = zip_bytes([("_chat.txt", chat_text)], zip_time(local_time(exported_at)))
        name = unique_name(taken, f"WhatsApp Chat - {safe_title(title)}.zip")
        relative = join_path(job.slot.path, name)
        content = chat_content(self.name, conversation, job, labels, (messages, 1, 0), (first, last))
        outer = write_file(job, relative, archive, exported_at, "zip", {"members": 1})
        inner = describe_member(job, f"{relative}!/_chat.txt", chat_text, "whatsapp-ios-txt", content)
        return [outer, inner]
