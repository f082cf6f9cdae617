"""The header grammar of WhatsApp text exports: which layout a file uses, and its day/month order.

A message starts with a header; the layout varies with the phone's OS and locale:

    Android en-GB   23/03/2022, 13:31 - Name: text
    Android en-US   1/1/21, 12:00 PM - Name: text          (U+202F may stand before PM)
    Android es      01/01/2019, 11:25 a. m. - Name: text
    Android nb/de   15.04.2016, 15:04 - Name: text / 15.04.16, 15:04 - Name: text
    Android cs/nl   18.03.22 14:56 - Name: text / 18-03-2022 14:56 - Name: text
    iOS             [3/27/22, 21:41:35] Name: text         (CRLF; U+200E marks, see whatsapp_bodies)

A universal probe recognises any of them; the layout of a file is read once from its first
headers and one regex is compiled for it, so the parse is a single pass of one pattern.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

DateOrder = Literal["dmy", "mdy", "ymd"]

# Direction marks iOS inserts (U+200E before `[` and before bodies, U+202A/U+202C around phone
# numbers, U+2068/U+2069 around mentions). ZWJ U+200D is not one: it joins emoji sequences.
MARK_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_MARKS = f"[{MARK_CHARS}]"
_MERIDIEM = r"[ \u202f\u00a0]?[AaPp]\.?[ \u202f\u00a0]?[Mm]\.?"  # AM, am, a.m., "a. m.", U+202F PM
_MERIDIEM_LETTER = r"[ \u202f\u00a0]?([AaPp])\.?[ \u202f\u00a0]?[Mm]\.?"  # the same, a/p captured

PROBE = re.compile(
    rf"(?P<marks>{_MARKS}*)(?P<bracket>\[)?"
    r"(?P<a>\d{1,4})(?P<date_sep>[./-])(?P<b>\d{1,2})(?P=date_sep)(?P<c>\d{2,4})"
    r"(?P<stamp_sep>, |,| )(?P<hour>\d{1,2})(?P<time_sep>[:.])(?P<minute>\d{2})"
    rf"(?:(?P=time_sep)(?P<second>\d{{2}}))?(?P<meridiem>{_MERIDIEM})?"
    r"(?(bracket)\] | [-–] )"
)
"""Any supported header at the start of a line; use `match_header`, which adds the rules below."""

LAYOUT_PROBE_LINES = 50  # non-empty lines searched for the first header
_CHRONOLOGY_SAMPLE = 20_000  # dates kept for the chronological day/month test


@dataclass(frozen=True, slots=True)
class Layout:
    """One header layout: enough to compile the regex that matches exactly that layout."""

    bracketed: bool
    date_sep: str
    stamp_sep: str
    time_sep: str
    has_seconds: bool
    has_meridiem: bool
    year_first: bool

    def header_regex(self) -> re.Pattern[str]:
        """The compiled header regex for this layout (cached per layout)."""
        return _compile_header(self)


# Indexes into a layout regex's `groups()` (a missing part is an empty group, so indexes never
# move): the marks before the header, the whole timestamp text, the date text, its three fields
# in file order, hour, minute, second, and the a/p letter of a 12 h clock.
I_MARKS, I_STAMP, I_DATE, I_A, I_B, I_C, I_HOUR, I_MINUTE, I_SECOND, I_MERIDIEM = range(10)


@functools.lru_cache(maxsize=64)
def _compile_header(layout: Layout) -> re.Pattern[str]:
    date_sep, time_sep = re.escape(layout.date_sep), re.escape(layout.time_sep)
    date = rf"((\d{{1,4}}){date_sep}(\d{{1,2}}){date_sep}(\d{{2,4}}))"
    clock = rf"(\d{{1,2}}){time_sep}(\d{{2}})"
    clock += rf"{time_sep}(\d{{2}})" if layout.has_seconds else "()"
    clock += _MERIDIEM_LETTER if layout.has_meridiem else "()"
    opening, closing = (r"\[", r"\] ") if layout.bracketed else ("", " [-–] ")
    stamp = f"({date}{re.escape(layout.stamp_sep)}{clock})"
    return re.compile(f"({_MARKS}*){opening}{stamp}{closing}")  # used with .match on one line


def match_header(line: str) -> re.Match[str] | None:
    """The probe's match when a line starts with a WhatsApp header of any supported layout.

    The bracketed (iOS) form always prints seconds; without them `[2020-01-01, 12:00] Name:` is
    some other tool's log.
    """
    match = PROBE.match(line)
    if match is None or (match["bracket"] and match["second"] is None):
        return None
    return match


def layout_of(match: re.Match[str]) -> Layout:
    """The layout of a header the probe matched."""
    return Layout(
        bracketed=match["bracket"] is not None,
        date_sep=match["date_sep"],
        stamp_sep=match["stamp_sep"],
        time_sep=match["time_sep"],
        has_seconds=match["second"] is not None,
        has_meridiem=match["meridiem"] is not None,
        year_first=len(match["a"]) == 4,
    )


def find_layout(lines: Iterable[str]) -> tuple[Layout, int] | None:
    """The layout of the first header among the first non-empty lines, and its line index."""
    searched = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = match_header(line)
        if match:
            return layout_of(match), index
        searched += 1
        if searched >= LAYOUT_PROBE_LINES:
            break
    return None


class OrderEvidence:
    """Collects the two leading date fields of each header to settle day/month order.

    Any field above 12 settles it; otherwise the reading under which the dates run forward
    (fewest steps back in time) wins, and a tie falls back on a locale default.
    """

    __slots__ = ("dates", "max_a", "max_b")

    def __init__(self) -> None:
        self.max_a = 0
        self.max_b = 0
        self.dates: list[tuple[int, int, int, int]] = []

    def settled(self) -> bool:
        """True once a field above 12 has been seen."""
        return self.max_a > 12 or self.max_b > 12

    def add(self, groups: tuple[str | None, ...]) -> None:
        """Note one header's date fields (regex groups of a layout regex)."""
        first, second = int(groups[I_A] or 0), int(groups[I_B] or 0)
        self.max_a, self.max_b = max(self.max_a, first), max(self.max_b, second)
        if len(self.dates) < _CHRONOLOGY_SAMPLE:
            clock = int(groups[I_HOUR] or 0) * 60 + int(groups[I_MINUTE] or 0)
            self.dates.append((int(groups[I_C] or 0), first, second, clock))

    def decide(self, layout: Layout, region: str) -> tuple[DateOrder, str | None]:
        """The order, and a note for the examiner when the dates alone could not settle it."""
        if layout.year_first:
            return "ymd", None
        if self.max_a > 12 and self.max_b <= 12:
            return "dmy", None
        if self.max_b > 12 and self.max_a <= 12:
            return "mdy", None
        if self.max_a > 12:  # both above 12: not a date order at all; keep day-first
            return "dmy", "day and month fields both exceed 12 in places; read as day-first"
        backwards_dmy = _steps_back(self.dates, day_first=True)
        backwards_mdy = _steps_back(self.dates, day_first=False)
        if backwards_dmy != backwards_mdy:
            order: DateOrder = "dmy" if backwards_dmy < backwards_mdy else "mdy"
            reason = f"the dates run forward when read as {_describe(order)}"
        else:
            order = default_order(layout, region)
            reason = f"the locale default for this layout is {_describe(order)}"
        return order, f"no day or month field exceeds 12; read as {_describe(order)} because {reason}"


