"""CSV hash sets: three delimiters, BOM, header spellings, PDQ with quality, bad rows skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from darkroom.errors import InvalidInput
from darkroom.media.hashsets.base import HashEntry, ReadContext
from darkroom.media.hashsets.csv_set import CsvReader, guess_delimiter
from tests.media.hashsets.builders import digests, write_csv


def read_all(path: Path, delimiter: str | None = None) -> tuple[list[HashEntry], ReadContext]:
    ctx = ReadContext("csv")
    return list(CsvReader(delimiter).read(path, ctx)), ctx


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_the_synthetic_case_layout_with_pdq_in_any_delimiter(
    tmp_path: Path, delimiter: str, bom: bool
) -> None:
    header = ["md5", "sha1", "sha256", "category", "series", "pdq", "pdq_quality"]
    rows = [
        [d.md5.upper(), d.sha1, d.sha256, "1" if n % 2 else "illegal-B", f"S{n:04d}", d.pdq, 90 - n]
        for n, d in ((n, digests(n)) for n in range(5))
    ]
    path = write_csv(tmp_path / "known.csv", header, rows, delimiter=delimiter, bom=bom)
    entries, ctx = read_all(path)
    assert ctx.skipped_count == 0
    assert f"delimiter {delimiter!r}" in ctx.facts.notes
    assert [e.locator for e in entries] == [f"line {n}" for n in range(2, 7)]
    third = entries[3]
    d = digests(3)
    assert (third.md5, third.sha1, third.sha256) == (d.md5, d.sha1, d.sha256)
    assert third.pdq == bytes.fromhex(d.pdq)
    assert third.pdq_quality == 87
    assert (third.category, third.series) == ("1", "S0003")
    assert entries[0].category == "illegal-B"


def test_header_names_are_matched_loosely_and_other_columns_kept(tmp_path: Path) -> None:
    d = digests(1)
    header = ["SHA-1", "Md5", "Category", "Victim_Identified", "Note"]
    path = write_csv(tmp_path / "set.csv", header, [[d.sha1, d.md5, "exploitative", "TRUE", "from unit 7"]])
    [entry], _ = read_all(path)
    assert (entry.md5, entry.sha1, entry.sha256) == (d.md5, d.sha1, None)
    assert entry.victim_identified is True
    assert entry.extra == {"Note": "from unit 7"}


def test_an_explicit_delimiter_wins_over_sniffing(tmp_path: Path) -> None:
    d = digests(2)
    path = write_csv(tmp_path / "set.csv", ["md5", "series"], [[d.md5, "a;b;c"]], delimiter=",")
    [entry], _ = read_all(path, delimiter=",")
    assert entry.series == "a;b;c"
    with pytest.raises(InvalidInput, match="delimiter"):
        CsvReader("|")


def test_bad_rows_are_skipped_with_reasons(tmp_path: Path) -> None:
    d = digests(3)
    rows = [
        [d.md5, "1", ""],
        ["12345", "1", ""],
        [d.md5, "1", "extra", "field"],
        ["", "2", ""],
        [d.md5, "1", "ff" * 31],
        [],
        [d.md5, "1"],
    ]
    path = write_csv(tmp_path / "set.csv", ["md5", "category", "pdq"], rows)
    entries, ctx = read_all(path)
    assert [e.locator for e in entries] == ["line 2", "line 8"]
    assert {s.locator: s.reason for s in ctx.skip_samples} == {
        "line 3": "MD5 is not 32 hex digits",
        "line 4": "the row has more fields than the header's 3",
        "line 5": "no MD5, SHA1, SHA256 or PDQ",
        "line 6": "PDQ is not 64 hex digits",
    }


def test_a_header_without_hash_columns_or_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "people.csv", ["name", "phone"], [["A", "1"]])
    with pytest.raises(InvalidInput, match="no hash column"):
        read_all(path)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty"):
        read_all(empty)


def test_bytes_that_are_not_utf8_fail_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"md5,series\n" + digests(1).md5.encode() + b",S\xe9rie\n")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_all(path)


def test_detect_prefers_hash_headers_and_leaves_nsrl_to_its_reader(tmp_path: Path) -> None:
    reader = CsvReader()
    assert reader.detect(tmp_path / "x", b"md5;category\n") == 0.9
    assert reader.detect(tmp_path / "x", b"\xef\xbb\xbfSHA256\tseries\n") == 0.9
    assert reader.detect(tmp_path / "x", b'"SHA-1","MD5","CRC32","FileName","FileSize","ProductCode"\n') < 0.5
    assert reader.detect(tmp_path / "x", b"name,phone\n") == 0.0
    assert reader.detect(tmp_path / "x", b"") == 0.0


def test_guess_delimiter_falls_back_to_the_header_line() -> None:
    assert guess_delimiter("md5\tsha1\n") == "\t"
    assert guess_delimiter("md5\n") == ","
