"""The case category scheme: defaults per scheme, case overrides (validated, audited), the effective map."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.errors import InvalidInput
from darkroom.evidence.audit import entries as audit_entries
from darkroom.media.hashsets.categories import (
    CASE_CATEGORIES,
    case_category,
    clear_mapping,
    default_category,
    mappings,
    set_mapping,
    source_key,
    to_vics_code,
)
from darkroom.media.hashsets.importer import import_hashset
from darkroom.store import CaseStore
from tests.media.hashsets.builders import digests, write_csv


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseStore]:
    case = CaseStore.create(tmp_path / "case", "Op Categories", "NO", "Europe/Oslo")
    yield case
    case.close()


@pytest.mark.parametrize(
    ("scheme", "value", "expected"),
    [
        ("vics", "0", "non-pertinent"),
        ("vics", " 1 ", "illegal"),
        ("vics", "2", "exploitative"),
        ("vics", "3", "unmapped:3"),
        ("vics", None, "unmapped:(none)"),
        ("vics-uk", "A", "illegal-A"),
        ("vics-uk", "b", "illegal-B"),
        ("vics-uk", "C", "illegal-C"),
        ("vics-uk", "0", "non-pertinent"),
        ("vics-uk", "1", "unmapped:1"),
        ("nsrl", "known-good", "known-good"),
        ("nsrl", "anything", "known-good"),
        ("csv", "Illegal-a", "illegal-A"),
        ("csv", "exploitative", "exploitative"),
        ("csv", "1", "unmapped:1"),
        ("vics-custom", "1", "unmapped:1"),
        ("agency-x", "red", "unmapped:red"),
    ],
)
def test_defaults(scheme: str, value: str | None, expected: str) -> None:
    assert default_category(scheme, value) == expected


def test_case_rows_override_defaults_and_are_audited(store: CaseStore) -> None:
    with store.read() as conn:
        assert case_category(conn, "vics", "3") == "unmapped:3"
    mapping = set_mapping(store, "vics", "3", "Exploitative", "examiner1")
    assert (mapping.category, mapping.origin) == ("exploitative", "case")
    set_mapping(store, "vics", "1", "illegal-B", "examiner1")
    set_mapping(store, "vics", "(none)", "illegal", "examiner1")
    with store.read() as conn:
        assert case_category(conn, "vics", "3") == "exploitative"
        assert case_category(conn, "vics", "1") == "illegal-B"
        assert case_category(conn, "vics", None) == "illegal"
        assert case_category(conn, "vics-uk", "1") == "unmapped:1"
        logged = [
            (e.action, e.details["before"], e.details["category"]) for e in audit_entries(conn, "hashset.")
        ]
    assert logged[0] == ("hashset.category.map", "unmapped:3", "exploitative")
    assert clear_mapping(store, "vics", "1", "examiner1") == "illegal"
    with store.read() as conn:
        assert case_category(conn, "vics", "1") == "illegal"
    with pytest.raises(InvalidInput, match="no mapping"):
        clear_mapping(store, "vics", "1", "examiner1")


def test_a_value_mapped_again_in_another_letter_case_replaces_the_row(store: CaseStore) -> None:
    set_mapping(store, "vics-uk", "d", "illegal", "examiner1")
    set_mapping(store, "vics-uk", "D", "exploitative", "examiner1")
    with store.read() as conn:
        rows = [m for m in mappings(conn) if m.origin == "case"]
    assert [(m.source_value, m.category) for m in rows] == [("D", "exploitative")]


def test_the_cache_lives_for_one_connection(store: CaseStore) -> None:
    with store.read() as conn:
        assert case_category(conn, "vics", "5") == "unmapped:5"
        set_mapping(store, "vics", "5", "illegal", "examiner1")
        assert case_category(conn, "vics", "5") == "unmapped:5"  # same snapshot, same answer
    with store.read() as conn:
        assert case_category(conn, "vics", "5") == "illegal"


def test_mappings_are_validated(store: CaseStore, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown category"):
        set_mapping(store, "vics", "3", "bad", "examiner1")
    with pytest.raises(InvalidInput, match="unknown category"):
        set_mapping(store, "vics", "3", "unmapped:3", "examiner1")
    with pytest.raises(InvalidInput, match="unknown scheme"):
        set_mapping(store, "agency-x", "red", "illegal", "examiner1")
    with pytest.raises(InvalidInput, match="source value"):
        set_mapping(store, "vics", "  ", "illegal", "examiner1")
    path = write_csv(tmp_path / "x.csv", ["md5", "category"], [[digests(1).md5, "red"]])
    import_hashset(store, path, "csv", None, "examiner1", scheme="agency-x")
    assert set_mapping(store, "agency-x", "red", "illegal", "examiner1").category == "illegal"


def test_the_effective_map_lists_defaults_and_case_rows(store: CaseStore) -> None:
    set_mapping(store, "vics", "1", "illegal-C", "examiner1")
    with store.read() as conn:
        effective = {(m.scheme, m.source_value): (m.category, m.origin) for m in mappings(conn)}
    assert effective[("vics", "0")] == ("non-pertinent", "default")
    assert effective[("vics", "1")] == ("illegal-C", "case")
    assert effective[("vics-uk", "A")] == ("illegal-A", "default")
    assert effective[("nsrl", "*")] == ("known-good", "default")
    assert effective[("csv", "illegal-B")] == ("illegal-B", "default")


def test_vics_codes_for_export() -> None:
    assert [to_vics_code(c) for c in CASE_CATEGORIES] == [1, 1, 1, 1, 2, 0, 0]
    with pytest.raises(InvalidInput):
        to_vics_code("unmapped:3")


@given(st.sampled_from(["vics", "vics-uk", "csv", "nsrl", "other"]), st.text(max_size=12))
def test_defaults_ignore_letter_case_and_surrounding_space(scheme: str, value: str) -> None:
    expected = default_category(scheme, value)
    assert default_category(scheme, f"  {value.upper()}\t").casefold() == expected.casefold()
    assert source_key(source_key(value)) == source_key(value)
    assert expected in CASE_CATEGORIES or expected.startswith("unmapped:")
