"""Phone numbers in free text, judged by written form and context before phonenumbers parses them.

Why not `phonenumbers.PhoneNumberMatcher` over the text: it runs at ~2.5 MB/s; at POSSIBLE leniency
it splits runs badly (`07700 900123 07700 900456` → `07700`, …) and takes ISO dates for Norwegian
numbers; at VALID and stricter it drops the numbers reserved for drama (UK 07700 900xxx is
possible, not valid) and STRICT_GROUPING rejects Norway's usual `412 34 567`. So one cheap regex
finds runs of ≥ 7 digits, each run is split at spaces into the longest acceptable spans, and a span
is a phone number only under these rules:

1. International (`+`, `00`, or a WhatsApp JID): possible → 0.7, valid → 0.95.
2. National and grouped (a separator between digits): valid → 0.8; possible only, when written
   with the region's trunk prefix (`07700 900123`) or an area code in brackets → 0.5.
3. National and ungrouped (a bare digit run): only after a phone cue word (`call`, `tel`,
   `whatsapp`, `number`, …) or in a field known to hold phones: valid → 0.6; possible with the
   trunk prefix → 0.4. A bare run of digits without a cue is never a phone: order numbers,
   references and random ids look exactly like that.
4. Never, for national forms: dates, times, years, amounts (decimals, thousands groups), dotted
   quads (IPv4-shaped, even out of range), a non-phone cue nearby (order, invoice, IBAN, price,
   postcode, a currency). Never, in any form: digits glued to letters or other numbers, inside an
   IBAN, or a card number (4-4-4-… groups).
5. A run whose pieces of 3+ digits are not all used by accepted numbers is some other long
   number (a card, an account, a list of figures): only its internationally written numbers are
   kept, and a `00` prefix counts as international only at the start of a run or right after an
   accepted number.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

from darkroom.identifiers.found import Found
from darkroom.identifiers.normalize import normalize_phone
from darkroom.model import IdentifierKind

INTERNATIONAL_VALID = 0.95
INTERNATIONAL_POSSIBLE = 0.7
GROUPED_VALID = 0.8
GROUPED_POSSIBLE = 0.5
BARE_VALID = 0.6
BARE_POSSIBLE = 0.4
JID_CONFIDENCE = 0.9

_MIN_DIGITS, _MAX_DIGITS = 7, 17  # 15 (E.164 maximum) + a `00` prefix
_MAX_TOKENS = 6  # "+33 6 12 34 56 78" is the most a real number is split into
_WINDOW_BEFORE, _WINDOW_AFTER = 28, 8

# A run of digits and separators (a charset-led pattern keeps sre's fast scan); digits are counted
# and glue to the left is checked in Python.
_RUN = re.compile(r"[+(\d][\d \t.\-/()]{6,}")
_RUN_TAIL = " \t.-/()"
_DELETE_DIGITS = str.maketrans("", "", "0123456789")
_GLUE_BEFORE = frozenset("_+/.:@#$€£¥=&?%,-")
_JID = re.compile(r"(?<![\w.+-])\d{6,15}@(?:s\.whatsapp\.net|c\.us)(?![\w.-])", re.IGNORECASE)
_TOKEN = re.compile(r"[+(]*\d(?:\S*\d)?")  # a piece of a run: from its first digit (or + or '(') to its last
_SEPARATOR = re.compile(r"\d[^\d]+\d")

_D, _M = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_DATE = re.compile(
    rf"(?<!\d)(?:(?:19|20)\d\d([-./ ]){_M}\1{_D}|{_D}([-./ ]){_M}\2(?:(?:19|20)\d\d|\d\d)"
    rf"|{_M}([-./ ]){_D}\3(?:(?:19|20)\d\d|\d\d))(?!\d)"
)
_AMOUNT = re.compile(
    r"\d{1,2}([ .])\d{3}(?:\1\d{3})*|\d{1,3}(?:\.\d{3})+|\d+(?:[ .]\d{3})*[.,]\d{1,2}|\d+\.\d+"
)
_CARD = re.compile(r"\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}")  # payment card numbers: 4-4-4-(1..7)
_DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")  # IPv4-shaped, even when out of range: 203.0.113.697
_YEARS = re.compile(r"(?:(?:19|20)\d\d[ ./-]+)+(?:19|20)\d\d")
_CUE = re.compile(
    r"\b(?:tel|tlf|tfn|telephone|phone|ph|mob|mobile|cell|call|ring|text|txt|sms|whatsapp|wa|signal|"
    r"telegram|viber|number|nr|num|contact|fax|nummer|mobil|handy|fon)\b|[☎📞📱]",
    re.IGNORECASE,
)
_NOT_PHONE_BEFORE = re.compile(
    r"\b(?:order|invoice|inv|ref|reference|tracking|parcel|shipment|acct|account|iban|bic|swift|kid|"
    r"ticket|serial|isbn|pin|otp|postcode|zip|price|total|cost|paid|amount|balance|id|usd|eur|gbp|nok|"
    r"sek|dkk|kr|btc|xmr|eth|version|build)\b|[#$€£¥]",
    re.IGNORECASE,
)
_NOT_PHONE_AFTER = re.compile(
    r"^(?:\s?(?:kr|nok|sek|dkk|usd|eur|gbp|kg|km|mb|gb|%|€|\$|£)\b|,-|[,:]\d)", re.IGNORECASE
)
_IBAN_REACH = 40  # an IBAN's country code may stand this far before its last digit group
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")


@dataclass(frozen=True, slots=True)
class _Span:
    """A candidate slice of the text, the cues around it, and whether `00` may open it."""

    raw: str
    start: int
    end: int
    cue: bool
    clean: bool  # at the start of its run or right after an accepted number


@functools.lru_cache(maxsize=64)
def _trunk_prefix(region: str) -> str | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return None if metadata is None else metadata.national_prefix


def _international(raw: str) -> str | None:
    """The raw string with a leading `00` turned into `+`, when it is written internationally."""
    text = raw.lstrip("(")
    if text.startswith("+"):
        return raw
    if text.startswith("00") and text[2:3] not in ("", "0"):
        return "+" + text[2:]
    return None


def normalize(raw: str, region: str) -> str | None:
    """E.164 for a possible number; `00` is read as the international prefix in every region."""
    text = raw.strip()
    return normalize_phone(_international(text) or text, region.upper())


def _parse(raw: str, region: str) -> tuple[str, bool] | None:
    """(E.164, is valid) for a possible number, else None."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.is_valid_number(number)


