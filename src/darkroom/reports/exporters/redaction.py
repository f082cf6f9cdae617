"""Need-to-know for exports: which records are restricted, and paths with their names masked.

An account is restricted when it is marked so or held by a restricted person (an undercover
officer, a victim). A conversation title is masked whenever a participant is restricted (a title is
often the other party's name), as the package does. A path segment (folder or file name, as in a
chat export's `WhatsApp Chat with Per.txt`) is masked whole when it names a restricted record, by the
rules of the one engine (darkroom.redaction: names, handles, labels, display names, identifiers and
one-to-one chat titles ignoring case and separators, phone numbers in any writing). The check is as
good as the names darkroom holds; the exhibit, the rest of the path and the file hashes stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

from darkroom.clearance import REDACTED, Clearance
from darkroom.redaction import NO_REDACTION, Redactor, restricted_account_ids, restricted_names


@dataclass(frozen=True, slots=True)
class Restricted:
    """The restricted accounts and, for a reader without clearance, the redactor of their names."""

    cleared: bool
    account_ids: frozenset[int]
    redactor: Redactor = NO_REDACTION

    @classmethod
    def of(cls, account_ids: Iterable[int], names: Iterable[str]) -> Restricted:
        """An uncleared reader's view of these accounts and names (numbers among them)."""
        return cls(False, frozenset(account_ids), Redactor.of(names))

    def hides_title(self, participant_ids: set[int] | frozenset[int]) -> bool:
        """Whether a conversation's title is masked: a participant is restricted, the reader not cleared."""
        return not self.cleared and not self.account_ids.isdisjoint(participant_ids)

    def path(self, path: str) -> str:
        """The path with every segment that names a restricted record replaced by "[restricted]"."""
        if self.cleared or not self.redactor.active:
            return path
        return "/".join(REDACTED if self.redactor.names(segment) else segment for segment in path.split("/"))


def load_restricted(conn: Connection, clearance: Clearance) -> Restricted:
    """What is restricted in the case, and (without clearance) the names to mask in paths."""
    account_ids = restricted_account_ids(conn)
    if clearance == "restricted":
        return Restricted(True, account_ids)
    return Restricted(False, account_ids, Redactor.of(restricted_names(conn, account_ids)))
