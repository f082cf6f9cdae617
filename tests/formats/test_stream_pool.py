"""`StreamPool`: parts reach the caller in order while the worker works; a worker that dies has
its task run once more from the start (its parts forgotten), and dying twice fails the task."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from darkroom.workers import StreamPool

Task = tuple[str, int, str]  # name, parts to send, marker file ("" for none)


def _work(task: Task, send: Callable[[tuple[str, int]], None]) -> str:
    """Send `parts` parts; with a marker, die (like an OOM kill) after two parts, once or always."""
    name, parts, marker = task
    for n in range(parts):
        send((name, n))
        if marker and n == 1 and (marker.endswith("always") or not os.path.exists(marker)):
            Path(marker).touch()
            os._exit(9)
    return f"{name}: {parts} parts"


class _Recorder:
    """Every call the pool makes, in order."""

    def __init__(self, hold: str = "") -> None:
        self.events: list[tuple[str, ...]] = []
        self.hold = hold

    def part(self, task: Task, part: tuple[str, int], extra: str) -> None:
        self.events.append(("part", task[0], str(part[1]), extra))

    def done(self, task: Task, outcome: str, extra: str) -> None:
        self.events.append(("done", task[0], outcome, extra))

    def restart(self, task: Task, extra: str) -> None:
        self.events.append(("restart", task[0], extra))

    def died(self, task: Task, reason: str) -> str:
        return f"{task[0]} died ({reason})"

    def may_read(self, task: Task) -> bool:
        return task[0] != self.hold


def _of(events: list[tuple[str, ...]], name: str) -> list[tuple[str, ...]]:
    return [event for event in events if event[1] == name]


def test_parts_arrive_in_order_then_the_outcome() -> None:
    recorder = _Recorder()
    tasks = iter([(("a", 3, ""), "x"), (("b", 0, ""), "y"), (("c", 2, ""), "z")])
    with StreamPool(_work, 2) as pool:
        pool.run(tasks, recorder)
    assert _of(recorder.events, "a") == [
        ("part", "a", "0", "x"),
        ("part", "a", "1", "x"),
        ("part", "a", "2", "x"),
        ("done", "a", "a: 3 parts", "x"),
    ]
    assert _of(recorder.events, "b") == [("done", "b", "b: 0 parts", "y")]
    assert [e[0] for e in _of(recorder.events, "c")] == ["part", "part", "done"]


def test_a_task_whose_worker_dies_once_runs_again_from_the_start(tmp_path: Path) -> None:
    recorder = _Recorder()
    marker = str(tmp_path / "died-once")
    with StreamPool(_work, 1) as pool:
        pool.run(iter([(("a", 4, marker), "x"), (("b", 1, ""), "y")]), recorder)
    assert [e[0] for e in _of(recorder.events, "a")] == [
        "part",
        "part",
        "restart",
        "part",
        "part",
        "part",
        "part",
        "done",
    ]
    assert _of(recorder.events, "a")[-1] == ("done", "a", "a: 4 parts", "x")
    assert _of(recorder.events, "b")[-1] == ("done", "b", "b: 1 parts", "y")  # the run went on


def test_a_task_that_kills_its_worker_twice_fails_and_the_rest_go_on(tmp_path: Path) -> None:
    recorder = _Recorder()
    marker = str(tmp_path / "die-always")
    with StreamPool(_work, 2) as pool:
        pool.run(iter([(("a", 5, marker), "x"), (("b", 2, ""), "y")]), recorder)
    events_a = _of(recorder.events, "a")
    assert [e[0] for e in events_a].count("restart") == 2
    assert events_a[-1][:2] == ("done", "a")
    assert "died (exit code -9)" in events_a[-1][2] or "died (exit code 9)" in events_a[-1][2]
    assert _of(recorder.events, "b")[-1] == ("done", "b", "b: 2 parts", "y")


def test_a_held_task_is_read_once_the_others_are_done() -> None:
    recorder = _Recorder(hold="a")
    with StreamPool(_work, 2) as pool:
        pool.run(iter([(("a", 3, ""), "x"), (("b", 3, ""), "y")]), recorder)
    kinds = [(e[0], e[1]) for e in recorder.events]
    assert kinds.index(("done", "b")) < kinds.index(("part", "a"))  # back-pressure held a's parts
    assert kinds.count(("part", "a")) == 3


def _flood(task: Task, send: Callable[[bytes], None]) -> str:
    """Parts enough to fill the pipe, so the worker blocks until someone reads."""
    for _ in range(task[1]):
        send(b"x" * 65536)
    return "flooded"


class _Failing(_Recorder):
    def part(self, task: Task, part: object, extra: str) -> None:
        raise RuntimeError("the writer failed")


def test_a_writer_error_ends_busy_workers_at_once() -> None:
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="the writer failed"), StreamPool(_flood, 1) as pool:
        pool.run(iter([(("a", 1000, ""), "x")]), _Failing())
    assert time.monotonic() - started < 4  # not left to time out, blocked on a full pipe
