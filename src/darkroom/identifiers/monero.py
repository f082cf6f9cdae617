"""Monero addresses: Monero's block base58, network/type prefix and Keccak-256 checksum verified.

Monero base58 is not Bitcoin's: the bytes are cut into 8-byte blocks, each encoded on its own as
11 characters (a final short block uses the lengths in `_ENCODED_BLOCK_SIZES`). The decoded bytes
are `varint prefix ‖ public spend key(32) ‖ public view key(32) [‖ payment id(8)] ‖ checksum(4)`,
with `checksum = Keccak-256(everything before it)[:4]`. Mainnet prefixes: 18 standard (`4…`,
95 chars), 42 subaddress (`8…`, 95), 19 integrated (`4…`, 106). Test/stage nets are accepted too,
at lower confidence.
"""

from __future__ import annotations

from collections.abc import Iterator

from Crypto.Hash import keccak

from darkroom.identifiers.bitcoin import BASE58_ALPHABET
from darkroom.identifiers.found import Found, find_tokens
from darkroom.model import IdentifierKind

MAINNET_CONFIDENCE = 0.95
OTHER_NET_CONFIDENCE = 0.8

_INDEX = {char: index for index, char in enumerate(BASE58_ALPHABET)}
_FULL_BLOCK = 8
_FULL_ENCODED = 11
_ENCODED_BLOCK_SIZES = (0, 2, 3, 5, 6, 7, 9, 10, 11)  # bytes in a block → characters
_DECODED_SIZE = {size: index for index, size in enumerate(_ENCODED_BLOCK_SIZES)}

# prefix → (payload bytes after the prefix incl. checksum, is mainnet)
_PREFIXES: dict[int, tuple[int, bool]] = {
    18: (68, True),  # standard
    42: (68, True),  # subaddress
    19: (76, True),  # integrated (8-byte payment id)
    53: (68, False),  # testnet standard
    63: (68, False),  # testnet subaddress
    54: (76, False),  # testnet integrated
    24: (68, False),  # stagenet standard
    36: (68, False),  # stagenet subaddress
    25: (76, False),  # stagenet integrated
}

# The Monero General Fund's published donation address: a public, checksum-valid standard address.
EXAMPLE_STANDARD = (
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"
)


def _decode_block(block: str) -> bytes | None:
    size = _DECODED_SIZE.get(len(block))
    if size is None:
        return None
    number = 0
    for char in block:
        number = number * 58 + _INDEX[char]
    if number >= 1 << (8 * size):  # an encoding that overflows its block is invalid
        return None
    return number.to_bytes(size, "big")


def base58_decode(text: str) -> bytes | None:
    """Bytes of a Monero base58 string (11-character blocks), None when malformed."""
    if any(char not in _INDEX for char in text):
        return None
    out = bytearray()
    for offset in range(0, len(text), _FULL_ENCODED):
        block = _decode_block(text[offset : offset + _FULL_ENCODED])
        if block is None:
            return None
        out += block
    return bytes(out)


def base58_encode(data: bytes) -> str:
    """Monero base58 of `data`; used by tests to build addresses from keys."""
    chars: list[str] = []
    for offset in range(0, len(data), _FULL_BLOCK):
        block = data[offset : offset + _FULL_BLOCK]
        number = int.from_bytes(block, "big")
        encoded = ""
        while number:
            number, digit = divmod(number, 58)
            encoded = BASE58_ALPHABET[digit] + encoded
        chars.append(encoded.rjust(_ENCODED_BLOCK_SIZES[len(block)], BASE58_ALPHABET[0]))
    return "".join(chars)


def checksum(body: bytes) -> bytes:
    """The four checksum bytes Monero appends: Keccak-256 of the prefix and keys."""
    return keccak.new(digest_bits=256, data=body).digest()[:4]


def _network(raw: str) -> bool | None:
    """True/False (mainnet/other) for a valid address, None otherwise."""
    decoded = base58_decode(raw)
    if decoded is None or len(decoded) < 5:
        return None
    prefix = decoded[0]  # every known prefix is < 0x80, so its varint is one byte
    expected = _PREFIXES.get(prefix)
    if expected is None or len(decoded) - 1 != expected[0]:
        return None
    if checksum(decoded[:-4]) != decoded[-4:]:
        return None
    return expected[1]


def normalize(raw: str) -> str | None:
    """The address as written (base58 is case-sensitive) when it decodes and checks, else None."""
    text = raw.strip()
    return text if _network(text) is not None else None


def check_token(token: str) -> tuple[str, float] | None:
    """(address, confidence) for a long alphanumeric token that is a Monero address, else None."""
    if len(token) not in (95, 106) or token[0] not in "456789AB":
        return None
    mainnet = _network(token)
    if mainnet is None:
        return None
    return token, MAINNET_CONFIDENCE if mainnet else OTHER_NET_CONFIDENCE


def find(text: str) -> Iterator[Found]:
    """Valid Monero addresses (standard, subaddress, integrated) in `text`."""
    return find_tokens(text, IdentifierKind.MONERO, check_token)
