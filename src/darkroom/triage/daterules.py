"""Rules for English and Norwegian (bokmål) date expressions, resolved against a message day.

Each rule is one regular expression over the lower-cased text and a resolver that turns its
match into a day range; overlapping finds keep the longest. See `dates` for the conventions.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Precision = Literal["day", "weekend", "week", "month"]
RULE_LANGUAGES = ("en", "nb")
NO_YEAR_HORIZON_DAYS = 240  # a "14.03" further ahead than this is a past date, not a plan
MONTH_HORIZON_DAYS = 300  # "in March" may name a birth up to about nine months ahead


@dataclass(frozen=True, slots=True)
class DateFind:
    """A date expression as written, its span, the days it names and how it was read."""

    text: str
    start: int
    end: int
    first_day: date
    last_day: date
    precision: Precision
    past: bool
    method: str  # "rule:<name>" or "dateparser"


_WEEKDAYS: dict[str, int] = {}
for _index, _forms in enumerate(
    (
        ("monday", "mandag"),
        ("tuesday", "tirsdag"),
        ("wednesday", "onsdag"),
        ("thursday", "torsdag"),
        ("friday", "fredag"),
        ("saturday", "lørdag", "lordag", "loerdag"),
        ("sunday", "søndag", "sondag", "soendag"),
    )
):
    for _form in _forms:
        _WEEKDAYS[_form] = _index
_MONTHS: dict[str, int] = {}
for _index, _forms in enumerate(
    (
        ("january", "januar", "jan"),
        ("february", "februar", "feb"),
        ("march", "mars", "mar"),
        ("april", "apr"),
        ("may", "mai"),
        ("june", "juni", "jun"),
        ("july", "juli", "jul"),
        ("august", "aug"),
        ("september", "sept", "sep"),
        ("october", "oktober", "oct", "okt"),
        ("november", "nov"),
        ("december", "desember", "dec", "des"),
    ),
    start=1,
):
    for _form in _forms:
        _MONTHS[_form] = _index
_NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "en": 1, "ett": 1, "ei": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7,
    "åtte": 8, "atte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
}  # fmt: skip
_UNITS: dict[str, str] = {
    "day": "day", "days": "day", "dag": "day", "dager": "day", "dagar": "day",
    "week": "week", "weeks": "week", "uke": "week", "uker": "week", "veke": "week", "veker": "week",
    "month": "month", "months": "month", "måned": "month", "måneder": "month", "maned": "month",
    "maneder": "month", "mnd": "month",
}  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(word) for word in words), key=len, reverse=True))


_WD = _alternation(_WEEKDAYS)
# Words that suggest a date the rules may have missed: worth a (slow) dateparser search.
DATE_WORD = re.compile(
    rf"\d|(?<!\w)(?:{_alternation([*_WEEKDAYS, *(m for m in _MONTHS if len(m) > 3)])}|tomorrow|today|tonight|"
    r"weeks?|months?|weekend|uke[rn]?|måned(?:er)?|helg\w*|morgen|dager)(?!\w)",
    re.IGNORECASE,
)
_MO = _alternation(_MONTHS)
_NUM = rf"(?:\d{{1,2}}|{_alternation(_NUMBERS)})"
_UNIT = _alternation(_UNITS)
_B = r"(?<![\w])"  # word start
_E = r"(?![\w])"  # word end
_FUTURE_WD = r"next|this|coming|on|neste|kommende|på|paa|pa|nå\s+på|na\s+pa|til"
_PAST_WD = r"last|forrige|sist"
_YEAR = r"(?:\s*,?\s*(?P<year>\d{4}))?"


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _next_weekday(sent: date, weekday: int) -> date:
    """The first such weekday strictly after the message day."""
    ahead = (weekday - sent.weekday()) % 7 or 7
    return sent + timedelta(days=ahead)


def _coming_weekend(sent: date) -> date:
    """The Saturday of this weekend (today's, when said on a Saturday or Sunday)."""
    if sent.weekday() == 6:
        return sent - timedelta(days=1)
    return sent + timedelta(days=5 - sent.weekday())


Resolved = tuple[date, date, Precision, bool] | None
Rule = tuple[str, re.Pattern[str], Callable[[re.Match[str], date], Resolved]]


def _weekday(match: re.Match[str], sent: date) -> Resolved:
    modifier = re.sub(r"\s+", " ", match["mod"] or "")
    day = _next_weekday(sent, _WEEKDAYS[match["wd"]])
    past = bool(re.fullmatch(_PAST_WD, modifier))
    if past:
        day = sent - timedelta(days=(sent.weekday() - _WEEKDAYS[match["wd"]]) % 7 or 7)
    if match["after"]:
        day += timedelta(days=7)
    return day, day, "day", past


def _relative_day(match: re.Match[str], sent: date) -> Resolved:
    word = re.sub(r"\s+", " ", match[0])
    offsets = {"today": 0, "tonight": 0, "i dag": 0, "i kveld": 0, "i natt": 0, "tomorrow": 1,
               "i morgen": 1, "day after tomorrow": 2, "i overmorgen": 2, "yesterday": -1, "i går": -1,
               "i gaar": -1, "i gar": -1}  # fmt: skip
    offset = offsets[word.removeprefix("the ")]
    day = sent + timedelta(days=offset)
    return day, day, "day", offset < 0


def _weekend(match: re.Match[str], sent: date) -> Resolved:
    modifier = match["mod"] or ""
    saturday = _coming_weekend(sent)
    if modifier in {"next", "neste"}:
        saturday = _next_weekday(sent, 0) + timedelta(days=5)
    past = modifier in {"last", "forrige", "sist"}
    if past:
        saturday = _coming_weekend(sent) - timedelta(days=7)
    if match["after"]:
        saturday += timedelta(days=7)
    return saturday, saturday + timedelta(days=1), "weekend", past


def _day_of_month(match: re.Match[str], sent: date) -> Resolved:
    """'on the 14th' / 'den 14.': that day of this month if still ahead, else of the next."""
    target = int(match["d"] or match["dn"])
    for months in range(3):
        candidate = _add_months(sent.replace(day=1), months)
        if target <= calendar.monthrange(candidate.year, candidate.month)[1]:
            day = candidate.replace(day=target)
            if day >= sent:
                return day, day, "day", False
    return None


def _week(match: re.Match[str], sent: date) -> Resolved:
    modifier = match["mod"].strip()
    monday = sent - timedelta(days=sent.weekday())
    shift = {"next": 7, "neste": 7, "last": -7, "forrige": -7}.get(modifier, 7)
    return monday + timedelta(days=shift), monday + timedelta(days=shift + 6), "week", shift < 0


def _in_units(match: re.Match[str], sent: date) -> Resolved:
    """'in two weeks' / 'om to uker' forward, 'two weeks ago' / 'for to uker siden' back."""
    forward = match["n"] is not None
    raw, unit_word = (match["n"], match["unit"]) if forward else (match["n2"], match["unit2"])
    count = int(raw) if raw.isdigit() else _NUMBERS[raw]
    unit, sign = _UNITS[unit_word], 1 if forward else -1
    if unit == "month":
        shifted = _add_months(sent, sign * count)
        first, last = _month_range(shifted.year, shifted.month)
        return first, last, "month", not forward
    day = sent + timedelta(days=sign * count * (7 if unit == "week" else 1))
    return day, day, "day", not forward


def _next_month(match: re.Match[str], sent: date) -> Resolved:
    past = match["mod"] in {"last", "forrige"}
    shifted = _add_months(sent.replace(day=1), -1 if past else 1)
    first, last = _month_range(shifted.year, shifted.month)
    return first, last, "month", past


def _absolute(day_of_month: int, month: int, year: int | None, sent: date) -> Resolved:
    """A day and month (and maybe a year); without a year, its next occurrence within the horizon."""
    if year is not None:
        year = year + 2000 if year < 100 else year
        try:
            day = date(year, month, day_of_month)
        except ValueError:
            return None
        return day, day, "day", day < sent
    try:
        day = date(sent.year, month, day_of_month)
        if day < sent:
            day = date(sent.year + 1, month, day_of_month)
    except ValueError:
        return None
    return day, day, "day", (day - sent).days > NO_YEAR_HORIZON_DAYS


def _numeric(match: re.Match[str], sent: date) -> Resolved:
    year = int(match["y"]) if match["y"] else None
    return _absolute(int(match["d"]), int(match["m"]), year, sent)


def _iso(match: re.Match[str], sent: date) -> Resolved:
    return _absolute(int(match["d"]), int(match["m"]), int(match["y"]), sent)


def _day_month(match: re.Match[str], sent: date) -> Resolved:
    year = int(match["year"]) if match["year"] else None
    return _absolute(int(match["d"]), _MONTHS[match["mo"]], year, sent)


def _month_only(match: re.Match[str], sent: date) -> Resolved:
    if match["mo"] == "may" and (match["mod"] or "i") == "i" and not match["year"]:
        return None  # "I may come", "we may": the verb, not the month
    month = _MONTHS[match["mo"]]
    if match["year"]:
        first, last = _month_range(int(match["year"]), month)
        return first, last, "month", last < sent
    year = sent.year if month >= sent.month else sent.year + 1
    first, last = _month_range(year, month)
    past = bool(match["ly"]) or match["mod"] in {"last", "forrige"}
    return first, last, "month", past or (first - sent).days > MONTH_HORIZON_DAYS


_RULES: list[Rule] = [
    ("iso", re.compile(rf"{_B}(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_E}"), _iso),
    (
        "numeric",
        re.compile(
            r"(?<![\w.:/])(?<!kl\. )(?<!kl )(?<!at )(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)\.?"
            r"(?:[./](?P<y>\d{4}|\d{2}))?(?![\w:]|[./]\d)"
        ),
        _numeric,
    ),
    (
        "day-month",
        re.compile(
            rf"{_B}(?:(?:on\s+|på\s+)?(?:{_WD})(?:en)?,?\s+(?:den\s+)?)?(?:the\s+)?(?P<d>[0-3]?\d)(?:st|nd|rd|th|\.)?"
            rf"\s+(?:of\s+)?(?P<mo>{_MO}){_E}\.?{_YEAR}"
        ),
        _day_month,
    ),
    (
        "month-day",
        re.compile(rf"{_B}(?P<mo>{_MO})\.?\s+(?:the\s+)?(?P<d>[0-3]?\d)(?:st|nd|rd|th)?{_E}{_YEAR}"),
        _day_month,
    ),
    (
        "month",
        re.compile(
            rf"{_B}(?:(?P<mod>in|i|by|før|until|innen|last|forrige|early|late|tidlig\s+i|sent\s+i)\s+)?"
            rf"(?P<mo>january|february|march|april|may|june|july|august|september|october|november|december|"
            rf"januar|februar|mars|mai|juni|juli|oktober|desember){_E}{_YEAR}"
            r"(?P<ly>\s+(?:i\s+fjor|last\s+year))?"
        ),
        _month_only,
    ),
    (
        "weekday",
        re.compile(
            rf"{_B}(?:(?P<mod>{_FUTURE_WD}|{_PAST_WD})\s+)?(?P<wd>{_WD})(?:en)?{_E}"
            rf"(?P<after>\s+(?:after\s+next|etter\s+neste))?"
        ),
        _weekday,
    ),
    (
        "relative-day",
        re.compile(
            rf"{_B}(?:(?:the\s+)?day\s+after\s+tomorrow|i\s+overmorgen|tomorrow|i\s+morgen(?!\w)|today|tonight|"
            rf"yesterday|i\s+dag|i\s+kveld|i\s+natt|i\s+går|i\s+gaar|i\s+gar){_E}"
        ),
        _relative_day,
    ),
    (
        "weekend",
        re.compile(
            rf"{_B}(?:(?P<mod>next|this|last|neste|denne|forrige|sist)\s+(?:weekend|helg(?:a|en)?)|"
            rf"(?:the|at\s+the|i|over)\s+(?:weekend|helg(?:a|en))){_E}"
            r"(?P<after>\s+(?:after\s+next|etter\s+neste))?"
        ),
        _weekend,
    ),
    (
        "day-of-month",
        re.compile(rf"{_B}(?:on\s+)?(?:the\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)|den\s+(?P<dn>[0-3]?\d)\.(?!\d))"),
        _day_of_month,
    ),
    ("week", re.compile(rf"{_B}(?P<mod>next|last|neste|forrige)\s+(?:week|uke|veke){_E}"), _week),
    (
        "in-units",
        re.compile(
            rf"{_B}(?:(?:in|om|within|innen)\s+(?P<n>{_NUM})\s+(?P<unit>{_UNIT}){_E}|"
            rf"(?:for\s+)?(?P<n2>{_NUM})\s+(?P<unit2>{_UNIT})\s+(?P<ago2>ago|siden){_E})"
        ),
        _in_units,
    ),
    ("next-month", re.compile(rf"{_B}(?P<mod>next|last|neste|forrige)\s+(?:month|måned|maned|mnd){_E}"),
     _next_month),
]  # fmt: skip


def _candidates(lowered: str, text: str, sent: date) -> Iterator[DateFind]:
    for name, pattern, resolve in _RULES:
        for match in pattern.finditer(lowered):
            resolved = resolve(match, sent)
            if resolved is None:
                continue
            first, last, precision, past = resolved
            start, end = match.span()
            end = len(lowered[:end].rstrip())
            yield DateFind(text[start:end], start, end, first, last, precision, past, f"rule:{name}")


def find_rule_dates(text: str, sent: date) -> list[DateFind]:
    """Every English or Norwegian date expression the rules know, longest first where they overlap."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer: keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    found = sorted(_candidates(lowered, text, sent), key=lambda f: (-(f.end - f.start), f.start))
    kept: list[DateFind] = []
    for find in found:
        if all(find.end <= other.start or find.start >= other.end for other in kept):
            kept.append(find)
    return sorted(kept, key=lambda f: f.start)
