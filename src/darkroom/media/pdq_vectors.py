"""The published PDQ test vectors, and a check of darkroom's hashes against them.

Three sources, all facebook/ThreatExchange, each an image and the hash its authors' test expects:
- the Python reference's test (pdq/python/pdqhashing/tests/pdq_test.py), tolerance 16 bits;
- the C++ reference's regression output (pdq/cpp/reg_test/expected/out): pdq-photo-hasher on the
  bridge images, and --pdqdih's 8 dihedral forms of the original;
- python-threatexchange's CLI test (threatexchange/cli/tests/hash_cmd_test.py) on sample-b.jpg.
Paths are relative to a ThreatExchange checkout. Every vector is held to the Python test's 16
bits: each reference scales differently before hashing (C++ squashes to 512x512, Python
thumbnails to fit 512, threatexchange hashes at full size), darkroom hashes a reduced decode.
scripts/pdq-vectors.sh stages the images that PyPI ships (see VECTOR_IMAGES_SHIPPED).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from darkroom.errors import InvalidInput, MediaError
from darkroom.media.decode import decode_image
from darkroom.media.pdq import DIHEDRAL_FORM_NAMES, dihedral_hashes, from_hex, hamming, to_hex

PYTHON_REFERENCE_TEST: Final = "facebook/ThreatExchange pdq/python/pdqhashing/tests/pdq_test.py"
CPP_REGRESSION_OUTPUT: Final = "facebook/ThreatExchange pdq/cpp/reg_test/expected/out"
THREATEXCHANGE_CLI_TEST: Final = (
    "facebook/ThreatExchange python-threatexchange/threatexchange/cli/tests/hash_cmd_test.py"
)
VECTOR_TOLERANCE: Final = 16
PDQ_DATA: Final = "pdq/data/"
BRIDGE_ORIGINAL: Final = "pdq/data/reg-test-input/dih/bridge-1-original.jpg"
SAMPLE_B: Final = "python-threatexchange/data/sample-b.jpg"
# What scripts/pdq-vectors.sh stages from the threatexchange sdist: its data/sample-b.jpg, which is
# also the picture of misc-images/b.jpg and bridge-1-original.jpg (every published hash of those
# two is reproduced bit for bit from it, see the README).
VECTOR_IMAGES_SHIPPED: Final = ("pdq/data/misc-images/b.jpg", BRIDGE_ORIGINAL, SAMPLE_B)


@dataclass(frozen=True, slots=True)
class PdqVector:
    """One published expectation: an image in a ThreatExchange checkout and its reference hash."""

    relative_path: str  # from the checkout's root, e.g. pdq/data/misc-images/b.jpg
    expected_hex: str
    source: str  # the file in facebook/ThreatExchange that publishes expected_hex
    form: int = 0  # dihedral form (see darkroom.media.pdq): 0 is the image as displayed


_LABELME: Final = "reg-test-input/labelme-subset/"
_BRIDGE: Final = "reg-test-input/dih/bridge-"

# Under pdq/data: (image, expected hash), as pdq_test.py lists them.
_PYTHON_TEST_HASHES: Final = (
    ("misc-images/b.jpg", "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"),
    ("misc-images/c.png", "e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064"),
    ("misc-images/small.jpg", "0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff"),
    ("misc-images/wee.jpg", "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d"),
    (_LABELME + "q0003.jpg", "54a977c221d14c1c43ba5e6e21d4a13989a3553f1462611cbb85fda7be83b677"),
    (_LABELME + "q0004.jpg", "992d44af36d69e6ca6b812585928bac11def254ef5398c6d07466c9abcc65b92"),
    (_LABELME + "q0122.jpg", "cfb2009ddd21c6dab0046a7745b5984757a8a4535b3377aea2591d32b33ff940"),
    (_LABELME + "q0291.jpg", "a0fe94f1e5cc1cc8dd855948498dc9243f7ca27336f036d7f212b74bc103c9a7"),
    (_LABELME + "q0746.jpg", "1049d96239e24d4dca2c55512b8bdb77425f4dbcf575a0a95555aaab5554aaaa"),
    (_LABELME + "q1050.jpg", "489db672e9190276d452aeab41eba20f02375fe4092d88defdf491a5c55c5f70"),
    (_LABELME + "q2821.jpg", "b150231ffae4710ffcf4f18bb574b109a576f14bb8543189f8743289f174b109"),
    (_BRIDGE + "1-original.jpg", "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"),
    (_BRIDGE + "2-rotate-90.jpg", "38a50efd71c83f429013d68d0ffffc52e34e0e15ada952a9d29684214aa9e5af"),
    (_BRIDGE + "3-rotate-180.jpg", "2dadda64b5a142e5d362209057da895ae63b8c7fc277b4b766b319361f893188"),
    (_BRIDGE + "4-rotate-270.jpg", "a5f0a457248995e8c9065c275aaa54d8b61ba4bdf8fcfc0387c32f8b0bfc4f05"),
    (_BRIDGE + "5-flipx.jpg", "d8f80f31e0f417b00e37f5dd028f980fb36ed12a9662c1e233e64c634e9c64dd"),
    (_BRIDGE + "6-flipy.jpg", "0dad259bb1a1bd18d362576556da32a1e63b7380c2374b4866b3c6c91b89ce77"),
    (_BRIDGE + "7-flip-plus-1.jpg", "f0a5e10271dcc0bd9c5309720fff018de34ef1e8ada9a956d2967ade1ea91a50"),
    (_BRIDGE + "8-flip-minus-1.jpg", "69f05aa8a4996a17c146a2da5aaaab07b61b5b60f8fc07fc83c3d0740bfcb0fa"),
)
# Under pdq/data: (image, expected hash, dihedral form). pdq-photo-hasher on each bridge image (all
# quality 100), then --pdqdih on the original: its forms 1-7.
_CPP_REGRESSION_HASHES: Final = (
    (_BRIDGE + "1-original.jpg", "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22", 0),
    (_BRIDGE + "2-rotate-90.jpg", "30a10efdf1c83f429013d48d0ffffc52e34e0e35ada952a9d29605215aa9e5af", 0),
    (_BRIDGE + "3-rotate-180.jpg", "2dad5a64b1a142e7d362a09857da895ae63b8c7fc23794b766b319361fc93188", 0),
    (_BRIDGE + "4-rotate-270.jpg", "a5f0a457248995e8c9065c275aaa5498b61ba4bdf8fcf80387c32f8b5bfc4f05", 0),
    (_BRIDGE + "5-flipx.jpg", "d8f80f33e0f417b20e37f5cd028f980fb36ed02a9662c1e233e64c634e9c64dd", 0),
    (_BRIDGE + "6-flipy.jpg", "2da9259bb1a1bd1a5362576552da32a5e63b7380c2774b4866b346c91b89ce77", 0),
    (_BRIDGE + "7-flip-plus-1.jpg", "f0a1e10271ccc0bd90530b720fff038de34ef1e8ada9a956d6967ade5ea91a50", 0),
    (_BRIDGE + "8-flip-minus-1.jpg", "2df05aa8a4896a17c14682da5aaaab07b61b5b42f8fc07fc87c3d0741bfcb0fa", 0),
    (_BRIDGE + "1-original.jpg", "f0a10efd51c83d429053d48d0fffbc52e34e0e17ada956a9d29685211ea9e58f", 1),
    (_BRIDGE + "1-original.jpg", "adad5a64b5a102e55b62a88052dacd5ae63b847fc337b4b766b399361bc93188", 2),
    (_BRIDGE + "1-original.jpg", "a5f0b457248995e8c1065c275aaa56d8b61ba4bdf8fcfc0383c32f8b0bfc4f05", 3),
    (_BRIDGE + "1-original.jpg", "d8f80f31e0f457b00637f5d5038f980fb36ed12a9662c1e233e64c634e9c64dd", 4),
    (_BRIDGE + "1-original.jpg", "8dada49991a1bd1a5362577742da32a5e63b7b80c2364b4866b346c91bc9ce77", 5),
    (_BRIDGE + "1-original.jpg", "f0a1e10271ccc0bd90530b720fff038de34ef1e8ada9a956d6967ade5ea91a50", 6),
    (_BRIDGE + "1-original.jpg", "a5f44ba8a4996a17cd06a1d85aaaa927b61b5b42f8fc03fc83c3d0740bfcb0fa", 7),
)

PUBLISHED_VECTORS: Final = (
    *(PdqVector(PDQ_DATA + path, expected, PYTHON_REFERENCE_TEST) for path, expected in _PYTHON_TEST_HASHES),
    *(
        PdqVector(PDQ_DATA + path, expected, CPP_REGRESSION_OUTPUT, form)
        for path, expected, form in _CPP_REGRESSION_HASHES
    ),
    PdqVector(
        SAMPLE_B, "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22", THREATEXCHANGE_CLI_TEST
    ),
)


@dataclass(frozen=True, slots=True)
class VectorResult:
    """darkroom's hash of one vector image against the published one."""

    relative_path: str
    expected_hex: str
    actual_hex: str | None  # darkroom's hash of the vector's form as analyse_media computes it (reduced)
    quality: int | None
    distance: int | None  # bits between actual_hex and expected_hex
    full_size_distance: int | None  # the same with a full-size decode, to tell decode from hashing
    passed: bool  # distance <= VECTOR_TOLERANCE
    error: str | None  # the image is missing or cannot be decoded
    source: str = PYTHON_REFERENCE_TEST
    form: int = 0

    @property
    def missing(self) -> bool:
        """The image is not in the folder checked (as opposed to present but failing)."""
        return self.actual_hex is None and self.error is not None and self.error.startswith("missing")

    @property
    def label(self) -> str:
        """The image, with the dihedral form when it is not the original, e.g. '... [rot90]'."""
        return (
            self.relative_path
            if self.form == 0
            else f"{self.relative_path} [{DIHEDRAL_FORM_NAMES[self.form]}]"
        )


