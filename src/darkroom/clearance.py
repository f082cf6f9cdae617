"""Need-to-know, one vocabulary for every output (web pages, reports, exports, the server database):
a reader's clearance and the mark a restricted record (an undercover officer's profile, a victim)
shows without it.

A reader is `standard` (sees the case, restricted records redacted) or `restricted` (sees them too),
the words the web's memberships have always stored. The CLI's `--clearance` once said `none` for
standard: it is still read as `standard`, so scripts keep working; what is recorded (audit details,
reports) says `standard` from now on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final, Literal, get_args

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput

Clearance = Literal["standard", "restricted"]
STANDARD: Final = "standard"
RESTRICTED: Final = "restricted"
CLEARANCES: Final[tuple[Clearance, ...]] = get_args(Clearance)
LEGACY_STANDARD: Final = "none"  # the CLI's former word for standard, still accepted
REDACTED: Final = "[restricted]"
_WITH_RESTRICTED_SQL: Final = text(
    "SELECT DISTINCT p.conversation_id FROM conversation_participants p JOIN accounts a "
    "ON a.id = p.account_id WHERE a.restricted = 1 "
    "AND p.conversation_id IN (SELECT value FROM json_each(:ids))"
)


def clearance_of(value: str) -> Clearance:
    """The clearance an option names: "restricted", or "standard" (also when left out or given as the
    former "none"); anything else is refused."""
    cleaned = value.strip().lower()
    if cleaned == RESTRICTED:
        return "restricted"
    if cleaned in ("", STANDARD, LEGACY_STANDARD):
        return "standard"
    raise InvalidInput("--clearance must be 'standard' (the default) or 'restricted'")


def with_restricted_participants(conn: Connection, conversation_ids: Iterable[int]) -> set[int]:
    """The conversations among these with a restricted participant: their titles are shown only with
    clearance (a chat's title is often the other party's name)."""
    ids = json.dumps(sorted(set(conversation_ids)))
    return {int(r.conversation_id) for r in conn.execute(_WITH_RESTRICTED_SQL, {"ids": ids})}
