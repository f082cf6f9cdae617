"""hyperscan and pyahocorasick find the same occurrences, with character offsets."""

from __future__ import annotations

import builtins

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from darkroom.errors import TriageConfigError
from darkroom.triage.matcher import AhoCorasickMatcher, HyperscanMatcher, Match, build_matcher
from darkroom.triage.normalize import normalize

PATTERNS = [" look after ", " kid", " loerdag ", " after her ", " ø ", " æble "]
WORDS = st.sampled_from(
    ["look", "after", "her", "kids", "kid", "lørdag", "Ø", "æble", "x", "ÆBLE", "🙂", "naïve"]
)


def _sorted(found: list[Match]) -> list[tuple[int, int, int, int]]:
    return sorted((m.text_index, m.start, m.end, m.pattern_id) for m in found)


def test_both_engines_find_overlapping_and_prefix_matches() -> None:
    texts = [normalize(t) for t in ["I will LOOK after her", "kids and a kid", "Lørdag æble", "nothing"]]
    expected = None
    for engine in ("hyperscan", "ahocorasick"):
        found = _sorted(build_matcher(PATTERNS, engine).scan(texts))  # type: ignore[arg-type]
        for index, start, end, pattern in found:
            assert texts[index][start:end] == PATTERNS[pattern]
        expected = expected or found
        assert found == expected
    assert expected is not None
    assert [(i, PATTERNS[p]) for i, _, _, p in expected] == [
        (0, " look after "),
        (0, " after her "),
        (1, " kid"),
        (1, " kid"),
        (2, " loerdag "),
    ]  # " ø " and " æble " never match: folded text holds "oe" and "aeble"


@settings(max_examples=60)
@given(st.lists(st.lists(WORDS, max_size=12).map(" ".join), max_size=12))
def test_engines_agree_on_any_batch(texts: list[str]) -> None:
    normalized = [normalize(text) for text in texts]
    hyper = _sorted(HyperscanMatcher(PATTERNS).scan(normalized))
    aho = _sorted(AhoCorasickMatcher(PATTERNS).scan(normalized))
    assert hyper == aho
    for index, start, end, pattern in hyper:
        assert normalized[index][start:end] == PATTERNS[pattern]


def test_empty_inputs_and_unknown_engines() -> None:
    assert HyperscanMatcher([]).scan(["anything"]) == []
    assert AhoCorasickMatcher(PATTERNS).scan([]) == []
    with pytest.raises(TriageConfigError, match="unknown matcher"):
        build_matcher(PATTERNS, "grep")  # type: ignore[arg-type]


def test_auto_falls_back_to_ahocorasick_without_hyperscan(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_hyperscan(name: str, *args: object, **kwargs: object) -> object:
        if name == "hyperscan":
            raise ImportError("no hyperscan here")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_hyperscan)
    assert build_matcher(PATTERNS, "auto").name == "ahocorasick"
    with pytest.raises(TriageConfigError, match="hyperscan cannot be used"):
        build_matcher(PATTERNS, "hyperscan")
