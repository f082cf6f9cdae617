"""One read pass, three digests: equal to hashlib's on any content and size, whatever the path
(small file read whole, large file split over two threads once a core is idle, from any chunk on),
and a regular file's pass ends at its stated size without a last empty read."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from darkroom.evidence import hashing
from darkroom.evidence.hashing import hash_stream


class _CountingReader:
    """`read(n)` of an open descriptor, counting the calls."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.calls = 0

    def read(self, size: int = -1, /) -> bytes:
        self.calls += 1
        return os.read(self.fd, size)


def _expected(data: bytes) -> tuple[str, str, str, int]:
    return (
        hashlib.md5(data, usedforsecurity=False).hexdigest(),
        hashlib.sha1(data, usedforsecurity=False).hexdigest(),
        hashlib.sha256(data).hexdigest(),
        len(data),
    )


def _hash_file(
    path: Path, size_hint: int, regular_file: bool, core_idle: Callable[[], bool] | None = None
) -> tuple[tuple[str, str, str, int], int, bytes]:
    fd = os.open(path, os.O_RDONLY)
    try:
        reader = _CountingReader(fd)
        digests, head = hash_stream(
            reader, size_hint=size_hint, regular_file=regular_file, core_idle=core_idle
        )
    finally:
        os.close(fd)
    return (digests.md5_hex, digests.sha1_hex, digests.sha256_hex, digests.size), reader.calls, head


@settings(max_examples=40, deadline=None)
@given(data=st.binary(max_size=9000), regular=st.booleans())
def test_digests_equal_hashlib(data: bytes, regular: bool) -> None:
    fd, name = tempfile.mkstemp(prefix="darkroom-hash-")
    os.write(fd, data)
    os.close(fd)
    path = Path(name)
    try:
        found, _calls, head = _hash_file(path, len(data), regular)
    finally:
        path.unlink()
    assert found == _expected(data)
    assert head == data[: hashing.HEAD_SIZE]


def test_a_regular_file_ends_at_its_stated_size_without_an_empty_read(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(b"meet at the harbour\n" * 500)
    found, calls, _head = _hash_file(path, path.stat().st_size, regular_file=True)
    assert found == _expected(path.read_bytes()) and calls == 1
    _found, calls, _head = _hash_file(path, path.stat().st_size, regular_file=False)
    assert calls == 2  # a stream of unknown kind is read until it says it has ended


def test_a_file_larger_than_stated_is_still_read_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "grown.bin"
    path.write_bytes(os.urandom(70_000))
    found, calls, _head = _hash_file(path, 1_000, regular_file=True)  # the stat was out of date
    assert found == _expected(path.read_bytes())
    assert calls >= 2


def test_a_large_file_split_over_two_threads_gives_the_same_digests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "video.bin"
    path.write_bytes(os.urandom(3 * hashing.CHUNK_SIZE + 12_345))
    monkeypatch.setattr(hashing, "SPLIT_FROM_BYTES", hashing.CHUNK_SIZE)
    started = _count_thread_starts(monkeypatch)
    for idle_from_chunk in (0, 2, 99):  # idle at once, mid-file, never
        asked: list[int] = []

        def core_idle(asked: list[int] = asked, idle_from_chunk: int = idle_from_chunk) -> bool:
            asked.append(1)
            return len(asked) > idle_from_chunk

        found, calls, _head = _hash_file(path, path.stat().st_size, regular_file=True, core_idle=core_idle)
        assert found == _expected(path.read_bytes())
        assert calls == 4  # three whole chunks and the short last one, no empty read
        assert len(asked) == min(idle_from_chunk + 1, 4)  # asked before each chunk until it says yes
    assert started == [1, 1]  # split twice; never while every core was busy


def _count_thread_starts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    started: list[int] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        started.append(1)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    return started
