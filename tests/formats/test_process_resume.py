"""Ctrl-C during `darkroom process` stops at once (exit 130); the next run parses the rest, once."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import add_args

DARKROOM = str(Path(sys.executable).with_name("darkroom"))


def _chat(path: Path, messages: int, offset: int) -> None:
    start = datetime(2025, 1, 6, 8, 0) + timedelta(days=offset)
    senders = ("Ola", "Kari")
    lines = (
        f"{start + timedelta(minutes=n):%d/%m/%Y, %H:%M} - {senders[n % 2]}: see you at the match {n}"
        for n in range(messages)
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _parsed(case: Path) -> int:
    try:
        with sqlite3.connect(case / "case.db") as db:
            return int(db.execute("SELECT COUNT(*) FROM file_parses WHERE status = 'parsed'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_interrupted_process_resumes(case_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "phone"
    source.mkdir()
    for n in range(6):
        _chat(source / f"WhatsApp Chat with Friend {n}.txt", 60_000, n * 60)
    subprocess.run([DARKROOM, *map(str, add_args(case_dir, source, "EX-1"))], check=True, capture_output=True)
    running = subprocess.Popen(
        [DARKROOM, "process", "--case", str(case_dir), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while _parsed(case_dir) < 1 and running.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if running.poll() is not None:
            pytest.fail("process finished before it could be interrupted")
        running.send_signal(signal.SIGINT)
        _out, err = running.communicate(timeout=60)
    finally:
        if running.poll() is None:
            running.kill()
            running.communicate()
    assert running.returncode == 130, err
    assert b"Run `darkroom process` again" in err
    first = _parsed(case_dir)
    assert 1 <= first < 6
    done = subprocess.run(
        [DARKROOM, "process", "--case", str(case_dir)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(case_dir / "case.db") as db:
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 6 * 60_000
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert "process.interrupted" in actions
    assert actions[-1] == "process.run"
