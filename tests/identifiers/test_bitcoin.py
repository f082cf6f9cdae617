"""Bitcoin: BIP-173 and BIP-350 test vectors, the genesis address, base58check round trips, and
corrupted addresses that must not be reported."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.identifiers import bitcoin
from darkroom.identifiers.bitcoin import BASE58_ALPHABET, bech32_decode, segwit_decode

GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"

# BIP-173 "valid Bech32" and BIP-350 "valid Bech32m" strings, verbatim from the BIPs.
VALID_BECH32 = [
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11" + "q" * 82 + "c8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
]
VALID_BECH32M = [
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
]
INVALID_BECH32M = [
    "\x201xj0phk",
    "\x7f1g6xzxy",
    "\x801vctc34",
    "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
    "qyrz8wqd2c9m",
    "1qyrz8wqd2c9m",
    "y1b0jsk6g",
    "lt1igcx5c0",
    "in1muywd",
    "mm1crxm3i",
    "au1s5cgom",
    "M1VUXWEZ",
    "16plkw9",
    "1p2gdwpf",
]
# BIP-350 segwit vectors: address → scriptPubKey hex.
VALID_SEGWIT = {
    "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4": "0014751e76e8199196d454941c45d1b3a323f1433bd6",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7": (
        "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262"
    ),
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y": (
        "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6"
    ),
    "BC1SW50QGDZ25J": "6002751e",
    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs": "5210751e76e8199196d454941c45d1b3a323",
    "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy": (
        "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"
    ),
    "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c": (
        "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433"
    ),
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0": (
        "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    ),
}
INVALID_SEGWIT = [
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",  # invalid hrp
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",  # bech32 instead of bech32m
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",  # bech32 instead of bech32m
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",  # bech32 instead of bech32m
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",  # bech32m instead of bech32
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",  # bech32m instead of bech32
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",  # invalid character
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",  # invalid witness version
    "bc1pw5dgrnzv",  # program length 1
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",  # length 41
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",  # invalid v0 program length
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",  # mixed case
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",  # zero padding > 4 bits
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",  # non-zero padding
    "bc1gmk9yu",  # empty data section
]


def _script_pubkey(address: str) -> str:
    decoded = segwit_decode(address)
    assert decoded is not None
    _, version, program = decoded
    op = version + 0x50 if version else 0
    return bytes([op, len(program)]).hex() + program.hex()


def _base58check(version: int, payload: bytes) -> str:
    """An independent encoder (not the module's) for building test addresses."""
    body = bytes([version]) + payload
    data = body + hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4]
    number, out = int.from_bytes(data, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        out = BASE58_ALPHABET[digit] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


@pytest.mark.parametrize("text", VALID_BECH32)
def test_bip173_valid_strings_are_bech32(text: str) -> None:
    decoded = bech32_decode(text)
    assert decoded is not None and decoded[2] == 1


@pytest.mark.parametrize("text", VALID_BECH32M)
def test_bip350_valid_strings_are_bech32m_only(text: str) -> None:
    decoded = bech32_decode(text)
    assert decoded is not None and decoded[2] == 0x2BC830A3


@pytest.mark.parametrize("text", INVALID_BECH32M)
def test_bip350_invalid_strings_are_rejected(text: str) -> None:
    assert bech32_decode(text) is None


@pytest.mark.parametrize(("address", "script_hex"), VALID_SEGWIT.items())
def test_bip350_valid_segwit_addresses(address: str, script_hex: str) -> None:
    assert _script_pubkey(address) == script_hex
    assert bitcoin.normalize(address) == address.lower()


@pytest.mark.parametrize("address", INVALID_SEGWIT)
def test_bip350_invalid_segwit_addresses_are_not_reported(address: str) -> None:
    assert bitcoin.normalize(address) is None
    assert list(bitcoin.find(f"send to {address} now")) == []


def test_genesis_address_is_found_at_mainnet_confidence() -> None:
    (hit,) = bitcoin.find(f"the first block paid {GENESIS}.")
    assert (hit.value_norm, hit.confidence) == (GENESIS, bitcoin.MAINNET_CONFIDENCE)


@pytest.mark.parametrize("index", [1, 10, 20, 33])
def test_one_changed_character_breaks_the_base58_checksum(index: int) -> None:
    swapped = "2" if GENESIS[index] != "2" else "3"
    corrupted = GENESIS[:index] + swapped + GENESIS[index + 1 :]
    assert bitcoin.normalize(corrupted) is None
    assert list(bitcoin.find(corrupted)) == []


def test_base58_is_case_sensitive_so_a_lower_cased_address_is_invalid() -> None:
    assert bitcoin.normalize(GENESIS.lower()) is None


def test_mixed_case_bech32_is_rejected() -> None:
    mixed = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8F3T4"
    assert bitcoin.normalize(mixed) is None
    assert list(bitcoin.find(mixed)) == []


@given(st.binary(min_size=20, max_size=20), st.sampled_from([0x00, 0x05, 0x6F, 0xC4]))
def test_base58check_addresses_of_every_version_round_trip(payload: bytes, version: int) -> None:
    address = _base58check(version, payload)
    (hit,) = bitcoin.find(f"pay {address} please")
    assert hit.value_norm == address == bitcoin.normalize(address)
    mainnet = version in (0x00, 0x05)
    assert hit.confidence == (bitcoin.MAINNET_CONFIDENCE if mainnet else bitcoin.TESTNET_CONFIDENCE)


@given(st.binary(min_size=20, max_size=20))
def test_other_base58check_versions_are_not_bitcoin(payload: bytes) -> None:
    assert bitcoin.normalize(_base58check(0x1E, payload)) is None  # Dogecoin's P2PKH version
