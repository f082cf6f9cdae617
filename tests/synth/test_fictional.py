"""The fictional-range checks accept exactly the reserved ranges, and allocators stay inside them."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.synth.fictional import (
    PhoneAllocator,
    format_phone,
    is_fictional_email,
    is_fictional_gps,
    is_fictional_phone,
)


@pytest.mark.parametrize(
    "number",
    ["+447700900000", "+447700900999", "+441134960123", "+442079460001", "+441914980999",
     "+441614960500", "+12125550100", "+19195550199"],
)  # fmt: skip
def test_reserved_numbers_are_fictional(number: str) -> None:
    assert is_fictional_phone(number)


@pytest.mark.parametrize(
    "number",
    ["+447700901000", "+447700800123", "+441134970123", "+442079470001", "+12125550200",
     "+12125551234", "+11125550150", "+4722334455", "+44770090012", "+4477009001234", ""],
)  # fmt: skip
def test_other_numbers_are_not(number: str) -> None:
    assert not is_fictional_phone(number)


def test_email_domains() -> None:
    assert is_fictional_email("dark.fox77@example.com")
    assert is_fictional_email("Kari.Hansen@Example.ORG")
    assert is_fictional_email("tom.berg@northgate-logistics.test")
    assert not is_fictional_email("someone@gmail.com")
    assert not is_fictional_email("someone@example.com.evil.net")
    assert not is_fictional_email("not an email")


def test_gps_box() -> None:
    assert is_fictional_gps(50.0, -30.0)
    assert not is_fictional_gps(59.9, 10.7)  # land
    assert not is_fictional_gps(50.0, -24.9)


@given(st.integers(min_value=0, max_value=2**32))
def test_allocated_numbers_are_fictional_and_distinct(seed: int) -> None:
    phones = PhoneAllocator.create(random.Random(seed))
    numbers = [phones.mobile() for _ in range(300)] + [phones.landline() for _ in range(100)]
    assert len(set(numbers)) == len(numbers)
    assert all(is_fictional_phone(number) for number in numbers)


@given(
    st.integers(min_value=0, max_value=2**32), st.sampled_from(["international", "national", "compact", "00"])
)
def test_written_forms_normalize_back(seed: int, style: str) -> None:
    phones = PhoneAllocator.create(random.Random(seed))
    for number in (phones.mobile(), phones.landline()):
        written = format_phone(number, style)
        parsed = phonenumbers.parse(written, "GB")
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
