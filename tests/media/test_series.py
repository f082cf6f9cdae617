"""Series of near-duplicates: identical files are one picture, dihedral copies join, weak links
do not chain two groups, known-good stays out, ids survive a re-run, and review decisions
propagate to near-duplicates as suggestions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from darkroom.errors import InvalidInput
from darkroom.media.match import run_matching
from darkroom.media.review import categorise
from darkroom.media.series import run_series
from darkroom.reports.exporters.base import run_export
from darkroom.store import CaseStore
from tests.media.store_rows import add_file, add_hashset, add_picture, flip, new_case

RNG = np.random.default_rng(5)


def _code() -> bytes:
    return RNG.integers(0, 256, 32, dtype=np.uint8).tobytes()


def _forms(base: bytes) -> list[bytes]:
    return [base] + [_code() for _ in range(7)]


def _series_of(store: CaseStore) -> dict[int, int]:
    with store.read() as conn:
        return dict(conn.execute(text("SELECT file_id, series_id FROM media_series_members")).all())  # type: ignore[arg-type]


def _scene_case(tmp_path: Path) -> tuple[CaseStore, dict[str, bytes]]:
    store = new_case(tmp_path)
    a, b = _code(), _code()
    rotated = _forms(_code())
    rotated[3] = flip(a, [7])  # a rotated copy of picture a: its form 3 is a's form 0
    layout = [
        (1, 1, "DCIM/a.jpg", b"a", _forms(a)),
        (2, 2, "copy/a.jpg", b"a", _forms(a)),  # the same bytes on another device
        (3, 1, "DCIM/a-small.jpg", b"a-small", _forms(flip(a, list(range(12))))),
        (4, 1, "DCIM/a-rot.jpg", b"a-rot", rotated),
        (5, 1, "DCIM/b.jpg", b"b", _forms(b)),
        (6, 1, "DCIM/b-crop.jpg", b"b-crop", _forms(flip(b, list(range(25))))),
        (7, 1, "DCIM/other.jpg", b"other", _forms(_code())),
    ]
    for file_id, exhibit, path, content, forms in layout:
        add_file(store, file_id, exhibit, path, content)
        add_picture(store, file_id, forms)
    return store, {"a": a, "b": b}


def test_near_duplicates_form_series_and_identical_files_count_once(tmp_path: Path) -> None:
    store, _ = _scene_case(tmp_path)
    summary = run_series(store)
    series = _series_of(store)
    assert series[1] == series[2] == series[3] == series[4]
    assert series[5] == series[6] != series[1]
    assert series[7] not in {series[1], series[5]}
    assert summary.pictures == 6  # files 1 and 2 are the same bytes
    assert summary.multi_file_series == 2
    assert summary.largest == 4


def test_series_ids_survive_a_rerun(tmp_path: Path) -> None:
    store, _ = _scene_case(tmp_path)
    run_series(store)
    first = _series_of(store)
    run_series(store)
    assert _series_of(store) == first


def test_weak_links_do_not_chain_two_groups(tmp_path: Path) -> None:
    """A and C are 60 bits apart; B sits 30 from each. Two seeded groups stay apart."""
    store = new_case(tmp_path)
    a = _code()
    b = flip(a, list(range(30)))
    c = flip(b, list(range(30, 60)))
    pictures = {1: a, 2: flip(a, [100, 101]), 3: c, 4: flip(c, [200, 201]), 5: b}
    for file_id, base in pictures.items():
        add_file(store, file_id, 1, f"{file_id}.jpg", str(file_id).encode())
        add_picture(store, file_id, _forms(base))
    run_series(store)
    series = _series_of(store)
    assert series[1] == series[2]
    assert series[3] == series[4]
    assert series[1] != series[3]
    assert series[5] in {series[1], series[3]}  # the bridge joins one side only


def test_known_good_files_and_flat_pictures_stay_out(tmp_path: Path) -> None:
    store, codes = _scene_case(tmp_path)
    add_file(store, 8, 1, "icons/app.png", b"icon")
    add_picture(store, 8, _forms(flip(codes["a"], [1])))
    add_file(store, 9, 1, "flat.jpg", b"flat")
    add_picture(store, 9, _forms(flip(codes["a"], [2])), quality=20)
    icon_sha256 = hashlib.sha256(b"icon").hexdigest()
    add_hashset(store, 1, "nsrl", [{"sha256": icon_sha256}], known_good=True)
    run_matching(store, "t")
    run_series(store)
    series = _series_of(store)
    assert 8 not in series and 9 not in series
    assert series[1] == series[3]


def test_categorising_an_item_suggests_to_its_near_duplicates_and_exports(tmp_path: Path) -> None:
    store, _ = _scene_case(tmp_path)
    run_series(store)
    result = categorise(store, "examiner1", "illegal-B", "graded in review", file_ids=[1])
    assert result.decided == 1
    assert result.suggested == 3  # 2, 3, 4: same series
    with store.read() as conn:
        rows = conn.execute(text("SELECT * FROM media_reviews ORDER BY file_id")).all()
        audit_rows = conn.execute(text("SELECT action, details_json FROM audit_log")).all()
    sources = [(r.file_id, r.source) for r in rows]
    assert sources == [(1, "examiner"), (2, "suggested"), (3, "suggested"), (4, "suggested")]
    assert {r.category for r in rows} == {"illegal-B"}
    decision = [json.loads(r.details_json) for r in audit_rows if r.action == "media.categorise"]
    assert decision == [{"category": "illegal-B", "reason": "graded in review", "files": [1]}]
    # an examiner's own decision on a near-duplicate is never overwritten by a later suggestion
    categorise(store, "examiner2", "non-pertinent", "not pertinent on review", file_ids=[3])
    categorise(store, "examiner1", "illegal-A", "regraded", file_ids=[1])
    with store.read() as conn:
        latest = conn.execute(
            text("SELECT category, source FROM media_reviews WHERE file_id = 3 ORDER BY id DESC LIMIT 1")
        ).one()
    assert tuple(latest) == ("non-pertinent", "examiner")
    result = run_export(store, "vics", tmp_path / "out.json", "examiner1", "restricted")
    exported = json.loads((tmp_path / "out.json").read_text())
    media = exported["value"][0]["Media"]
    assert (
        dict(result.counts)["media"] == len(media) == 4
    )  # 1 (decided), 2 and 4 (suggested), 3 (non-pertinent)
    assert sorted(m["Category"] for m in media) == [0, 1, 1, 1]
    assert len(result.files[0][1]) == 64


def test_categorise_refuses_unknown_categories_and_items(tmp_path: Path) -> None:
    store, _ = _scene_case(tmp_path)
    run_series(store)
    with pytest.raises(InvalidInput, match="unknown category"):
        categorise(store, "e", "bad", "why", file_ids=[1])
    with pytest.raises(InvalidInput, match="not a media item"):
        categorise(store, "e", "illegal", "why", file_ids=[999])
    with pytest.raises(InvalidInput, match="no media series"):
        categorise(store, "e", "illegal", "why", series_id=999)
    with pytest.raises(InvalidInput, match="reason"):
        categorise(store, "e", "illegal", " ", file_ids=[1])
