"""Matching against hash sets: exact digests, PDQ within the threshold over dihedral forms,
quality floors, known-good, and agreement with a brute-force reference on random data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from sqlalchemy import text

from darkroom.media.index import brute_force_hits, codes_from_blobs
from darkroom.media.match import MatchSettings, run_matching
from tests.media.store_rows import add_file, add_hashset, add_picture, flip, new_case

RNG = np.random.default_rng(11)


def _code() -> bytes:
    return RNG.integers(0, 256, 32, dtype=np.uint8).tobytes()


def _matches(store) -> set[tuple[int, str, int, int | None]]:  # type: ignore[no-untyped-def]
    with store.read() as conn:
        rows = conn.execute(text("SELECT file_id, match_kind, distance, form FROM media_matches")).all()
    return {(r.file_id, r.match_kind, r.distance, r.form) for r in rows}


def test_exact_perceptual_dihedral_and_quality(tmp_path: Path) -> None:
    store = new_case(tmp_path)
    forms = [[_code() for _ in range(8)] for _ in range(4)]
    for file_id in range(1, 5):
        add_file(store, file_id, 1, f"DCIM/{file_id}.jpg", f"picture {file_id}".encode())
    add_picture(store, 1, forms[0])
    add_picture(store, 2, forms[1])
    add_picture(store, 3, forms[2], quality=30)  # too flat to say anything: never auto-matched
    add_picture(store, 4, forms[3])
    add_file(store, 5, 2, "Windows/notepad.exe", b"a program", mime="application/x-dosexec")
    add_hashset(
        store,
        1,
        "vics",
        [
            {"md5": hashlib.md5(b"picture 1").hexdigest(), "category": "1"},  # exact
            {"pdq": flip(forms[1][0], list(range(31))), "category": "2"},  # 31 bits from form 0
            {"pdq": forms[2][0], "category": "1"},  # the low-quality picture's own hash
            {"pdq": flip(forms[3][5], [0, 1, 2]), "category": "1"},  # a mirrored copy: form 5
            {"pdq": flip(forms[0][0], list(range(40)))},  # too far
        ],
    )
    add_hashset(store, 2, "nsrl", [{"sha1": hashlib.sha1(b"a program").hexdigest()}], known_good=True)
    summary = run_matching(store, "tester")
    assert _matches(store) == {
        (1, "md5", 0, None),
        (2, "pdq", 31, 0),
        (4, "pdq", 3, 5),
        (5, "sha1", 0, None),
    }
    assert summary.low_quality_skipped == 8
    assert summary.known_good_files == 1
    assert summary.files_matched == 4
    assert len(_matches(store)) == 4  # re-running recomputes, never duplicates
    run_matching(store, "tester")
    assert len(_matches(store)) == 4
    with store.read() as conn:
        actions = [r[0] for r in conn.execute(text("SELECT action FROM audit_log"))]
    assert actions.count("media.match") == 2


def test_threshold_is_configurable(tmp_path: Path) -> None:
    store = new_case(tmp_path)
    code = _code()
    add_file(store, 1, 1, "a.jpg", b"a")
    add_picture(store, 1, [code] * 8)
    add_hashset(store, 1, "set", [{"pdq": flip(code, list(range(20)))}])
    run_matching(store, "t", MatchSettings(max_distance=19))
    assert _matches(store) == set()
    run_matching(store, "t", MatchSettings(max_distance=20))
    assert _matches(store) == {(1, "pdq", 20, 0)}


def test_perceptual_matches_equal_brute_force_on_random_data(tmp_path: Path) -> None:
    """Hundreds of pictures and known hashes, many near each other: identical to a full scan."""
    store = new_case(tmp_path)
    known = [_code() for _ in range(600)]
    pictures: dict[int, list[bytes]] = {}
    for file_id in range(1, 301):
        base = known[file_id] if file_id % 2 else _code()
        forms = [flip(base, list(RNG.choice(256, int(RNG.integers(0, 45)), replace=False)))]
        forms += [_code() for _ in range(7)]
        pictures[file_id] = forms
        add_file(store, file_id, 1, f"p/{file_id}.jpg", f"p{file_id}".encode())
        add_picture(store, file_id, forms)
    add_hashset(store, 1, "big", [{"pdq": code} for code in known])
    for kind in ("flat", "multihash"):
        run_matching(store, "t", MatchSettings(index_kind=kind))  # type: ignore[arg-type]
        got = {(f, d) for f, _, d, _ in _matches(store)}
        owners = [f for f, forms in pictures.items() for _ in forms]
        queries = codes_from_blobs([code for forms in pictures.values() for code in forms])
        ref = brute_force_hits(codes_from_blobs(known), np.arange(1, 601), queries, 31)
        best: dict[tuple[int, int], int] = {}
        for q, entry, d in zip(ref.query.tolist(), ref.item_id.tolist(), ref.distance.tolist(), strict=True):
            key = (owners[q], entry)
            best[key] = min(d, best.get(key, d))
        with store.read() as conn:
            pairs = {
                (r.file_id, r.entry_id, r.distance) for r in conn.execute(text("SELECT * FROM media_matches"))
            }
        assert pairs == {(f, e, d) for (f, e), d in best.items()}
        assert len(got) > 100
