"""Names of restricted people kept out of what an uncleared viewer reads around the evidence.

A source file's path names people ("WhatsApp Chat - AmberTiger.zip!/_chat.txt"), and so do chat
titles, group names and attachment names. For a viewer without the `restricted` clearance every
such metadata field is shown with each restricted name replaced by "[restricted]". Message bodies
are evidence and are shown as recorded (as in reports); only the metadata around them is redacted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import Connection, text

from darkroom.web.access import RESTRICTED_LABEL, CaseView

# Shorter names ("Al", "Jo") would blank half of every path.
MIN_NAME_CHARS: Final = 3
_MEMO_KEY: Final = "redactor"
_HAS_PERSON_CONTACTS_SQL = text(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'person_contacts'"
)
# Restricted accounts are few: each part reads them through an index, never a scan of the names.
_NAMES_SQL = """
WITH r AS (SELECT id, handle, handle_norm FROM accounts WHERE restricted = 1),
     p AS (SELECT id, label FROM persons WHERE restricted = 1)
SELECT handle AS name FROM r
UNION SELECT handle_norm FROM r
UNION SELECT display_name FROM account_names WHERE account_id IN (SELECT id FROM r)
UNION SELECT label FROM p
"""
# A restricted person's contact cards: the name a phone gives them is often a chat's title.
_CARD_NAMES_SQL = """
UNION SELECT c.display_name FROM person_contacts k JOIN contacts c ON c.id = k.contact_id
WHERE k.person_id IN (SELECT id FROM p) AND c.display_name IS NOT NULL
"""


@lru_cache(maxsize=64)
def _compiled(names: frozenset[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern that finds, at every position, the longest name starting there."""
    kept: dict[str, str] = {}
    for name in names:
        clean = name.strip()
        if len(clean) < MIN_NAME_CHARS:
            continue
        # Both forms: a path from a Mac export spells "Zoë" decomposed, a handle composed.
        for form in {unicodedata.normalize("NFC", clean), unicodedata.normalize("NFD", clean)}:
            kept.setdefault(form.casefold(), form)
    if not kept:
        return None
    ordered = sorted(kept.values(), key=lambda n: (-len(n), n))
    # A lookahead matches overlapping names too ("AmberTigerLily" holding "AmberTiger" and
    # "TigerLily"); redact() merges what overlaps.
    return re.compile("(?=(" + "|".join(re.escape(n) for n in ordered) + "))", re.IGNORECASE)


def _whole_words(value: str, start: int, end: int) -> tuple[int, int]:
    """A span widened to the letters and digits it cuts through at either end."""
    while 0 < start < len(value) and value[start].isalnum() and value[start - 1].isalnum():
        start -= 1
    while 0 < end < len(value) and value[end - 1].isalnum() and value[end].isalnum():
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


# A page repeats its paths (every message of a chat export has the export's path).
@lru_cache(maxsize=8192)
def _redacted(pattern: re.Pattern[str], value: str) -> str:
    spans = [_whole_words(value, m.start(), m.start() + len(m.group(1))) for m in pattern.finditer(value)]
    if not spans:
        return value
    out: list[str] = []
    cursor = 0
    for start, end in _merged(spans):
        out.append(value[cursor:start])
        out.append(RESTRICTED_LABEL)
        cursor = end
    out.append(value[cursor:])
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Redactor:
    """Replaces restricted names in metadata for one viewer; without a pattern it changes nothing."""

    pattern: re.Pattern[str] | None = None

    @classmethod
    def of(cls, names: Iterable[str]) -> Redactor:
        """A redactor of these names (case-insensitive; names shorter than 3 characters ignored)."""
        return cls(_compiled(frozenset(names)))

    @property
    def active(self) -> bool:
        """Some name is redacted."""
        return self.pattern is not None

    def redact(self, value: str) -> str:
        """The text with each restricted name as "[restricted]": overlapping names as one, and a name
        inside a longer word with the whole word ("Daniel S" in "Daniel Strand"), so that no rest of a
        word hints at the name."""
        if self.pattern is None or not value:
            return value
        return _redacted(self.pattern, value)

    def fields(self, row: dict[str, Any], *keys: str) -> None:
        """Redact these keys of a row in place (text values, and lists or tuples of text)."""
        if self.pattern is None:
            return
        for key in keys:
            found = row.get(key)
            if isinstance(found, str):
                row[key] = self.redact(found)
            elif isinstance(found, list | tuple):
                row[key] = [self.redact(v) if isinstance(v, str) else v for v in found]

    def rows(self, rows: Iterable[dict[str, Any]], *keys: str) -> None:
        """Redact these keys of every row in place."""
        if self.pattern is None:
            return
        for row in rows:
            self.fields(row, *keys)


NO_REDACTION: Final = Redactor()


def restricted_names(conn: Connection) -> set[str]:
    """Every name of the case's restricted records: restricted accounts' handles and display names,
    restricted persons' labels and the names their contact cards give them."""
    sql = _NAMES_SQL
    if conn.execute(_HAS_PERSON_CONTACTS_SQL).first() is not None:
        sql += _CARD_NAMES_SQL
    return {str(row.name) for row in conn.execute(text(sql)) if row.name}


def redactor_for(conn: Connection, view: CaseView) -> Redactor:
    """The viewer's redactor, loaded once per request (a CaseView lives for one request); cleared
    viewers read everything as recorded."""
    if view.cleared:
        return NO_REDACTION
    found = view.loaded.get(_MEMO_KEY)
    if isinstance(found, Redactor):
        return found
    made = Redactor.of(restricted_names(conn))
    view.loaded[_MEMO_KEY] = made
    return made
