"""Ethereum addresses: `0x` + 40 hex digits, EIP-55 mixed-case checksum verified.

EIP-55 hashes the lower-case hex with **Keccak-256** (pycryptodome), not `hashlib.sha3_256`, whose
padding differs. A mixed-case address with a wrong checksum is a typo or a forgery: not reported.
All-lower and all-upper forms carry no checksum, so they are kept at lower confidence. The value
is normalized to lower case because the checksum is presentation, not identity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from Crypto.Hash import keccak

from darkroom.identifiers.found import Found, find_tokens
from darkroom.model import IdentifierKind

CHECKSUMMED_CONFIDENCE = 0.95
UNCHECKED_CONFIDENCE = 0.7

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def _keccak_hex(text: str) -> str:
    return keccak.new(digest_bits=256, data=text.encode("ascii")).hexdigest()


def to_checksum_address(address: str) -> str:
    """The EIP-55 form of a `0x` + 40-hex address (upper-case where the hash nibble is ≥ 8)."""
    hex_lower = address[2:].lower()
    digest = _keccak_hex(hex_lower)
    return "0x" + "".join(
        char.upper() if char.isalpha() and int(nibble, 16) >= 8 else char
        for char, nibble in zip(hex_lower, digest[:40], strict=True)
    )


def _check(raw: str) -> float | None:
    """Confidence for a well-formed address: high when EIP-55 verified, lower when unchecksummed."""
    text = raw.strip()
    if not _ADDRESS.fullmatch(text):
        return None
    body = text[2:]
    if body == body.lower() or body == body.upper():
        return UNCHECKED_CONFIDENCE
    return CHECKSUMMED_CONFIDENCE if to_checksum_address(text) == text else None


def normalize(raw: str) -> str | None:
    """Lower-case `0x…` for a well-formed address whose mixed case (if any) passes EIP-55, else None."""
    if _check(raw) is None:
        return None
    return raw.strip().lower()


def check_token(token: str) -> tuple[str, float] | None:
    """(lower-case address, confidence) for a long alphanumeric token that is an address, else None."""
    if len(token) != 42 or not token.startswith("0x"):
        return None
    confidence = _check(token)
    return None if confidence is None else (token.lower(), confidence)


def find(text: str) -> Iterator[Found]:
    """Ethereum (and EVM-chain) addresses in `text`; bad EIP-55 checksums are skipped."""
    return find_tokens(text, IdentifierKind.ETHEREUM, check_token)
