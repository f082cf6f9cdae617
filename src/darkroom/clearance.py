"""Need-to-know, one vocabulary for every output (web pages, reports, exports): a reader's clearance
and the mark a restricted record (an undercover officer's profile, a victim) shows without it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final, Literal

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput

Clearance = Literal["none", "restricted"]
REDACTED: Final = "[restricted]"
_WITH_RESTRICTED_SQL: Final = text(
    "SELECT DISTINCT p.conversation_id FROM conversation_participants p JOIN accounts a "
    "ON a.id = p.account_id WHERE a.restricted = 1 "
    "AND p.conversation_id IN (SELECT value FROM json_each(:ids))"
)


def clearance_of(value: str) -> Clearance:
    """The clearance an option names ("restricted", or "none" when left out); anything else is refused."""
    cleaned = value.strip().lower()
    if cleaned == "restricted":
        return "restricted"
    if cleaned in ("", "none"):
        return "none"
    raise InvalidInput("--clearance must be 'restricted' (or left out)")


def with_restricted_participants(conn: Connection, conversation_ids: Iterable[int]) -> set[int]:
    """The conversations among these with a restricted participant: their titles are shown only with
    clearance (a chat's title is often the other party's name)."""
    ids = json.dumps(sorted(set(conversation_ids)))
    return {int(r.conversation_id) for r in conn.execute(_WITH_RESTRICTED_SQL, {"ids": ids})}
