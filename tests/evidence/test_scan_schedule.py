"""How the scanner hands out work: large files first, batches bounded in files and bytes.

A batch of 32 ten-megabyte photos given to one worker, or a large file met last, leaves the
other core idle at the end of an exhibit; these tests pin the scheduling that prevents it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from darkroom.evidence import scan
from darkroom.evidence.scan import WALK_BATCH, WALK_BATCH_BYTES, Scanner


def _tree(root: Path) -> None:
    """Small files walked first (`z/`), three 'large' ones walked last (`a/`), mid-sized between."""
    (root / "a").mkdir(parents=True)
    (root / "m").mkdir()
    (root / "z").mkdir()
    for n in range(3):
        (root / "a" / f"big{n}.bin").write_bytes(bytes([n]) * 6000)
    for n in range(6):
        (root / "m" / f"mid{n}.bin").write_bytes(bytes([n]) * 1500)
    for n in range(70):
        (root / "z" / f"s{n:03d}.txt").write_bytes(f"note {n}\n".encode())


@pytest.fixture
def scanner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scanner:
    monkeypatch.setattr(scan, "SPLIT_FROM_BYTES", 5000)
    monkeypatch.setattr(scan, "WALK_BATCH_BYTES", 4000)
    _tree(tmp_path / "src")
    return Scanner(1, tmp_path / "src", ZoneInfo("UTC"), tmp_path / "spool", workers=2)


def _queued_batches(scanner: Scanner) -> list[list[bytes]]:
    batches = []
    while not scanner._files.empty():
        batch = scanner._files.get_nowait()
        assert batch is not None
        batches.append([rel for _abs, rel in batch])
    return batches


def test_large_files_are_set_aside_and_batches_stop_at_their_byte_budget(scanner: Scanner) -> None:
    scanner._walk_folder()
    scanner._flush_walk_batch()
    assert sorted(rel for _abs, rel in scanner._large) == [b"a/big0.bin", b"a/big1.bin", b"a/big2.bin"]
    batches = _queued_batches(scanner)
    queued = [rel for batch in batches for rel in batch]
    assert len(queued) == 76 and len(set(queued)) == 76
    assert all(len(batch) <= WALK_BATCH for batch in batches)
    mid_batches = [batch for batch in batches if any(rel.startswith(b"m/") for rel in batch)]
    # 1,500-byte files under a 4,000-byte budget: at most three to a batch
    assert all(sum(rel.startswith(b"m/") for rel in batch) <= 3 for batch in mid_batches)
    assert len(mid_batches) >= 2
    assert scanner._outstanding == 79  # every file counts once, set aside or batched


def test_a_worker_takes_large_files_before_the_next_batch(
    scanner: Scanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanner._walk_folder()
    scanner._flush_walk_batch()
    hashed: list[bytes] = []

    def record(_abs_path: bytes, rel: bytes) -> None:
        hashed.append(rel)
        if len(hashed) == 5:
            scanner._stop.set()

    monkeypatch.setattr(scanner, "_hash_file", record)
    scanner._work()
    assert sorted(hashed[:3]) == [b"a/big0.bin", b"a/big1.bin", b"a/big2.bin"]
    assert all(not rel.startswith(b"a/") for rel in hashed[3:])


def test_the_shipped_budget_keeps_a_batch_of_photos_small() -> None:
    assert WALK_BATCH_BYTES <= 8 << 20
    assert scan.SPLIT_FROM_BYTES > WALK_BATCH_BYTES


def test_a_worker_waiting_for_paths_counts_as_an_idle_core(scanner: Scanner) -> None:
    assert not scanner._core_idle()
    seen_idle: list[bool] = []
    waiter = threading.Thread(target=lambda: seen_idle.append(scanner._wait_for_batch() is None))
    waiter.start()
    deadline = time.monotonic() + 5
    while not scanner._core_idle() and time.monotonic() < deadline:
        time.sleep(0.001)
    assert scanner._core_idle()
    waiter.join()
    assert seen_idle == [True] and not scanner._core_idle()
