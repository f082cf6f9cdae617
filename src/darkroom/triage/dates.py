"""Date expressions in a message, resolved against the message's own local time.

English and Norwegian forms are read by the rules in `daterules` (tested against a labelled
set: "next Saturday", "neste lørdag", "14.03", "3. april", "in March", "i mars", "om to uker",
"next weekend", "i morgen" ...). Other languages, and forms the rules do not know, go to
dateparser's `search_dates` with PREFER_DATES_FROM='future' and RELATIVE_BASE = the message
time; its finds are kept only when they hold a date word or a digit (it reads "we" as a date
otherwise) and are not marked as past. Only indicator windows are searched: it is slow.

Conventions (where parsers disagree, darkroom decides and says so):
- "next Saturday" / "neste lørdag" / "on Saturday" / "lørdag": the first Saturday after the
  message day (a week on when said on a Saturday); "Saturday after next": a week later;
- "this weekend" / "i helga": the coming Saturday-Sunday (today's when said at the weekend);
  "next weekend" / "neste helg": the weekend of next week;
- a date without a year ("14.03", "3 April", "in March") is its next occurrence that has not
  ended by the message day; one further away than the horizon (a "14.02" written on 20.02)
  is taken as a past date, not a plan;
- "last", "forrige", "ago", "siden", "yesterday", "i går" mark an expression as past.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from darkroom.triage.daterules import DATE_WORD, RULE_LANGUAGES, DateFind, find_rule_dates

__all__ = ["DateFind", "find_dates"]

_TOKEN = re.compile(r"\w+")
_PAST_CUE = re.compile(r"\b(last|ago|yesterday|forrige|siden|sist|i\s+g[åa]r)\b", re.IGNORECASE)
_quiet = False


def _quiet_dateparser() -> None:
    """dateparser logs a warning per unparseable locale guess; the case log needs none of that."""
    global _quiet  # noqa: PLW0603 - once per process
    if not _quiet:
        logging.getLogger("dateparser").setLevel(logging.ERROR)
        _quiet = True


def _looks_like_date(expression: str) -> bool:
    """dateparser's finds worth keeping: a digit, or a word longer than 3 letters ("we", "may" are not)."""
    return any(char.isdigit() for char in expression) or any(
        len(token) > 3 for token in _TOKEN.findall(expression)
    )


def _dateparser_finds(text: str, sent_local: datetime, languages: Sequence[str]) -> list[DateFind]:
    """dateparser over text the rules left, kept only when it looks like a real date."""
    from dateparser.search import search_dates  # noqa: PLC0415 - slow to import, rarely needed

    _quiet_dateparser()
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": sent_local.replace(tzinfo=None),
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = search_dates(text, languages=list(languages), settings=settings) or []
    except (ValueError, OverflowError, TypeError, KeyError):
        return []
    finds: list[DateFind] = []
    position = 0
    for expression, moment in found:
        start = text.find(expression, position)
        if start < 0 or not _looks_like_date(expression):
            continue
        position = start + len(expression)
        day = moment.date()
        before = text[max(0, start - 12) : start]
        past = bool(_PAST_CUE.search(expression) or _PAST_CUE.search(before)) or day < sent_local.date()
        finds.append(DateFind(expression, start, position, day, day, "day", past, "dateparser"))
    return finds


def find_dates(text: str, sent_local: datetime, languages: Sequence[str] = ("en", "nb")) -> list[DateFind]:
    """Every date expression in `text`, resolved against `sent_local` (the message's local time).

    The rules read English and Norwegian; dateparser reads what they left, in `languages`.
    """
    finds = find_rule_dates(text, sent_local.date())
    others = [language for language in languages if language not in RULE_LANGUAGES]
    masked = list(text)
    for find in finds:
        masked[find.start : find.end] = " " * (find.end - find.start)
    remainder = "".join(masked)
    if others or DATE_WORD.search(remainder):
        wanted = list(dict.fromkeys([*languages, *RULE_LANGUAGES]))
        finds.extend(_dateparser_finds(remainder, sent_local, wanted))
    finds.sort(key=lambda find: find.start)
    return finds


def future_finds(finds: Sequence[DateFind], sent_day: date) -> list[DateFind]:
    """The finds that name a day on or after the message day and are not marked as past."""
    return [find for find in finds if not find.past and find.last_day >= sent_day]
