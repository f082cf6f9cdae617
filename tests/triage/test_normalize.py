"""Folding for matching: case, diacritics, Norwegian letters, apostrophes, look-alike digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.triage.normalize import (
    normalize,
    normalize_with_offsets,
    original_span,
    term_variants,
)

TEXTS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80) | st.text(
    alphabet="abcdeæøåÆØÅéüß'’ 0123456789@$.,!?-_\n\tİΣς", max_size=60
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Babysitting!", " babysitting "),
        ("b4bysitting", " babysitting "),
        ("K1DS", " kids "),
        ("s@fe", " safe "),
        ("Don’t tell", " dont tell "),
        ("don't   tell", " dont tell "),
        ("Lørdag", " loerdag "),
        ("PÅ BESØK", " paa besoek "),
        ("Ærlig", " aerlig "),
        ("café crème", " cafe creme "),
        ("Straße", " strasse "),
        ("14.03 9yo 2nd", " 14 03 9yo 2nd "),
        ("line\nbreak", " line break "),
    ],
)
def test_examples(raw: str, folded: str) -> None:
    result = normalize(raw)
    assert result.split() == folded.split()
    assert result.startswith(" ") and result.endswith(" ")  # whole words only, even at the edges


@given(TEXTS)
def test_fast_and_exact_paths_agree(text: str) -> None:
    exact, offsets = normalize_with_offsets(text)
    assert normalize(text) == exact
    assert len(offsets) == len(exact)
    assert all(-1 <= index < len(text) for index in offsets)


@given(TEXTS)
def test_offsets_never_go_backwards(text: str) -> None:
    _, offsets = normalize_with_offsets(text)
    real = [index for index in offsets if index >= 0]
    assert real == sorted(real)
    assert offsets[0] == offsets[-1] == -1


@given(TEXTS)
def test_folding_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once).split() == once.split()


@given(st.text(alphabet="abc ", max_size=20), st.sampled_from(["lørdag", "Babysit", "b4by", "Ærlig talt"]))
def test_a_span_maps_back_to_the_word_as_written(prefix: str, word: str) -> None:
    text = f"{prefix} {word}!"
    folded, offsets = normalize_with_offsets(text)
    target = normalize(word).strip()
    start = folded.index(f" {target} ") + 1
    begin, end = original_span(offsets, start, start + len(target), len(text))
    assert text[begin:end] == word


def test_norwegian_terms_match_every_keyboard_spelling() -> None:
    assert term_variants("lørdag") == ["loerdag", "lordag"]
    assert term_variants("på besøk") == ["paa besoek", "paa besok", "pa besoek", "pa besok"]
    assert term_variants("Michael") == ["michael"]  # only the term's own æ/ø/å are expanded
    for typed in ("lørdag", "loerdag", "lordag", "LØRDAG"):
        assert any(f" {form} " in normalize(typed) for form in term_variants("lørdag"))
