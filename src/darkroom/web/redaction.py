"""Names of restricted people kept out of what an uncleared viewer reads around the evidence.

A source file's path names people ("WhatsApp Chat - AmberTiger.zip!/_chat.txt"), and so do chat
titles, group names, attachment names, the team's notes, audit details and decision reasons. For a
viewer without the `restricted` clearance every such field is shown with each restricted name
replaced by "[restricted]" (the engine: darkroom.redaction). Message bodies are evidence and are
shown as recorded (as in reports); only what surrounds them is redacted.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection

from darkroom.redaction import MIN_NAME_CHARS, NO_REDACTION, Redactor, restricted_names
from darkroom.web.access import CaseView

__all__ = ["MIN_NAME_CHARS", "NO_REDACTION", "Redactor", "redactor_for", "restricted_names"]

_MEMO_KEY: Final = "redactor"


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
