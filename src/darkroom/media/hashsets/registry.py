"""Finding hash-set readers: built-ins register by entry point (`darkroom.hashsets`) as third parties do.

Until the installed package metadata carries the group (an editable install made before it existed),
the built-in readers are added from BUILTIN_READERS, so darkroom always reads its own formats.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

from darkroom.errors import InvalidInput
from darkroom.media.hashsets.base import HashSetReader
from darkroom.media.hashsets.csv_set import CsvReader
from darkroom.media.hashsets.nsrl import NsrlReader
from darkroom.media.hashsets.vics import VicsReader
from darkroom.plugins import load_plugins

ENTRY_POINT_GROUP = "darkroom.hashsets"
HEAD_SIZE = 64 * 1024
CERTAIN = 0.9
BUILTIN_READERS: dict[str, Callable[[], HashSetReader]] = {
    "csv": CsvReader,
    "nsrl": NsrlReader,
    "vics": VicsReader,
}


class RegistryError(Exception):
    """A registered reader is broken (not a reader, or two share a name): a packaging bug."""


def load_readers() -> dict[str, HashSetReader]:
    """Every registered reader by name (entry points first, then built-ins not registered yet)."""
    readers: dict[str, HashSetReader] = load_plugins(
        entry_points(group=ENTRY_POINT_GROUP), HashSetReader, "hash-set reader", RegistryError
    )
    for name, factory in BUILTIN_READERS.items():
        readers.setdefault(name, factory())
    return dict(sorted(readers.items()))


def reader_named(name: str) -> HashSetReader:
    """The reader `--format NAME` asks for, or a clear error naming the ones there are."""
    readers = load_readers()
    reader = readers.get(name.strip().lower())
    if reader is None:
        msg = f"unknown hash-set format {name!r}; use one of {', '.join(readers)}"
        raise InvalidInput(msg)
    return reader


def read_head(path: Path) -> bytes:
    """The first bytes of the file, as readers' `detect` wants them."""
    try:
        with path.open("rb") as source:
            return source.read(HEAD_SIZE)
    except OSError as err:
        msg = f"cannot read {path}: {err.strerror or err}"
        raise InvalidInput(msg) from err


def detect_reader(path: Path) -> HashSetReader:
    """The one reader certain of the file (confidence >= CERTAIN, no other as sure); else ask for --format."""
    head = read_head(path)
    if not head:
        msg = f"{path.name} is empty"
        raise InvalidInput(msg)
    readers = load_readers()
    scores = sorted(((reader.detect(path, head), name) for name, reader in readers.items()), reverse=True)
    best_score, best_name = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    if best_score < CERTAIN or runner_up >= best_score:
        msg = f"cannot tell the format of {path.name} for certain; give it with --format {'|'.join(readers)}"
        raise InvalidInput(msg)
    return readers[best_name]
