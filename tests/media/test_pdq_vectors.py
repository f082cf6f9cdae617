"""The published PDQ test vectors: the list itself, the check's mechanics, and darkroom against them
on the images scripts/pdq-vectors.sh stages (or a ThreatExchange checkout in DARKROOM_PDQ_DATA)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image

from darkroom.errors import InvalidInput
from darkroom.media.decode import decode_image
from darkroom.media.pdq import DIHEDRAL_FORM_NAMES, dihedral_hashes, from_hex, hamming, to_hex
from darkroom.media.pdq_vectors import (
    BRIDGE_ORIGINAL,
    CPP_REGRESSION_OUTPUT,
    PUBLISHED_VECTORS,
    PYTHON_REFERENCE_TEST,
    SAMPLE_B,
    THREATEXCHANGE_CLI_TEST,
    VECTOR_IMAGES_SHIPPED,
    VECTOR_TOLERANCE,
    PdqVector,
    check_vectors,
)
from tests.media.generated_media import scene

REPO = Path(__file__).resolve().parents[2]
STAGED = REPO / ".cache" / "pdq-vectors" / "ThreatExchange"
VECTORS_DIR = Path(os.environ.get("DARKROOM_PDQ_DATA", STAGED))
# The vectors whose image the threatexchange sdist ships (all on one picture, see pdq_vectors).
SHIPPED_VECTOR_COUNT = 11


def _published(source: str, path: str, form: int = 0) -> PdqVector:
    (vector,) = [v for v in PUBLISHED_VECTORS if (v.source, v.relative_path, v.form) == (source, path, form)]
    return vector


def test_the_published_list() -> None:
    assert Counter(v.source for v in PUBLISHED_VECTORS) == {
        PYTHON_REFERENCE_TEST: 19,
        CPP_REGRESSION_OUTPUT: 15,
        THREATEXCHANGE_CLI_TEST: 1,
    }
    assert len({(v.source, v.relative_path, v.form) for v in PUBLISHED_VECTORS}) == len(PUBLISHED_VECTORS)
    assert all(len(from_hex(v.expected_hex)) == 32 for v in PUBLISHED_VECTORS)
    assert VECTOR_TOLERANCE == 16
    by_path = {
        v.relative_path: v.expected_hex for v in PUBLISHED_VECTORS if v.source == PYTHON_REFERENCE_TEST
    }
    # the bridge original is misc-images/b.jpg: the Python reference gives both the same hash
    assert by_path["pdq/data/misc-images/b.jpg"] == by_path[BRIDGE_ORIGINAL]
    # the C++ output has all 8 forms of the original, and its flip-plus-1 form is the flipped file's hash
    assert sorted(v.form for v in PUBLISHED_VECTORS if v.relative_path == BRIDGE_ORIGINAL) == [0, *range(8)]
    flipped = _published(CPP_REGRESSION_OUTPUT, "pdq/data/reg-test-input/dih/bridge-7-flip-plus-1.jpg")
    assert _published(CPP_REGRESSION_OUTPUT, BRIDGE_ORIGINAL, 6).expected_hex == flipped.expected_hex
    shipped = [v for v in PUBLISHED_VECTORS if v.relative_path in VECTOR_IMAGES_SHIPPED]
    assert len(shipped) == SHIPPED_VECTOR_COUNT


def test_missing_and_present_images_are_reported(tmp_path: Path) -> None:
    data = tmp_path / "ThreatExchange" / "pdq" / "data"
    (data / "misc-images").mkdir(parents=True)
    scene(1, 200, 150).save(data / "misc-images" / "wee.jpg")
    (data / "misc-images" / "small.jpg").write_bytes(b"\xff\xd8 truncated")
    results = check_vectors(tmp_path / "ThreatExchange")
    assert len(results) == len(PUBLISHED_VECTORS)
    by_path = {r.relative_path: r for r in results if r.source == PYTHON_REFERENCE_TEST}
    wee = by_path["pdq/data/misc-images/wee.jpg"]
    assert wee.error is None
    assert wee.actual_hex is not None
    assert wee.distance is not None
    assert wee.full_size_distance == wee.distance
    assert wee.passed is (wee.distance <= VECTOR_TOLERANCE)
    assert not wee.passed  # a generated scene is not the reference image
    assert not wee.missing
    small = by_path["pdq/data/misc-images/small.jpg"]
    assert small.error
    assert not small.passed
    assert not small.missing  # present but undecodable is a failure, not an absence
    missing = by_path["pdq/data/misc-images/b.jpg"]
    assert missing.missing
    assert missing.distance is None
    assert sum(r.missing for r in results) == len(PUBLISHED_VECTORS) - 2


def test_a_vector_is_checked_in_its_own_dihedral_form(tmp_path: Path) -> None:
    image_path = tmp_path / BRIDGE_ORIGINAL
    image_path.parent.mkdir(parents=True)
    scene(7, 640, 400).save(image_path, quality=95)
    # a pdq/data folder works as well as the checkout's root
    results = [r for r in check_vectors(tmp_path / "pdq" / "data") if r.relative_path == BRIDGE_ORIGINAL]
    forms = dihedral_hashes(decode_image(image_path).pixels())
    cpp = [r for r in results if r.source == CPP_REGRESSION_OUTPUT]
    assert sorted(r.form for r in cpp) == list(range(8))
    for result in cpp:
        assert result.actual_hex == to_hex(forms[result.form].pdq)
        assert result.distance == hamming(forms[result.form].pdq, from_hex(result.expected_hex))
    assert cpp[-1].label.endswith(f"[{DIHEDRAL_FORM_NAMES[cpp[-1].form]}]")
    assert cpp[0].label == BRIDGE_ORIGINAL


def test_a_copy_of_pdq_data_outside_a_checkout(tmp_path: Path) -> None:
    copy = tmp_path / "vectors"
    (copy / "misc-images").mkdir(parents=True)
    scene(2, 300, 200).save(copy / "misc-images" / "b.jpg")
    results = check_vectors(copy)
    b = [r for r in results if r.relative_path == "pdq/data/misc-images/b.jpg"]
    assert [r.missing for r in b] == [False]
    (sample_b,) = [r for r in results if r.relative_path == SAMPLE_B]
    assert sample_b.missing
    assert sample_b.error is not None
    assert "outside a checkout" in sample_b.error


def test_a_folder_without_pdq_data_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="pdq/data"):
        check_vectors(tmp_path)


needs_vector_images = pytest.mark.skipif(
    not (VECTORS_DIR / SAMPLE_B).is_file() and not (VECTORS_DIR / BRIDGE_ORIGINAL).is_file(),
    reason=f"no PDQ vector images at {VECTORS_DIR}: run scripts/pdq-vectors.sh, or set DARKROOM_PDQ_DATA "
    "to a ThreatExchange checkout",
)


@needs_vector_images
def test_darkroom_meets_the_published_vectors() -> None:
    results = check_vectors(VECTORS_DIR)
    present = [r for r in results if not r.missing]
    failures = [(r.label, r.source, r.distance, r.error) for r in present if not r.passed]
    assert not failures
    assert len(present) >= SHIPPED_VECTOR_COUNT


def _squashed_like_cpp(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """pdq-photo-hasher's I/O: CImg's nearest-neighbour resize to 512x512 of anything larger."""
    height, width = rgb.shape[:2]
    rows, cols = (np.arange(512) * height) // 512, (np.arange(512) * width) // 512
    return np.ascontiguousarray(rgb[rows][:, cols])


def _thumbnailed_like_python(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The Python reference's PDQHasher.fromFile: Pillow's thumbnail to fit 512x512."""
    image = Image.fromarray(rgb)
    image.thumbnail((512, 512))
    return np.asarray(image)


