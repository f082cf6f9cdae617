"""The parser side of `darkroom process`, run in worker processes: sniff one file, make a working
copy when it needs one (archive members, SQLite databases with their -wal/-shm and declared
companions, all inside the case folder), parse it, and send its records to the writer in parts
while it parses (messages in columns, with the identifiers in their bodies).
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from darkroom.errors import WrongFormat
from darkroom.evidence.archives import Location, copy_location, open_location
from darkroom.formats.base import ParseContext, ParsedMessage, Parser, Record
from darkroom.formats.registry import choose, load_parsers
from darkroom.formats.stream import CHUNK_MESSAGES, ChunkBuilder, MessageChunk

SQLITE_MAGIC = b"SQLite format 3\x00"
HEAD_BYTES = 65536
RECORDS_PER_PART = 1000  # records other than messages (contacts, conversations) sent per part

Part = MessageChunk | list[Record]  # what a worker sends while it parses, in record order


@dataclass(frozen=True, slots=True)
class ParseTask:
    """Everything a worker needs to parse one file, without access to the store."""

    file_id: int
    exhibit_id: int
    exhibit_ref: str
    display_path: str
    name: str
    location: Location
    siblings: tuple[tuple[str, Location], ...]  # ("-wal", location) for SQLite databases
    region: str
    zone_name: str
    working_dir: Path
    spool_dir: Path


@dataclass(slots=True)
class ParseOutcome:
    """What a worker found: status, the parser that claimed the file, and warnings (its records
    went to the writer in parts, which count only when the status is `parsed`)."""

    file_id: int
    status: str
    parser: str | None = None
    parser_version: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None
    identifiers_read: bool = False  # every message body was read for identifiers in the worker


# -- worker side ------------------------------------------------------------------------------

_worker_parsers: list[Parser] | None = None


def _parsers() -> list[Parser]:
    global _worker_parsers  # noqa: PLW0603 - one registry load per worker process
    if _worker_parsers is None:
        _worker_parsers = load_parsers()
    return _worker_parsers


@dataclass(frozen=True, slots=True)
class RegistryFacts:
    """What the writer needs to know of the registered parsers: name -> version (in registry order)
    and whether one reads pictures and videos."""

    versions: dict[str, str]
    reads_media: bool


def prepare_worker() -> RegistryFacts | None:
    """Load the parsers before the first file comes, and tell the writer about them (None when the
    registry is broken: the writer loads it itself, to report the error)."""
    try:
        parsers = _parsers()
    except Exception:  # noqa: BLE001 - reported by the writer's own load
        return None
    versions = {p.name: p.version for p in parsers}
    return RegistryFacts(versions, any(getattr(p, "reads_media", False) for p in parsers))


def _read_head(location: Location, spool_dir: Path) -> bytes:
    with open_location(location, spool_dir) as stream:
        return stream.read(HEAD_BYTES)


def _materialize(task: ParseTask, head: bytes, parser: Parser) -> tuple[Path, bool]:
    """A path the parser can open, and whether it is a throw-away copy."""
    is_database = head.startswith(SQLITE_MAGIC)
    if not task.location.chain and not is_database:
        return Path(os.fsdecode(task.location.fs_path)), False
    folder = task.working_dir / str(task.file_id)
    target = folder / "file" / task.name
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_location(task.location, task.spool_dir, target)
    for suffix, sibling in task.siblings:
        copy_location(sibling, task.spool_dir, target.with_name(task.name + suffix))
    if not task.location.chain:
        _copy_companions(Path(os.fsdecode(task.location.fs_path)).parent, target.parent, folder, parser)
    return target, not is_database


def _copy_companions(source_dir: Path, target_dir: Path, folder: Path, parser: Parser) -> None:
    """Files a parser reads beside its database (WhatsApp's wa.db, ContactsV2, the owner's prefs),
    copied into the working folder with the same relative layout when they exist in the exhibit."""
    for relative in getattr(parser, "companions", ()):
        source = source_dir / relative
        target = (target_dir / relative).resolve()
        if not source.is_file() or source.is_symlink() or not target.is_relative_to(folder.resolve()):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def send_records(records: Iterable[Record], send: Callable[[Part], None], region: str | None) -> bool:
    """Send `records` in parts, in their order; True when every message was read for identifiers."""
    builder = ChunkBuilder(region)
    others: list[Record] = []
    for record in records:
        if isinstance(record, ParsedMessage):
            if others:
                send(others)
                others = []
            builder.add(record)
            if len(builder.chunk) >= CHUNK_MESSAGES and (chunk := builder.take()) is not None:
                send(chunk)
            continue
        if (chunk := builder.take()) is not None:
            send(chunk)
        others.append(record)
        if len(others) >= RECORDS_PER_PART:
            send(others)
            others = []
    if (chunk := builder.take()) is not None:
        send(chunk)
    if others:
        send(others)
    return builder.read_identifiers


def parse_file(task: ParseTask, send: Callable[[Part], None]) -> ParseOutcome:
    """Sniff and parse one file in a worker, sending its records as it goes; never raises (a
    failure is an outcome, and the writer drops what was sent of a file that failed)."""
    outcome = ParseOutcome(task.file_id, "unsupported")
    copy: Path | None = None
    try:
        head = _read_head(task.location, task.spool_dir)
        choice = choose(_parsers(), Path(task.name), head)
        if choice is None:
            outcome.error = "no parser recognised this file"
            return outcome
        outcome.parser, outcome.parser_version = choice.parser.name, choice.parser.version
        path, throw_away = _materialize(task, head, choice.parser)
        copy = path if throw_away else None
        ctx = ParseContext(
            task.exhibit_ref,
            task.display_path,
            task.region,
            task.zone_name,
            task.working_dir,
            derived_dir=task.working_dir.parent,
        )
        gc.disable()  # millions of short-lived tuples: the cyclic collector would rescan them over and over
        try:
            outcome.identifiers_read = send_records(choice.parser.parse(path, ctx), send, task.region)
        finally:
            gc.enable()
        outcome.warnings = ctx.warnings
        outcome.status = "parsed"
    except WrongFormat as declined:
        outcome.status = "unsupported"
        outcome.error = f"{outcome.parser} declined it: {declined}"
    except Exception as err:  # noqa: BLE001 - one bad file is recorded as failed, never aborts the run
        outcome.status = "failed"
        outcome.error = f"{type(err).__name__}: {err}"
    finally:
        if copy is not None:
            copy.unlink(missing_ok=True)
    return outcome
