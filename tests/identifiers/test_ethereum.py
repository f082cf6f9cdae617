"""Ethereum: the EIP-55 examples, Keccak (not SHA3) checksums, and the confidence of unchecked forms."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.identifiers import ethereum

# EIP-55's own examples, verbatim.
EIP55_MIXED = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]
EIP55_ALL_CAPS = ["0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D"]
EIP55_ALL_LOWER = ["0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26"]


@pytest.mark.parametrize("address", EIP55_MIXED)
def test_eip55_examples_verify_and_normalize_to_lower_case(address: str) -> None:
    assert ethereum.to_checksum_address(address.lower()) == address
    (hit,) = ethereum.find(f"send to {address}.")
    assert (hit.value_norm, hit.raw, hit.confidence) == (
        address.lower(),
        address,
        ethereum.CHECKSUMMED_CONFIDENCE,
    )


@pytest.mark.parametrize("address", EIP55_ALL_CAPS + EIP55_ALL_LOWER)
def test_single_case_addresses_carry_no_checksum_so_score_lower(address: str) -> None:
    (hit,) = ethereum.find(address)
    assert (hit.value_norm, hit.confidence) == (address.lower(), ethereum.UNCHECKED_CONFIDENCE)


@pytest.mark.parametrize("address", EIP55_MIXED)
def test_a_flipped_case_breaks_the_checksum(address: str) -> None:
    index = next(i for i, char in enumerate(address) if i > 1 and char.isalpha())
    flipped = address[:index] + address[index].swapcase() + address[index + 1 :]
    assert ethereum.normalize(flipped) is None
    assert list(ethereum.find(flipped)) == []


def test_checksum_uses_keccak_not_nist_sha3() -> None:
    body = EIP55_MIXED[0][2:].lower()
    assert hashlib.sha3_256(body.encode()).hexdigest() != ethereum._keccak_hex(body)


@pytest.mark.parametrize(
    "text",
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0",
        "0x" + "g" * 40,
    ],
)
def test_wrong_length_or_non_hex_is_not_an_address(text: str) -> None:
    assert list(ethereum.find(text)) == []
    assert ethereum.normalize(text) is None


@given(st.binary(min_size=20, max_size=20))
def test_checksummed_form_of_any_address_verifies(raw: bytes) -> None:
    address = ethereum.to_checksum_address("0x" + raw.hex())
    assert ethereum.normalize(address) == "0x" + raw.hex()
    assert ethereum.normalize(ethereum.normalize(address) or "") == "0x" + raw.hex()
