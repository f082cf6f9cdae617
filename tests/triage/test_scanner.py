"""Hits with context rules (negation, requires, excludes), de-duplication, spans in the body."""

from __future__ import annotations

import pytest

from darkroom.triage.lexicon import LexiconSet, load_lexicons, parse_lexicon
from darkroom.triage.scanner import IndicatorScanner

RULES = """\
lexicon: rules
language: en
negation_window: 3
negations: [not, never, dont]
categories:
  access:
    terms:
      - looking after her
      - the little one
      - alone with the little one
      - {term: babysit*, requires: [weekend], excludes: [football]}
      - {term: tell anyone, negatable: false}
"""


@pytest.fixture(scope="module", params=["hyperscan", "ahocorasick"])
def scanner(request: pytest.FixtureRequest) -> IndicatorScanner:
    return IndicatorScanner(LexiconSet((parse_lexicon(RULES, "rules.yaml"),)), request.param)


def _found(scanner: IndicatorScanner, body: str) -> list[tuple[str, str]]:
    return [(hit.term.text, body[hit.start : hit.end]) for hit in scanner.scan([body])[0]]


def test_spans_point_at_the_words_as_written(scanner: IndicatorScanner) -> None:
    body = "OK!! I'm LOOKING   after\nHER on Saturday"
    assert _found(scanner, body) == [("looking after her", "LOOKING   after\nHER")]


def test_a_negation_just_before_cancels_within_its_sentence(scanner: IndicatorScanner) -> None:
    assert _found(scanner, "I am not looking after her") == []
    assert _found(scanner, "I'm never really looking after her") == []
    assert _found(scanner, "Not now. Looking after her tomorrow") == [
        ("looking after her", "Looking after her")
    ]
    assert _found(scanner, "not me, no, the neighbour is looking after her") == [
        ("looking after her", "looking after her")
    ]  # the negation is more than three words back
    assert _found(scanner, "Don't tell anyone") == [("tell anyone", "tell anyone")]  # negatable: false


def test_requires_and_excludes_look_at_the_whole_message(scanner: IndicatorScanner) -> None:
    assert _found(scanner, "babysitting again") == []
    assert _found(scanner, "babysitting at the weekend") == [("babysit*", "babysitting")]
    assert _found(scanner, "babysitting at the weekend, then football") == []


def test_a_hit_inside_a_longer_hit_of_its_category_counts_once(scanner: IndicatorScanner) -> None:
    assert _found(scanner, "alone with the little one") == [
        ("alone with the little one", "alone with the little one")
    ]
    assert _found(scanner, "the little one, the little one") == [
        ("the little one", "the little one"),
        ("the little one", "the little one"),
    ]


def test_norwegian_spellings_and_disguised_letters_match_the_shipped_terms() -> None:
    scanner = IndicatorScanner(load_lexicons(None))
    for body in ("Jeg passer den lille på lørdag", "jeg passer den lille", "Mora er b0rtreist"):
        assert scanner.scan([body])[0], body
    hits = scanner.scan(["Jeg skal IKKE passe henne neste lordag"])[0]
    assert hits == []
    found = scanner.scan(["Babysitting nå, slett chatten etterpå"])[0]
    assert sorted(h.term.category for h in found) == ["access", "secrecy"]
