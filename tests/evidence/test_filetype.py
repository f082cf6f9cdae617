"""Typing: the two-pass use of libmagic gives what libmagic gives on the whole head."""

from __future__ import annotations

import io
import random

import magic
import pytest
from PIL import Image

from darkroom.evidence.filetype import archive_kind, mime_of

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
