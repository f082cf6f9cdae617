"""The PDQ index is exact: the same pairs and distances as a brute-force scan, for both kinds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from darkroom.errors import InvalidInput
from darkroom.media.index import PdqIndex, brute_force_hits, codes_from_blobs


def _flip(rng: np.random.Generator, code: np.ndarray, count: int) -> np.ndarray:
    bits = np.unpackbits(code)
    bits[rng.choice(256, count, replace=False)] ^= 1
    return np.packbits(bits)


def _data(seed: int, n: int, queries: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
    ids = rng.permutation(n).astype(np.int64) * 7 + 100
    near = [_flip(rng, codes[rng.integers(n)], int(rng.integers(0, 40))) for _ in range(queries // 2)]
    far = rng.integers(0, 256, size=(queries - len(near), 32), dtype=np.uint8)
    return codes, ids, np.vstack([*near, far]) if near else far


def _pairs(hits) -> set[tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    return set(zip(hits.query.tolist(), hits.item_id.tolist(), hits.distance.tolist(), strict=True))


@pytest.mark.parametrize("kind", ["flat", "multihash"])
@pytest.mark.parametrize("max_distance", [0, 15, 31, 40])
def test_range_search_equals_brute_force(kind: str, max_distance: int) -> None:
    codes, ids, queries = _data(seed=max_distance, n=5000, queries=300)
    index = PdqIndex(codes, ids, kind=kind)  # type: ignore[arg-type]
    got = _pairs(index.search(queries, max_distance))
    want = _pairs(brute_force_hits(codes, ids, queries, max_distance))
    assert got == want
    assert want  # the near-duplicate queries do find something


def test_boundary_distance_is_included_and_one_more_is_not() -> None:
    rng = np.random.default_rng(3)
    base = rng.integers(0, 256, size=(1, 32), dtype=np.uint8)
    at_31 = _flip(rng, base[0], 31)[None, :]
    at_32 = _flip(rng, base[0], 32)[None, :]
    for kind in ("flat", "multihash"):
        index = PdqIndex(base, np.array([9]), kind=kind)  # type: ignore[arg-type]
        assert index.search(at_31, 31).distance.tolist() == [31]
        assert len(index.search(at_32, 31)) == 0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), flips=st.lists(st.integers(0, 31), min_size=1, max_size=20))
def test_multihash_never_misses_a_hash_within_31_bits(seed: int, flips: list[int]) -> None:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 256, size=(200, 32), dtype=np.uint8)
    queries = np.vstack([_flip(rng, codes[i % 200], k) for i, k in enumerate(flips)])
    index = PdqIndex(codes, np.arange(200, dtype=np.int64), kind="multihash")
    hits = _pairs(index.search(queries, 31))
    for q, k in enumerate(flips):
        assert (q, q % 200, k) in hits


def test_auto_picks_flat_for_small_sets_and_multihash_above_the_limit() -> None:
    codes, ids, _ = _data(1, 50, 0)
    assert PdqIndex(codes, ids).kind == "flat"
    assert PdqIndex(codes, ids, flat_limit=10).kind == "multihash"


def test_saved_index_loads_and_finds_the_same(tmp_path: Path) -> None:
    codes, ids, queries = _data(5, 2000, 100)
    index = PdqIndex(codes, ids, kind="multihash")
    index.save(tmp_path / "known.faiss")
    loaded = PdqIndex.load(tmp_path / "known.faiss", ids)
    assert loaded.kind == "multihash"
    assert _pairs(loaded.search(queries, 31)) == _pairs(index.search(queries, 31))
    with pytest.raises(InvalidInput, match="holds 2000 hashes"):
        PdqIndex.load(tmp_path / "known.faiss", ids[:10])


def test_empty_index_and_bad_input() -> None:
    empty = PdqIndex(codes_from_blobs([]), np.zeros(0, np.int64))
    assert len(empty.search(np.zeros((3, 32), np.uint8), 31)) == 0
    with pytest.raises(InvalidInput):
        codes_from_blobs([b"short"])
    with pytest.raises(InvalidInput):
        empty.search(np.zeros((1, 32), np.uint8), 300)
