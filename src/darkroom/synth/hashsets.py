"""The known hash set (`hashsets/known.csv`): hashes of part of the series, plus decoy rows.

Real hash sets are mostly about material not in the case, so decoy rows (random digests) sit
beside the rows that match seized files; only exact copies match, variants need perceptual
matching.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from darkroom.synth.fictional import random_hex
from darkroom.synth.render import KnownRow

KNOWN_CSV = "hashsets/known.csv"
COLUMNS = ("md5", "sha1", "sha256", "category", "series")


@dataclass(frozen=True, slots=True)
class HashSetTruth:
    """What the hash set file holds."""

    path: str
    rows: int
    rows_in_evidence: int
    decoy_rows: int


def write_known_csv(out_dir: Path, rows: Sequence[KnownRow], rng: random.Random) -> HashSetTruth:
    """Write the matching rows (one per distinct image) and as many decoys, sorted by MD5."""
    unique = {row.sha256: row for row in rows}
    decoys = [
        KnownRow(
            random_hex(rng, 32), random_hex(rng, 40), random_hex(rng, 64), rng.choice(("1", "2")), f"X{n:04d}"
        )
        for n in range(max(5, len(unique)))
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in sorted([*unique.values(), *decoys], key=lambda r: r.md5):
        writer.writerow((row.md5, row.sha1, row.sha256, row.category, row.series))
    target = out_dir / KNOWN_CSV
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buffer.getvalue().encode("utf-8"))
    return HashSetTruth(KNOWN_CSV, len(unique) + len(decoys), len(unique), len(decoys))
