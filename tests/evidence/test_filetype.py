"""Typing: the two-pass use of libmagic gives what libmagic gives on the whole head."""

from __future__ import annotations

import io
import random

import magic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from darkroom.evidence.filetype import archive_kind, may_be_text, mime_of

_WORDS = [
    "the",
    "match",
    "was",
    "moved",
    "to",
    "thursday",
    "and",
    "the",
    "coffee",
    "place",
    "is",
    "closed",
    "so",
    "we",
    "meet",
    "at",
    "the",
    "station",
]


def _prose(seed: int, size: int = 4096) -> bytes:
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) for _ in range(size // 3)).encode()[:size]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").save(buffer, "PNG")
    return buffer.getvalue()


SAMPLES = {
    "plain": _prose(1),
    "html": b"<!DOCTYPE html><html><head><title>notes</title></head><body>" + _prose(2),
    "xml": b'<?xml version="1.0" encoding="utf-8"?>\n<map><string name="k">v</string></map>' + _prose(3),
    "vcard": b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kari Nilsen\r\nEND:VCARD\r\n" + _prose(4),
    "json": b'{"messages": [{"id": 1, "text": "' + _prose(5, 900) + b'"}]}',
    "script": b"#!/bin/sh\necho backup\n" + _prose(6),
    "csv": b"Name,Phone,E-mail\n" + b"Kari Nilsen,+44 7700 900123,kari@example.com\n" * 80,
    "png": _png(),
    "sqlite": b"SQLite format 3\x00" + bytes(range(256)) * 15,
    "binary": bytes(random.Random(7).randbytes(4096)),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_two_pass_typing_agrees_with_libmagic(name: str) -> None:
    head = SAMPLES[name][:4096]
    assert mime_of(head) == magic.Magic(mime=True).from_buffer(head)


def test_empty_and_archives() -> None:
    assert mime_of(b"") == "inode/x-empty"
    assert archive_kind("application/zip") == "zip"
    assert archive_kind("application/gzip") == "tar"
    assert archive_kind("text/plain") is None


def _quick(head: bytes) -> str:
    quick = magic.Magic(mime=True)
    quick.flags |= 0x004000 | 0x200000  # the quick pass's flags (no soft magic, no encoding check)
    magic.magic_setflags(quick.cookie, quick.flags)
    return str(quick.from_buffer(head))


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(sorted(SAMPLES)),
    st.integers(min_value=1, max_value=4096),
    st.integers(min_value=0, max_value=4096),
    st.binary(max_size=8),
)
def test_a_nul_byte_means_binary_to_the_quick_pass(name: str, size: int, at: int, noise: bytes) -> None:
    # Any head with a NUL byte before other bytes (and no UTF-16/32 byte-order mark in front) is one
    # the quick pass never calls text, so `mime_of` may skip it: the type recorded stays libmagic's.
    head = SAMPLES[name][:size]
    head = head[:at] + b"\x00" + noise + head[at:]
    if not may_be_text(head):
        assert not _quick(head).startswith("text/")


@pytest.mark.parametrize(
    "head",
    [
        "plain words in utf-16".encode("utf-16"),  # with its BOM: text, and read as such
        "plain words in utf-16".encode("utf-16-le"),  # no BOM: libmagic calls it binary
        "plain words".encode("utf-32"),
        b"\x00" + SAMPLES["plain"][:2000],
        SAMPLES["json"][:500] + b"\x00",  # trailing NULs: libmagic ignores them, so may we not
        SAMPLES["csv"][:1000] + b"\x00\x00",
        SAMPLES["html"][:700] + b"\x00 and on",
        b"\x00" * 300,
    ],
)
def test_wide_text_and_late_nuls_type_as_libmagic_does(head: bytes) -> None:
    expected_quick_text = _quick(head).startswith("text/")
    expected = magic.Magic(mime=True).from_buffer(head[:1024] if expected_quick_text else head)
    assert mime_of(head) == expected
    if not may_be_text(head):
        assert not expected_quick_text
    assert may_be_text(SAMPLES["json"][:500] + b"\x00")
    assert not may_be_text(SAMPLES["html"][:700] + b"\x00 and on")
