"""Value normalisation shared by the readers: booleans, categories, digests, PDQ quality."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.media.hashsets.base import category_text, clean_digest, clean_pdq, clean_quality, parse_flag


def random_case(draw: st.DrawFn, word: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if flip else c for c, flip in zip(word, flips, strict=True))


@st.composite
def written_booleans(draw: st.DrawFn) -> tuple[object, bool]:
    """A boolean as VICS/CSV writers spell it, with the value it means."""
    truth = draw(st.booleans())
    style = draw(st.sampled_from(["json", "text", "int", "digit"]))
    pad = draw(st.sampled_from(["", " ", "\t", " \n"]))
    if style == "json":
        return truth, truth
    if style == "int":
        return int(truth), truth
    if style == "digit":
        return pad + str(int(truth)) + pad, truth
    return pad + random_case(draw, "true" if truth else "false") + pad, truth


@given(written_booleans())
def test_every_written_boolean_reads_as_what_it_means(written: tuple[object, bool]) -> None:
    raw, truth = written
    assert parse_flag(raw) is truth


@given(
    st.one_of(
        st.text().filter(lambda t: t.strip().lower() not in {"true", "false", "0", "1", ""}),
        st.integers().filter(lambda n: n not in (0, 1)),
        st.floats(),
    )
)
def test_anything_else_is_not_a_boolean(raw: object) -> None:
    with pytest.raises(ValueError, match="not a boolean"):
        parse_flag(raw)


def test_absent_booleans_are_unknown() -> None:
    assert parse_flag(None) is None
    assert parse_flag("  ") is None


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_a_category_number_reads_the_same_as_int_float_or_text(n: int) -> None:
    assert category_text(n) == category_text(float(n)) == category_text(f" {n} ") == str(n)


@given(st.text())
def test_category_text_is_trimmed_or_absent(raw: str) -> None:
    assert category_text(raw) == (raw.strip() or None)


@pytest.mark.parametrize("raw", [True, [1], {"a": 1}, float("nan")])
def test_categories_that_cannot_be_text_are_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="category"):
        category_text(raw)


@given(st.binary(min_size=32, max_size=32), st.sampled_from([str.upper, str.lower]))
def test_pdq_hex_becomes_32_bytes_in_either_case(pdq: bytes, case: object) -> None:
    assert clean_pdq(case(pdq.hex())) == pdq  # type: ignore[operator]


@given(st.text(alphabet="0123456789abcdefABCDEFxyz", max_size=70))
def test_digests_are_lower_hex_of_the_right_length_or_refused(raw: str) -> None:
    try:
        cleaned = clean_digest(raw, "sha1")
    except ValueError as err:
        assert "SHA1 is not 40 hex digits" in str(err)
        assert len(raw) != 40 or any(c in "xyz" for c in raw)
    else:
        assert cleaned is None if not raw.strip() else cleaned == raw.lower() and len(raw) == 40


def test_quality_bounds() -> None:
    assert clean_quality("87") == 87
    assert clean_quality(100.0) == 100
    assert clean_quality("") is None
    for bad in ("101", "-1", "high", 50.5):
        with pytest.raises(ValueError, match="quality"):
            clean_quality(bad)
