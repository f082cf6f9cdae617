"""The published PDQ test vectors: the list itself, the check's mechanics, and (when the images are
available through DARKROOM_PDQ_DATA) darkroom against them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from darkroom.errors import InvalidInput
from darkroom.media.pdq import from_hex
from darkroom.media.pdq_vectors import PUBLISHED_VECTORS, VECTOR_TOLERANCE, check_vectors
from tests.media.generated_media import scene


def test_the_published_list() -> None:
    assert len(PUBLISHED_VECTORS) == 19
    assert len({v.relative_path for v in PUBLISHED_VECTORS}) == 19
    assert all(len(from_hex(v.expected_hex)) == 32 for v in PUBLISHED_VECTORS)
    assert VECTOR_TOLERANCE == 16
    by_path = {v.relative_path: v.expected_hex for v in PUBLISHED_VECTORS}
    # the bridge original is misc-images/b.jpg: the reference gives both the same hash
    assert by_path["misc-images/b.jpg"] == by_path["reg-test-input/dih/bridge-1-original.jpg"]


def test_missing_and_present_images_are_reported(tmp_path: Path) -> None:
    data = tmp_path / "ThreatExchange" / "pdq" / "data"
    (data / "misc-images").mkdir(parents=True)
    scene(1, 200, 150).save(data / "misc-images" / "wee.jpg")
    (data / "misc-images" / "small.jpg").write_bytes(b"\xff\xd8 truncated")
    results = {r.relative_path: r for r in check_vectors(tmp_path / "ThreatExchange")}
    assert len(results) == 19
    wee = results["misc-images/wee.jpg"]
    assert wee.error is None
    assert wee.actual_hex is not None
    assert wee.distance is not None
    assert wee.full_size_distance == wee.distance
    assert wee.passed is (wee.distance <= VECTOR_TOLERANCE)
    assert not wee.passed  # a generated scene is not the reference image
    assert results["misc-images/small.jpg"].error
    assert not results["misc-images/small.jpg"].passed
    missing = results["misc-images/b.jpg"]
    assert missing.error is not None
    assert missing.error.startswith("missing")
    assert missing.distance is None


def test_a_folder_without_pdq_data_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="pdq/data"):
        check_vectors(tmp_path)


@pytest.mark.skipif(
    not os.environ.get("DARKROOM_PDQ_DATA"),
    reason="set DARKROOM_PDQ_DATA to a ThreatExchange checkout's pdq/data to check the published vectors",
)
def test_darkroom_meets_the_published_vectors() -> None:
    results = check_vectors(Path(os.environ["DARKROOM_PDQ_DATA"]))
    failures = [(r.relative_path, r.distance, r.error) for r in results if not r.passed]
    assert not failures