def check_vectors(threatexchange_dir: Path) -> list[VectorResult]:
    """Hash every published vector image under threatexchange_dir (a ThreatExchange checkout, or
    its pdq/data folder) and compare with the expected hash; absent images come back missing."""
    checkout = _checkout_of(threatexchange_dir)
    hashes: dict[str, _ImageHashes | str] = {}
    return [_check_one(checkout, vector, hashes) for vector in PUBLISHED_VECTORS]


def _checkout_of(given: Path) -> _Checkout:
    if (given / "pdq" / "data").is_dir():
        return _Checkout(given, given / "pdq" / "data")
    if (given / "misc-images").is_dir() or (given / "reg-test-input").is_dir():
        in_checkout = given.name == "data" and given.parent.name == "pdq"
        return _Checkout(given.parent.parent if in_checkout else None, given)
    raise InvalidInput(f"{given} is not a ThreatExchange checkout or its pdq/data folder (no pdq/data/)")


@dataclass(frozen=True, slots=True)
class _Checkout:
    """Where the vector images are: pdq/data may be a copy outside any checkout (root None)."""

    root: Path | None
    pdq_data: Path

    def path_of(self, relative_path: str) -> Path | None:
        if relative_path.startswith(PDQ_DATA):
            return self.pdq_data / relative_path.removeprefix(PDQ_DATA)
        return None if self.root is None else self.root / relative_path


