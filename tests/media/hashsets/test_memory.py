"""A large VICS file streams in flat memory: peak traced memory stays far below the file size.

Entries carry long Comments so the file reaches ~60 MB with few enough objects for tracemalloc
(which slows every allocation) to finish in seconds; held in memory, the entries would weigh more
than the file.
"""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

from darkroom.media.hashsets.base import ReadContext
from darkroom.media.hashsets.vics import VicsReader

ENTRIES = 25_000
COMMENT_CHARS = 2_200
CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media"
MEDIA = (
    '{{"MediaID":{n},"Category":{category},"MD5":"{md5}","SHA1":"{sha1}","VictimIdentified":"false",'
    '"IsDistributed":true,"Series":"S{series:04d}","MediaSize":{size},"Comments":"{comment}",'
    '"AlternativeHashes":[{{"HashName":"SHA256","HashValue":"{sha256}"}}],'
    '"MediaFiles":[{{"FileName":"shape_{n}.png","FilePath":"Pictures/shape_{n}.png"}}]}}'
)


def write_large_vics(path: Path, entries: int) -> None:
    """Random digests (benign by construction), written in chunks."""
    rng = random.Random(4)
    comment = "".join(rng.choice("abcdefghij klmnop") for _ in range(COMMENT_CHARS))
    with path.open("w", encoding="utf-8") as out:
        out.write(f'{{"@odata.context":"{CONTEXT}","value":[')
        for start in range(0, entries, 5_000):
            chunk = [
                MEDIA.format(
                    n=n,
                    category=n % 3,
                    md5=rng.randbytes(16).hex(),
                    sha1=rng.randbytes(20).hex(),
                    sha256=rng.randbytes(32).hex(),
                    series=n % 500,
                    size=1000 + n,
                    comment=comment,
                )
                for n in range(start, min(start + 5_000, entries))
            ]
            out.write(("," if start else "") + ",".join(chunk))
        out.write("]}")


def test_a_large_vics_file_reads_in_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "large.json"
    write_large_vics(path, ENTRIES)
    size = path.stat().st_size
    assert size > 55_000_000
    ctx = ReadContext("vics")
    tracemalloc.start()
    try:
        count = sum(1 for _ in VicsReader().read(path, ctx))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == ENTRIES
    assert ctx.skipped_count == 0
    assert peak < size / 4, f"peak {peak:,} bytes for a {size:,}-byte file"
    assert peak < 8_000_000
