"""Need-to-know's one redaction engine: the names and numbers of restricted records (an undercover
officer's profile, a victim) replaced by "[restricted]" wherever a reader without clearance meets them
outside the evidence text: web pages and the API, exports, audit details and investigators' reasons.

A name is found ignoring case, composed or decomposed accents, and how its words are separated
("Per Undercover", "per_undercover", "PER.UNDERCOVER"); inside a longer word it takes the whole word
("Daniel S" in "Daniel Strand"), so no rest of a word hints at it. Names of three letters or digits
("Per", "Ann") and short numbers (a user id) count only as a word of their own: as parts of words
("person", "planning") or of longer numbers they would blank every other title and date. A phone
number is found in any common writing (+44 7700 900333, 0044-7700-900333, 07700 900333) by its
national significant number. The names a case holds are read once per request or export
(`restricted_names`, `case_redactor`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import Connection, text

from darkroom.clearance import REDACTED

MIN_NAME_CHARS: Final = 3  # letters and digits; shorter names ("Al", "Jo") would blank half of every path
WORD_ONLY_CHARS: Final = 3  # names this short match only as a word of their own
PHONE_MIN_DIGITS: Final = 7  # shorter digit runs are dates, counts and ids, not numbers
_MARKS: Final = "\u0300-\u036f"  # combining accents: a decomposed "Zoë" is "Zoe" + U+0308
_WORD_CHAR: Final = rf"(?:[^\W_]|[{_MARKS}])"
_WORDS: Final = re.compile(rf"{_WORD_CHAR}+")
_SEPARATOR: Final = rf"(?:(?![{_MARKS}])[\W_])+"
_LEAD: Final = re.compile(rf"(?:(?![{_MARKS}])[\W_])*")
_TRAIL: Final = re.compile(rf"(?:(?![{_MARKS}])[\W_])*\Z")
# A digit run as numbers are written: an optional + or 00, digits with at most two of " -./()" between.
_PHONE_RUN: Final = re.compile(rf"(?<!\d)(?:\+|00)?\d(?:[ \-./()\u00a0]{{0,2}}\d){{{PHONE_MIN_DIGITS - 1},}}")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.combining(char) > 0


def phone_key(number: str) -> str | None:
    """The digits a restricted number is recognised by: its national significant number (what every
    writing of it holds, with or without +CC, 00CC or the trunk 0), else its digits; None if too short."""
    import phonenumbers  # noqa: PLC0415 - its metadata is slow to load; only cases with numbers need it

    digits = "".join(ch for ch in number if ch.isdigit())
    try:
        parsed = phonenumbers.parse("+" + digits.removeprefix("00"), None)
        national = phonenumbers.national_significant_number(parsed)
    except phonenumbers.NumberParseException:
        national = ""
    if len(national) >= PHONE_MIN_DIGITS and digits.endswith(national):
        return national
    return digits if len(digits) >= PHONE_MIN_DIGITS else None


def _is_number(name: str) -> bool:
    """A name written as a phone number (a WhatsApp handle, a stored identifier): digits and punctuation."""
    digits = sum(ch.isdigit() for ch in name)
    return digits >= PHONE_MIN_DIGITS and not any(ch.isalpha() for ch in name)


def _name_pattern(form: str) -> str | None:
    """The pattern of one spelling of a name: its words with any separators between, its leading and
    trailing punctuation taken when present; a short name bounded as a word of its own."""
    words = _WORDS.findall(form)
    letters = sum(1 for word in words for ch in word if not unicodedata.combining(ch))
    if letters < MIN_NAME_CHARS:
        return None
    pattern = _SEPARATOR.join(re.escape(word) for word in words)
    # A short number (a user id) inside a longer one is another number: "2024" is in every date.
    if letters <= WORD_ONLY_CHARS or not any(ch.isalpha() for ch in form):
        return rf"(?<!{_WORD_CHAR}){pattern}(?!{_WORD_CHAR})"
    lead = _LEAD.match(form)
    trail = _TRAIL.search(form)
    before = f"(?:{re.escape(lead.group())})?" if lead and lead.group() else ""
    after = f"(?:{re.escape(trail.group())})?" if trail and trail.group() else ""
    return before + pattern + after


def _folded(value: str) -> str:
    """Text as the quick check compares it: composed, case folded."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", value).casefold())


