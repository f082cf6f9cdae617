"""Byte-for-byte reproducible zip and tar.gz archives of generated folders.

Every varying field is pinned: zip entry times, tar mtime/uid/gid/uname, gzip mtime 0 and no
file name in the gzip header, members in sorted order.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tarfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

ZipTime = tuple[int, int, int, int, int, int]
_FILE_MODE = 0o644
_DIR_MODE = 0o755
_UNIX = 3  # ZipInfo.create_system for Unix, pinned so archives match on any OS


def zip_time(moment: datetime) -> ZipTime:
    """A zip entry time (local wall-clock, 2-second resolution) from an aware datetime."""
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second // 2 * 2)


def _zip_info(name: str, when: ZipTime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = _UNIX
    info.external_attr = (0o100000 | _FILE_MODE) << 16
    return info


def zip_bytes(members: Sequence[tuple[str, bytes]], when: ZipTime) -> bytes:
    """A small zip held in memory (e.g. one WhatsApp iOS chat export)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in members:
            archive.writestr(_zip_info(name, when), payload)
    return buffer.getvalue()


def walk_files(root: Path) -> list[str]:
    """Every file below `root` as sorted POSIX paths relative to it."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        relative = Path(folder).relative_to(root)
        found.extend((relative / name).as_posix() for name in sorted(files))
    return sorted(found)


def pack_zip(source: Path, target: Path, when: ZipTime) -> None:
    """Zip the contents of `source` (members relative to it), streaming from disk."""
    with zipfile.ZipFile(target, "w") as archive:
        for name in walk_files(source):
            with (source / name).open("rb") as reader, archive.open(_zip_info(name, when), "w") as writer:
                shutil.copyfileobj(reader, writer, 1 << 20)


def _tar_info(name: str, size: int, mtime: int, directory: bool) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = 0 if directory else size
    info.mtime = mtime
    info.mode = _DIR_MODE if directory else _FILE_MODE
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.uid = info.gid = 1000
    info.uname = info.gname = "user"
    return info


def _parent_dirs(names: Iterable[str]) -> list[str]:
    parents: set[str] = set()
    for name in names:
        parts = name.split("/")[:-1]
        parents.update("/".join(parts[: depth + 1]) for depth in range(len(parts)))
    return sorted(parents)


def pack_tar_gz(source: Path, target: Path, mtime: int) -> None:
    """A gzip-compressed tar of `source`'s contents, directories first, streaming from disk."""
    names = walk_files(source)
    with (
        target.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed,
        tarfile.open(fileobj=packed, mode="w", format=tarfile.GNU_FORMAT) as archive,
    ):
        for directory in _parent_dirs(names):
            archive.addfile(_tar_info(directory + "/", 0, mtime, directory=True))
        for name in names:
            size = (source / name).stat().st_size
            with (source / name).open("rb") as reader:
                archive.addfile(_tar_info(name, size, mtime, directory=False), reader)


def member_path(staged_path: str, packed_dirs: Sequence[str]) -> str:
    """The path of a staged file once `packed_dirs` became zips: `a/b/c` -> `a/b.zip!/c`."""
    result = staged_path
    for directory in sorted(packed_dirs, key=len, reverse=True):  # innermost first
        if result.startswith(directory + "/"):
            result = f"{directory}.zip!/{result[len(directory) + 1 :]}"
    return result
