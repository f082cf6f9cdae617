"""Need-to-know: who may see which case, which restricted records, and do what.

A user sees only the cases they are a member of; anything of another case answers 404, as if
it did not exist. Restricted accounts and persons (undercover officers' accounts, victims'
identities) are visible only with the `restricted` clearance on that case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

from fastapi import HTTPException

from darkroom.clearance import REDACTED
from darkroom.web.cases import OpenCase
from darkroom.web.serverdb import Clearance, User

CaseAction = Literal["reveal", "categorise", "restrict", "annotate", "decide", "mark-lead"]
# Roles allowed each action inside a case they are a member of.
_ALLOWED: Final[dict[CaseAction, frozenset[str]]] = {
    "reveal": frozenset({"admin", "lead", "investigator", "examiner"}),
    "categorise": frozenset({"admin", "lead", "examiner"}),
    "restrict": frozenset({"admin", "lead"}),
    "annotate": frozenset({"admin", "lead", "investigator", "analyst", "examiner"}),
    # Identity decisions (merge, split, confirm, reject a link) and marks on leads.
    "decide": frozenset({"admin", "lead", "investigator"}),
    "mark-lead": frozenset({"admin", "lead", "investigator"}),
}
RESTRICTED_LABEL: Final = REDACTED


@dataclass(frozen=True, slots=True)
class CaseView:
    """What one request may see of one case: the user, the case, and their clearance there."""

    user: User
    case: OpenCase
    clearance: Clearance
    # What this request loaded once for this viewer (the names to redact: darkroom.web.redaction).
    loaded: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def cleared(self) -> bool:
        """May see restricted records."""
        return self.clearance == "restricted"

    @property
    def cleared_flag(self) -> int:
        """1 or 0, to bind in SQL (`AND (x.restricted = 0 OR :cleared = 1)`)."""
        return int(self.cleared)

    def may(self, action: CaseAction) -> bool:
        """The user's role allows this action here."""
        return self.user.role in _ALLOWED[action]

    def require(self, action: CaseAction) -> None:
        """403 unless the user's role allows the action."""
        if not self.may(action):
            raise HTTPException(status_code=403, detail=f"your role ({self.user.role}) may not {action}")

    def visible(self, restricted: int | bool | None) -> bool:
        """A record with this `restricted` flag may be shown."""
        return self.cleared or not restricted

    def handle(self, handle: str | None, restricted: int | bool | None) -> str | None:
        """An account handle as this viewer may see it."""
        if handle is None:
            return None
        return handle if self.visible(restricted) else RESTRICTED_LABEL


def not_found(what: str = "not found") -> HTTPException:
    """The one answer for anything missing or outside the user's need-to-know."""
    return HTTPException(status_code=404, detail=what)