@dataclass(frozen=True, slots=True)
class _Compiled:
    pattern: re.Pattern[str] | None
    cues: tuple[str, ...]  # one word of every name, folded: text holding none names nobody
    phone_keys: frozenset[str]


@lru_cache(maxsize=64)
def _compiled(names: frozenset[str]) -> _Compiled:
    """One case-insensitive pattern that finds, at every position, the longest name starting there,
    the words text must hold for it to match, and the keys of the names that are phone numbers."""
    patterns: dict[str, int] = {}
    cues: set[str] = set()
    phones: set[str] = set()
    for name in names:
        clean = name.strip()
        key = phone_key(clean) if _is_number(clean) else None
        if key is not None:
            phones.add(key)
            continue
        for form in {unicodedata.normalize("NFC", clean), unicodedata.normalize("NFD", clean)}:
            found = _name_pattern(form)
            if found is not None:
                patterns.setdefault(found, len(form))
                cues.add(max(_WORDS.findall(_folded(form)), key=len))
    if not patterns:
        return _Compiled(None, (), frozenset(phones))
    ordered = sorted(patterns, key=lambda p: (-patterns[p], p))
    # A lookahead matches overlapping names too ("AmberTigerLily" holding "AmberTiger" and "TigerLily").
    pattern = re.compile("(?=(" + "|".join(ordered) + "))", re.IGNORECASE)
    return _Compiled(pattern, tuple(sorted(cues)), frozenset(phones))


def _whole_words(value: str, start: int, end: int) -> tuple[int, int]:
    """A span widened to the letters and digits it cuts through at either end."""
    while 0 < start < len(value) and _is_word_char(value[start]) and _is_word_char(value[start - 1]):
        start -= 1
    while 0 < end < len(value) and _is_word_char(value[end - 1]) and _is_word_char(value[end]):
        end += 1
    return start, end


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one, in order."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _phone_spans(value: str, keys: frozenset[str]) -> list[tuple[int, int]]:
    """The digit runs that hold a restricted number's key."""
    spans = []
    for run in _PHONE_RUN.finditer(value):
        digits = "".join(ch for ch in run.group() if ch.isdigit())
        if any(key in digits for key in keys):
            spans.append(run.span())
    return spans


# A page repeats its paths (every message of a chat export has the export's path).
@lru_cache(maxsize=8192)
def _spans(compiled: _Compiled, value: str) -> tuple[tuple[int, int], ...]:
    found: list[tuple[int, int]] = []
    if compiled.pattern is not None:
        folded = value.casefold() if value.isascii() else _folded(value)
        if any(cue in folded for cue in compiled.cues):
            found = [(m.start(), m.end(1)) for m in compiled.pattern.finditer(value)]
    if compiled.phone_keys:
        found += _phone_spans(value, compiled.phone_keys)
    return tuple(_merged([_whole_words(value, start, end) for start, end in found if end > start]))


@dataclass(frozen=True, slots=True)
class Redactor:
    """Replaces restricted names and numbers in text for one reader; without any it changes nothing."""

    compiled: _Compiled | None = None

    @classmethod
    def of(cls, names: Iterable[str]) -> Redactor:
        """A redactor of these names and numbers (a name of digits and punctuation is a phone number)."""
        compiled = _compiled(frozenset(names))
        return cls(compiled if compiled.pattern is not None or compiled.phone_keys else None)

    @property
    def active(self) -> bool:
        """Some name or number is redacted."""
        return self.compiled is not None

    def names(self, value: str) -> bool:
        """Whether the text names a restricted record."""
        return bool(value) and self.compiled is not None and bool(_spans(self.compiled, value))

    def redact(self, value: str) -> str:
        """The text with each restricted name or number as "[restricted]" (overlapping ones as one)."""
        if not value or self.compiled is None:
            return value
        spans = _spans(self.compiled, value)
        if not spans:
            return value
        out: list[str] = []
        cursor = 0
        for start, end in spans:
            out.append(value[cursor:start])
            out.append(REDACTED)
            cursor = end
        out.append(value[cursor:])
        return "".join(out)

    def value(self, found: Any) -> Any:
        """A JSON-like value (audit details) with every string in it redacted, keys kept."""
        if not self.active:
            return found
        if isinstance(found, str):
            return self.redact(found)
        if isinstance(found, dict):
            return {key: self.value(item) for key, item in found.items()}
        if isinstance(found, list | tuple):
            return [self.value(item) for item in found]
        return found

    def fields(self, row: dict[str, Any], *keys: str) -> None:
        """Redact these keys of a row in place (text values, and lists or tuples of text)."""
        if not self.active:
            return
        for key in keys:
            found = row.get(key)
            if isinstance(found, str):
                row[key] = self.redact(found)
            elif isinstance(found, list | tuple):
                row[key] = [self.redact(v) if isinstance(v, str) else v for v in found]

    def rows(self, rows: Iterable[dict[str, Any]], *keys: str) -> None:
        """Redact these keys of every row in place."""
        if not self.active:
            return
        for row in rows:
            self.fields(row, *keys)


