"""The SHA-256 of one whole file, read once in 1 MiB chunks: what exports, reports, imported hash sets
and generated archives are recorded and checked by. (Evidence intake has its own one-pass MD5, SHA-1
and SHA-256 reader, `darkroom.evidence.hashing`.)"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Final

from darkroom.errors import InvalidInput

CHUNK_BYTES: Final = 1 << 20
PROGRESS_EVERY_BYTES: Final = 16 * CHUNK_BYTES  # how often `on_progress` hears of a large file

ProgressCallback = Callable[[int], None]  # bytes read so far


def sha256_of_file(path: Path, on_progress: ProgressCallback | None = None) -> str:
    """The file's SHA-256 as hex; `on_progress(bytes_read)` every 16 MiB and once at the end.
    A file that cannot be read is a clear error naming it."""
    digest = hashlib.sha256()
    done = 0
    try:
        with path.open("rb") as source:
            while chunk := source.read(CHUNK_BYTES):
                digest.update(chunk)
                done += len(chunk)
                if on_progress is not None and done % PROGRESS_EVERY_BYTES == 0:
                    on_progress(done)
    except OSError as err:
        msg = f"cannot read {path}: {err.strerror or err}"
        raise InvalidInput(msg) from err
    if on_progress is not None:
        on_progress(done)
    return digest.hexdigest()
