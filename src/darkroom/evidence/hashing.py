"""One read pass, three digests: MD5 and SHA-1 (what hash sets in the field are keyed by) and SHA-256.

hashlib releases the GIL on large updates, so worker threads hash on every core.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from threading import Event
from typing import Protocol

from darkroom.model import Digests

CHUNK_SIZE = 1 << 20
HEAD_SIZE = 8192  # what libmagic looks at


class Readable(Protocol):
    """Anything with a binary `read(n)` (an OS file, a zip or tar member stream)."""

    def read(self, size: int = -1, /) -> bytes: ...


class Interrupted(Exception):
    """The run was asked to stop while a stream was being hashed."""


def hash_stream(
    stream: Readable, stop: Event | None = None, on_bytes: Callable[[int], None] | None = None
) -> tuple[Digests, bytes]:
    """Digest a stream to its end; returns the digests and its first bytes for typing."""
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False)
    sha256 = hashlib.sha256()
    head = b""
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        if not head:
            head = chunk[:HEAD_SIZE]
        md5.update(chunk)
        sha1.update(chunk)
        sha256.update(chunk)
        size += len(chunk)
        if on_bytes is not None:
            on_bytes(len(chunk))
        if stop is not None and stop.is_set():
            raise Interrupted
    return Digests(md5.hexdigest(), sha1.hexdigest(), sha256.hexdigest(), size), head