NO_REDACTION: Final = Redactor()

# An account is restricted when marked so or held by a restricted person. Restricted records are few.
_RESTRICTED_ACCOUNTS_SQL: Final = text(
    "SELECT id FROM accounts WHERE restricted = 1 UNION SELECT l.account_id FROM persons p "
    "JOIN person_links l ON l.person_id = p.id WHERE p.restricted = 1"
)
_HAS_PERSON_CONTACTS_SQL: Final = text(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'person_contacts'"
)
# Handles, display names, identifiers, persons' labels, and the title of a restricted account's
# one-to-one chat that no chat without a restricted participant bears (a title names the other party,
# so a title shared with others' chats names them instead).
_NAMES_SQL: Final = """
WITH r(id) AS (SELECT value FROM json_each(:accounts)),
     p AS (SELECT id, label FROM persons WHERE restricted = 1),
     theirs AS (SELECT DISTINCT conversation_id AS id FROM conversation_participants
                WHERE account_id IN (SELECT id FROM r))
SELECT handle AS name FROM accounts WHERE id IN (SELECT id FROM r)
UNION SELECT handle_norm FROM accounts WHERE id IN (SELECT id FROM r)
UNION SELECT display_name FROM account_names WHERE account_id IN (SELECT id FROM r)
UNION SELECT i.value_norm FROM account_identifiers ai JOIN identifiers i ON i.id = ai.identifier_id
      WHERE ai.account_id IN (SELECT id FROM r)
UNION SELECT label FROM p
UNION SELECT title FROM conversations WHERE id IN (SELECT id FROM theirs) AND is_group = 0
      AND title IS NOT NULL AND title NOT IN (SELECT title FROM conversations
          WHERE title IS NOT NULL AND id NOT IN (SELECT id FROM theirs))
"""
# A restricted person's contact cards: the name a phone gives them is often a chat's title.
_CARD_NAMES_SQL: Final = """
UNION SELECT c.display_name FROM person_contacts k JOIN contacts c ON c.id = k.contact_id
WHERE k.person_id IN (SELECT id FROM p) AND c.display_name IS NOT NULL
"""


def restricted_account_ids(conn: Connection) -> frozenset[int]:
    """The accounts marked restricted or held by a restricted person."""
    return frozenset(int(row.id) for row in conn.execute(_RESTRICTED_ACCOUNTS_SQL))


def restricted_names(conn: Connection, account_ids: Iterable[int] | None = None) -> set[str]:
    """Every name and number of the case's restricted records: restricted accounts' handles, display
    names and identifiers, their one-to-one chats' own titles, restricted persons' labels and the names
    their contact cards give them."""
    ids = restricted_account_ids(conn) if account_ids is None else account_ids
    sql = _NAMES_SQL
    if conn.execute(_HAS_PERSON_CONTACTS_SQL).first() is not None:
        sql += _CARD_NAMES_SQL
    rows = conn.execute(text(sql), {"accounts": json.dumps(sorted(ids))})
    return {str(row.name) for row in rows if row.name}


def case_redactor(conn: Connection) -> Redactor:
    """The redactor of a case's restricted names, for a reader without clearance."""
    return Redactor.of(restricted_names(conn))
