"""VICS 2.0 Cases export: streamed, round-trips through the VICS reader, never leaves half a file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from darkroom.errors import InvalidInput
from darkroom.media.hashsets.base import ReadContext
from darkroom.media.hashsets.registry import detect_reader
from darkroom.media.hashsets.vics import VicsReader
from darkroom.media.hashsets.vics_export import VicsCaseMeta, VicsFile, VicsItem, write_vics_v2
from tests.media.hashsets.builders import digests


def items(count: int) -> Iterator[VicsItem]:
    for n in range(count):
        d = digests(n)
        yield VicsItem(
            md5=d.md5.upper(),
            sha1=d.sha1,
            sha256=d.sha256 if n % 2 == 0 else None,
            pdq=bytes.fromhex(d.pdq) if n % 3 == 0 else None,
            category=n % 3,
            series=f"darkroom-series-{n % 2}" if n else None,
            size=2048 + n,
            files=(VicsFile(f"shape_{n}.png", f"EX1/DCIM/shape_{n}.png"), VicsFile(f"copy_{n}.png")),
            victim_identified=False if n == 1 else None,
        )


def test_export_round_trips_through_the_reader(tmp_path: Path) -> None:
    out = tmp_path / "export" / "case.json"
    out.parent.mkdir()
    sha256_hex = write_vics_v2(out, items(7), VicsCaseMeta("case-uuid-1", "2026/0042"))
    assert sha256_hex == hashlib.sha256(out.read_bytes()).hexdigest()
    assert sorted(p.name for p in out.parent.iterdir()) == ["case.json"]
    document = json.loads(out.read_text())
    assert document["@odata.context"].endswith("/2.0.xml/Default/$metadata#Cases")
    [case] = document["value"]
    assert (case["CaseID"], case["CaseNumber"], case["SourceApplicationName"]) == (
        "case-uuid-1",
        "2026/0042",
        "darkroom",
    )
    assert detect_reader(out).name == "vics"
    ctx = ReadContext("vics")
    entries = list(VicsReader().read(out, ctx))
    assert ctx.skipped_count == 0
    assert (ctx.facts.format_version, ctx.facts.model, ctx.facts.scheme) == ("2.0", "Default", "vics")
    assert [e.locator for e in entries] == [f"value[0].Media[{n}]" for n in range(7)]
    for n, (entry, item) in enumerate(zip(entries, items(7), strict=True)):
        assert entry.md5 == item.md5.lower()
        assert entry.sha1 == item.sha1
        assert entry.sha256 == item.sha256
        assert entry.pdq == item.pdq
        assert entry.category == str(item.category)
        assert entry.series == item.series
        assert entry.source_media_id == str(n + 1)
        assert entry.victim_identified == item.victim_identified
        assert entry.extra["MediaSize"] == item.size
        assert entry.extra["files"] == [
            {"name": f"shape_{n}.png", "path": f"EX1/DCIM/shape_{n}.png"},
            {"name": f"copy_{n}.png", "path": None},
        ]


def test_uk_model_and_letter_grades(tmp_path: Path) -> None:
    d = digests(1)
    out = tmp_path / "caid.json"
    write_vics_v2(out, [VicsItem(d.md5, d.sha1, "B")], VicsCaseMeta("c", model="UK"))
    ctx = ReadContext("vics")
    [entry] = VicsReader().read(out, ctx)
    assert (ctx.facts.scheme, entry.category) == ("vics-uk", "B")


def test_items_are_consumed_lazily(tmp_path: Path) -> None:
    consumed: list[int] = []

    def counting() -> Iterator[VicsItem]:
        for n, item in enumerate(items(3)):
            consumed.append(n)
            yield item

    stream = counting()
    write_vics_v2(tmp_path / "out.json", stream, VicsCaseMeta("c"))
    assert consumed == [0, 1, 2]


def test_a_bad_item_fails_the_export_and_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("previous export")
    bad = VicsItem("not-an-md5", digests(1).sha1, 1)
    with pytest.raises(InvalidInput, match="media item 4 cannot be exported: MD5"):
        write_vics_v2(out, [*items(3), bad], VicsCaseMeta("c"))
    assert out.read_text() == "previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_an_empty_export_is_a_valid_document(tmp_path: Path) -> None:
    out = tmp_path / "empty.json"
    write_vics_v2(out, [], VicsCaseMeta("c"))
    assert json.loads(out.read_text())["value"][0]["Media"] == []
    assert list(VicsReader().read(out, ReadContext("vics"))) == []
