"""Lexicons: the shipped examples load; every problem names its file, line and term."""

from __future__ import annotations

from pathlib import Path

import pytest

from darkroom.errors import TriageConfigError
from darkroom.triage.lexicon import (
    CATEGORIES,
    SHIPPED,
    load_lexicon,
    load_lexicons,
    parse_lexicon,
    shipped_lexicon,
)
from darkroom.triage.scanner import IndicatorScanner

GOOD = """\
lexicon: unit-test
language: en
negations: [not]
categories:
  access:
    weight: 2
    terms:
      - looking after her
      - {term: babysit*, weight: 3, requires: [weekend], excludes: [football]}
  planning:
    terms: [come over]
"""


def test_a_lexicon_loads_with_defaults_and_overrides() -> None:
    lexicon = parse_lexicon(GOOD, "unit.yaml")
    assert lexicon.name == "unit-test"
    assert lexicon.negations == ("not",)
    terms = {term.text: term for term in lexicon.terms}
    assert terms["looking after her"].weight == 2
    assert terms["looking after her"].line == 8
    assert terms["babysit*"].prefix and terms["babysit*"].patterns == (" babysit",)
    assert terms["babysit*"].requires == ("weekend",) and terms["babysit*"].excludes == ("football",)
    assert terms["come over"].category == "planning" and terms["come over"].weight == 1.0
    assert len(lexicon.sha256_hex) == 64


HEAD = "lexicon: x\nlanguage: en\ncategories:\n"
TERMS = HEAD + "  access:\n    terms:\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD + "  a: {terms: [ok]}\ncolour: red\n", r"unit.yaml:5: unknown key 'colour'"),
        (TERMS + "      - '!!!'\n", r"unit.yaml:6: term '!!!' has no"),
        (HEAD + "  access:\n    weight: heavy\n    terms: [a]\n", r"unit.yaml:5: the weight"),
        (TERMS + "      - {term: a, weight: 0}\n", r"unit.yaml:6: term 'a' weight must lie between"),
        (
            "lexicon: x\nlanguage: english\ncategories: {a: {terms: [b]}}\n",
            r"unit.yaml:2: language 'english'",
        ),
        (TERMS + "      - Lørdag\n      - lordag\n", r"unit.yaml:7: term 'lordag' repeats line 6"),
        (HEAD + "  Access Child:\n    terms: [a]\n", r"unit.yaml:4: category id"),
        (TERMS + "      - ab*\n", r"at least 3 letters"),
        (TERMS + "      - a*b\n", r"only at the end"),
        ("lexicon: x\nlanguage: en\n", r"needs a 'categories' key"),
        ("lexicon: [x\n", r"unit.yaml:2: not valid YAML"),
        ("- just\n- a list\n", r"must hold a mapping"),
        (TERMS + "      - {weight: 2}\n", r"needs 'term'"),
    ],
)
def test_every_problem_names_file_line_and_term(text: str, message: str) -> None:
    with pytest.raises(TriageConfigError, match=message):
        parse_lexicon(text, "unit.yaml")


def test_an_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TriageConfigError, match="cannot read the lexicon"):
        load_lexicon(tmp_path / "missing.yaml")
    with pytest.raises(TriageConfigError, match="no shipped lexicon 'de'"):
        load_lexicons(["shipped:de"])


def test_two_lexicons_may_not_share_a_name(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(TriageConfigError, match="two lexicons are named"):
        load_lexicons([str(path), str(path)])


def test_default_set_is_both_shipped_examples() -> None:
    chosen = load_lexicons(None)
    assert [lexicon.name for lexicon in chosen.lexicons] == ["darkroom-example-en", "darkroom-example-nb"]
    assert chosen.sha256_hex != load_lexicons(["shipped:en"]).sha256_hex


@pytest.mark.parametrize("language", SHIPPED)
def test_contract_every_shipped_term_is_found_in_its_own_words(language: str) -> None:
    """The lexicon contract: every term, written in a sentence, is found as that term."""
    lexicon = shipped_lexicon(language)
    assert {term.category for term in lexicon.terms} == set(CATEGORIES)
    scanner = IndicatorScanner(load_lexicons([f"shipped:{language}"]))
    sentences = [
        f"Well, {term.text.rstrip('*')}{'ing' if term.prefix else ''} then." for term in lexicon.terms
    ]
    found = scanner.scan(sentences)
    for term, hits in zip(lexicon.terms, found, strict=True):
        assert any(hit.term.category == term.category for hit in hits), term.text
