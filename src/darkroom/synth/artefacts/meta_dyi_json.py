"""Facebook Messenger threads from Meta's "Download your information" export, in its JSON layout.

The owner downloaded their data into an export folder: `facebook-<name>-<date>/messages/inbox/
<title>_<thread id>/message_1.json`, one folder per thread, messages newest first. Meta writes every
UTF-8 byte of a non-ASCII character as its own escape, so "Møen ⚽" is stored as
`"M\\u00c3\\u00b8en \\u00e2\\u009a\\u00bd"`; names with emoji and Norwegian lines exercise that.

The Messenger threads are between the people of the owner's planned chats (the same ties), with a
message stream of their own (derived from the chat's seed), so they never duplicate a WhatsApp copy.
Facebook accounts are not part of the planned account book: truth names the persons behind each
display name (`participants[].person`) instead of account keys, and `based_on` names the planned
chat the thread mirrors (not `conversation`, which would list it as a copy of that chat).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, join_path, write_file
from darkroom.synth.conversations import iter_messages
from darkroom.synth.records import Conversation
from darkroom.synth.rng import derive_rng, derive_seed

PLATFORM = "facebook"
MESSAGES_PER_FILE = 10_000  # Meta starts message_2.json after this many messages
NAME_EMOJI = (" ⚽", " ☕", " 🎣", " 🚴")
# A few Norwegian spellings a profile may use instead of the registered name.
NORDIC_SURNAMES = {"Moen": "Møen", "Bakke": "Bække"}
NORWEGIAN_LINES = (
    "Kaffe på fredag?",
    "Takk for i går!",
    "Så bra 👍",
    "Ses på trening",
    "Hvordan gikk kampen?",
    "Vi høres ☕",
)
REACTIONS = ("👍", "😆", "❤", "😮")
SHARE_LINKS = (
    "https://www.example.com/fixtures/spring",
    "https://www.example.org/recipes/fish-soup",
    "https://www.example.net/weather/weekend",
)


@dataclass(frozen=True, slots=True)
class _Line:
    """One entry of the thread in time order, ready to be written."""

    timestamp_ms: int
    entry: dict[str, Any]
    is_system: bool
    is_share: bool


def facebook_name(ctx: WriteContext, person_id: str) -> str:
    """The profile name a person shows on Facebook: the same on every exhibit."""
    person = ctx.population.by_id[person_id]
    rng = derive_rng(ctx.seed, "facebook-name", person_id)
    surname = (
        NORDIC_SURNAMES.get(person.last_name, person.last_name) if rng.random() < 0.8 else person.last_name
    )
    suffix = rng.choice(NAME_EMOJI) if rng.random() < 0.25 else ""
    return f"{person.first_name} {surname}{suffix}"


def meta_encoded(value: Any) -> Any:
    """Meta's mojibake: every string's UTF-8 bytes as characters U+0000..U+00FF (escaped on dump)."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [meta_encoded(item) for item in value]
    if isinstance(value, dict):
        return {key: meta_encoded(item) for key, item in value.items()}
    return value


def _slug(text: str) -> str:
    """A folder-name slug as Meta makes it: lower-case ASCII letters and digits only."""
    return "".join(char for char in text.lower() if char.isascii() and char.isalnum()) or "thread"


class MetaDyiJsonWriter:
    """The owner's Messenger threads as `message_N.json` files inside a DYI export folder."""

    name = "meta-dyi-json"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """One thread folder per chat of the owner (the slot's share of them)."""
        owner = ctx.population.by_id[job.exhibit.owner]
        exported_at = job.exhibit.seized_at - timedelta(days=rng.randrange(2, 9))
        export = join_path(job.slot.path, f"facebook-{_slug(owner.name)}-{exported_at:%Y-%m-%d}")
        files: list[TruthFile] = []
        for conversation in _owner_chats(job, rng, ctx):
            thread_id = f"{rng.randrange(10**15, 10**16)}"
            files.extend(self._thread(conversation, thread_id, export, exported_at, job, ctx))
        return files

    def _thread(
        self,
        conversation: Conversation,
        thread_id: str,
        export: str,
        exported_at: datetime,
        job: SlotJob,
        ctx: WriteContext,
    ) -> list[TruthFile]:
        persons = list(dict.fromkeys(ctx.accounts.by_key[key].person for key in conversation.accounts))
        names = {person: facebook_name(ctx, person) for person in persons}
        owner_name = names[job.exhibit.owner]
        if conversation.group_name is not None:
            title = conversation.group_name
        else:
            title = next(name for person, name in names.items() if person != job.exhibit.owner)
        thread_path = f"inbox/{_slug(title)}_{thread_id}"
        participants = [{"name": names[p]} for p in persons if p != job.exhibit.owner] + [
            {"name": owner_name}
        ]
        newest_first = list(_thread_lines(conversation, names, owner_name, ctx))[::-1]
        files: list[TruthFile] = []
        for part, start in enumerate(range(0, max(len(newest_first), 1), MESSAGES_PER_FILE), start=1):
            chunk = newest_first[start : start + MESSAGES_PER_FILE]
            document = {
                "participants": participants,
                "messages": [line.entry for line in chunk],
                "title": title,
                "is_still_participant": True,
                "thread_type": "Regular" if conversation.group_name is None else "RegularGroup",
                "thread_path": thread_path,
                "magic_words": [],
            }
            payload = json.dumps(meta_encoded(document), indent=2).encode("ascii")
            relative = join_path(export, f"messages/{thread_path}/message_{part}.json")
            content = _content(conversation, thread_path, title, names, chunk)
            files.append(write_file(job, relative, payload, exported_at, "meta-dyi-json", content))
        return files


