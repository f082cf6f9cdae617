"""Need-to-know, one vocabulary for every output (web pages, reports, exports): a reader's clearance
and the mark a restricted record (an undercover officer's profile, a victim) shows without it."""

from __future__ import annotations

from typing import Final, Literal

from darkroom.errors import InvalidInput

Clearance = Literal["none", "restricted"]
REDACTED: Final = "[restricted]"


def clearance_of(value: str) -> Clearance:
    """The clearance an option names ("restricted", or "none" when left out); anything else is refused."""
    cleaned = value.strip().lower()
    if cleaned == "restricted":
        return "restricted"
    if cleaned in ("", "none"):
        return "none"
    raise InvalidInput("--clearance must be 'restricted' (or left out)")
