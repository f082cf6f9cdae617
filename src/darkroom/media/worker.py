"""The worker-process side of the media stage: one file in, its facts (or why not) out."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from darkroom.errors import DarkroomError
from darkroom.evidence.archives import Location, copy_location
from darkroom.media.analyse import MediaFacts, analyse_media


@dataclass(frozen=True, slots=True)
class MediaTask:
    """Everything a worker needs to analyse one picture or video, without the store."""

    file_id: int
    media_kind: Literal["image", "video"]
    name: str
    location: Location
    working_dir: Path
    spool_dir: Path


@dataclass(frozen=True, slots=True)
class MediaOutcome:
    """A file's facts, or the reason it could not be analysed."""

    file_id: int
    media_kind: Literal["image", "video"]
    facts: MediaFacts | None
    error: str | None


def _working_copy(task: MediaTask) -> Path:
    """Archive members are copied into the case folder (never a temp folder) to be decoded."""
    target = task.working_dir / f"media-{task.file_id}" / task.name
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_location(task.location, task.spool_dir, target)
    return target


def analyse_task(task: MediaTask) -> MediaOutcome:
    """Analyse one file; every failure becomes a recorded reason, never an exception."""
    copy: Path | None = None
    try:
        if task.location.chain:
            copy = _working_copy(task)
        path = copy or Path(os.fsdecode(task.location.fs_path))
        facts = analyse_media(path, task.media_kind)
    except DarkroomError as err:
        return MediaOutcome(task.file_id, task.media_kind, None, str(err))
    except OSError as err:
        return MediaOutcome(task.file_id, task.media_kind, None, f"cannot read the file: {err.strerror}")
    except Exception as err:  # noqa: BLE001 - a decoder bug must cost one file, not the run
        return MediaOutcome(task.file_id, task.media_kind, None, f"unexpected {type(err).__name__}")
    finally:
        if copy is not None:
            shutil.rmtree(copy.parent, ignore_errors=True)
    return MediaOutcome(task.file_id, task.media_kind, facts, None)


def died(task: MediaTask, reason: str) -> MediaOutcome:
    """The outcome of a file whose worker process died (a crash in a native decoder)."""
    error = f"the decoder process died on this file ({reason})"
    return MediaOutcome(task.file_id, task.media_kind, None, error)
