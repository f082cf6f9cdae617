"""Monero: the General Fund's published address, integrated and subaddresses built here from its keys,
and corruptions that must not be reported."""

from __future__ import annotations

import pytest
from Crypto.Hash import keccak
from hypothesis import given
from hypothesis import strategies as st

from darkroom.identifiers import monero

GENERAL_FUND = monero.EXAMPLE_STANDARD


def _address(prefix: int, body: bytes) -> str:
    data = bytes([prefix]) + body
    return monero.base58_encode(data + keccak.new(digest_bits=256, data=data).digest()[:4])


def _keys() -> bytes:
    decoded = monero.base58_decode(GENERAL_FUND)
    assert decoded is not None and decoded[0] == 18
    return decoded[1:65]


def test_published_standard_address_checks_and_round_trips_base58() -> None:
    assert len(GENERAL_FUND) == 95
    (hit,) = monero.find(f"donate: {GENERAL_FUND}")
    assert (hit.value_norm, hit.confidence) == (GENERAL_FUND, monero.MAINNET_CONFIDENCE)
    decoded = monero.base58_decode(GENERAL_FUND)
    assert decoded is not None and monero.base58_encode(decoded) == GENERAL_FUND


@given(st.binary(min_size=8, max_size=8))
def test_integrated_address_is_106_characters_and_checks(payment_id: bytes) -> None:
    address = _address(19, _keys() + payment_id)
    assert len(address) == 106 and address.startswith("4")
    (hit,) = monero.find(f"pay to {address} now")
    assert hit.value_norm == address


def test_subaddress_starts_with_8() -> None:
    address = _address(42, _keys())
    assert len(address) == 95 and address.startswith("8")
    assert monero.normalize(address) == address


def test_stagenet_address_is_kept_at_lower_confidence() -> None:
    (hit,) = monero.find(_address(24, _keys()))
    assert hit.confidence == monero.OTHER_NET_CONFIDENCE


@pytest.mark.parametrize("index", [2, 40, 94])
def test_one_changed_character_is_not_reported(index: int) -> None:
    replacement = "2" if GENERAL_FUND[index] != "2" else "3"
    corrupted = GENERAL_FUND[:index] + replacement + GENERAL_FUND[index + 1 :]
    assert monero.normalize(corrupted) is None


def test_unknown_prefix_and_wrong_length_are_rejected() -> None:
    assert monero.normalize(_address(99, _keys())) is None
    assert monero.normalize(GENERAL_FUND[:-1]) is None
    assert monero.normalize(_address(18, _keys() + b"\0")) is None  # one byte too many for a standard address