def default_order(layout: Layout, region: str) -> DateOrder:
    """Month-first for US-style slashed dates (12 h clock or a US case), day-first elsewhere."""
    if layout.date_sep == "/" and (layout.has_meridiem or region.upper() in {"US", "PH", "FM"}):
        return "mdy"
    return "dmy"


def _describe(order: DateOrder) -> str:
    return "day-first" if order == "dmy" else "month-first"


def _steps_back(dates: list[tuple[int, int, int, int]], *, day_first: bool) -> int:
    """How often the next header is earlier than the one before under one reading."""
    steps, previous = 0, (0, 0, 0, 0)
    for year, first, second, clock in dates:
        current = (year, second, first, clock) if day_first else (year, first, second, clock)
        steps += current < previous
        previous = current
    return steps


def field_positions(order: DateOrder) -> tuple[int, int, int]:
    """Indexes of year, month and day in a layout regex's `groups()` tuple."""
    if order == "ymd":
        return I_A, I_B, I_C
    if order == "mdy":
        return I_C, I_A, I_B
    return I_C, I_B, I_A


def calendar_day(groups: tuple[str, ...], positions: tuple[int, int, int]) -> date:
    """The date a header prints; ValueError for an impossible one."""
    year_text = groups[positions[0]]
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000  # WhatsApp prints 2-digit years only for 20yy
    elif len(year_text) != 4:
        msg = f"year {year_text!r} has neither 2 nor 4 digits"
        raise ValueError(msg)
    return date(year, int(groups[positions[1]]), int(groups[positions[2]]))


def clock_of(groups: tuple[str, ...]) -> tuple[int, int, int]:
    """Hour (0-23 read from a 12 or 24 h clock), minute and second a header prints."""
    hour = int(groups[I_HOUR])
    meridiem = groups[I_MERIDIEM]
    if meridiem and hour <= 12:
        # "12:10 p. m." is 12:10, "12:05 AM" is 00:05; Spanish files also print "00:08 a. m."
        hour = hour % 12 + (12 if meridiem in "pP" else 0)
    second = groups[I_SECOND]
    return hour, int(groups[I_MINUTE]), int(second) if second else 0
