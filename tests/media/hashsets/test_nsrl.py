"""NSRL RDSv2 (NSRLFile.txt) and RDSv3 (SQLite): known-good hashes, distinct, read-only."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from darkroom.errors import DamagedDatabase, InvalidInput
from darkroom.media.hashsets.base import HashEntry, ReadContext
from darkroom.media.hashsets.nsrl import NsrlReader
from tests.media.hashsets.builders import NSRL_V2_HEADER, digests, write_rdsv2, write_rdsv3


def read_all(path: Path) -> tuple[list[HashEntry], ReadContext]:
    ctx = ReadContext("nsrl")
    return list(NsrlReader().read(path, ctx)), ctx


def test_rdsv2_rows_become_distinct_known_good_entries(tmp_path: Path) -> None:
    path = write_rdsv2(tmp_path / "NSRLFile.txt", range(4), repeat_each=3)
    entries, ctx = read_all(path)
    assert ctx.facts.known_good is True
    assert (ctx.facts.scheme, ctx.facts.format_version) == ("nsrl", "RDSv2")
    assert [(e.sha1, e.md5) for e in entries] == [(digests(n).sha1, digests(n).md5) for n in range(4)]
    assert [e.locator for e in entries] == ["line 2", "line 5", "line 8", "line 11"]
    assert {e.category for e in entries} == {"known-good"}


def test_rdsv2_bad_digest_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "NSRLFile.txt"
    d = digests(1)
    path.write_text(
        f'{NSRL_V2_HEADER}\n"{d.sha1}","{d.md5}","0","a",1,1,"1",""\n"XYZ","{d.md5}","0","b",1,1,"1",""\n'
    )
    entries, ctx = read_all(path)
    assert len(entries) == 1
    assert [(s.locator, s.reason) for s in ctx.skip_samples] == [("line 3", "SHA1 is not 40 hex digits")]


def test_rdsv3_distinct_hashes_without_touching_the_database(tmp_path: Path) -> None:
    path = write_rdsv3(tmp_path / "RDS_2026.03.1_modern_minimal.db", range(5), repeat_each=2)
    before = hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns
    entries, ctx = read_all(path)
    assert (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert ctx.facts.format_version == "RDSv3 2026.03.1"
    assert ctx.facts.known_good is True
    assert sorted((e.sha256, e.sha1, e.md5) for e in entries) == sorted(
        (digests(n).sha256, digests(n).sha1, digests(n).md5) for n in range(5)
    )
    assert {e.locator for e in entries} == {"FILE"}


def test_rdsv3_without_a_file_table_is_refused(tmp_path: Path) -> None:
    path = write_rdsv3(tmp_path / "partial.db", range(3), tables=("PKG", "MFG", "OS", "VERSION"))
    assert NsrlReader().detect(path, path.read_bytes()[:4096]) == 0.0
    with pytest.raises(InvalidInput, match="no FILE table"):
        read_all(path)


def test_rdsv3_missing_side_tables_is_noted_not_fatal(tmp_path: Path) -> None:
    path = write_rdsv3(tmp_path / "bare.db", range(2), tables=("FILE",))
    assert NsrlReader().detect(path, path.read_bytes()[:4096]) == 0.8
    entries, ctx = read_all(path)
    assert len(entries) == 2
    assert ctx.facts.format_version == "RDSv3"
    assert any("PKG, MFG, OS, VERSION" in note for note in ctx.facts.notes)


def test_rdsv3_bad_digest_rows_are_skipped(tmp_path: Path) -> None:
    path = write_rdsv3(tmp_path / "rds.db", range(2))
    with closing(sqlite3.connect(path)) as db:
        db.execute("INSERT INTO FILE VALUES ('00', 'NOTHEX', 'ab', '0', 'x', 1, 0)")
        db.commit()
    entries, ctx = read_all(path)
    assert len(entries) == 2
    assert ctx.skipped_count == 1
    assert ctx.skip_samples[0].locator == "FILE where sha1 = 'NOTHEX'"


def test_a_damaged_database_is_reported_as_such(tmp_path: Path) -> None:
    path = tmp_path / "cut.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00\x01" * 200)
    assert NsrlReader().detect(path, path.read_bytes()) == 0.0
    with pytest.raises(DamagedDatabase):
        read_all(path)


def test_detect(tmp_path: Path) -> None:
    reader = NsrlReader()
    v2 = write_rdsv2(tmp_path / "NSRLFile.txt", range(2))
    v3 = write_rdsv3(tmp_path / "rds.db", range(2))
    assert reader.detect(v2, v2.read_bytes()) == 1.0
    assert reader.detect(v3, v3.read_bytes()[:4096]) == 1.0
    assert reader.detect(tmp_path / "x.csv", b"md5,sha1\n") == 0.0


def test_an_empty_file_is_not_an_rds(tmp_path: Path) -> None:
    path = tmp_path / "NSRLFile.txt"
    path.write_bytes(b"")
    with pytest.raises(InvalidInput, match="not an NSRL RDSv2"):
        read_all(path)
