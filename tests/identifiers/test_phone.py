"""Phone numbers: fiction-range numbers in every usual written form round-trip to E.164, and the
things that look like numbers (orders, dates, times, prices, postcodes, IBANs, cards, random digit
runs) are not reported. Synthetic numbers only: Ofcom drama ranges and NANP 555-01xx."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.identifiers import phone
from darkroom.identifiers.extract import extract
from darkroom.model import IdentifierKind

# --- strategies: (E.164, region, written form) for fictional numbers ---


def _uk_mobile(last3: int, style: int) -> tuple[str, str, str]:
    n = f"{last3:03d}"
    forms = [
        ("GB", f"07700 900{n}"),
        ("GB", f"07700-900-{n}"),
        ("GB", f"07700.900.{n}"),
        ("GB", f"(07700) 900{n}"),
        ("GB", f"07700 900 {n}"),
        ("NO", f"+44 7700 900{n}"),
        ("US", f"+44-7700-900-{n}"),
        ("DE", f"+44.7700.900.{n}"),
        ("GB", f"+44 (0)7700 900{n}"),
        ("NO", f"+447700900{n}"),
        ("US", f"0044 7700 900{n}"),
        ("GB", f"0044 (0)7700 900 {n}"),
    ]
    region, written = forms[style % len(forms)]
    return f"+447700900{n}", region, written


def _uk_landline(area: str, last3: int, style: int) -> tuple[str, str, str]:
    n = f"{last3:03d}"
    if area == "20":  # London: 020 7946 0xxx
        local, national = f"7946 0{n}", f"020 7946 0{n}"
    else:  # 0113 496 0xxx and the other drama ranges
        local, national = f"496 0{n}", f"0{area} 496 0{n}"
    forms = [
        ("GB", national),
        ("GB", national.replace(" ", "-")),
        ("GB", "(" + national.replace(" ", ") ", 1)),
        ("US", f"+44 {area} {local}"),
        ("NO", f"+44 (0){area} {local}"),
        ("DE", f"0044 {area} {local}"),
    ]
    region, written = forms[style % len(forms)]
    return "+44" + (area + local).replace(" ", ""), region, written


def _nanp(area: str, last2: int, style: int) -> tuple[str, str, str]:
    n = f"{last2:02d}"
    forms = [
        ("US", f"({area}) 555-01{n}"),
        ("US", f"{area}-555-01{n}"),
        ("US", f"{area}.555.01{n}"),
        ("US", f"{area} 555 01{n}"),
        ("US", f"1-{area}-555-01{n}"),
        ("US", f"1 ({area}) 555-01{n}"),
        ("GB", f"+1 {area}-555-01{n}"),
        ("NO", f"+1 ({area}) 555-01{n}"),
        ("DE", f"+1.{area}.555.01{n}"),
        ("GB", f"001 {area} 555 01{n}"),
    ]
    region, written = forms[style % len(forms)]
    return f"+1{area}55501{n}", region, written


STYLES = st.integers(min_value=0, max_value=20)
FICTIONAL = st.one_of(
    st.builds(_uk_mobile, st.integers(0, 999), STYLES),
    st.builds(
        _uk_landline,
        st.sampled_from(["113", "114", "117", "121", "131", "161", "20"]),
        st.integers(0, 999),
        STYLES,
    ),
    st.builds(_nanp, st.sampled_from(["201", "212", "303", "415", "617", "718"]), st.integers(0, 99), STYLES),
)
PROSE_BEFORE = st.sampled_from(
    ["", "ok ", "my new one is ", "ring me on ", "Kim: ", "(", "— ", "text me at\n"]
)
PROSE_AFTER = st.sampled_from(["", " thanks", ".", "!", ")", ", cheers", " after 6", "\nbye"])


@given(FICTIONAL)
def test_every_written_form_normalizes_to_the_same_e164(case: tuple[str, str, str]) -> None:
    e164, region, written = case
    assert phone.normalize(written, region) == e164


@given(FICTIONAL)
def test_normalizing_is_idempotent(case: tuple[str, str, str]) -> None:
    e164, region, written = case
    once = phone.normalize(written, region)
    assert once is not None and phone.normalize(once, region) == once == e164


@given(FICTIONAL, PROSE_BEFORE, PROSE_AFTER)
def test_every_written_form_is_extracted_from_prose(
    case: tuple[str, str, str], before: str, after: str
) -> None:
    e164, region, written = case
    text = before + written + after
    hits = [h for h in extract(text, region) if h.kind == IdentifierKind.PHONE]
    assert [h.value_norm for h in hits] == [e164]
    assert hits[0].raw == written and text[hits[0].start : hits[0].end] == written


def test_confidence_follows_the_written_form() -> None:
    def confidence(text: str, region: str) -> float:
        (hit,) = phone.find(text, region)
        return hit.confidence

    assert confidence("+44 113 496 0123", "GB") == phone.INTERNATIONAL_VALID
    assert confidence("+44 7700 900123", "GB") == phone.INTERNATIONAL_POSSIBLE  # drama range: possible only
    assert confidence("0113 496 0123", "GB") == phone.GROUPED_VALID
    assert confidence("07700 900123", "GB") == phone.GROUPED_POSSIBLE
    assert confidence("call 01134960123", "GB") == phone.BARE_VALID
    assert confidence("call 07700900123", "GB") == phone.BARE_POSSIBLE
    assert confidence("447700900123@s.whatsapp.net", "GB") == phone.JID_CONFIDENCE


def test_norwegian_forms_from_the_research_notes() -> None:
    for text in ("ring 412 34 567", "0047 41234567", "+47 412 34 567", "mob: 41234567"):
        assert [h.value_norm for h in phone.find(text, "NO")] == ["+4741234567"], text


def test_two_numbers_in_one_run_are_split() -> None:
    hits = list(phone.find("tel: 07700 900123 07700 900456 / 0113 496 0999", "GB"))
    assert [h.value_norm for h in hits] == ["+447700900123", "+447700900456", "+441134960999"]


def test_a_phone_field_needs_no_cue_word() -> None:
    assert list(phone.find("07700900123", "GB")) == []
    assert [h.value_norm for h in phone.find("07700900123", "GB", phone_field=True)] == ["+447700900123"]


# --- false positives: the exact things the brief names, in several regions ---

NOT_PHONES = [
    "Order 4829301746 has shipped",
    "order number 4829 3017 46",
    "invoice no. 2026-0314-77",
    "see you 2026-03-14 at 14:30",
    "on 14/03/2026 at 09:15",
    "14.03.2026 kl 21:00",
    "2026-03-14T14:30:00Z",
    "2026 03 14",
    "it costs $1,299.99",
    "1 299,00 kr",
    "NOK 12 500 000",
    "total 23 45 67 89",
    "price: 4 123 456",
    "postcode 0150 Oslo",
    "ZIP 90210-1234",
    "IBAN NO93 8601 1117 947",
    "GB29 NWBK 6016 1331 9268 19",
    "DE89 3704 0044 0532 0130 00",
    "ref 88213377",
    "version 10.0.19045.2965",
    "build 22621.2428",
    "call at 1430 or 1530",
    "ISBN 978-0-306-40615-7",
    "ticket #20260314",
    "card 4111 1111 1111 1111",
    "12:30:45.123456",
    "from 2019 to 2026 2027",
    "serial: AB-1234567-C",
    "1234567.89",
    "at 203.0.113.697",  # an IPv4-shaped run out of range is still no phone
    "x12345678",
]


@pytest.mark.parametrize("region", ["GB", "NO", "US", "DE", "SE", "FR"])
@pytest.mark.parametrize("text", NOT_PHONES)
def test_number_lookalikes_are_not_phones(text: str, region: str) -> None:
    assert [h.raw for h in extract(text, region) if h.kind == IdentifierKind.PHONE] == []


# --- the random-digits property ---
#
# Rule under test: a run of 5-12 ASCII digits that is not opened by `+` or `00` and has no
# separators inside it, placed in prose with no phone cue word in the 28 characters before it
# (bare, or wrapped in brackets, quotes or sentence punctuation), is never reported as a phone
# number, in any region.

NEUTRAL_WORDS = [
    "the", "order", "see", "ref", "on", "day", "room", "page", "code", "it", "was", "is", "ok",
    "total", "ticket", "batch", "about", "and", "lads", "match", "score", "week", "km", "got",
]  # fmt: skip
DIGIT_RUNS = st.text(alphabet="0123456789", min_size=5, max_size=12).filter(lambda d: not d.startswith("00"))
WRAPS = st.sampled_from(["{}", "({})", '"{}"', "{}.", "{},", "{}!", "#{}", "[{}]", "{}?"])
WORDS = st.lists(st.sampled_from(NEUTRAL_WORDS), max_size=4).map(" ".join)


@given(DIGIT_RUNS, WRAPS, WORDS, WORDS, st.sampled_from(["GB", "NO", "US", "DE", "FR", "SE", "IN"]))
def test_random_bare_digit_runs_are_never_phones(
    digits: str, wrap: str, before: str, after: str, region: str
) -> None:
    text = f"{before} {wrap.format(digits)} {after}".strip()
    assert [h.raw for h in extract(text, region) if h.kind == IdentifierKind.PHONE] == []