def _full_size(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """python-threatexchange's pdq_hasher: the whole image, unscaled."""
    return rgb


@needs_vector_images
@pytest.mark.parametrize(
    ("source", "path", "scaled"),
    [
        (CPP_REGRESSION_OUTPUT, BRIDGE_ORIGINAL, _squashed_like_cpp),
        (PYTHON_REFERENCE_TEST, BRIDGE_ORIGINAL, _thumbnailed_like_python),
        (THREATEXCHANGE_CLI_TEST, SAMPLE_B, _full_size),
    ],
)
def test_each_reference_scaling_gives_its_published_hash_bit_for_bit(
    source: str, path: str, scaled: Callable[[npt.NDArray[np.uint8]], npt.NDArray[np.uint8]]
) -> None:
    """The distances above come from scaling alone: scaled as that reference scales, the image hashes
    to exactly what it published, in every form it published (which also identifies the image)."""
    pixels = scaled(decode_image(VECTORS_DIR / path, min_side=None).pixels())
    forms = dihedral_hashes(pixels)
    vectors = [v for v in PUBLISHED_VECTORS if (v.source, v.relative_path) == (source, path)]
    assert vectors
    assert [hamming(forms[v.form].pdq, from_hex(v.expected_hex)) for v in vectors] == [0] * len(vectors)


def test_pdq_check_fails_a_present_image_that_misses_and_lists_the_rest_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from darkroom.cli.app import run  # noqa: PLC0415

    data = tmp_path / "pdq" / "data" / "misc-images"
    data.mkdir(parents=True)
    scene(3, 320, 240).save(data / "wee.jpg")
    assert run(["media", "pdq-check", str(tmp_path)]) == 1
    assert (
        f"0 of 1 present vectors pass; {len(PUBLISHED_VECTORS) - 1} images missing" in capsys.readouterr().out
    )
    (data / "wee.jpg").unlink()
    assert run(["media", "pdq-check", str(tmp_path)]) == 1  # nothing present is no pass


@needs_vector_images
def test_pdq_check_passes_the_staged_images(capsys: pytest.CaptureFixture[str]) -> None:
    from darkroom.cli.app import run  # noqa: PLC0415

    assert run(["media", "pdq-check", str(VECTORS_DIR)]) == 0
    assert "present vectors pass" in capsys.readouterr().out
