"""Lexicon terms found in message bodies: normalize, one multi-pattern pass, context rules,
spans mapped back to the original body.

Context rules run only where a pattern matched: a negation within the lexicon's window of
words before a negatable term cancels it ("not looking after her"), `requires` and
`excludes` look at the whole message. Within one message a category keeps a hit only once per
span, and a hit inside a longer hit of the same category ("the little one" inside "alone
with the little one") is dropped, so counts do not double.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from darkroom.triage.lexicon import LexiconSet, Term
from darkroom.triage.matcher import Match, MatcherName, build_matcher
from darkroom.triage.normalize import normalize, normalize_with_offsets, original_span


@dataclass(frozen=True, slots=True)
class TermHit:
    """A term found in one text, with its span in the original text (characters)."""

    term: Term
    start: int
    end: int


class IndicatorScanner:
    """A lexicon set compiled once for one engine; `scan` takes bodies in batches."""

    def __init__(self, lexicons: LexiconSet, engine: MatcherName = "auto") -> None:
        self.lexicons = lexicons
        pattern_ids: dict[str, int] = {}
        self._terms: list[list[Term]] = []
        for term in lexicons.terms:
            for pattern in term.patterns:
                if pattern not in pattern_ids:
                    pattern_ids[pattern] = len(self._terms)
                    self._terms.append([])
                self._terms[pattern_ids[pattern]].append(term)
        self.patterns = list(pattern_ids)
        self.matcher = build_matcher(self.patterns, engine)

    @property
    def engine(self) -> str:
        return self.matcher.name

    def scan(self, bodies: Sequence[str]) -> list[list[TermHit]]:
        """Per body, the hits that survive the context rules, in span order."""
        normalized = list(map(normalize, bodies))
        by_text: dict[int, list[Match]] = defaultdict(list)
        for match in self.matcher.scan(normalized):
            by_text[match.text_index].append(match)
        found: list[list[TermHit]] = [[] for _ in bodies]
        for index, matches in by_text.items():
            found[index] = self._resolve(bodies[index], normalized[index], matches)
        return found

    def _resolve(self, body: str, folded: str, matches: list[Match]) -> list[TermHit]:
        exact, offsets = normalize_with_offsets(body)
        if exact != folded:  # the two paths disagree: trust the one with offsets
            folded = exact
        kept: list[tuple[int, int, TermHit]] = []
        for match in matches:
            start, end = match.start + 1, match.end
            pattern = self.patterns[match.pattern_id]
            if pattern.endswith(" "):
                end -= 1
            else:  # a prefix term runs to the end of its word
                end = folded.find(" ", end)
            span = original_span(offsets, start, end, len(body))
            for term in self._terms[match.pattern_id]:
                if self._applies(term, body, folded, span[0]):
                    kept.append((start, end, TermHit(term, span[0], span[1])))
        return _deduplicate(kept)

    def _applies(self, term: Term, body: str, folded: str, span_start: int) -> bool:
        if term.requires and not any(f" {word} " in folded for word in term.requires):
            return False
        if any(f" {word} " in folded for word in term.excludes):
            return False
        if term.negatable:
            negations, window = self.lexicons.negations_for(term.lexicon)
            return not (window and negations and _negated(body[:span_start], negations, window))
        return True


def _negated(before: str, negations: tuple[str, ...], window: int) -> bool:
    """A negation among the last `window` words before the term, within its own sentence."""
    sentence_start = max(before.rfind(mark) for mark in ".!?;\n") + 1
    words = normalize(before[sentence_start:]).split()[-window:]
    return any(word in negations for word in words)


def _deduplicate(kept: list[tuple[int, int, TermHit]]) -> list[TermHit]:
    """One hit per category and span; hits inside a longer hit of the same category go."""
    kept.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    result: list[tuple[int, int, TermHit]] = []
    for start, end, hit in kept:
        covered = any(
            other.term.category == hit.term.category and o_start <= start and end <= o_end
            for o_start, o_end, other in result
        )
        if not covered:
            result.append((start, end, hit))
    return [hit for _, _, hit in result]