def _national_confidence(span: _Span, region: str, valid: bool) -> float | None:
    """Rules 2 and 3 of the module docstring for a number written in national form."""
    trunk = _trunk_prefix(region)
    trunk_written = trunk is not None and span.raw.startswith(trunk)
    if _SEPARATOR.search(span.raw):
        if valid:
            return GROUPED_VALID
        return GROUPED_POSSIBLE if trunk_written or span.raw.startswith("(") else None
    if not span.cue:
        return None
    if valid:
        return BARE_VALID
    return BARE_POSSIBLE if trunk_written else None


def _looks_like_other(span: _Span, text: str) -> bool:
    """True when a national-form span reads as a date, year list, amount or a labelled other number."""
    if any(pattern.fullmatch(span.raw) for pattern in (_AMOUNT, _YEARS, _DOTTED_QUAD)) or _DATE.search(
        span.raw
    ):
        return True
    before = text[max(0, span.start - _WINDOW_BEFORE) : span.start]
    before = re.split(r"[\n;!?]", before)[-1]
    after = text[span.end : span.end + _WINDOW_AFTER]
    return bool(_NOT_PHONE_BEFORE.search(before) or _NOT_PHONE_AFTER.search(after))


def _glued(text: str, end: int) -> bool:
    """True when the span continues into letters or another number (`12345678kr`, `…5678.90`)."""
    after = text[end : end + 2]
    return bool(after) and (
        after[0].isalnum() or after[0] in "@%" or (after[0] in ".-/:" and after[1:].isdigit())
    )


