"""Reading zip and tar(.gz/.bz2/.xz) archives in place: members are streamed, never extracted.

A nested archive is reached through a `Location`: the outermost file on disk plus the chain of
members leading to it. Zip needs random access, so a nested member is held in memory when
small and otherwise spooled into the case's own `derived/` folder (seized bytes never go to
the system temp folder), and removed afterwards.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import shutil
import stat
import tarfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Literal
from zoneinfo import ZoneInfo

from darkroom.evidence.filetype import ArchiveKind

MemberStream = IO[bytes] | io.BufferedIOBase
SPOOL_IN_MEMORY_LIMIT = 64 << 20

# Tar members carry names in the platform's encoding; surrogateescape keeps bad bytes exact.
_TAR_ENCODING = "utf-8"
_TAR_ERRORS = "surrogateescape"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a container's bytes are: a file on disk, then (kind, member path) steps inward."""

    fs_path: bytes
    chain: tuple[tuple[ArchiveKind, bytes], ...] = ()

    def child(self, kind: ArchiveKind, member: bytes) -> Location:
        """The location of a member of the container at this location."""
        return Location(self.fs_path, (*self.chain, (kind, member)))


@dataclass(frozen=True, slots=True)
class Member:
    """One entry of an archive: its raw path, what it is, and how to read it."""

    path: bytes
    kind: Literal["file", "symlink", "other"]
    size: int | None
    mtime: datetime | None
    zone_assumed: str | None  # zip times are local wall-clock time without a zone
    mode: int | None
    link_target: bytes | None
    open_stream: Callable[[], MemberStream] | None


def zip_member_path(info: zipfile.ZipInfo) -> bytes:
    """The member name exactly as stored (UTF-8 when flagged, else the CP437 bytes)."""
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    return info.orig_filename.encode(encoding, "surrogateescape")


def _zip_mtime(info: zipfile.ZipInfo, zone: ZoneInfo) -> datetime | None:
    try:
        return datetime(*info.date_time, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None  # zip allows impossible dates such as month 0


def iter_zip(archive: zipfile.ZipFile, zone: ZoneInfo) -> Iterator[Member]:
    """Members of a zip file, directories left out (their files carry the paths)."""
    for info in archive.infolist():
        if info.is_dir():
            continue
        mode = info.external_attr >> 16 if info.create_system == 3 else None
        kind: Literal["file", "symlink"] = "symlink" if mode and stat.S_ISLNK(mode) else "file"
        target = archive.read(info) if kind == "symlink" else None
        yield Member(
            path=zip_member_path(info),
            kind=kind,
            size=info.file_size,
            mtime=_zip_mtime(info, zone),
            zone_assumed=zone.key,
            mode=mode,
            link_target=target,
            open_stream=(lambda info=info: archive.open(info)) if kind == "file" else None,  # type: ignore[misc]
        )


def iter_tar(archive: tarfile.TarFile) -> Iterator[Member]:
    """Members of a tar stream in order; hard links and devices are recorded, not read."""
    for info in archive:
        if info.isdir():
            continue
        path = info.name.encode(_TAR_ENCODING, _TAR_ERRORS)
        mtime = datetime.fromtimestamp(info.mtime, UTC) if info.mtime else None
        if info.isreg():
            yield Member(
                path,
                "file",
                info.size,
                mtime,
                None,
                info.mode,
                None,
                lambda info=info: _tar_stream(archive, info),  # type: ignore[misc]
            )
        else:
            kind: Literal["symlink", "other"] = "symlink" if info.issym() else "other"
            target = info.linkname.encode(_TAR_ENCODING, _TAR_ERRORS) if info.linkname else None
            yield Member(path, kind, None, mtime, None, info.mode, target, None)


def _tar_stream(archive: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    stream = archive.extractfile(info)
    if stream is None:
        msg = f"tar member {info.name!r} has no data"
        raise OSError(msg)
    return stream


def _decompressed(container: IO[bytes], magic: bytes) -> MemberStream:
    if magic.startswith(b"\x1f\x8b"):
        return gzip.GzipFile(fileobj=container, mode="rb")
    if magic.startswith(b"BZ"):
        return bz2.BZ2File(container, mode="rb")
    return lzma.LZMAFile(container, mode="rb")


def single_stream_member(container: IO[bytes], container_path: bytes) -> Member | None:
    """A gzip/bzip2/xz file that holds no tar: its decompressed content as the one member."""
    container.seek(0)
    magic = container.read(6)
    container.seek(0)
    if not magic.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ")):
        return None
    name = os.path.basename(container_path)
    stem, dot, _suffix = name.rpartition(b".")
    inner = stem if dot and stem else name + b".decompressed"
    return Member(inner, "file", None, None, None, None, None, lambda: _decompressed(container, magic))


@contextmanager
def open_location(location: Location, spool_dir: Path) -> Iterator[IO[bytes]]:
    """A seekable binary stream of the bytes at `location`."""
    if not location.chain:
        with open(location.fs_path, "rb") as stream:
            yield stream
        return
    parent = Location(location.fs_path, location.chain[:-1])
    kind, member = location.chain[-1]
    with (
        open_location(parent, spool_dir) as parent_stream,
        _open_member(parent_stream, kind, member) as raw,
        _seekable(raw, spool_dir) as seekable,
    ):
        yield seekable


def copy_location(location: Location, spool_dir: Path, target: Path) -> None:
    """Copy the bytes at `location` to `target` (a working copy inside the case folder)."""
    with open_location(location, spool_dir) as stream, target.open("wb") as copy:
        shutil.copyfileobj(stream, copy, 1 << 20)


@contextmanager
def _open_member(container: IO[bytes], kind: ArchiveKind, member: bytes) -> Iterator[MemberStream]:
    if kind == "zip":
        with zipfile.ZipFile(container) as archive:
            for info in archive.infolist():
                if zip_member_path(info) == member:
                    with archive.open(info) as stream:
                        yield stream
                    return
    else:
        with open_tar(container) as tar:
            for tar_info in tar:
                if tar_info.name.encode(_TAR_ENCODING, _TAR_ERRORS) == member and tar_info.isreg():
                    yield _tar_stream(tar, tar_info)
                    return
    msg = f"member {member!r} is no longer in its archive"
    raise FileNotFoundError(msg)


def open_tar(container: IO[bytes]) -> tarfile.TarFile:
    """Open a (possibly compressed) tar from a seekable stream, names kept byte-exact."""
    container.seek(0)
    return tarfile.open(fileobj=container, mode="r:*", encoding=_TAR_ENCODING, errors=_TAR_ERRORS)


@contextmanager
def _seekable(stream: MemberStream, spool_dir: Path) -> Iterator[IO[bytes]]:
    """Small members in memory; large ones copied into the case's spool folder, then removed."""
    head = stream.read(SPOOL_IN_MEMORY_LIMIT)
    if len(head) < SPOOL_IN_MEMORY_LIMIT:
        yield io.BytesIO(head)
        return
    spool_dir.mkdir(parents=True, exist_ok=True)
    spool_path = spool_dir / f"nested-{uuid.uuid4().hex}"
    try:
        with spool_path.open("w+b") as spool:
            spool.write(head)
            shutil.copyfileobj(stream, spool, 1 << 20)
            spool.seek(0)
            yield spool
    finally:
        spool_path.unlink(missing_ok=True)
