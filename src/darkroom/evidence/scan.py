"""The parallel scan behind intake and verify: walk an exhibit, hash every file once, report records.

One walker thread lists folders; worker threads hash files and walk archives; the calling
thread is the only one that talks to the store (it drains a bounded queue into a `ScanSink`).
In-flight work is bounded, so memory stays flat however large the exhibit. Nothing is
followed out of the exhibit: symlinks are recorded, never opened.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import queue
import signal
import stat
import tarfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import IO, Protocol
from zoneinfo import ZoneInfo

from darkroom.evidence.archives import (
    Location,
    Member,
    iter_tar,
    iter_zip,
    open_location,
    open_tar,
    single_stream_member,
)
from darkroom.evidence.filetype import ArchiveKind, archive_kind, mime_of
from darkroom.evidence.hashing import SPLIT_FROM_BYTES, Interrupted, Readable, hash_stream
from darkroom.model import EntryKind, FileRecord
from darkroom.timeutil import from_epoch_ns

_O_NOATIME = getattr(os, "O_NOATIME", 0)


class ScanInterrupted(Exception):
    """Ctrl-C or SIGTERM arrived; the scan stopped cleanly between two records."""


class ScanSink(Protocol):
    """Receives records on the calling thread; returns a container token for archives to walk."""

    def record(self, rec: FileRecord) -> int | None: ...

    def archive_done(self, container: int, error: str | None) -> None: ...


@dataclass(frozen=True, slots=True)
class ArchiveWalk:
    """One archive to walk: its token (file id), where its bytes are, and its display path."""

    container: int
    location: Location
    kind: ArchiveKind
    display_path: str


@dataclass(frozen=True, slots=True)
class _RecordMsg:
    rec: FileRecord
    location: Location | None  # where its bytes are, for an archive to be walked
    ends_task: bool  # the last message of a file task (frees an in-flight slot)


@dataclass(frozen=True, slots=True)
class _ArchiveDoneMsg:
    container: int
    error: str | None


@dataclass(frozen=True, slots=True)
class _WalkerDoneMsg:
    pass


@dataclass(frozen=True, slots=True)
class _BatchMsg:
    records: list[_RecordMsg]


_Msg = _RecordMsg | _BatchMsg | _ArchiveDoneMsg | _WalkerDoneMsg
WALK_BATCH = 32
# A batch also ends at this many bytes: 32 photos of 10 MB handed to one worker would leave the
# other idle at the end of the exhibit.
WALK_BATCH_BYTES = 4 << 20
WALK_LOOKAHEAD = 256  # batches of paths queued ahead of the workers


@dataclass(slots=True)
class ScanProgress:
    """Counters the progress display reads (written by the calling thread only)."""

    files: int = 0
    bytes: int = 0
    errors: int = 0


def display_of(path: bytes) -> str:
    """Human form of a raw path: UTF-8, with bytes that are not shown as \\xNN."""
    return path.decode("utf-8", "backslashreplace")


def _os_error_text(err: OSError) -> str:
    return f"{err.strerror or err} (errno {err.errno})" if err.errno else str(err)


def _open_read_only(abs_path: bytes) -> int:
    """Open without following a symlink, and without touching the access time where allowed."""
    flags = os.O_RDONLY | os.O_NOFOLLOW
    try:
        return os.open(abs_path, flags | _O_NOATIME)
    except PermissionError:
        return os.open(abs_path, flags)  # O_NOATIME needs ownership; atime may then change


class _FdReader:
    """`read(n)` of an open descriptor, for `hash_stream`."""

    __slots__ = ("read",)

    def __init__(self, fd: int) -> None:
        self.read = functools.partial(os.read, fd)


def _stat_times(st: os.stat_result) -> tuple[datetime, datetime, datetime]:
    return (
        from_epoch_ns(st.st_mtime_ns),
        from_epoch_ns(st.st_atime_ns),
        from_epoch_ns(st.st_ctime_ns),
    )


def _size_or_zero(entry: os.DirEntry[bytes]) -> int:
    """The walker's guess of a file's size for scheduling; the worker's own stat is what is recorded."""
    try:
        return entry.stat(follow_symlinks=False).st_size
    except OSError:
        return 0


