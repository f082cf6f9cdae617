"""Onion services: v3 addresses built here from random keys with an independent checksum, bad
checksums rejected, v2 kept at low confidence."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.identifiers import onion


def _v3(pubkey: bytes) -> str:
    """rend-spec-v3 §6, written out again here so the test does not trust the module's encoder."""
    checksum = hashlib.sha3_256(b".onion checksum" + pubkey + b"\x03").digest()[:2]
    return base64.b32encode(pubkey + checksum + b"\x03").decode().lower() + ".onion"


@given(st.binary(min_size=32, max_size=32))
def test_v3_from_a_random_key_is_found_and_checks(pubkey: bytes) -> None:
    address = _v3(pubkey)
    assert onion.v3_address(pubkey) == address
    (hit,) = onion.find(f"mirror: http://{address}/forum")
    assert (hit.value_norm, hit.raw, hit.confidence) == (address, address, onion.V3_CONFIDENCE)


@given(st.binary(min_size=32, max_size=32), st.integers(min_value=0, max_value=55))
def test_v3_with_one_changed_character_is_not_reported(pubkey: bytes, index: int) -> None:
    address = _v3(pubkey)
    replacement = "a" if address[index] != "a" else "b"
    corrupted = address[:index] + replacement + address[index + 1 :]
    assert onion.normalize(corrupted) is None
    assert list(onion.find(f"try {corrupted} instead")) == []


def test_real_published_v3_addresses_verify() -> None:
    # The Tor Project's own onion, as published on torproject.org (a checksum-valid public vector).
    assert onion.normalize("2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion") is not None


def test_upper_case_and_subdomains_normalize_to_the_lower_case_service() -> None:
    address = onion.EXAMPLE_V3
    assert onion.normalize(address.upper()) == address
    assert onion.normalize("www." + address) == address
    (hit,) = onion.find(f"WWW.{address.upper()}/x")
    assert hit.value_norm == address


def test_wrong_version_byte_is_rejected() -> None:
    pubkey = bytes(range(32))
    checksum = hashlib.sha3_256(b".onion checksum" + pubkey + b"\x04").digest()[:2]
    label = base64.b32encode(pubkey + checksum + b"\x04").decode().lower()
    assert onion.normalize(label + ".onion") is None


def test_v2_has_no_checksum_and_scores_half() -> None:
    (hit,) = onion.find("old link expyuzz4wqqyqhjn.onion")
    assert (hit.value_norm, hit.confidence) == ("expyuzz4wqqyqhjn.onion", onion.V2_CONFIDENCE)


@pytest.mark.parametrize(
    "text",
    [
        "abc.onion",  # too short
        "x" + onion.EXAMPLE_V3,  # label of 57 characters
        "expyuzz4wqqyqhjn1.onion",  # 1 is not base32
        onion.EXAMPLE_V3.removesuffix(".onion") + ".onionx",  # another TLD
    ],
)
def test_not_onion_shaped(text: str) -> None:
    assert list(onion.find(text)) == []
