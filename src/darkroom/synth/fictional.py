"""Identifier ranges reserved for fiction, their checks, and allocators that draw from them.

Synthetic data must never name a real person: phone numbers come only from Ofcom's drama
ranges and NANP 555-01xx, emails only from reserved domains (RFC 2606 / RFC 6761), GPS points
only from a box of open sea in the mid-Atlantic.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from darkroom.synth.errors import SynthError

# Ofcom numbers for drama: mobile 07700 900000-900999 and 1,000 numbers per geographic range.
UK_MOBILE_PREFIX = "+447700900"
UK_GEOGRAPHIC_PREFIXES: tuple[str, ...] = (
    "+441134960",
    "+441144960",
    "+441154960",
    "+441164960",
    "+441174960",
    "+441184960",
    "+441214960",
    "+441314960",
    "+441414960",
    "+441514960",
    "+441614960",
    "+442079460",
    "+441914980",
)
# NANP 555-0100..0199 is fictional in every area code; these are plausible area codes.
NANP_AREA_CODES: tuple[str, ...] = (
    "201", "202", "206", "212", "213", "214", "215", "303", "305", "310",
    "312", "313", "404", "415", "503", "512", "602", "617", "702", "713",
    "718", "720", "773", "801", "804", "813", "860", "904", "916", "919",
)  # fmt: skip

EMAIL_DOMAINS: tuple[str, ...] = (
    "example.com",
    "example.org",
    "example.net",
    "mail.test",
    "post.test",
    "inbox.test",
)
SEA_BOX_LAT = (45.0, 55.0)
SEA_BOX_LON = (-35.0, -25.0)

_UK_MOBILE_RE = re.compile(r"\+447700900[0-9]{3}")
_THREE_DIGITS_RE = re.compile(r"[0-9]{3}")
_NANP_RE = re.compile(r"\+1[2-9][0-9]{2}55501[0-9]{2}")
_EMAIL_RE = re.compile(r"[a-z0-9._+-]+@([a-z0-9-]+(?:\.[a-z0-9-]+)*)")


def is_fictional_phone(e164: str) -> bool:
    """True when `e164` lies in a range reserved for drama/fiction (UK Ofcom, NANP 555-01xx)."""
    if _UK_MOBILE_RE.fullmatch(e164) or _NANP_RE.fullmatch(e164):
        return True
    return e164[:10] in UK_GEOGRAPHIC_PREFIXES and _THREE_DIGITS_RE.fullmatch(e164[10:]) is not None


def is_fictional_email(address: str) -> bool:
    """True when the address is at example.com/.org/.net or under the reserved `.test` TLD."""
    match = _EMAIL_RE.fullmatch(address.lower())
    if match is None:
        return False
    domain = match.group(1)
    return domain in {"example.com", "example.org", "example.net"} or domain.endswith(".test")


def is_fictional_gps(lat: float, lon: float) -> bool:
    """True when the point lies in the open-sea box used for synthetic photos."""
    return SEA_BOX_LAT[0] <= lat <= SEA_BOX_LAT[1] and SEA_BOX_LON[0] <= lon <= SEA_BOX_LON[1]


def format_phone(e164: str, style: str) -> str:
    """The number as a person might have typed it: `international`, `national`, `compact`, `00`."""
    if e164.startswith("+1"):
        area, exchange, line = e164[2:5], e164[5:8], e164[8:]
        if style == "national":
            return f"+1 ({area}) {exchange}-{line}"
        if style == "international":
            return f"+1 {area}-{exchange}-{line}"
        return e164
    national = "0" + e164[3:]
    groups: tuple[str, ...]
    if national.startswith("07"):
        groups = (national[:5], national[5:])
    elif national.startswith("020"):
        groups = (national[:3], national[3:7], national[7:])
    else:
        groups = (national[:4], national[4:7], national[7:])
    if style == "national":
        return " ".join(groups)
    if style == "compact":
        return national
    spaced = " ".join((groups[0][1:], *groups[1:]))
    return f"+44 {spaced}" if style == "international" else f"0044 {spaced}"


def random_hex(rng: random.Random, length: int) -> str:
    """Random lower-case hex digits (serials, decoy hash values)."""
    return "".join(rng.choice("0123456789abcdef") for _ in range(length))


def random_onion(rng: random.Random) -> str:
    """A random v3-shaped onion address (56 base32 characters); no real service is named."""
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return "".join(rng.choice(alphabet) for _ in range(56)) + ".onion"


@dataclass(slots=True)
class PhoneAllocator:
    """Hands out distinct fictional numbers: mobiles (UK drama + NANP) and UK landlines."""

    _mobiles_uk: list[str]
    _mobiles_us: list[str]
    _landlines: list[str]
    _rng: random.Random

    @classmethod
    def create(cls, rng: random.Random) -> PhoneAllocator:
        """Shuffled pools of every fictional number, drawn without replacement."""
        uk = [f"{UK_MOBILE_PREFIX}{n:03d}" for n in range(1000)]
        us = [f"+1{area}55501{n:02d}" for area in NANP_AREA_CODES for n in range(100)]
        land = [f"{prefix}{n:03d}" for prefix in UK_GEOGRAPHIC_PREFIXES for n in range(1000)]
        for pool in (uk, us, land):
            rng.shuffle(pool)
        return cls(uk, us, land, rng)

    def mobile(self) -> str:
        """A fresh mobile number; three in four are UK when UK numbers remain."""
        if self._mobiles_uk and (self._rng.random() < 0.75 or not self._mobiles_us):
            return self._mobiles_uk.pop()
        if self._mobiles_us:
            return self._mobiles_us.pop()
        raise SynthError("ran out of fictional mobile numbers for this scale")

    def landline(self) -> str:
        """A fresh UK geographic drama number (household or office line)."""
        if not self._landlines:
            raise SynthError("ran out of fictional landline numbers for this scale")
        return self._landlines.pop()