class Scanner:
    """Walks one exhibit source and feeds every entry, hashed, to a sink."""

    def __init__(
        self,
        exhibit_id: int,
        source: Path,
        zone: ZoneInfo,
        spool_dir: Path,
        skip: Callable[[int | None, bytes], bool] = lambda _c, _p: False,
        workers: int | None = None,
    ) -> None:
        self.exhibit_id = exhibit_id
        self.source = os.fsencode(source)
        self.zone = zone
        self.spool_dir = spool_dir
        self.skip = skip
        self.workers = workers or max(2, os.cpu_count() or 2)
        self.progress = ScanProgress()
        self._queue: queue.Queue[_Msg] = queue.Queue(maxsize=4096)
        # Paths go to workers, and records come back, in batches: one hand-off per file costs
        # more (locks, thread switches) than typing and hashing a small file.
        # The walker may run this far ahead of the workers, so it finds large files early enough
        # for them to go first (see `_large`); a few thousand paths, whatever the exhibit size.
        self._files: queue.Queue[list[tuple[bytes, bytes]] | None] = queue.Queue(maxsize=WALK_LOOKAHEAD)
        # Large files are hashed before small ones (longest first): a large file left to the
        # end keeps one core busy with its MD5 while the other has nothing left to do.
        self._large: collections.deque[tuple[bytes, bytes]] = collections.deque()
        self._walk_batch: list[tuple[bytes, bytes]] = []
        self._walk_batch_bytes = 0
        self._archives: collections.deque[ArchiveWalk] = collections.deque()
        self._stop = threading.Event()
        self._interrupted = False
        self._lock = threading.Lock()
        self._outstanding = 0
        self._idle_workers = 0
        self._walker_done = False
        self._threads = [
            threading.Thread(target=self._work, name=f"darkroom-hash-{n}", daemon=True)
            for n in range(self.workers)
        ]

    # -- calling thread ------------------------------------------------------------------

    def run(
        self,
        sink: ScanSink,
        resume_walks: list[ArchiveWalk],
        tick: Callable[[ScanProgress], None] | None = None,
    ) -> None:
        """Scan to the end; on Ctrl-C/SIGTERM stop between records and raise `ScanInterrupted`."""
        walker = threading.Thread(target=self._walk_source, name="darkroom-walk", daemon=True)
        for walk in resume_walks:
            self._submit_archive(walk)
        for thread in self._threads:
            thread.start()
        walker.start()
        last_tick = time.monotonic()
        with self._stop_on_signals():
            try:
                while not self._interrupted and not (
                    self._walker_done and self._outstanding == 0 and self._queue.empty()
                ):
                    try:
                        msg = self._queue.get(timeout=0.2)
                    except queue.Empty:
                        if tick:
                            tick(self.progress)
                        continue
                    self._handle(sink, msg)
                    if tick and time.monotonic() - last_tick > 0.1:
                        tick(self.progress)
                        last_tick = time.monotonic()
            finally:
                self._stop.set()
                self._drain_until_idle(walker)
        if tick:
            tick(self.progress)
        if self._interrupted:
            raise ScanInterrupted

    @contextlib.contextmanager
    def _stop_on_signals(self) -> Iterator[None]:
        """First Ctrl-C (or SIGTERM) asks for a clean stop; a second Ctrl-C interrupts at once."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def request_stop(_signum: int, _frame: object) -> None:
            if self._interrupted:
                raise KeyboardInterrupt
            self._interrupted = True

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _handle(self, sink: ScanSink, msg: _Msg) -> None:
        if isinstance(msg, _BatchMsg):
            for record in msg.records:
                self._handle_record(sink, record)
            self._finish_tasks(len(msg.records))  # a batch holds whole file tasks only
        elif isinstance(msg, _RecordMsg):
            self._handle_record(sink, msg)
            if msg.ends_task:
                self._finish_tasks(1)
        elif isinstance(msg, _ArchiveDoneMsg):
            sink.archive_done(msg.container, msg.error)
            self._finish_tasks(1)
        else:
            self._walker_done = True

    def _handle_record(self, sink: ScanSink, msg: _RecordMsg) -> None:
        rec = msg.rec
        progress = self.progress
        progress.files += 1
        progress.bytes += rec.size or 0
        progress.errors += rec.read_error is not None
        container = sink.record(rec)
        if container is not None and msg.location is not None and (archive := archive_kind(rec.mime_type)):
            self._submit_archive(ArchiveWalk(container, msg.location, archive, rec.display_path))

    def _finish_tasks(self, count: int) -> None:
        with self._lock:
            self._outstanding -= count

    def _drain_until_idle(self, walker: threading.Thread) -> None:
        """After a stop, wake the idle workers and keep emptying the queue so none stays blocked."""
        for _ in self._threads:
            with contextlib.suppress(queue.Full):
                self._files.put_nowait(None)
        threads = [walker, *self._threads]
        while any(t.is_alive() for t in threads):
            with contextlib.suppress(queue.Empty):
                while True:
                    self._queue.get_nowait()
            for thread in threads:
                thread.join(timeout=0.01)

    def _submit_archive(self, walk: ArchiveWalk) -> None:
        with self._lock:
            self._outstanding += 1
        self._archives.append(walk)

    def _work(self) -> None:
        """A worker: archive walks and large files first (few and long), else the next batch."""
        while not self._stop.is_set():
            try:
                self._walk_archive(self._archives.popleft())
                continue
            except IndexError:
                pass
            try:
                abs_path, rel = self._large.popleft()
            except IndexError:
                pass
            else:
                if (msg := self._hash_file(abs_path, rel)) is not None:
                    self._post(msg)
                continue
            try:
                batch = self._files.get_nowait()
            except queue.Empty:
                batch = self._wait_for_batch()
            if batch is None:  # nothing yet, or woken up to see the stop
                continue
            records = [msg for abs_path, rel in batch if (msg := self._hash_file(abs_path, rel)) is not None]
            if records:
                self._post(_BatchMsg(records))

    def _wait_for_batch(self) -> list[tuple[bytes, bytes]] | None:
        """Block briefly for paths, counted as idle meanwhile (a large file then splits its digests)."""
        with self._lock:
            self._idle_workers += 1
        try:
            return self._files.get(timeout=0.05)
        except queue.Empty:
            return None
        finally:
            with self._lock:
                self._idle_workers -= 1

    def _core_idle(self) -> bool:
        return self._idle_workers > 0

    # -- shared by worker threads ----------------------------------------------------------

    def _post(self, msg: _Msg) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(msg, timeout=0.1)
            except queue.Full:
                continue
            return

    def _base_record(self, container: int | None, path: bytes, display: str, kind: EntryKind) -> FileRecord:
        return FileRecord(
            exhibit_id=self.exhibit_id,
            container_id=container,
            path=path,
            display_path=display,
            entry_kind=kind,
            size=None,
            digests=None,
            mime_type=None,
            mtime=None,
            atime=None,
            ctime=None,
            mode=None,
            symlink_target=None,
            is_archive=False,
            read_error=None,
        )

    def _hashed(self, rec: FileRecord, stream: Readable) -> FileRecord:
        digests, head = hash_stream(stream, self._stop)
        mime = mime_of(head)
        return replace(
            rec,
            size=digests.size,
            digests=digests,
            mime_type=mime,
            is_archive=archive_kind(mime) is not None,
        )

    # -- walker thread ---------------------------------------------------------------------

    def _walk_source(self) -> None:
        try:
            if os.path.isdir(self.source):
                self._walk_folder()
            else:
                name = os.path.basename(self.source)
                if not self.skip(None, name):
                    self._submit_file(self.source, name)
            self._flush_walk_batch()
        finally:
            self._post(_WalkerDoneMsg())

    def _walk_folder(self) -> None:
        pending: list[bytes] = [b""]
        while pending and not self._stop.is_set():
            rel_dir = pending.pop()
            abs_dir = os.path.join(self.source, rel_dir) if rel_dir else self.source
            try:
                with os.scandir(abs_dir) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as err:
                rec = self._base_record(None, rel_dir, display_of(rel_dir), EntryKind.DIRECTORY)
                self._post(_RecordMsg(replace(rec, read_error=_os_error_text(err)), None, False))
                continue
            for entry in entries:
                rel = os.path.join(rel_dir, entry.name) if rel_dir else entry.name
                if entry.is_dir(follow_symlinks=False):
                    pending.append(rel)
                elif not self.skip(None, rel):
                    self._dispatch_entry(entry.path, rel, entry)

    def _dispatch_entry(self, abs_path: bytes, rel: bytes, entry: os.DirEntry[bytes]) -> None:
        if entry.is_file(follow_symlinks=False):
            size = _size_or_zero(entry)
            if size >= SPLIT_FROM_BYTES:
                with self._lock:
                    self._outstanding += 1
                self._large.append((abs_path, rel))
            else:
                self._submit_file(abs_path, rel, size)
            return
        rec = self._base_record(None, rel, display_of(rel), EntryKind.OTHER)
        try:
            st = entry.stat(follow_symlinks=False)
            mtime, atime, ctime = _stat_times(st)
            rec = replace(rec, mode=st.st_mode, mtime=mtime, atime=atime, ctime=ctime)
            if stat.S_ISLNK(st.st_mode):
                rec = replace(rec, entry_kind=EntryKind.SYMLINK, symlink_target=os.readlink(abs_path))
        except OSError as err:
            rec = replace(rec, read_error=_os_error_text(err))
        self._post(_RecordMsg(rec, None, False))

    def _submit_file(self, abs_path: bytes, rel: bytes, size: int = 0) -> None:
        with self._lock:
            self._outstanding += 1
        self._walk_batch.append((abs_path, rel))
        self._walk_batch_bytes += size
        if len(self._walk_batch) >= WALK_BATCH or self._walk_batch_bytes >= WALK_BATCH_BYTES:
            self._flush_walk_batch()

    def _flush_walk_batch(self) -> None:
        batch, self._walk_batch = self._walk_batch, []
        self._walk_batch_bytes = 0
        while batch and not self._stop.is_set():
            try:
                self._files.put(batch, timeout=0.1)
            except queue.Full:
                continue
            return

    # -- worker threads --------------------------------------------------------------------

    def _hash_file(self, abs_path: bytes, rel: bytes) -> _RecordMsg | None:
        """Hot path: open once, stat the open file, hash, type the head; one record built once."""
        display = display_of(rel)
        st: os.stat_result | None = None
        try:
            fd = _open_read_only(abs_path)
            try:
                st = os.fstat(fd)
                # os.read straight on the descriptor: a file object would cost a second fstat and
                # more than the hashing of a small file's few reads
                digests, head = hash_stream(
                    _FdReader(fd),
                    self._stop,
                    size_hint=st.st_size,
                    regular_file=stat.S_ISREG(st.st_mode),
                    core_idle=self._core_idle,
                )
            finally:
                os.close(fd)
        except Interrupted:
            return None
        except OSError as err:
            rec = replace(
                self._base_record(None, rel, display, EntryKind.FILE), read_error=_os_error_text(err)
            )
            if st is not None:
                mtime, atime, ctime = _stat_times(st)
                rec = replace(rec, size=st.st_size, mode=st.st_mode, mtime=mtime, atime=atime, ctime=ctime)
            return _RecordMsg(rec, None, True)
        mime = mime_of(head)
        mtime, atime, ctime = _stat_times(st)
        rec = FileRecord(
            exhibit_id=self.exhibit_id,
            container_id=None,
            path=rel,
            display_path=display,
            entry_kind=EntryKind.FILE,
            size=digests.size,
            digests=digests,
            mime_type=mime,
            mtime=mtime,
            atime=atime,
            ctime=ctime,
            mode=st.st_mode,
            symlink_target=None,
            is_archive=archive_kind(mime) is not None,
            read_error=None,
        )
        return _RecordMsg(rec, Location(abs_path), True)

    def _walk_archive(self, walk: ArchiveWalk) -> None:
        error: str | None = None
        try:
            with open_location(walk.location, self.spool_dir) as container:
                if walk.kind == "zip":
                    with zipfile.ZipFile(container) as archive:
                        self._emit_members(walk, iter_zip(archive, self.zone))
                else:
                    self._walk_tar(walk, container)
        except Interrupted:
            return
        except Exception as err:  # noqa: BLE001 - one bad archive is recorded, never aborts the run
            error = f"{type(err).__name__}: {err}"
        self._post(_ArchiveDoneMsg(walk.container, error))

    def _walk_tar(self, walk: ArchiveWalk, container: IO[bytes]) -> None:
        try:
            archive = open_tar(container)
        except tarfile.ReadError:
            name = walk.location.chain[-1][1] if walk.location.chain else walk.location.fs_path
            member = single_stream_member(container, name)
            if member is None or member.open_stream is None:
                raise
            with member.open_stream() as probe:
                probe.read(1)  # a corrupt stream fails the archive here, not as a bogus member
            container.seek(0)
            self._emit_members(walk, iter([member]))
            return
        with archive:
            self._emit_members(walk, iter_tar(archive))

    def _emit_members(self, walk: ArchiveWalk, members: Iterable[Member]) -> None:
        for member in members:
            if self._stop.is_set():
                raise Interrupted
            if self.skip(walk.container, member.path):
                continue
            rec = self._member_record(walk, member)
            self._post(_RecordMsg(rec, walk.location.child(walk.kind, member.path), False))

    def _member_record(self, walk: ArchiveWalk, member: Member) -> FileRecord:
        kind = {"file": EntryKind.FILE, "symlink": EntryKind.SYMLINK, "other": EntryKind.OTHER}[member.kind]
        display = f"{walk.display_path}!/{display_of(member.path)}"
        rec = replace(
            self._base_record(walk.container, member.path, display, kind),
            size=member.size,
            mtime=member.mtime,
            mode=member.mode,
            symlink_target=member.link_target,
            time_zone_assumed=member.zone_assumed,
        )
        if member.open_stream is None:
            return rec
        try:
            with member.open_stream() as stream:
                return self._hashed(rec, stream)
        except Interrupted:
            raise
        except Exception as err:  # noqa: BLE001 - a bad member (CRC, encrypted, truncated) is recorded
            return replace(rec, read_error=f"{type(err).__name__}: {err}")
