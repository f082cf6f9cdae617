"""The audit anchor: an append-only text file beside case.db holding every head the chain had.

A hash chain alone cannot see its last rows cut off or the whole chain recomputed; the
anchor (and any head an examiner keeps elsewhere) can. One line per append:
`SEQ<TAB>ROW_HASH<TAB>AT_UTC`.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

ANCHOR_NAME = "audit.anchor"


@dataclass(frozen=True, slots=True)
class AnchorLine:
    """One head of the chain as it was written after a committed append."""

    line_no: int
    seq: int
    row_hash: str
    at_utc: str


def append_head(anchor_path: Path, seq: int, row_hash: str, at_utc: str) -> None:
    """Append one head line under an exclusive lock, flushed to disk before returning."""
    fd = os.open(anchor_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, f"{seq}\t{row_hash}\t{at_utc}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_heads(anchor_path: Path) -> tuple[list[AnchorLine], list[str]]:
    """Every well-formed head in the anchor file, plus a problem line for each malformed one."""
    heads: list[AnchorLine] = []
    problems: list[str] = []
    text = anchor_path.read_text(encoding="ascii", errors="replace")
    for line_no, line in enumerate(text.splitlines(), start=1):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].isdigit() or len(parts[1]) != 64:
            problems.append(f"anchor line {line_no} is malformed: {line[:80]!r}")
            continue
        heads.append(AnchorLine(line_no, int(parts[0]), parts[1], parts[2]))
    return heads, problems
