"""Importing into the case: rows as stored, batches and progress, names, same source, failures that
leave nothing behind, removal, and the audit entries."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from darkroom.errors import InvalidInput
from darkroom.evidence.audit import entries as audit_entries
from darkroom.evidence.audit import verify_chain
from darkroom.media.hashsets import importer
from darkroom.media.hashsets.importer import ImportProgress, import_hashset, list_hashsets, remove_hashset
from darkroom.store import CaseStore
from tests.media.hashsets.builders import (
    digests,
    vics_document,
    vics_media,
    write_csv,
    write_json,
    write_rdsv3,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CaseStore]:
    case = CaseStore.create(tmp_path / "case", "Op Hashsets", "NO", "Europe/Oslo")
    yield case
    case.close()


def stored_entries(store: CaseStore, name: str) -> list[dict[str, object]]:
    with store.read() as conn:
        rows = conn.execute(
            text(
                "SELECT e.* FROM hashset_entries e JOIN hashsets h ON h.id = e.hashset_id "
                "WHERE h.name = :name ORDER BY e.id"
            ),
            {"name": name},
        )
        return [dict(row._mapping) for row in rows]


def hashset_audit(store: CaseStore) -> list[dict[str, object]]:
    with store.read() as conn:
        return [
            {"action": e.action, "ref": e.object_ref, **e.details} for e in audit_entries(conn, "hashset.")
        ]


def test_vics_import_stores_entries_as_the_schema_says(store: CaseStore, tmp_path: Path) -> None:
    media = [vics_media(n, string_booleans=True, category=n % 3) for n in range(4)]
    media[1]["AlternativeHashes"].append({"HashName": "PDQ", "HashValue": digests(1).pdq.upper()})
    media.append({"MD5": "bad"})
    path = write_json(tmp_path / "project_vic.json", vics_document(media, model="UK"))
    result = import_hashset(store, path, "vics", None, "examiner1")
    assert (result.name, result.format, result.scheme, result.model) == (
        "project_vic",
        "vics",
        "vics-uk",
        "UK",
    )
    assert (result.entry_count, result.skipped_count) == (4, 1)
    assert result.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    rows = stored_entries(store, "project_vic")
    d = digests(1)
    assert rows[1]["md5"] == d.md5 and rows[1]["sha1"] == d.sha1 and rows[1]["sha256"] == d.sha256
    assert rows[1]["pdq"] == bytes.fromhex(d.pdq)
    assert rows[1]["category"] == "1"
    assert (rows[1]["victim_identified"], rows[1]["offender_identified"], rows[1]["is_distributed"]) == (
        0,
        0,
        1,
    )
    assert rows[1]["locator"] == "value[1]"
    assert json.loads(str(rows[1]["extra_json"]))["files"][0]["name"] == "shape_1.png"
    [info] = list_hashsets(store)
    assert (info.status, info.entry_count, info.skipped_count, info.known_good) == ("done", 4, 1, False)
    assert info.source_path == str(path.resolve())
    assert info.imported_by == "examiner1"
    [logged] = hashset_audit(store)
    assert logged["action"] == "hashset.import"
    assert logged["ref"] == f"hashset:{result.hashset_id}"
    assert logged["source_sha256"] == result.source_sha256
    assert (logged["entry_count"], logged["skipped_count"], logged["scheme"]) == (4, 1, "vics-uk")
    assert logged["skip_samples"] == ["value[4]: MD5 is not 32 hex digits"]
    assert verify_chain(store).ok


def test_entries_go_in_batches_with_progress_by_bytes(
    store: CaseStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 7)
    d = [digests(n) for n in range(30)]
    path = write_csv(tmp_path / "known.csv", ["md5", "sha1", "category"], [[x.md5, x.sha1, "1"] for x in d])
    seen: list[ImportProgress] = []
    result = import_hashset(store, path, None, "known", "examiner1", progress=seen.append)
    assert result.entry_count == 30
    reading = [p for p in seen if p.phase == "reading"]
    assert [p.entries for p in reading] == [7, 14, 21, 28, 30, 30]
    assert all(a.done_bytes <= b.done_bytes for a, b in itertools.pairwise(reading))
    assert reading[-1].done_bytes == reading[-1].total_bytes == path.stat().st_size
    assert seen[0].phase == "hashing"
    assert len(stored_entries(store, "known")) == 30


def test_nsrl_import_is_known_good(store: CaseStore, tmp_path: Path) -> None:
    path = write_rdsv3(tmp_path / "rds.db", range(6), repeat_each=2)
    result = import_hashset(store, path, None, "nsrl-modern", "examiner1")
    assert (result.known_good, result.scheme, result.entry_count) == (True, "nsrl", 6)
    [info] = list_hashsets(store)
    assert info.known_good is True
    assert {row["category"] for row in stored_entries(store, "nsrl-modern")} == {"known-good"}


def test_a_taken_name_is_refused_and_the_same_source_is_pointed_out(store: CaseStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "known.csv", ["md5"], [[digests(1).md5]])
    import_hashset(store, path, "csv", "first", "examiner1")
    with pytest.raises(InvalidInput, match="already in the case"):
        import_hashset(store, path, "csv", "first", "examiner1")
    again = import_hashset(store, path, "csv", "second", "examiner1")
    assert again.same_source_as == ("first",)
    assert [i.name for i in list_hashsets(store)] == ["first", "second"]


def test_a_csv_of_vics_codes_can_take_the_vics_scheme(store: CaseStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "known.csv", ["md5", "category"], [[digests(1).md5, "1"]])
    result = import_hashset(store, path, "csv", None, "examiner1", scheme="vics")
    assert result.scheme == "vics"
    assert list_hashsets(store)[0].scheme == "vics"
    with pytest.raises(InvalidInput, match="scheme name"):
        import_hashset(store, path, "csv", "other", "examiner1", scheme="Bad Scheme")


def test_truncated_json_fails_cleanly_leaving_no_entries(
    store: CaseStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 10)  # some batches are written before the cut is reached
    full = json.dumps(vics_document([vics_media(n) for n in range(200)]))
    path = tmp_path / "cut.json"
    path.write_text(full[: int(len(full) * 0.8)])
    with pytest.raises(InvalidInput, match="not complete"):
        import_hashset(store, path, "vics", None, "examiner1")
    [info] = list_hashsets(store)
    assert info.status == "failed"
    assert info.error is not None and "not complete" in info.error
    assert info.entry_count == 0
    with store.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM hashset_entries")).scalar_one() == 0
    [logged] = hashset_audit(store)
    assert (logged["status"], logged["name"]) == ("failed", "cut")
    # The complete file imports under the same name, replacing the failed row.
    path.write_text(full)
    result = import_hashset(store, path, "vics", None, "examiner1")
    assert result.replaced_failed_import is True
    assert [(i.name, i.status, i.entry_count) for i in list_hashsets(store)] == [("cut", "done", 200)]


def test_a_file_that_changes_during_the_import_fails_it(
    store: CaseStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "BATCH_ROWS", 5)
    path = write_csv(tmp_path / "growing.csv", ["md5"], [[digests(n).md5] for n in range(20)])

    def append_while_reading(where: ImportProgress) -> None:
        if where.phase == "reading" and where.entries == 5:
            with path.open("a") as grow:
                grow.write(digests(99).md5 + "\n")

    with pytest.raises(InvalidInput, match="changed while it was imported"):
        import_hashset(store, path, "csv", None, "examiner1", progress=append_while_reading)
    assert stored_entries(store, "growing") == []
    assert list_hashsets(store)[0].status == "failed"


def test_missing_rdsv3_table_fails_the_import(store: CaseStore, tmp_path: Path) -> None:
    path = write_rdsv3(tmp_path / "rds.db", range(3), tables=("PKG", "OS", "VERSION"))
    with pytest.raises(InvalidInput, match="no FILE table"):
        import_hashset(store, path, "nsrl", None, "examiner1")
    assert list_hashsets(store)[0].status == "failed"


def test_unusable_inputs_are_refused_before_anything_is_written(store: CaseStore, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is not a file"):
        import_hashset(store, tmp_path / "missing.json", "vics", None, "examiner1")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    for fmt in (None, "vics", "csv", "nsrl"):
        with pytest.raises(InvalidInput, match="empty"):
            import_hashset(store, empty, fmt, None, "examiner1")
    vics = write_json(tmp_path / "set.json", vics_document([vics_media(1)]))
    with pytest.raises(InvalidInput, match="--delimiter"):
        import_hashset(store, vics, "vics", None, "examiner1", delimiter=";")
    with pytest.raises(InvalidInput, match="needs a name"):
        import_hashset(store, vics, "vics", "  ", "examiner1")
    with pytest.raises(InvalidInput, match="unknown hash-set format"):
        import_hashset(store, vics, "hashkeeper", None, "examiner1")
    assert list_hashsets(store) == []


def add_match(store: CaseStore, set_name: str) -> None:
    """A seized file matching the set's first entry by MD5 (the rows the matching stage will write)."""
    now = "2026-03-14T06:10:00.000000+00:00"
    with store.write() as conn:
        exhibit = conn.execute(text("SELECT id FROM exhibits WHERE ref = 'EX1'")).scalar()
        if exhibit is None:
            conn.execute(
                text(
                    "INSERT INTO exhibits (ref, source_path, source_kind, seized_from, seized_at_utc, "
                    "seized_by, intake_status, registered_at_utc) VALUES ('EX1', x'2f78', 'folder', "
                    "'Suspect A', :now, 'DC Example', 'complete', :now)"
                ),
                {"now": now},
            )
            exhibit = conn.execute(text("SELECT id FROM exhibits WHERE ref = 'EX1'")).scalar_one()
        entry_id, md5 = conn.execute(
            text(
                "SELECT e.id, e.md5 FROM hashset_entries e JOIN hashsets h ON h.id = e.hashset_id "
                "WHERE h.name = :name ORDER BY e.id LIMIT 1"
            ),
            {"name": set_name},
        ).one()
        file_id = conn.execute(
            text(
                "INSERT INTO files (exhibit_id, path, display_path, entry_kind, md5, recorded_at_utc) "
                "VALUES (:exhibit, :path, :path, 'file', :md5, :now)"
            ),
            {"exhibit": exhibit, "path": f"{set_name}.png", "md5": md5, "now": now},
        ).lastrowid
        conn.execute(
            text(
                "INSERT INTO media_matches (file_id, entry_id, match_kind, matched_at_utc) "
                "VALUES (:file, :entry, 'md5', :now)"
            ),
            {"file": file_id, "entry": entry_id, "now": now},
        )


def match_count(store: CaseStore) -> int:
    with store.read() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM media_matches")).scalar_one())


def test_remove_deletes_entries_and_matches_and_is_audited(store: CaseStore, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "known.csv", ["md5"], [[digests(n).md5] for n in range(3)])
    kept = write_csv(tmp_path / "kept.csv", ["md5"], [[digests(9).md5]])
    import_hashset(store, path, "csv", None, "examiner1")
    import_hashset(store, kept, "csv", None, "examiner1")
    add_match(store, "known")
    add_match(store, "kept")
    assert match_count(store) == 2
    removed = remove_hashset(store, "known", "examiner2")
    assert removed.entry_count == 3
    assert match_count(store) == 1
    assert [i.name for i in list_hashsets(store)] == ["kept"]
    assert len(stored_entries(store, "kept")) == 1
    logged = hashset_audit(store)[-1]
    assert (logged["action"], logged["name"], logged["entry_count"]) == ("hashset.remove", "known", 3)
    assert logged["matches_removed"] == 1
    assert verify_chain(store).ok
    with pytest.raises(InvalidInput, match="no hash set named"):
        remove_hashset(store, "known", "examiner2")
