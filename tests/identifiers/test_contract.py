"""One contract over every registered identifier finder: its examples are found alone and in prose,
`raw` is the exact slice, `normalize(raw)` gives `value_norm`, and normalizing is idempotent."""

from __future__ import annotations

import pytest

from darkroom.identifiers.extract import FINDERS, Finder, extract
from darkroom.model import IdentifierKind

REGION = "GB"
CASES = [
    pytest.param(finder, example, id=f"{finder.name}:{example[:24]}")
    for finder in FINDERS
    for example in finder.examples
]


def test_every_identifier_kind_has_a_finder() -> None:
    assert {f.kind for f in FINDERS} == set(IdentifierKind) - {IdentifierKind.HANDLE}
    assert len({f.name for f in FINDERS}) == len(FINDERS)


@pytest.mark.parametrize(("finder", "example"), CASES)
def test_example_is_found_alone(finder: Finder, example: str) -> None:
    hits = list(finder.find(example, REGION))
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.kind, hit.raw, hit.start, hit.end) == (finder.kind, example, 0, len(example))
    assert hit.value_norm
    assert 0 < hit.confidence <= 1


@pytest.mark.parametrize(("finder", "example"), CASES)
def test_normalize_matches_found_value_and_is_idempotent(finder: Finder, example: str) -> None:
    value = finder.find(example, REGION).__next__().value_norm
    assert finder.normalize(example, REGION) == value
    assert finder.normalize(value, REGION) == value


@pytest.mark.parametrize(("finder", "example"), CASES)
def test_example_is_extracted_from_prose(finder: Finder, example: str) -> None:
    text = f"ok so here it is: {example} — thanks!"
    hits = [h for h in extract(text, REGION) if h.kind == finder.kind]
    assert [h.raw for h in hits] == [example]
    assert text[hits[0].start : hits[0].end] == example


@pytest.mark.parametrize("finder", FINDERS, ids=lambda f: f.name)
@pytest.mark.parametrize("junk", ["", "   ", "hello", "@", "0x", "::", ".onion", "http://", "+", "1.2.3"])
def test_junk_finds_and_normalizes_to_nothing(finder: Finder, junk: str) -> None:
    assert list(finder.find(junk, REGION)) == []
    assert finder.normalize(junk, REGION) is None
