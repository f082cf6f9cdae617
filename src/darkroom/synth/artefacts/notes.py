"""Plain-text everyday notes in a laptop's Documents folder: realistic clutter, no identifiers."""

from __future__ import annotations

import random
from datetime import timedelta

from darkroom.synth.artefacts.base import SlotJob, TruthFile, WriteContext, join_path, write_file
from darkroom.synth.vocab import NOTE_LINES


class NotesWriter:
    """Two to four short to-do style text files."""

    name = "notes"

    def write(self, job: SlotJob, rng: random.Random, ctx: WriteContext) -> list[TruthFile]:
        """Write the notes; their content is bland and carries no identifiers."""
        names = ["todo.txt", "shopping list.txt", "notes.txt", "car.txt"]
        files: list[TruthFile] = []
        for name in names[: rng.randint(2, 4)]:
            lines = rng.sample(NOTE_LINES, rng.randint(3, 6))
            payload = ("\r\n".join(lines) + "\r\n").encode("utf-8")
            when = job.exhibit.seized_at - timedelta(days=rng.randrange(2, 200))
            files.append(
                write_file(job, join_path(job.slot.path, name), payload, when, "text", {"lines": len(lines)})
            )
        return files