def _judge(text: str, span: _Span, region: str, blocked: list[tuple[int, int]]) -> Found | None:
    """The phone a span stands for under the module rules, else None."""
    digits = len(span.raw) - len(span.raw.translate(_DELETE_DIGITS))
    if not _MIN_DIGITS <= digits <= _MAX_DIGITS or _glued(text, span.end):
        return None
    if any(start < span.end and span.start < end for start, end in blocked):
        return None
    international = _international(span.raw) if span.clean else None
    if international is None and _looks_like_other(span, text):
        return None
    parsed = _parse(international or span.raw, region)
    if parsed is None:
        return None
    e164, valid = parsed
    if international is not None:
        confidence: float | None = INTERNATIONAL_VALID if valid else INTERNATIONAL_POSSIBLE
    else:
        confidence = _national_confidence(span, region, valid)
    return (
        None
        if confidence is None
        else Found(IdentifierKind.PHONE, e164, span.raw, span.start, span.end, confidence)
    )


def _tokens(run: str) -> list[tuple[int, int]]:
    """(start, end) of each whitespace-separated piece of a run that holds digits, trimmed to them."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(run)]


@dataclass(frozen=True, slots=True)
class _Run:
    """One digit run of a text and what is known around it."""

    text: str
    region: str
    cue: bool
    blocked: list[tuple[int, int]]  # IBAN spans near the run

    def longest_from(self, spans: list[tuple[int, int]], first: int, clean: bool) -> tuple[Found, int] | None:
        """The longest acceptable number that starts at piece `first`, with the index of its last piece."""
        for last in range(min(len(spans), first + _MAX_TOKENS) - 1, first - 1, -1):
            start, end = spans[first][0], spans[last][1]
            while self.text[start] == "(" and self.text.count("(", start, end) > self.text.count(
                ")", start, end
            ):
                start += 1  # "(07700 900123)", "((0113) 496 0123": unbalanced brackets belong to the prose
            span = _Span(self.text[start:end], start, end, self.cue, clean)
            found = _judge(self.text, span, self.region, self.blocked)
            if found is not None:
                return found, last
        return None


def _find_in_run(text: str, bounds: tuple[int, int], region: str, cue: bool) -> list[Found]:
    """The phones of one digit run under rules 1–5, taking the longest acceptable span from the left."""
    near = (max(0, bounds[0] - _IBAN_REACH), bounds[1])
    run = _Run(text, region, cue, [m.span() for m in _IBAN.finditer(text, *near)])  # IBANs only near runs
    spans = [(bounds[0] + start, bounds[0] + end) for start, end in _tokens(text[bounds[0] : bounds[1]])]
    glued = bounds[0] > 0 and (text[bounds[0] - 1].isalnum() or text[bounds[0] - 1] in _GLUE_BEFORE)
    found: list[tuple[Found, bool]] = []  # (number, written internationally where `00` may open one)
    covered = not glued
    first, clean = (1, False) if glued else (0, True)  # a glued first piece: `ID-1234567`, `x1234567`
    while first < len(spans):
        taken = run.longest_from(spans, first, clean)
        if taken is None:
            piece = text[spans[first][0] : spans[first][1]]
            covered = covered and len(piece) - len(piece.translate(_DELETE_DIGITS)) < 3
            first, clean = first + 1, False
        else:
            found.append((taken[0], clean and _international(taken[0].raw) is not None))
            first, clean = taken[1] + 1, True
    return [number for number, international in found if covered or international]


def find(text: str, region: str, *, phone_field: bool = False) -> Iterator[Found]:
    """Phone numbers in `text` for a case in `region` (ISO 3166 alpha-2, e.g. `GB`, `NO`).

    `phone_field=True` says the whole text is a phone field (a contact card's TEL value), which
    stands in for a cue word, so bare digit runs there are read as numbers.
    """
    region = region.upper()
    if "@s.whatsapp.net" in text or "@c.us" in text:
        for match in _JID.finditer(text):
            value = normalize_phone(match.group(), region)
            if value is not None:
                yield Found(
                    IdentifierKind.PHONE, value, match.group(), match.start(), match.end(), JID_CONFIDENCE
                )
    for match in _RUN.finditer(text):
        run = match.group().rstrip(_RUN_TAIL)
        if (
            len(run) - len(run.translate(_DELETE_DIGITS)) < _MIN_DIGITS
            or _DATE.fullmatch(run)
            or _CARD.fullmatch(run)
        ):
            continue  # chat logs start every line with a date: skip it before any further work
        window = text[max(0, match.start() - _WINDOW_BEFORE) : match.start()]
        cue = phone_field or _CUE.search(window) is not None
        yield from _find_in_run(text, (match.start(), match.start() + len(run)), region, cue)
