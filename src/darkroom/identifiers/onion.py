"""Tor onion service addresses: v3 checked against their built-in checksum, v2 kept at low confidence.

v3 (rend-spec-v3 §6): 56 base32 characters encoding `pubkey(32) ‖ checksum(2) ‖ version(1)`,
with `checksum = SHA3-256(".onion checksum" ‖ pubkey ‖ 0x03)[:2]`. A v3-shaped label whose checksum
fails is a typo or a made-up string, so it is not reported. v2 (16 characters) has no checksum and
Tor dropped it in 2021: still reported, at confidence 0.5, because old chats name them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterator

from darkroom.identifiers.found import Found
from darkroom.model import IdentifierKind

V3_CONFIDENCE = 0.95
V2_CONFIDENCE = 0.5
_V3_LEN = 56
_V2_LEN = 16
_VERSION = b"\x03"

# Found from the literal suffix (a fast scan), then the label is read backwards from it.
_SUFFIX = re.compile(r"\.onion(?![a-z0-9-])", re.IGNORECASE)
_BASE32 = frozenset("abcdefghijklmnopqrstuvwxyz234567ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LABEL = re.compile(r"[a-z2-7]{56}|[a-z2-7]{16}")


def v3_checksum(pubkey: bytes) -> bytes:
    """The two checksum bytes of a v3 address for a 32-byte ed25519 public key."""
    return hashlib.sha3_256(b".onion checksum" + pubkey + _VERSION).digest()[:2]


def v3_address(pubkey: bytes) -> str:
    """The v3 address (`….onion`) of a 32-byte public key; used by tests and synthetic data."""
    if len(pubkey) != 32:
        raise ValueError("an onion v3 public key is 32 bytes")
    label = base64.b32encode(pubkey + v3_checksum(pubkey) + _VERSION).decode("ascii").lower()
    return label + ".onion"


# A synthetic v3 address (no real service holds this key's private half) for examples and docs.
EXAMPLE_V3 = v3_address(hashlib.sha256(b"darkroom synthetic onion").digest())


def _v3_ok(label: str) -> bool:
    """True when a 56-character label decodes to version 3 with a matching checksum."""
    try:
        decoded = base64.b32decode(label.upper())
    except binascii.Error:
        return False
    pubkey, checksum, version = decoded[:32], decoded[32:34], decoded[34:]
    return version == _VERSION and checksum == v3_checksum(pubkey)


def normalize(raw: str) -> str | None:
    """`label.onion` in lower case for a checksum-valid v3 or any well-formed v2 address, else None.

    Subdomains (`www.<label>.onion`) are dropped: the label alone names the service.
    """
    host = raw.strip().lower().rstrip(".")
    if not host.endswith(".onion"):
        return None
    label = host.removesuffix(".onion").rsplit(".", 1)[-1]
    if not _LABEL.fullmatch(label):
        return None
    if len(label) == _V3_LEN and not _v3_ok(label):
        return None
    return label + ".onion"


def _label_before(text: str, dot: int) -> int | None:
    """Start of the v3 or v2 label that ends at `dot`, when it is not the tail of a longer run."""
    for length in (_V3_LEN, _V2_LEN):
        start = dot - length
        if start < 0 or not all(char in _BASE32 for char in text[start:dot]):
            continue
        if start == 0 or text[start - 1] not in _BASE32:
            return start
    return None


def find(text: str) -> Iterator[Found]:
    """Onion addresses in `text`; v3 with a bad checksum are skipped."""
    for match in _SUFFIX.finditer(text):
        start = _label_before(text, match.start())
        if start is None:
            continue
        raw = text[start : match.end()]
        value = normalize(raw)
        if value is None:
            continue
        confidence = V3_CONFIDENCE if len(value) == _V3_LEN + 6 else V2_CONFIDENCE
        yield Found(IdentifierKind.ONION, value, raw, start, match.end(), confidence)
