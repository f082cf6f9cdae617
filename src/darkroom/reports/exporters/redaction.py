"""Need-to-know for exports: which records are restricted, and paths with their names masked.

An account is restricted when it is marked so or held by a restricted person (an undercover
officer, a victim). A conversation title is masked whenever a participant is restricted (a title is
often the other party's name), as the package does. A path segment (folder or file name, as in a
chat export's `WhatsApp Chat with Per.txt`) is masked when it names a restricted record: the
person's label, the account's handle, a display name it was seen under, the title of one of its
one-to-one chats that no chat without a restricted participant bears (a title names the other party,
so a title shared with others' chats names them instead), in whole words, in order, ignoring case;
or its phone number (the last nine digits). The check is as good as the names darkroom holds; the
exhibit, the rest of the path and the file hashes stay.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from darkroom.clearance import REDACTED, Clearance

CLEARANCES: tuple[Clearance, ...] = ("none", "restricted")
PHONE_DIGITS = 9  # enough to tell numbers apart, short enough to match national and +CC forms
_WORD = re.compile(r"[^\W_]+")

_RESTRICTED_ACCOUNTS_SQL = text(
    "SELECT a.id FROM accounts a WHERE a.restricted = 1 OR EXISTS (SELECT 1 FROM person_links l "
    "JOIN persons p ON p.id = l.person_id WHERE l.account_id = a.id AND p.restricted = 1)"
)
_TERMS_SQL = text(
    """
    SELECT label AS term FROM persons WHERE restricted = 1
    UNION SELECT handle FROM accounts WHERE id IN (SELECT value FROM json_each(:a))
    UNION SELECT display_name FROM account_names WHERE account_id IN (SELECT value FROM json_each(:a))
    UNION SELECT i.value_norm FROM account_identifiers ai JOIN identifiers i ON i.id = ai.identifier_id
          WHERE ai.account_id IN (SELECT value FROM json_each(:a))
    UNION SELECT c.title FROM conversations c JOIN conversation_participants p ON p.conversation_id = c.id
          WHERE c.title IS NOT NULL AND c.is_group = 0 AND p.account_id IN (SELECT value FROM json_each(:a))
          AND c.title NOT IN (SELECT o.title FROM conversations o WHERE o.title IS NOT NULL AND NOT EXISTS
              (SELECT 1 FROM conversation_participants op WHERE op.conversation_id = o.id
               AND op.account_id IN (SELECT value FROM json_each(:a))))
    """
)


@dataclass(frozen=True, slots=True)
class Restricted:
    """The restricted accounts and the names that identify them, for masking paths and titles."""

    cleared: bool
    account_ids: frozenset[int]
    word_terms: tuple[tuple[str, ...], ...]
    phone_terms: tuple[str, ...]
    by_first_word: dict[str, tuple[tuple[str, ...], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index the terms by their first word, so a path costs its words, not words times terms."""
        index: dict[str, list[tuple[str, ...]]] = {}
        for term in self.word_terms:
            index.setdefault(term[0], []).append(term)
        object.__setattr__(self, "by_first_word", {word: tuple(terms) for word, terms in index.items()})

    def hides_title(self, participant_ids: set[int] | frozenset[int]) -> bool:
        """Whether a conversation's title is masked: a participant is restricted, the reader not cleared."""
        return not self.cleared and not self.account_ids.isdisjoint(participant_ids)

    def path(self, path: str) -> str:
        """The path with every segment that names a restricted record replaced by "[restricted]"."""
        if self.cleared or not (self.word_terms or self.phone_terms):
            return path
        return "/".join(REDACTED if self._names(segment) else segment for segment in path.split("/"))

    def _names(self, segment: str) -> bool:
        words = tuple(_WORD.findall(segment.casefold()))
        for start, word in enumerate(words):
            if any(words[start : start + len(term)] == term for term in self.by_first_word.get(word, ())):
                return True
        digits = "".join(ch for ch in segment if ch.isdigit())
        return len(digits) >= PHONE_DIGITS and any(term in digits for term in self.phone_terms)


def load_restricted(conn: Connection, clearance: Clearance) -> Restricted:
    """What is restricted in the case, and (without clearance) the names to mask in paths."""
    account_ids = frozenset(int(r.id) for r in conn.execute(_RESTRICTED_ACCOUNTS_SQL))
    if clearance == "restricted":
        return Restricted(True, account_ids, (), ())
    words: set[tuple[str, ...]] = set()
    phones: set[str] = set()
    for row in conn.execute(_TERMS_SQL, {"a": json.dumps(sorted(account_ids))}):
        term = str(row.term or "")
        digits = "".join(ch for ch in term if ch.isdigit())
        if len(digits) >= PHONE_DIGITS and not any(ch.isalpha() for ch in term):
            phones.add(digits[-PHONE_DIGITS:])
            continue
        found = tuple(_WORD.findall(term.casefold()))
        if found and len("".join(found)) >= 2:
            words.add(found)
    return Restricted(False, account_ids, tuple(sorted(words)), tuple(sorted(phones)))
