"""Worker processes for the per-file stages (parsing, media analysis): a bounded number of files
in flight, one writer (the caller), and a dying process costs only the file it was reading."""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Generic, Protocol, TypeVar

TaskT = TypeVar("TaskT")
ExtraT = TypeVar("ExtraT")
OutcomeT = TypeVar("OutcomeT")


def new_pool(workers: int) -> ProcessPoolExecutor:
    """A spawn pool: no fork of a process that holds threads and database connections."""
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _run_alone(
    work: Callable[[TaskT], OutcomeT], task: TaskT, on_death: Callable[[TaskT, str], OutcomeT]
) -> OutcomeT:
    """Re-run one file in a pool of its own, to tell the file that kills its process from bystanders."""
    with new_pool(1) as pool:
        try:
            return pool.submit(work, task).result()
        except BrokenProcessPool as err:
            return on_death(task, str(err))


def run_pool(
    work: Callable[[TaskT], OutcomeT],
    tasks: Iterator[tuple[TaskT, ExtraT]],
    workers: int,
    on_done: Callable[[TaskT, OutcomeT, ExtraT], None],
    on_death: Callable[[TaskT, str], OutcomeT],
) -> None:
    """Run `work` over `tasks` in worker processes; `on_done` (in this process) receives each
    outcome. A process that dies (a crash in native code, the OOM killer) fails only the file it
    was reading, through `on_death`; the run goes on. Ctrl-C ends the workers at once."""
    pool = new_pool(workers)
    running: dict[Future[OutcomeT], tuple[TaskT, ExtraT]] = {}
    exhausted = False
    try:
        while running or not exhausted:
            while not exhausted and len(running) < workers * 4:
                try:
                    task, extra = next(tasks)
                except StopIteration:
                    exhausted = True
                    break
                running[pool.submit(work, task)] = (task, extra)
            if not running:
                break
            done, _ = wait_futures(running, return_when=FIRST_COMPLETED)
            broken: list[tuple[TaskT, ExtraT]] = []
            for future in done:
                task, extra = running.pop(future)
                try:
                    on_done(task, future.result(), extra)
                except BrokenProcessPool:
                    broken.append((task, extra))
            if broken:
                broken.extend(running.values())
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                for task, extra in broken:
                    on_done(task, _run_alone(work, task, on_death), extra)
                pool = new_pool(workers)
    except KeyboardInterrupt:
        stop_now(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def stop_now(pool: ProcessPoolExecutor) -> None:
    """Ctrl-C: end the workers at once; the files they were reading stay undone (nothing of them
    was committed) and are done on the next run."""
    workers = list((pool._processes or {}).values())  # no public API for this before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()


# -- streaming: a worker sends a task's results in parts while it works ---------------------------

_PART = "part"
_DONE = "done"
_READY = "ready"
PartT = TypeVar("PartT")
_TaskT_contra = TypeVar("_TaskT_contra", contravariant=True)
_ExtraT_contra = TypeVar("_ExtraT_contra", contravariant=True)
_PartT_contra = TypeVar("_PartT_contra", contravariant=True)


class StreamHandler(Protocol[_TaskT_contra, _ExtraT_contra, _PartT_contra, OutcomeT]):
    """What `StreamPool.run` tells the caller, always on the calling thread and in each task's order."""

    def part(self, task: _TaskT_contra, part: _PartT_contra, extra: _ExtraT_contra) -> None:
        """One part a worker sent for `task` (parts of one task arrive in the order sent)."""

    def done(self, task: _TaskT_contra, outcome: OutcomeT, extra: _ExtraT_contra) -> None:
        """`task` finished; no part of it follows."""

    def restart(self, task: _TaskT_contra, extra: _ExtraT_contra) -> None:
        """The process running `task` died: forget its parts, it is run again from the start."""

    def died(self, task: _TaskT_contra, reason: str) -> OutcomeT:
        """The outcome of a task whose process died twice."""

    def may_read(self, task: _TaskT_contra) -> bool:
        """Whether to take more parts of `task` now (False holds its worker: back-pressure)."""


def _serve(
    conn: Connection,
    work: Callable[[Any, Callable[[Any], None]], object],
    prepare: Callable[[], object] | None,
) -> None:
    """A streaming worker: set up (and say what `prepare` gave), then tasks in, parts and an outcome
    out, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it ends us
    conn.send((_READY, prepare() if prepare is not None else None))

    def send(part: Any) -> None:
        conn.send((_PART, part))

    while (task := conn.recv()) is not None:
        conn.send((_DONE, work(task, send)))


@dataclass(slots=True)
class _Slot(Generic[TaskT, ExtraT]):
    """One worker process with its own pipe, and the task it runs (None when idle)."""

    process: BaseProcess
    conn: Connection
    task: tuple[TaskT, ExtraT] | None = None
    retry: bool = False  # the task already killed one process
    served: bool = False  # it was given a task (else it may still be setting up)
    ready: tuple[object] | None = None  # what its `prepare` returned, once read


class StreamPool(Generic[TaskT, PartT, OutcomeT]):
    """Worker processes that run `work(task, send)`, each with its own pipe, so the caller stores a
    task's parts while the worker still produces them. The processes start (and run `prepare`,
    e.g. loading the parsers) as soon as the pool is made, while the caller sets up its tasks.

    A process that dies is replaced and its task run once more from the start
    (`handler.restart`); dying twice fails it (`handler.died`). Ctrl-C ends the workers at once."""

    def __init__(
        self,
        work: Callable[[TaskT, Callable[[PartT], None]], OutcomeT],
        workers: int,
        prepare: Callable[[], object] | None = None,
    ) -> None:
        self.work = work
        self.prepare = prepare
        self.slots: list[_Slot[TaskT, Any]] = [self._start() for _ in range(max(1, workers))]

    def prepared(self) -> object:
        """What the first worker's `prepare` returned (waits for it): the caller can learn there
        what the workers know instead of working it out itself."""
        slot = self.slots[0]
        if slot.ready is None:
            try:
                kind, value = slot.conn.recv()
            except (EOFError, OSError) as err:
                msg = f"the first worker died while setting up (exit code {slot.process.exitcode})"
                raise RuntimeError(msg) from err
            if kind != _READY:
                msg = f"the first worker sent {kind!r} before it was ready"
                raise RuntimeError(msg)
            slot.ready = (value,)
        return slot.ready[0]

    def grow(self, workers: int) -> None:
        """Start more workers, up to `workers` in all."""
        self.slots.extend(self._start() for _ in range(workers - len(self.slots)))

    def __enter__(self) -> StreamPool[TaskT, PartT, OutcomeT]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _start(self) -> _Slot[TaskT, Any]:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve, args=(theirs, self.work, self.prepare), daemon=True, name="darkroom-worker"
        )
        process.start()
        theirs.close()  # the worker holds the only other end: its death reads as end-of-file here
        return _Slot(process, ours)

    def run(
        self, tasks: Iterator[tuple[TaskT, ExtraT]], handler: StreamHandler[TaskT, ExtraT, PartT, OutcomeT]
    ) -> None:
        """Run every task; `handler` receives parts and outcomes on this thread."""
        slots: list[_Slot[TaskT, ExtraT]] = self.slots
        queued: list[tuple[TaskT, ExtraT, bool]] = []  # tasks to run again after a death
        exhausted = False
        try:
            while True:
                for slot in slots:
                    if slot.task is None and (queued or not exhausted):
                        exhausted = not _assign(slot, tasks, queued) or exhausted
                busy = [s for s in slots if s.task is not None]
                if not busy:
                    return
                readable = [s.conn for s in busy if s.task is not None and handler.may_read(s.task[0])]
                for conn in wait(readable or [s.conn for s in busy]):
                    index = next(n for n, s in enumerate(slots) if s.conn is conn)
                    slots[index] = self._receive(slots[index], handler, queued)
        except KeyboardInterrupt:
            for slot in slots:
                slot.process.terminate()
            raise

    def close(self) -> None:
        """Stop the workers: idle ones that served are told to end; the others (still setting up, or
        busy with a task the caller gave up on after an error) are ended."""
        for slot in self.slots:
            if slot.served and slot.task is None:
                with contextlib.suppress(OSError):
                    slot.conn.send(None)
            else:
                slot.process.terminate()
            slot.conn.close()
        for slot in self.slots:
            slot.process.join(timeout=5)
            if slot.process.is_alive():
                slot.process.terminate()
                slot.process.join()

    def _receive(
        self,
        slot: _Slot[TaskT, ExtraT],
        handler: StreamHandler[TaskT, ExtraT, PartT, OutcomeT],
        queued: list[tuple[TaskT, ExtraT, bool]],
    ) -> _Slot[TaskT, ExtraT]:
        """Take one message from a worker; a dead worker is replaced (the slot returned is its successor)."""
        if slot.task is None:
            msg = "a worker sent a message while idle"
            raise RuntimeError(msg)
        task, extra = slot.task
        try:
            kind, payload = slot.conn.recv()
        except (EOFError, OSError):
            slot.process.join(timeout=5)
            reason = f"exit code {slot.process.exitcode}"
            slot.conn.close()
            handler.restart(task, extra)
            if slot.retry:
                handler.done(task, handler.died(task, reason), extra)
            else:
                queued.insert(0, (task, extra, True))
            return self._start()
        if kind == _READY:
            slot.ready = (payload,)
        elif kind == _PART:
            handler.part(task, payload, extra)
        else:
            slot.task = None
            handler.done(task, payload, extra)
        return slot


def _assign(slot: _Slot[TaskT, ExtraT], tasks: Iterator[tuple[TaskT, ExtraT]], queued: list[Any]) -> bool:
    """Give an idle worker the next task (a retried one first); False when no task is left."""
    if queued:
        task, extra, retry = queued.pop(0)
    else:
        try:
            task, extra = next(tasks)
        except StopIteration:
            return False
        retry = False
    slot.conn.send(task)
    slot.task, slot.retry, slot.served = (task, extra), retry, True
    return True
