"""Media scores on a tiny hand-built case: every number below is worked out by hand.

Scenes: A (known: its original's digests and PDQ are listed), B and C (unknown). Files:
 1 A original  exact       matched        6 B recompressed  unknown  series S1
 2 A resized   perceptual  matched        7 C original      unknown  series S2 (no hashes)
 3 A flipped   perceptual  missed         8 C brightness    unknown  series S1 (impure)
 4 B original  unknown     WRONG match   12 C resized       unknown  in no series
 5 B cropped   unknown     series S1     10 video of A      perceptual  matched (frame)
 9 system picture, flagged known-good; 13 a note flagged known-good (wrongly);
11 A recompressed, exact, never registered (a miss).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from darkroom.store import CaseStore
from darkroom.synth.evaluate_media import has_media, score_media
from tests.conftest import CliRunner

NOW = "2026-03-20T10:00:00Z"
_RNG = random.Random(4)
H_A, H_B, H_C = (_RNG.randbytes(32) for _ in range(3))


def flipped(base: bytes, count: int, offset: int = 0) -> bytes:
    """`base` with `count` bits flipped, starting at bit `offset`: at Hamming distance `count`."""
    mask = ((1 << count) - 1) << (256 - offset - count)
    return (int.from_bytes(base, "big") ^ mask).to_bytes(32, "big")


def image(
    number: int, exhibit: str, path: str, scene: str | None, transform: str | None, **extra: Any
) -> dict:
    return {
        "number": number,
        "exhibit": exhibit,
        "path": path,
        "scene": scene,
        "transform": transform,
        "sha256": f"{number:064x}",
        "expected_match": None,
        "known_scene": scene == "A",
        "known_good": False,
        **extra,
    }


IMAGES = [
    image(1, "EX-001", "DCIM/a.jpg", "A", "original", expected_match="exact"),
    image(2, "EX-001", "Download/a_small.jpg", "A", "resized", expected_match="perceptual"),
    image(3, "EX-002", "x/a_flip.jpg", "A", "flipped", expected_match="perceptual"),
    image(4, "EX-001", "DCIM/b.jpg", "B", "original"),
    image(5, "EX-001", "Download/b_crop.jpg", "B", "cropped"),
    image(6, "EX-002", "x/b_rec.jpg", "B", "recompressed"),
    image(7, "EX-001", "DCIM/c.jpg", "C", "original"),
    image(8, "EX-001", "Download/c_bright.jpg", "C", "brightness"),
    image(9, "EX-001", "system/w.jpg", None, None, known_good=True),
    image(11, "EX-001", "Download/missing.jpg", "A", "recompressed", expected_match="exact"),
    image(12, "EX-001", "Download/c_small.jpg", "C", "resized"),
]
VIDEO = {
    "number": 10,
    "id": "V0001",
    "exhibit": "EX-001",
    "path": "DCIM/v.mp4",
    "frames": 24,
    "scene": "A",
    "scene_seconds": {"start_s": 2, "end_s": 4},
    "transform": "video",
    "sha256": f"{10:064x}",
    "expected_match": "perceptual",
    "known_scene": True,
}
TRUTH: dict[str, Any] = {
    "darkroom_synth": 2,
    "exhibits": [
        {"ref": "EX-001", "path": "exhibits/EX-001", "container": "folder"},
        {"ref": "EX-002", "path": "exhibits/EX-002.zip", "container": "zip"},
    ],
    "files": [],
    "accounts": [],
    "images": IMAGES,
    "videos": [VIDEO],
    "scenes": [
        {"id": scene, "original": {"pdq_hex": h.hex()}}
        for scene, h in zip("ABC", (H_A, H_B, H_C), strict=True)
    ],
}
FAR = 110  # bits: no form this far away can be anyone's best


def _hashes() -> dict[int, list[tuple[int, float | None, bytes]]]:
    """file -> [(form, at_s, pdq)]; unnamed forms of an image are FAR+ bits from its reference."""

    def image_forms(reference: bytes, form0: int, best: tuple[int, int] | None = None) -> list:
        forms = [(0, None, flipped(reference, form0))]
        for form in range(1, 8):
            distance = best[1] if best and best[0] == form else FAR + form
            forms.append((form, None, flipped(reference, distance, offset=100)))
        return forms

    frames = [(0, 0.0, flipped(H_A, 120)), (1, 1.0, flipped(H_A, 125)), (2, 2.0, flipped(H_A, 5))]
    frames += [(3, 3.0, flipped(H_A, 3)), (4, 4.0, flipped(H_A, 1)), (5, 5.0, flipped(H_A, 118))]
    return {
        1: image_forms(H_A, 0),
        2: image_forms(H_A, 4),
        3: image_forms(H_A, 120, best=(4, 2)),
        4: image_forms(H_B, 0),
        5: image_forms(H_B, 70),
        6: image_forms(H_B, 0),
        8: image_forms(H_C, 10),
        12: image_forms(H_C, 40),
        10: frames,
    }


def build_case(root: Path) -> CaseStore:
    store = CaseStore.create(root, "Operation Tiny", "GB", "Europe/Oslo")
    with store.write() as conn:
        for exhibit_id, ref in ((1, "EX-001"), (2, "EX-002")):
            conn.execute(
                text(
                    "INSERT INTO exhibits (id, ref, source_path, source_kind, seized_from, seized_at_utc, "
                    "seized_by, intake_status, registered_at_utc) "
                    "VALUES (:id, :ref, :ref, 'folder', 'x', :now, 'DC Example', 'complete', :now)"
                ),
                {"id": exhibit_id, "ref": ref, "now": NOW},
            )
        files = [(r["number"], r["exhibit"], r["path"]) for r in [*IMAGES, VIDEO] if r["number"] != 11]
        files.append((13, "EX-001", "Documents/notes.txt"))
        for number, ref, path in files:
            display = f"EX-002.zip!/{path}" if ref == "EX-002" else path
            conn.execute(
                text(
                    "INSERT INTO files (id, exhibit_id, path, display_path, entry_kind, recorded_at_utc) "
                    "VALUES (:id, :exhibit, :path, :display, 'file', :now)"
                ),
                {"id": number, "exhibit": 1 if ref == "EX-001" else 2, "path": path.encode(),
                 "display": display, "now": NOW},
            )  # fmt: skip
        _media_rows(conn)
    return store


def _media_rows(conn: Any) -> None:
    media = [
        (n, "video" if n == 10 else "image", "done", "1", NOW) for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12)
    ]
    conn.exec_driver_sql(
        "INSERT INTO media (file_id, media_kind, status, analyser_version, analysed_at_utc) "
        "VALUES (?, ?, ?, ?, ?)",
        media,
    )
    rows = [(n, form, at_s, pdq, 90) for n, forms in _hashes().items() for form, at_s, pdq in forms]
    conn.exec_driver_sql(
        "INSERT INTO media_hashes (file_id, form, at_s, pdq, quality) VALUES (?, ?, ?, ?, ?)", rows
    )
    sets = [(1, "known", 0), (2, "nsrl", 1)]
    conn.exec_driver_sql(
        "INSERT INTO hashsets (id, name, format, scheme, source_path, source_sha256, source_size, "
        "known_good, status, imported_at_utc, imported_by) "
        f"VALUES (?, ?, 'csv', 'csv', 'x', 'x', 1, ?, 'done', '{NOW}', 'examiner1')",
        sets,
    )
    conn.exec_driver_sql(
        "INSERT INTO hashset_entries (id, hashset_id, locator) VALUES (?, ?, ?)",
        [(1, 1, "line 2"), (2, 1, "line 3"), (3, 2, "row 1")],
    )
    matches = [(1, 1, "md5", 0, None), (2, 1, "pdq", 4, 0), (10, 1, "pdq", 3, 3), (4, 2, "pdq", 30, 0)]
    matches += [(9, 3, "sha1", 0, None), (13, 3, "md5", 0, None)]
    conn.exec_driver_sql(
        f"INSERT INTO media_matches (file_id, entry_id, match_kind, distance, form, matched_at_utc) "
        f"VALUES (?, ?, ?, ?, ?, '{NOW}')",
        matches,
    )
    conn.exec_driver_sql(
        f"INSERT INTO media_series (id, series_key, file_count, distinct_count, representative_file_id, "
        f"computed_at_utc) VALUES (?, ?, ?, ?, ?, '{NOW}')",
        [(1, "k1", 3, 3, 5), (2, "k2", 1, 1, 7)],
    )
    conn.exec_driver_sql(
        "INSERT INTO media_series_members (file_id, series_id) VALUES (?, ?)",
        [(5, 1), (6, 1), (8, 1), (7, 2)],
    )


@pytest.fixture
def tiny_case(tmp_path: Path) -> Iterator[CaseStore]:
    store = build_case(tmp_path / "case")
    yield store
    store.close()


def test_match_recall_and_precision(tiny_case: CaseStore) -> None:
    match = score_media(tiny_case, TRUTH).match
    assert (match.overall.should_match, match.overall.matched, match.overall.recall) == (5, 3, 0.6)
    assert (match.exact.should_match, match.exact.recall) == (2, 0.5)
    assert (match.perceptual.should_match, match.perceptual.matched) == (3, 2)
    by_transform = {group.name: (group.should_match, group.matched) for group in match.per_transform}
    assert by_transform == {
        "original": (1, 1),
        "resized": (1, 1),
        "flipped": (1, 0),
        "recompressed": (1, 0),
        "video": (1, 1),
    }
    # The wrong match of B's original (unknown scene) lowers precision: 3 true of 4 matched.
    assert (match.matched_files, match.true_matches, match.precision) == (4, 3, 0.75)
    assert match.files_missing == 1
    assert (match.known_good_planted, match.known_good_flagged, match.known_good_wrongly_flagged) == (1, 1, 1)


def test_series_purity_and_completeness(tiny_case: CaseStore) -> None:
    series = score_media(tiny_case, TRUTH).series
    # Unknown photos not matched: 5, 6 (B), 7, 8, 12 (C). S1 = {5, 6, 8} is impure (B, B, C).
    assert (series.series_files, series.majority_in_series, series.purity) == (4, 3, 0.75)
    # B: both in S1 -> 2; C: 7 in S2, 8 in S1, 12 alone -> 1.
    assert (series.truth_files, series.majority_of_scenes, series.completeness) == (5, 3, 0.6)
    assert (series.truth_scenes, series.truth_singletons) == (2, 0)
    assert (series.darkroom_series, series.darkroom_singletons, series.unclustered_files) == (2, 1, 1)


def test_pdq_robustness_per_transform(tiny_case: CaseStore) -> None:
    scores = score_media(tiny_case, TRUTH)
    rows = {row.transform: row for row in scores.robustness}
    assert sorted(rows) == ["brightness", "cropped", "flipped", "recompressed", "resized", "video"]
    resized = rows["resized"]
    assert (resized.files, resized.median_distance, resized.max_distance, resized.share_within) == (
        2,
        22.0,
        40,
        0.5,
    )
    flipped_row = rows["flipped"]
    assert (flipped_row.max_distance, flipped_row.share_within) == (120, 0.0)
    assert (flipped_row.max_dihedral, flipped_row.share_within_dihedral) == (2, 1.0)
    assert (rows["cropped"].median_distance, rows["cropped"].share_within_dihedral) == (70.0, 0.0)
    assert rows["recompressed"].max_distance == 0
    assert rows["brightness"].max_distance == 10  # against C's original from truth: the case has no hash
    assert (rows["video"].files, rows["video"].max_distance) == (1, 3)  # frames at 2 s and 3 s only
    assert (scores.references_from_case, scores.references_from_truth) == (2, 1)


def test_has_media_only_once_media_ran(tmp_path: Path, tiny_case: CaseStore) -> None:
    empty = CaseStore.create(tmp_path / "empty", "Operation Empty", "GB", "Europe/Oslo")
    try:
        assert not has_media(empty)
    finally:
        empty.close()
    assert has_media(tiny_case)


def test_eval_prints_media_sections_only_for_cases_with_media(
    tmp_path: Path, tiny_case: CaseStore, cli: CliRunner
) -> None:
    truth_path = tmp_path / "truth.json"
    truth_path.write_text(json.dumps(TRUTH), encoding="utf-8")
    rows = cli("eval", "--case", tiny_case.root, "--truth", truth_path, "--json").jsonl()
    sections = [row["section"] for row in rows]
    assert sections.count("media-match") == sections.count("media-series") == 1
    assert sections.count("media-robustness") == 6 and sections.count("media-match-transform") == 5
    match = next(row for row in rows if row["section"] == "media-match")
    assert (match["recall"], match["precision"]) == (0.6, 0.75)
    table = cli("eval", "--case", tiny_case.root, "--truth", truth_path)
    assert table.code == 0, table.err
    assert "match precision 75.0%" in table.out and "completeness" in table.out
    empty = tmp_path / "empty"
    assert cli("case", "init", "--case", empty, "--name", "Operation Empty").code == 0
    plain = cli("eval", "--case", empty, "--truth", truth_path, "--json").jsonl()
    assert not [row for row in plain if row["section"].startswith("media")]