def _owner_chats(job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[Conversation]:
    """The slot's chats; the planner assigns chats to WhatsApp slots only, so otherwise the owner's
    chats (any account of the owner taking part), each kept with the slot's share."""
    if job.conversations:
        return [ctx.conversations[cid] for cid in job.conversations]
    owner = job.exhibit.owner
    chosen: list[Conversation] = []
    for conversation in ctx.conversations.values():
        if any(ctx.accounts.by_key[key].person == owner for key in conversation.accounts) and (
            job.slot.share >= 1.0 or rng.random() < job.slot.share
        ):
            chosen.append(conversation)
    return chosen


def _thread_lines(
    conversation: Conversation, names: dict[str, str], owner_name: str, ctx: WriteContext
) -> Iterator[_Line]:
    """The thread in time order: small talk (some in Norwegian), shared links, reactions, a call."""
    messenger = replace(
        conversation,
        seed=derive_seed(conversation.seed, "messenger"),
        message_count=max(3, conversation.message_count // 2),
    )
    rng = derive_rng(ctx.seed, "messenger-lines", conversation.id)
    for number, message in enumerate(iter_messages(messenger)):
        sender = names[ctx.accounts.by_key[message.sender].person]
        stamp = int(message.sent_at.timestamp() * 1000) + rng.randrange(1000)
        if number == 2:
            call = {"sender_name": sender, "timestamp_ms": stamp, "content": "The call ended."}
            call.update(type="Call", call_duration=rng.randrange(30, 900), is_geoblocked_for_viewer=False)
            yield _Line(stamp, call, True, False)
            continue
        entry: dict[str, Any] = {"sender_name": sender, "timestamp_ms": stamp}
        roll = rng.random()
        if roll < 0.08:
            entry.update(content=rng.choice(SHARE_LINKS), share={"link": "", "share_text": ""}, type="Share")
            entry["share"]["link"] = entry["content"]
        else:
            text = rng.choice(NORWEGIAN_LINES) if roll < 0.2 else message.text
            entry.update(content=text, type="Generic")
        if rng.random() < 0.1:
            others = [name for name in names.values() if name != sender] or [owner_name]
            entry["reactions"] = [{"reaction": rng.choice(REACTIONS), "actor": rng.choice(others)}]
        entry["is_geoblocked_for_viewer"] = False
        yield _Line(stamp, entry, False, entry["type"] == "Share")


def _content(
    conversation: Conversation, thread_path: str, title: str, names: dict[str, str], chunk: list[_Line]
) -> dict[str, object]:
    """The truth.json description of one `message_N.json` file."""
    stamps = [line.timestamp_ms for line in chunk]
    return {
        "format": MetaDyiJsonWriter.name,
        "platform": PLATFORM,
        "based_on": conversation.id,
        "thread_path": thread_path,
        "title": title,
        "group": conversation.group_name,
        "persons": sorted(names),
        "participants": [{"label": name, "person": person} for person, name in names.items()],
        "message_count": sum(1 for line in chunk if not line.is_system),
        "system_count": sum(1 for line in chunk if line.is_system),
        "share_count": sum(1 for line in chunk if line.is_share),
        "attachment_count": 0,
        "first_timestamp_ms": min(stamps, default=None),
        "last_timestamp_ms": max(stamps, default=None),
    }
