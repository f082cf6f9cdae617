"""One multi-pattern pass over a batch of normalized texts: hyperscan where it is installed
(x86-64), pyahocorasick everywhere else. Both find every (overlapping) occurrence of every
pattern and report it against the text it lies in, so either engine gives the same hits.

A batch is joined into one string with newlines (normalized text holds none, and patterns
never span one), scanned once, and each match is mapped back to its text by bisection: one
scan call per batch instead of one per message.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from darkroom.errors import TriageConfigError

MatcherName = Literal["auto", "hyperscan", "ahocorasick"]
_SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class Match:
    """Pattern `pattern_id` found in text `text_index` at characters [start, end)."""

    text_index: int
    pattern_id: int
    start: int
    end: int


class Matcher(Protocol):
    """A compiled set of literal patterns."""

    name: str

    def scan(self, texts: Sequence[str]) -> list[Match]:
        """Every occurrence of every pattern in every text, in no particular order."""
        ...


def _starts(texts: Sequence[str]) -> list[int]:
    """Where each text begins in the joined batch (characters)."""
    starts: list[int] = []
    position = 0
    for item in texts:
        starts.append(position)
        position += len(item) + 1
    return starts


class AhoCorasickMatcher:
    """pyahocorasick's automaton over str: offsets are characters already."""

    name = "ahocorasick"

    def __init__(self, patterns: Sequence[str]) -> None:
        import ahocorasick  # noqa: PLC0415 - optional engine, loaded only when chosen

        self._automaton: Any = ahocorasick.Automaton()
        for pattern_id, pattern in enumerate(patterns):
            self._automaton.add_word(pattern, (pattern_id, len(pattern)))
        self._automaton.make_automaton()

    def scan(self, texts: Sequence[str]) -> list[Match]:
        if not texts:
            return []
        joined = _SEPARATOR.join(texts)
        starts = _starts(texts)
        found: list[Match] = []
        for last, (pattern_id, length) in self._automaton.iter(joined):
            end = last + 1
            index = bisect_right(starts, end - length) - 1
            base = starts[index]
            found.append(Match(index, pattern_id, end - length - base, end - base))
        return found


class HyperscanMatcher:
    """Intel's hyperscan, block mode, pure-literal compiler; offsets are UTF-8 bytes, mapped
    back to characters for any text that is not ASCII."""

    name = "hyperscan"

    def __init__(self, patterns: Sequence[str]) -> None:
        import hyperscan  # noqa: PLC0415 - optional engine (x86-64 only)

        encoded = [pattern.encode("utf-8") for pattern in patterns]
        self._lengths = [len(pattern) for pattern in encoded]
        self._database: Any = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        if encoded:
            self._database.compile(
                expressions=encoded, ids=list(range(len(encoded))), elements=len(encoded), literal=True
            )
        self._empty = not encoded

    def scan(self, texts: Sequence[str]) -> list[Match]:
        if not texts or self._empty:
            return []
        joined = _SEPARATOR.join(texts)
        ascii_only = joined.isascii()
        data = joined.encode("utf-8")
        starts = _starts(texts) if ascii_only else _byte_starts(texts)
        raw: list[tuple[int, int]] = []

        def on_match(pattern_id: int, _from: int, to: int, _flags: int, _context: object) -> None:
            raw.append((pattern_id, to))

        self._database.scan(data, match_event_handler=on_match)
        found: list[Match] = []
        for pattern_id, end in raw:
            begin = end - self._lengths[pattern_id]
            index = bisect_right(starts, begin) - 1
            base = starts[index]
            if ascii_only:
                found.append(Match(index, pattern_id, begin - base, end - base))
                continue
            text_bytes = data[base : base + len(texts[index].encode("utf-8"))]
            char_begin = len(text_bytes[: begin - base].decode("utf-8"))
            char_end = len(text_bytes[: end - base].decode("utf-8"))
            found.append(Match(index, pattern_id, char_begin, char_end))
        return found


def _byte_starts(texts: Sequence[str]) -> list[int]:
    starts: list[int] = []
    position = 0
    for item in texts:
        starts.append(position)
        position += len(item.encode("utf-8")) + 1
    return starts


def build_matcher(patterns: Sequence[str], engine: MatcherName = "auto") -> Matcher:
    """A matcher for `patterns` (pattern id = list index); `auto` is hyperscan where it imports."""
    if engine not in {"auto", "hyperscan", "ahocorasick"}:
        raise TriageConfigError(f"unknown matcher {engine!r}; use hyperscan, ahocorasick or auto")
    if engine in {"auto", "hyperscan"}:
        try:
            return HyperscanMatcher(patterns)
        except ImportError as err:
            if engine == "hyperscan":
                raise TriageConfigError(f"hyperscan cannot be used here ({err}); use ahocorasick") from err
    return AhoCorasickMatcher(patterns)
