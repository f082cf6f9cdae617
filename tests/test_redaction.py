"""The one redaction engine: a restricted name or number put anywhere in any text, in any letter case
or writing, never survives; text that holds none comes back as it was; names of three characters
count only as words of their own; the names a case holds come from its restricted records."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.clearance import REDACTED
from darkroom.redaction import NO_REDACTION, Redactor, phone_key

# Names hold a "q" and no letter of "[restricted]", so none is ever part of the label or of text
# drawn without a "q"; numbers hold a 7, which text drawn for them never does.
_NAME_WORD = st.text("abfghjklmnopquvwxyzABFGHJKLMNOPQUVWXYZæøÅüÖ0189", min_size=1, max_size=6)
_FREE_TEXT = st.text("abcdefghijklmnoprstuvwxyzABCDEFG ÆØÅé.,;:!?()[]{}-_/\\+*|^$@#'\"\n0123456", max_size=40)
_SEPARATORS = st.sampled_from([" ", "_", ".", "-", " - ", "  ", "/", ", "])
_UK_MOBILES = st.integers(0, 999).map(lambda n: f"+447700900{n:03d}")


@st.composite
def _names(draw: st.DrawFn) -> tuple[str, ...]:
    """A name of one to three words, four or more letters in all, with a "q" somewhere."""
    words = draw(st.lists(_NAME_WORD, min_size=1, max_size=3))
    words[0] = "q" + words[0]
    if len("".join(words)) < 4:
        words[-1] += "qq"
    return tuple(words)


def _any_case(draw: st.DrawFn, value: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
    return "".join(ch.swapcase() if flip else ch for ch, flip in zip(value, flips, strict=True))


@st.composite
def _written(draw: st.DrawFn, words: tuple[str, ...]) -> str:
    """A name as someone may write it: any letter case, any separators between its words, accents
    composed or decomposed (a path from a Mac export spells "Ö" as "O" and a combining diaeresis)."""
    separators = [draw(_SEPARATORS) for _ in words[1:]]
    joined = words[0] + "".join(sep + word for sep, word in zip(separators, words[1:], strict=True))
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), _any_case(draw, joined))


@st.composite
def _written_number(draw: st.DrawFn, e164: str) -> str:
    """A UK number with its country code, 00 prefix or trunk 0, in groups split by spaces or dashes."""
    national = e164.removeprefix("+44")
    prefix = draw(st.sampled_from(["+44", "+44 ", "0044 ", "0044-", "0", "+44 (0)"]))
    cut = draw(st.integers(1, len(national) - 1))
    sep = draw(st.sampled_from(["", " ", "-", "."]))
    return prefix + national[:cut] + sep + national[cut:]


@given(st.lists(_names(), min_size=1, max_size=4), st.lists(_FREE_TEXT, min_size=1, max_size=5), st.data())
def test_a_restricted_name_never_survives_however_written(
    names: list[tuple[str, ...]], parts: list[str], data: st.DataObject
) -> None:
    redactor = Redactor.of(" ".join(words) for words in names)
    written = [data.draw(_written(data.draw(st.sampled_from(names)))) for _ in parts]
    text = "".join(part + name for part, name in zip(parts, written, strict=True))
    redacted = redactor.redact(text)
    for name in written:
        assert name.casefold() not in redacted.casefold(), (name, text, redacted)
        assert (
            unicodedata.normalize("NFC", name).casefold()
            not in unicodedata.normalize("NFC", redacted).casefold()
        )
    assert redacted.count(REDACTED) >= 1 and redactor.names(text)
    # What is left around the labels is the text as it was, in order.
    cursor = 0
    for piece in redacted.split(REDACTED):
        found = text.find(piece, cursor)
        assert found >= 0, (piece, text, redacted)
        cursor = found + len(piece)


@given(_UK_MOBILES, st.lists(_FREE_TEXT, min_size=1, max_size=4), st.data())
def test_a_restricted_number_never_survives_in_any_common_writing(
    e164: str, parts: list[str], data: st.DataObject
) -> None:
    key = phone_key(e164)
    assert key == e164.removeprefix("+44")
    written = [data.draw(_written_number(e164)) for _ in parts]
    text = "".join(part + number for part, number in zip(parts, written, strict=True))
    redacted = Redactor.of(["someone else", e164]).redact(text)
    assert key not in re.sub(r"\D", "", redacted), (text, redacted)
    assert redacted.count(REDACTED) >= 1


@given(st.lists(_names(), min_size=1, max_size=4), _UK_MOBILES, _FREE_TEXT)
def test_text_without_restricted_names_comes_back_unchanged(
    names: list[tuple[str, ...]], e164: str, text: str
) -> None:
    redactor = Redactor.of([*(" ".join(words) for words in names), e164])
    assert redactor.active and redactor.redact(text) == text and not redactor.names(text)


@given(st.sampled_from(["Per", "ann", "EVA"]), st.lists(_FREE_TEXT, min_size=1, max_size=4), st.data())
def test_a_three_letter_name_goes_as_a_word_and_stays_inside_words(
    name: str, parts: list[str], data: st.DataObject
) -> None:
    redactor = Redactor.of([name])
    word = data.draw(st.sampled_from([name, name.swapcase(), name.upper(), name.lower()]))
    text = " ".join(f"{part} {word} " for part in parts)
    redacted = redactor.redact(text)
    assert not re.search(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", redacted, re.IGNORECASE), redacted
    assert redactor.redact("person, paper, superuser, planning") == "person, paper, superuser, planning"


def test_the_rules_of_both_former_engines_hold() -> None:
    redactor = Redactor.of(["Per Undercover", "Daniel S", "AmberTiger", "TigerLily", "per", "+447700900333"])
    assert redactor.redact("WhatsApp Chat with PER_UNDERCOVER.txt") == f"WhatsApp Chat with {REDACTED}.txt"
    assert redactor.redact("Chat with Daniel Strand") == f"Chat with {REDACTED}"  # no "trand" hint
    assert redactor.redact("x-AmberTigerLily-y") == f"x-{REDACTED}-y"  # overlapping names as one
    assert redactor.redact("Telegram/per/photo_1.jpg") == f"Telegram/{REDACTED}/photo_1.jpg"
    assert redactor.redact("Telegram/person/superuser.json") == "Telegram/person/superuser.json"
    assert redactor.redact("call 0044 7700-900333 today") == f"call {REDACTED} today"
    assert redactor.redact("call 07700 900123 today") == "call 07700 900123 today"


def test_a_short_number_goes_as_a_word_and_stays_inside_longer_numbers() -> None:
    redactor = Redactor.of(["20245", "user 4711"])
    assert (
        redactor.redact("id 20245, sent 2024-05-01 as 202450001")
        == f"id {REDACTED}, sent 2024-05-01 as 202450001"
    )
    assert redactor.redact("USER_4711.json") == f"{REDACTED}.json"


def test_names_too_short_or_without_letters_are_ignored() -> None:
    assert not Redactor.of(["Al", " J ", "", "--", "12"]).active
    assert Redactor.of(["Al", "Ann"]).redact("Al and J met Ann") == f"Al and J met {REDACTED}"


def test_audit_details_are_redacted_in_every_string_and_keep_their_shape() -> None:
    details = {"reason": "Per Undercover is the UC", "user": "ivan", "n": 3, "refs": ["per", {"a": "Per"}]}
    assert Redactor.of(["Per Undercover", "Per"]).value(details) == {
        "reason": f"{REDACTED} is the UC",
        "user": "ivan",
        "n": 3,
        "refs": [REDACTED, {"a": REDACTED}],
    }
    assert NO_REDACTION.value(details) is details


@pytest.mark.parametrize(
    ("number", "key"),
    [("+4741234567", "41234567"), ("+447700900333", "7700900333"), ("0047 412 34 567", "41234567"),
     ("12345", None)],
)  # fmt: skip
def test_a_number_is_known_by_its_national_significant_number(number: str, key: str | None) -> None:
    assert phone_key(number) == key
