"""The artefact-writer contract: one small class per output format, looked up by `name`.

A writer receives a `SlotJob` (which exhibit, which slot of its device profile, which chats),
its own random stream and the shared `WriteContext`, writes files below `job.root` and returns
one `TruthFile` per file written, saying what the file holds.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from darkroom.synth.accounts import AccountBook
from darkroom.synth.contacts import AddressBook
from darkroom.synth.exhibits import ArtefactSlot, ExhibitPlan
from darkroom.synth.media import Attachment
from darkroom.synth.population import Population
from darkroom.synth.records import Conversation

Content = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class TruthFile:
    """A written file: where it is inside its exhibit, what kind it is, and what it holds."""

    exhibit: str
    path: str  # relative to the exhibit root; archive members as `outer.zip!/inner`
    kind: str
    size: int
    sha256: str
    content: Content | None = None


@dataclass(frozen=True, slots=True)
class SlotJob:
    """One slot of one exhibit to fill: the folder being written and the chats it exports."""

    exhibit: ExhibitPlan
    slot: ArtefactSlot
    conversations: tuple[str, ...]
    root: Path


@dataclass(frozen=True, slots=True)
class WriteContext:
    """The planned case every writer reads from."""

    seed: int
    population: Population
    accounts: AccountBook
    conversations: Mapping[str, Conversation]
    address_books: Mapping[str, AddressBook]
    attachments: Mapping[tuple[str, str], tuple[Attachment, ...]]


class ArtefactWriter(Protocol):
    """A format writer; built-ins and later formats register the same way (see `registry`)."""

    @property
    def name(self) -> str:
        """Unique name used in device profiles' slots."""
        ...

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """Write this format's files for the job and describe each one."""
        ...


def write_file(
    job: SlotJob, relative: str, payload: bytes, when: datetime, kind: str, content: Content | None = None
) -> TruthFile:
    """Write `payload` at `relative` inside the exhibit, pin its mtime, and describe it."""
    target = job.root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(payload)
    stamp = when.timestamp()
    os.utime(target, (stamp, stamp))
    digest = hashlib.sha256(payload).hexdigest()
    return TruthFile(job.exhibit.ref, relative, kind, len(payload), digest, content)


def describe_member(
    job: SlotJob, path: str, payload: bytes, kind: str, content: Content | None = None
) -> TruthFile:
    """Describe a member of an archive the writer built in memory (`outer.zip!/inner`)."""
    return TruthFile(job.exhibit.ref, path, kind, len(payload), hashlib.sha256(payload).hexdigest(), content)


def join_path(folder: str, name: str) -> str:
    """`folder/name`, or just `name` at the exhibit root."""
    return f"{folder}/{name}" if folder else name


def unique_name(taken: set[str], name: str) -> str:
    """`name`, or `name (2)`, `name (3)` … before the extension when already taken."""
    stem, dot, suffix = name.rpartition(".")
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{stem} ({number}){dot}{suffix}"
        number += 1
    taken.add(candidate)
    return candidate


def safe_title(text: str) -> str:
    """A chat title usable in a file name (exporters drop path separators and colons)."""
    return "".join("_" if char in '/\\:*?"<>|' else char for char in text).strip() or "chat"
