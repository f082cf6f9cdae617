"""File typing by content with libmagic; one handle per thread (libmagic handles are not shared)."""

from __future__ import annotations

import threading
from typing import Literal

import magic

ArchiveKind = Literal["zip", "tar"]

# MIME types whose members intake walks (read in place, never extracted to disk).
ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed"})
TAR_TYPES = frozenset(
    {
        "application/x-tar",
        "application/gzip",
        "application/x-gzip",
        "application/x-bzip2",
        "application/x-xz",
    }
)

_local = threading.local()


def mime_of(head: bytes) -> str:
    """The MIME type libmagic gives the first bytes of a file (`inode/x-empty` for none)."""
    if not head:
        return "inode/x-empty"
    detector = getattr(_local, "detector", None)
    if detector is None:
        detector = magic.Magic(mime=True)
        _local.detector = detector
    return str(detector.from_buffer(head))


def archive_kind(mime_type: str | None) -> ArchiveKind | None:
    """`zip` or `tar` when intake should walk a file's members, else None."""
    if mime_type in ZIP_TYPES:
        return "zip"
    if mime_type in TAR_TYPES:
        return "tar"
    return None
