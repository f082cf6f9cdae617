"""The one whole-file SHA-256: equal to hashlib's for any content and chunking, progress by bytes read
(and a last call with the size), an unreadable file a clear error that names it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from darkroom import hashfile
from darkroom.errors import InvalidInput
from darkroom.hashfile import sha256_of_file


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=300), chunk=st.integers(1, 64))
def test_digest_is_hashlib_s_for_any_content_and_chunk_size(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, chunk: int
) -> None:
    path = tmp_path_factory.mktemp("h") / "f.bin"
    path.write_bytes(content)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hashfile, "CHUNK_BYTES", chunk)
        patch.setattr(hashfile, "PROGRESS_EVERY_BYTES", chunk * 3)
        seen: list[int] = []
        assert sha256_of_file(path, seen.append) == hashlib.sha256(content).hexdigest()
    assert seen[-1] == len(content)
    assert seen == sorted(seen)
    assert all(done % (chunk * 3) == 0 for done in seen[:-1])


def test_progress_every_16_mib_and_at_the_end(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    size = 2 * hashfile.PROGRESS_EVERY_BYTES + 12345
    path.write_bytes(b"\x5a" * size)
    seen: list[int] = []
    digest = sha256_of_file(path, seen.append)
    assert digest == hashlib.sha256(b"\x5a" * size).hexdigest()
    assert seen == [hashfile.PROGRESS_EVERY_BYTES, 2 * hashfile.PROGRESS_EVERY_BYTES, size]


def test_empty_file_and_no_callback(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert sha256_of_file(path) == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("name", ["missing.bin", "a-folder"])
def test_an_unreadable_file_is_a_clear_error_naming_it(tmp_path: Path, name: str) -> None:
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(InvalidInput, match=rf"cannot read .*{name}"):
        sha256_of_file(tmp_path / name)
