"""Worker processes for the per-file stages (parsing, media analysis): a bounded number of files
in flight, one writer (the caller), and a dying process costs only the file it was reading."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

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
            done, _ = wait(running, return_when=FIRST_COMPLETED)
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
