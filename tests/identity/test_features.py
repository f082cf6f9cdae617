"""Field normalizers: handle variants share a core, names fold, dates and social handles parse."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from darkroom.identity.features import (
    fold_text,
    name_core,
    name_tokens,
    normalize_birthday,
    social_handle,
    split_handle,
)
from darkroom.synth.handles import HANDLE_STYLES, handle_variant

WORDS = st.text(alphabet="bcdfghjkmnpqrtuvwxyz", min_size=2, max_size=8)


@given(st.lists(WORDS, min_size=1, max_size=3), st.sampled_from(HANDLE_STYLES))
def test_every_spelling_style_of_a_handle_has_the_same_core(words: list[str], style: str) -> None:
    # Consonants only, so leetspeak has nothing to change and the core must be the words run together.
    parts = split_handle(handle_variant(tuple(words), "", style))  # type: ignore[arg-type]
    assert parts is not None
    assert parts.core == "".join(words)


@given(st.lists(WORDS, min_size=1, max_size=2), st.integers(min_value=0, max_value=999))
def test_trailing_digits_are_kept_apart_from_the_core(words: list[str], number: int) -> None:
    parts = split_handle(f"{'_'.join(words)}_{number}")
    assert parts is not None
    assert (parts.core, parts.digits) == ("".join(words), str(number))


def test_leetspeak_case_and_separators_are_undone() -> None:
    assert split_handle("D4rk_F0x77") == split_handle("dark.fox77")
    plain, leet = split_handle("darkfox"), split_handle("d4rkf0x")
    assert plain is not None and leet is not None
    assert plain.core == leet.core == "darkfox"
    assert split_handle("bluecrow12") != split_handle("bluecrow124")
    assert split_handle("___") is None


@given(st.text(max_size=30))
def test_folding_is_idempotent(raw: str) -> None:
    once = fold_text(raw)
    assert once is None or fold_text(once) == once


def test_names_fold_accents_and_drop_emoji() -> None:
    assert name_tokens("Kåre Ødegård ⚽") == ("kare", "ødegard")
    assert name_core("Anders Nilsen") == "andersnilsen"
    assert name_core("🚴") is None


def test_birthdays_in_the_forms_cards_use() -> None:
    assert normalize_birthday("1985-10-31") == "1985-10-31"
    assert normalize_birthday("19851031") == "1985-10-31"
    assert normalize_birthday("1985-10-31T00:00:00Z") == "1985-10-31"
    assert normalize_birthday("--10-31") == "--10-31"
    assert normalize_birthday("31.10.1985") == "1985-10-31"
    assert normalize_birthday("1985-13-01") is None
    assert normalize_birthday("soon") is None


def test_social_profile_fields_name_a_platform_handle() -> None:
    assert social_handle("https://t.me/Dark_Fox77", "TELEGRAM") == ("telegram", "dark_fox77")
    assert social_handle("dark_fox77", "Telegram") == ("telegram", "dark_fox77")
    assert social_handle("@dark_fox77", None) is None
    assert social_handle("two words", "Telegram") is None
