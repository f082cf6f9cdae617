"""One read pass, three digests: MD5 and SHA-1 (what hash sets in the field are keyed by), SHA-256.

hashlib releases the GIL on large updates, so worker threads hash on every core. A large file
splits its own digests over two threads (MD5 costs about as much as SHA-1 and SHA-256 together)
once another core has nothing left to do, so the last big file of an exhibit does not leave a core
idle; while every core is busy it does not split, which would only add hand-offs.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Callable
from threading import Event
from typing import Protocol

from darkroom.model import Digests

CHUNK_SIZE = 1 << 20
HEAD_SIZE = 4096  # what libmagic looks at (its cost grows with it; 4 KiB types as 8 KiB does in >99%)
SPLIT_FROM_BYTES = 32 << 20  # files at least this large may hash MD5 and the SHAs on two threads


class Readable(Protocol):
    """Anything with a binary `read(n)` (an OS file, a zip or tar member stream)."""

    def read(self, size: int = -1, /) -> bytes: ...


class Interrupted(Exception):
    """The run was asked to stop while a stream was being hashed."""


def hash_stream(
    stream: Readable,
    stop: Event | None = None,
    on_bytes: Callable[[int], None] | None = None,
    size_hint: int = 0,
    regular_file: bool = False,
    core_idle: Callable[[], bool] | None = None,
) -> tuple[Digests, bytes]:
    """Digest a stream to its end; returns the digests and its first bytes for typing.

    `regular_file`: the stream reads a regular file whose size is `size_hint`. A read of such a
    file returns less than asked only at its end, so a short read that brings exactly the stated
    size ends the pass without a last empty read (one syscall and GIL hand-off per small file).
    `core_idle`: asked before each chunk of a file of at least SPLIT_FROM_BYTES; once it answers
    yes, the rest of the file's SHA-1 and SHA-256 go to a second thread.
    """
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False)
    sha256 = hashlib.sha256()
    split_check = core_idle if size_hint >= SPLIT_FROM_BYTES else None
    helper: _ShaThread | None = None
    head = b""
    size = 0
    # A small file read with a 1 MiB request costs a fresh 1 MiB allocation (an mmap and page
    # faults) per file; asking for what the file holds (+1 to see the end) avoids that.
    request = size_hint + 1 if 0 < size_hint < CHUNK_SIZE else CHUNK_SIZE
    try:
        while chunk := stream.read(request):
            if not head:
                head = chunk[:HEAD_SIZE]
            if split_check is not None and split_check():
                helper, split_check = _ShaThread(sha1, sha256), None
            if helper is not None:
                helper.feed(chunk)
            else:
                sha1.update(chunk)
                sha256.update(chunk)
            md5.update(chunk)
            size += len(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
            if stop is not None and stop.is_set():
                raise Interrupted
            if regular_file and len(chunk) < request and size == size_hint:
                break
    finally:
        if helper is not None:
            helper.finish()
    return Digests(md5.hexdigest(), sha1.hexdigest(), sha256.hexdigest(), size), head


class _ShaThread:
    """Feeds SHA-1 and SHA-256 on a second thread, a few chunks behind the reader at most."""

    def __init__(self, sha1: hashlib._Hash, sha256: hashlib._Hash) -> None:
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
        self._thread = threading.Thread(target=self._run, args=(sha1, sha256), daemon=True)
        self._thread.start()

    def _run(self, sha1: hashlib._Hash, sha256: hashlib._Hash) -> None:
        while (chunk := self._chunks.get()) is not None:
            sha1.update(chunk)
            sha256.update(chunk)

    def feed(self, chunk: bytes) -> None:
        self._chunks.put(chunk)

    def finish(self) -> None:
        self._chunks.put(None)
        self._thread.join()
