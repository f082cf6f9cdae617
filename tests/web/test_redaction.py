"""The redactor: every restricted name in a metadata text becomes "[restricted]", whatever its case,
the longest of overlapping names first, regex metacharacters taken literally, names under three
letters or digits ignored and three-letter ones redacted as words of their own; and the names a case
holds are loaded from its restricted records. (The engine's own tests: tests/test_redaction.py.)"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from darkroom.store import CaseStore
from darkroom.web.redaction import NO_REDACTION, Redactor, restricted_names
from tests.web.conftest import WebCase

LABEL = "[restricted]"


def test_names_are_found_whatever_their_case() -> None:
    redactor = Redactor.of(["AmberTiger"])
    path = "EX-005.zip!/WhatsApp Chat - AMBERtiger.zip!/_chat.txt"
    assert redactor.redact(path) == "EX-005.zip!/WhatsApp Chat - [restricted].zip!/_chat.txt"
    assert redactor.redact("ambertiger and AmberTiger") == "[restricted] and [restricted]"


def test_the_longest_of_overlapping_names_wins_and_overlaps_leave_nothing_behind() -> None:
    redactor = Redactor.of(["Amber", "AmberTiger", "TigerLily"])
    assert redactor.redact("chat with AmberTiger.txt") == "chat with [restricted].txt"
    assert redactor.redact("Amber Tiger") == "[restricted] Tiger"
    # "AmberTiger" and "TigerLily" overlap: no part of either is left ("Lily" would be)
    assert redactor.redact("x-AmberTigerLily-y") == "x-[restricted]-y"


def test_a_name_inside_a_longer_word_takes_the_whole_word() -> None:
    redactor = Redactor.of(["Daniel S", "Emma"])
    assert redactor.redact("WhatsApp Chat with Daniel S.txt") == "WhatsApp Chat with [restricted].txt"
    # no "trand" left over to hint at the name
    assert redactor.redact("WhatsApp Chat with Daniel Strand.txt") == "WhatsApp Chat with [restricted].txt"
    assert redactor.redact("IMG_emma_2024.jpg EmmaJ") == "IMG_[restricted]_2024.jpg [restricted]"


def test_a_name_is_found_composed_or_decomposed() -> None:
    redactor = Redactor.of(["Zo\u00eb Hart"])
    assert redactor.redact("Chat - Zoe\u0308 Hart.txt") == "Chat - [restricted].txt"
    assert Redactor.of(["Zoe\u0308 Hart"]).redact("Chat - ZO\u00cb HART.txt") == "Chat - [restricted].txt"


def test_regex_metacharacters_in_names_are_literal() -> None:
    redactor = Redactor.of(["j.doe+1 (work)", "a*b|c"])
    assert redactor.redact("Chat - j.doe+1 (work).txt") == "Chat - [restricted].txt"
    assert redactor.redact("jXdoe+1 (work) a*b|c") == "jXdoe+1 (work) [restricted]"
    assert redactor.redact("aab c") == "aab c"


def test_names_shorter_than_three_characters_are_ignored() -> None:
    redactor = Redactor.of(["Al", " J ", "", "Ann"])
    assert redactor.redact("Al and J met Ann") == "Al and J met [restricted]"
    assert not Redactor.of(["Al", "  Jo  "]).active
    assert Redactor.of(["Al"]).redact("Al/Jo.txt") == "Al/Jo.txt"


def test_fields_redact_text_and_lists_in_place_and_leave_the_rest() -> None:
    row = {"file": "Chat - Ann.txt", "names": ("Ann", "Bob"), "count": 3, "title": None, "body": "Ann"}
    Redactor.of(["Ann"]).fields(row, "file", "names", "count", "title", "missing")
    assert row == {"file": "Chat - [restricted].txt", "names": [LABEL, "Bob"], "count": 3, "title": None,
                   "body": "Ann"}  # fmt: skip
    untouched = {"file": "Chat - Ann.txt"}
    NO_REDACTION.fields(untouched, "file")
    assert untouched == {"file": "Chat - Ann.txt"} and NO_REDACTION.redact("Ann") == "Ann"


_CHARS = "abcxyzABCXYZ019 ._-+*?()|{}^$\\/!æøåÆØÅé"
_WORD_CHAR = re.compile(r"[^\W_]")
_names = st.lists(st.text(_CHARS, min_size=1, max_size=12), min_size=1, max_size=6)


@given(_names, st.lists(st.text(_CHARS, max_size=12), min_size=1, max_size=6), st.data())
def test_no_name_of_four_or_more_letters_or_digits_survives(
    names: list[str], parts: list[str], data: st.DataObject
) -> None:
    # Names of three letters and numbers without letters count only as words of their own.
    kept = [n for n in names if len(_WORD_CHAR.findall(n)) >= 4 and any(ch.isalpha() for ch in n)]
    text = "".join(p + data.draw(st.sampled_from([*names, ""])) for p in parts)
    redacted = Redactor.of(names).redact(text)
    for name in kept:
        # A name could only reappear across a label if it held "[" or "]" (not drawn) or were
        # part of the label's own word.
        if name.strip().casefold() not in LABEL:
            assert name.strip().casefold() not in redacted.casefold(), (name, text, redacted)
    # What is left around the labels is the text as it was.
    pieces = redacted.split(LABEL)
    cursor = 0
    for piece in pieces:
        found = text.find(piece, cursor)
        assert found >= 0, (piece, text, redacted)
        cursor = found + len(piece)


@given(_names, st.text(_CHARS, max_size=40))
def test_text_without_names_is_unchanged(names: list[str], text: str) -> None:
    # Phone numbers are found in any writing (tests/test_redaction.py); here only names.
    names = [n for n in names if sum(ch.isdigit() for ch in n) < 7 or any(ch.isalpha() for ch in n)]
    # A name's words in order, whatever separates them (names under three letters are ignored).
    words = [re.findall(r"[^\W_]+", n) for n in names if len(_WORD_CHAR.findall(n)) >= 3]
    pattern = [r"[\W_]+".join(map(re.escape, w)) for w in words]
    if pattern and re.search("|".join(pattern), text, re.IGNORECASE):
        return
    assert Redactor.of(names).redact(text) == text


def test_the_names_of_a_case_are_its_restricted_records(web_case: WebCase) -> None:
    store = CaseStore.open(web_case.case_dir)
    try:
        with store.read() as conn:
            names = {n.casefold() for n in restricted_names(conn)}
    finally:
        store.close()
    assert web_case.restricted_label.casefold() in names
    assert web_case.restricted_handle.casefold() in names
    assert web_case.public_label.casefold() not in names