@dataclass(frozen=True, slots=True)
class _ImageHashes:
    """The 8 dihedral hashes of one image, from the reduced decode and from a full-size one."""

    reduced: tuple[bytes, ...]
    full_size: tuple[bytes, ...]
    quality: int


def _hashes_of(checkout: _Checkout, relative_path: str) -> _ImageHashes | str:
    """The image's hashes, or why it has none (missing, undecodable)."""
    path = checkout.path_of(relative_path)
    if path is None:
        return f"missing: {relative_path} (given a pdq/data folder outside a checkout)"
    if not path.is_file():
        return f"missing: {path}"
    try:
        reduced = dihedral_hashes(decode_image(path).pixels())
        full_size = dihedral_hashes(decode_image(path, min_side=None).pixels())
    except MediaError as err:
        return err.reason
    return _ImageHashes(tuple(h.pdq for h in reduced), tuple(h.pdq for h in full_size), reduced[0].quality)


def _check_one(checkout: _Checkout, vector: PdqVector, cache: dict[str, _ImageHashes | str]) -> VectorResult:
    if vector.relative_path not in cache:
        cache[vector.relative_path] = _hashes_of(checkout, vector.relative_path)
    hashes = cache[vector.relative_path]
    if isinstance(hashes, str):
        return VectorResult(
            vector.relative_path,
            vector.expected_hex,
            None,
            None,
            None,
            None,
            False,
            hashes,
            vector.source,
            vector.form,
        )
    expected = from_hex(vector.expected_hex)
    actual = hashes.reduced[vector.form]
    distance = hamming(actual, expected)
    return VectorResult(
        relative_path=vector.relative_path,
        expected_hex=vector.expected_hex,
        actual_hex=to_hex(actual),
        quality=hashes.quality,
        distance=distance,
        full_size_distance=hamming(hashes.full_size[vector.form], expected),
        passed=distance <= VECTOR_TOLERANCE,
        error=None,
        source=vector.source,
        form=vector.form,
    )
