"""Bitcoin addresses: legacy base58check (P2PKH/P2SH) and native segwit bech32/bech32m, all checksum-verified.

Base58check: 25 bytes `version ‖ hash160 ‖ SHA256(SHA256(version ‖ hash160))[:4]`; versions 0x00/0x05
on mainnet (`1…`/`3…`), 0x6f/0xc4 on testnet (`m…`/`n…`/`2…`). Segwit: BIP-173 (bech32, witness v0)
and BIP-350 (bech32m, v1+ such as taproot `bc1p…`). The codecs are the short reference algorithms
from those BIPs; PyPI's `bech32` (1.2.0, 2020) predates bech32m, so it is not used.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from darkroom.identifiers.found import Found, find_tokens
from darkroom.model import IdentifierKind

MAINNET_CONFIDENCE = 0.95
TESTNET_CONFIDENCE = 0.8

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}
_BASE58_VERSIONS = {0x00: True, 0x05: True, 0x6F: False, 0xC4: False}  # version byte → is mainnet
_SEGWIT_HRPS = {"bc": True, "tb": False, "bcrt": False}  # human-readable part → is mainnet

_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {char: index for index, char in enumerate(_BECH32_CHARSET)}
_BECH32_CONST = 1
_BECH32M_CONST = 0x2BC830A3
_BECH32_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def base58_decode(text: str) -> bytes | None:
    """Bytes of a Bitcoin-alphabet base58 string (leading `1`s are zero bytes), None on a bad character."""
    number = 0
    for char in text:
        digit = _BASE58_INDEX.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\x00" * zeros + body


def _legacy_network(address: str) -> bool | None:
    """True/False (mainnet/testnet) for a checksum-valid base58check address, None otherwise."""
    decoded = base58_decode(address)
    if decoded is None or len(decoded) != 25:
        return None
    payload, checksum = decoded[:21], decoded[21:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return _BASE58_VERSIONS.get(payload[0])


# --- BIP-173 / BIP-350 reference code (sipa/bech32 ref/python), transcribed with types ---


def _polymod(values: list[int]) -> int:
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_BECH32_GEN):
            chk ^= gen if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def bech32_decode(text: str) -> tuple[str, list[int], int] | None:
    """(hrp, data without checksum, checksum constant) of a bech32 or bech32m string, else None.

    Mixed case is rejected (BIP-173: "decoders MUST NOT accept strings where some characters are
    uppercase and some are lowercase").
    """
    if any(ord(x) < 33 or ord(x) > 126 for x in text) or (text.lower() != text and text.upper() != text):
        return None
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        return None
    hrp = text[:pos]
    data = [_BECH32_INDEX.get(x, -1) for x in text[pos + 1 :]]
    if -1 in data:
        return None
    const = _polymod(_hrp_expand(hrp) + data)
    if const not in (_BECH32_CONST, _BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def _convert_bits(data: list[int], from_bits: int, to_bits: int) -> list[int] | None:
    """Regroup 5-bit words into bytes without padding; None when the padding is not zero."""
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if bits >= from_bits or ((acc << (to_bits - bits)) & maxv):
        return None
    return out


def segwit_decode(address: str) -> tuple[str, int, bytes] | None:
    """(hrp, witness version, program) of a valid segwit address (BIP-173 + BIP-350 rules), else None."""
    decoded = bech32_decode(address)
    if decoded is None:
        return None
    hrp, data, const = decoded
    if hrp not in _SEGWIT_HRPS or not data or data[0] > 16:
        return None
    program = _convert_bits(data[1:], 5, 8)
    if program is None or not 2 <= len(program) <= 40:
        return None
    version = data[0]
    if version == 0 and len(program) not in (20, 32):
        return None
    if (version == 0) != (const == _BECH32_CONST):  # v0 uses bech32, v1+ bech32m
        return None
    return hrp, version, bytes(program)


# --- normalizer and finder ---


def _network(raw: str) -> tuple[str, bool] | None:
    """(normalized address, is mainnet) for a checksum-valid address, else None."""
    text = raw.strip()
    if text[:5].lower().startswith(("bc1", "tb1", "bcrt1")):
        segwit = segwit_decode(text)
        return None if segwit is None else (text.lower(), _SEGWIT_HRPS[segwit[0]])
    mainnet = _legacy_network(text)
    return None if mainnet is None else (text, mainnet)


def normalize(raw: str) -> str | None:
    """The address (bech32 lower-cased, base58 as written since it is case-sensitive), or None."""
    checked = _network(raw)
    return None if checked is None else checked[0]


def check_token(token: str) -> tuple[str, float] | None:
    """(normalized address, confidence) for a long alphanumeric token that is an address, else None."""
    if token[:5].lower().startswith(("bc1", "tb1", "bcrt1")):
        if len(token) > 90:
            return None
    elif token[0] not in "13mn2" or not 26 <= len(token) <= 35:
        return None
    checked = _network(token)
    if checked is None:
        return None
    return checked[0], MAINNET_CONFIDENCE if checked[1] else TESTNET_CONFIDENCE


def find(text: str) -> Iterator[Found]:
    """Checksum-valid Bitcoin addresses in `text`; testnet ones at lower confidence."""
    return find_tokens(text, IdentifierKind.BITCOIN, check_token)
