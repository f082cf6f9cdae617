"""Finding parsers: built-ins register by entry point exactly as third-party packages do."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from darkroom.formats.base import Parser
from darkroom.plugins import load_plugins

ENTRY_POINT_GROUP = "darkroom.formats"
MIN_CONFIDENCE = 0.5


class RegistryError(Exception):
    """A registered parser is broken (import failure, duplicate or missing name)."""


@dataclass(frozen=True, slots=True)
class Choice:
    """The parser that claimed a file, and how sure it was."""

    parser: Parser
    confidence: float


def load_parsers() -> list[Parser]:
    """Every parser registered under `darkroom.formats`, sorted by name; names must be unique."""
    parsers: dict[str, Parser] = load_plugins(
        entry_points(group=ENTRY_POINT_GROUP), Parser, "parser", RegistryError
    )
    return [parsers[name] for name in sorted(parsers)]


def choose(parsers: list[Parser], path: Path, head: bytes) -> Choice | None:
    """The most confident parser at or above MIN_CONFIDENCE; ties go to the first by name."""
    best: Choice | None = None
    for parser in parsers:
        confidence = parser.sniff(path, head)
        if confidence >= MIN_CONFIDENCE and (best is None or confidence > best.confidence):
            best = Choice(parser, confidence)
    return best
