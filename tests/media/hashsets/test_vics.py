"""VICS JSON 1.x and 2.0: hash lists and case files, both boolean styles, models, key order, bad entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from darkroom.errors import InvalidInput
from darkroom.media.hashsets.base import HashEntry, ReadContext
from darkroom.media.hashsets.vics import VicsReader, describe
from tests.media.hashsets.builders import digests, vics_document, vics_media, write_json


def read_all(path: Path) -> tuple[list[HashEntry], ReadContext]:
    ctx = ReadContext("vics")
    return list(VicsReader().read(path, ctx)), ctx


@pytest.mark.parametrize("string_booleans", [False, True], ids=["json-booleans", "string-booleans"])
@pytest.mark.parametrize("version", ["1.3", "2.0"])
def test_hash_list_entries_keep_digests_labels_and_files(
    tmp_path: Path, version: str, string_booleans: bool
) -> None:
    media = [vics_media(n, string_booleans=string_booleans, category=n % 3) for n in range(6)]
    path = write_json(tmp_path / "set.json", vics_document(media, version=version))
    entries, ctx = read_all(path)
    assert ctx.skipped_count == 0
    assert ctx.facts.format_version == version
    assert ctx.facts.scheme == "vics"
    assert [e.locator for e in entries] == [f"value[{n}]" for n in range(6)]
    second = entries[2]
    d = digests(2)
    assert (second.md5, second.sha1, second.sha256) == (d.md5, d.sha1, d.sha256)
    assert second.category == "2"
    assert second.series == "Series 2"
    assert second.source_media_id == "2"
    assert (second.victim_identified, second.offender_identified, second.is_distributed) == (
        True,
        False,
        True,
    )
    assert entries[1].victim_identified is False
    assert second.extra["files"] == [{"name": "shape_2.png", "path": "Pictures/set/shape_2.png"}]
    assert second.extra["MediaSize"] == 1002
    assert "AlternativeHashes" not in second.extra


@pytest.mark.parametrize(
    ("model", "scheme"), [("Default", "vics"), ("US", "vics"), ("UK", "vics-uk"), ("CUSTOM", "vics-custom")]
)
def test_the_data_model_chooses_the_category_scheme(tmp_path: Path, model: str, scheme: str) -> None:
    path = write_json(tmp_path / "set.json", vics_document([vics_media(1, category="B")], model=model))
    entries, ctx = read_all(path)
    assert (ctx.facts.model, ctx.facts.scheme) == (model, scheme)
    assert entries[0].category == "B"


def test_context_after_the_value_array_is_still_found(tmp_path: Path) -> None:
    media = [vics_media(n) for n in range(3000)]  # pushes the context past the 64 KiB head
    path = write_json(tmp_path / "set.json", vics_document(media, model="UK", context_last=True))
    assert path.stat().st_size > 128 * 1024
    layout = describe(path)
    assert (layout.version, layout.model, layout.layout) == ("2.0", "UK", "Media")
    entries, ctx = read_all(path)
    assert len(entries) == 3000
    assert ctx.facts.scheme == "vics-uk"


def test_keys_in_unusual_order_and_a_byte_order_mark(tmp_path: Path) -> None:
    media = [dict(reversed(list(vics_media(n).items()))) for n in range(3)]
    document = vics_document(media)
    reordered = {"value": document["value"], "@odata.context": document["@odata.context"]}
    path = write_json(tmp_path / "set.json", reordered, bom=True, indent=2)
    entries, ctx = read_all(path)
    assert [e.md5 for e in entries] == [digests(n).md5 for n in range(3)]
    assert ctx.facts.format_version == "2.0"


def test_case_file_locators_name_the_case(tmp_path: Path) -> None:
    cases = [[vics_media(1), vics_media(2)], [vics_media(3)]]
    path = write_json(tmp_path / "case.json", vics_document([], model="UK", cases=cases))
    assert describe(path).layout == "Cases"
    entries, ctx = read_all(path)
    assert [e.locator for e in entries] == ["value[0].Media[0]", "value[0].Media[1]", "value[1].Media[0]"]
    assert [e.md5 for e in entries] == [digests(n).md5 for n in (1, 2, 3)]
    assert any("CASE-1" in note for note in ctx.facts.notes)


def test_case_file_without_context_is_recognised_by_its_structure(tmp_path: Path) -> None:
    document = vics_document([], cases=[[vics_media(7)]])
    del document["@odata.context"]
    path = write_json(tmp_path / "case.json", document)
    entries, ctx = read_all(path)
    assert [e.locator for e in entries] == ["value[0].Media[0]"]
    assert any("no odata context" in note for note in ctx.facts.notes)


def test_any_hash_array_key_supplies_sha256_pdq_photodna_and_others(tmp_path: Path) -> None:
    d = digests(4)
    media = vics_media(4)
    del media["AlternativeHashes"]
    media["Hashes"] = [
        {"HashName": "SHA-256", "HashValue": d.sha256.upper()},
        {"HashName": "PDQ", "HashValue": d.pdq},
        {"HashName": "PhotoDNA", "HashValue": " QUJD\n"},
        {"HashName": "TLSH", "HashValue": "T1ABC"},
    ]
    path = write_json(tmp_path / "set.json", vics_document([media]))
    [entry], _ = read_all(path)
    assert entry.sha256 == d.sha256
    assert entry.pdq == bytes.fromhex(d.pdq)
    assert entry.pdq is not None and len(entry.pdq) == 32
    assert entry.photodna == "QUJD"
    assert entry.extra["hashes"] == {"TLSH": "T1ABC"}
    assert "Hashes" not in entry.extra


def test_bad_entries_are_skipped_counted_and_explained(tmp_path: Path) -> None:
    good = vics_media(1)
    short_md5 = {**vics_media(2), "MD5": "ABC123"}
    non_hex = {**vics_media(3), "SHA1": "Z" * 40}
    conflicting = {**vics_media(4), "AlternativeHashes": [{"HashName": "MD5", "HashValue": digests(5).md5}]}
    no_hash = {"MediaID": 6, "Category": 1}
    path = write_json(
        tmp_path / "set.json", vics_document([good, short_md5, non_hex, conflicting, no_hash, 17])
    )
    entries, ctx = read_all(path)
    assert [e.locator for e in entries] == ["value[0]"]
    assert ctx.skipped_count == 5
    reasons = {s.locator: s.reason for s in ctx.skip_samples}
    assert reasons["value[1]"] == "MD5 is not 32 hex digits"
    assert reasons["value[2]"] == "SHA1 is not 40 hex digits"
    assert "two different MD5" in reasons["value[3]"]
    assert "no MD5" in reasons["value[4]"]
    assert "not a JSON object" in reasons["value[5]"]


def test_unreadable_flags_and_categories_are_kept_aside(tmp_path: Path) -> None:
    media = {**vics_media(1), "VictimIdentified": "maybe", "Category": [1], "IsDistributed": 1}
    path = write_json(tmp_path / "set.json", vics_document([media]))
    [entry], ctx = read_all(path)
    assert ctx.skipped_count == 0
    assert entry.victim_identified is None
    assert entry.category is None
    assert entry.is_distributed is True
    assert entry.extra["unreadable"] == {"VictimIdentified": "maybe", "Category": [1]}


def test_truncated_json_is_a_clear_error(tmp_path: Path) -> None:
    text = json.dumps(vics_document([vics_media(n) for n in range(50)]))
    path = tmp_path / "cut.json"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(InvalidInput, match="not complete, valid JSON"):
        read_all(path)


def test_json_without_a_value_array_is_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path / "other.json", {"messages": [{"text": "hello"}]})
    assert VicsReader().detect(path, path.read_bytes()) == 0.0
    with pytest.raises(InvalidInput, match="no VICS `value` array"):
        read_all(path)


def test_an_empty_value_array_is_an_empty_set(tmp_path: Path) -> None:
    path = write_json(tmp_path / "empty.json", vics_document([]))
    entries, ctx = read_all(path)
    assert entries == []
    assert any("no Media entries" in note for note in ctx.facts.notes)


def test_detect(tmp_path: Path) -> None:
    reader = VicsReader()
    with_context = json.dumps(vics_document([vics_media(1)])).encode()
    without_context = json.dumps({"value": [vics_media(1)]}).encode()
    assert reader.detect(tmp_path / "a.json", with_context) == 1.0
    assert reader.detect(tmp_path / "a.json", b"\xef\xbb\xbf" + with_context[:200]) == 1.0
    assert 0.5 < reader.detect(tmp_path / "a.json", without_context) < 0.9
    assert reader.detect(tmp_path / "a.csv", b"md5,sha1\n") == 0.0
    assert reader.detect(tmp_path / "a.json", b"") == 0.0


def test_an_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(InvalidInput):
        read_all(path)
