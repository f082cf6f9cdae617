"""WhatsApp chat exports in the Android text layout: `dd/mm/yyyy, HH:MM - Name: text`.

A raw line looks like `14/02/2025, 18:04 - Tom B: Fancy a coffee on Friday?`; a multi-line
body continues on following lines without a header; a received image with media exported
reads `IMG-20250214-WA0003.jpg (file attached)`.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from darkroom.synth.artefacts.base import (
    SlotJob,
    TruthFile,
    WriteContext,
    join_path,
    safe_title,
    unique_name,
    write_file,
)
from darkroom.synth.artefacts.chats import E2E_NOTICE, chat_content, chat_lines, chat_title, labels_for
from darkroom.synth.media import local_time
from darkroom.synth.records import Conversation


def _stamp(moment: datetime) -> str:
    return local_time(moment).strftime("%d/%m/%Y, %H:%M")


class WhatsAppAndroidWriter:
    """One `WhatsApp Chat with NAME.txt` per exported conversation (LF, UTF-8)."""

    name = "whatsapp-android"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """Export every conversation assigned to the slot."""
        taken: set[str] = set()
        return [self._export(ctx.conversations[cid], job, ctx, taken) for cid in job.conversations]

    def _export(
        self, conversation: Conversation, job: SlotJob, ctx: WriteContext, taken: set[str]
    ) -> TruthFile:
        labels = labels_for(conversation, job, ctx)
        title = chat_title(conversation, job, labels)
        lines: list[str] = []
        messages = attachments = 0
        first: datetime | None = None
        last = conversation.start_utc
        for line in chat_lines(conversation, job, ctx):
            if first is None:
                first = line.sent_at
                lines.append(f"{_stamp(line.sent_at)} - {E2E_NOTICE} Tap to learn more.")
                if conversation.group_name is not None:
                    creator = labels[conversation.accounts[0]]
                    lines.append(f'{_stamp(line.sent_at)} - {creator} created group "{title}"')
            body = f"{line.attachment} (file attached)" if line.attachment else line.text
            lines.append(f"{_stamp(line.sent_at)} - {labels[line.sender]}: {body}")
            messages += 1
            attachments += 1 if line.attachment else 0
            last = line.sent_at
        first = first or conversation.start_utc
        system = 2 if conversation.group_name is not None else 1
        name = unique_name(taken, f"WhatsApp Chat with {safe_title(title)}.txt")
        content = chat_content(
            self.name, conversation, job, labels, (messages, system, attachments), (first, last)
        )
        payload = ("\n".join(lines) + "\n").encode("utf-8")
        return write_file(
            job,
            join_path(job.slot.path, name),
            payload,
            last + timedelta(hours=2),
            "whatsapp-android-txt",
            content,
        )
