"""File typing by content with libmagic; one handle per thread (libmagic handles are not shared).

libmagic's text tests dominate intake on small text files (~1 ms for 4 KiB of plain text, 12 µs
for a JPEG). So typing asks libmagic twice when it pays: first without its soft-magic database
(microseconds; tells text from binary), then with it — on 1 KiB of a text file, where the text
formats it knows (HTML, XML, JSON, vCard, scripts) announce themselves, or on the whole head of
anything else.
"""

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
TEXT_HEAD_BYTES = 1024
_WIDE_TEXT_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-16 LE/BE (and UTF-32), UTF-32 BE

# Flags from magic.h that python-magic does not export.
_NO_CHECK_SOFT = 0x004000
_NO_CHECK_ENCODING = 0x200000  # the quick pass only needs text-or-not (the full one keeps them:
# HTML, XML and CSV are told apart from plain text by its encoding checks)

_local = threading.local()


def _detector(extra_flags: int) -> magic.Magic:
    detector = magic.Magic(mime=True)
    detector.flags |= extra_flags
    magic.magic_setflags(detector.cookie, detector.flags)
    return detector


def _detectors() -> tuple[magic.Magic, magic.Magic]:
    pair = getattr(_local, "pair", None)
    if pair is None:
        pair = (_detector(_NO_CHECK_SOFT | _NO_CHECK_ENCODING), _detector(0))
        _local.pair = pair
    return pair


def mime_of(head: bytes) -> str:
    """The MIME type libmagic gives the first bytes of a file (`inode/x-empty` for none)."""
    if not head:
        return "inode/x-empty"
    quick, full = _detectors()
    if may_be_text(head) and str(quick.from_buffer(head)).startswith("text/"):
        head = head[:TEXT_HEAD_BYTES]
    return str(full.from_buffer(head))


def may_be_text(head: bytes) -> bool:
    """False when libmagic's quick pass could only call `head` binary: its encoding tests read a NUL
    byte before other bytes as binary in every encoding but UTF-16/32, which it takes only after a
    byte-order mark (trailing NULs it ignores). Most binary files (JPEG, PNG, SQLite, video) hold a
    NUL early, and skip the quick pass."""
    return b"\x00" not in head.rstrip(b"\x00") or head.startswith(_WIDE_TEXT_BOMS)


def archive_kind(mime_type: str | None) -> ArchiveKind | None:
    """`zip` or `tar` when intake should walk a file's members, else None."""
    if mime_type in ZIP_TYPES:
        return "zip"
    if mime_type in TAR_TYPES:
        return "tar"
    return None
