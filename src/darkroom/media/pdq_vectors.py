"""The published PDQ test vectors, and a check of darkroom's hashes against them.

Source: facebook/ThreatExchange, pdq/python/pdqhashing/tests/pdq_test.py — the expected hashes of
images under pdq/data, with that test's tolerance of 16 bits. The images are not shipped with
darkroom: point `check_vectors` (or `darkroom media pdq-check DIR`) at a checkout's pdq/data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from darkroom.errors import InvalidInput, MediaError
from darkroom.media.decode import decode_image
from darkroom.media.pdq import from_hex, hamming, hash_pixels, to_hex

VECTORS_SOURCE: Final = "facebook/ThreatExchange pdq/python/pdqhashing/tests/pdq_test.py"
VECTOR_TOLERANCE: Final = 16


@dataclass(frozen=True, slots=True)
class PdqVector:
    """One published expectation: an image under pdq/data and its reference hash."""

    relative_path: str
    expected_hex: str


PUBLISHED_VECTORS: Final = (
    PdqVector("misc-images/b.jpg", "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"),
    PdqVector("misc-images/c.png", "e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064"),
    PdqVector("misc-images/small.jpg", "0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff"),
    PdqVector("misc-images/wee.jpg", "6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d"),
    PdqVector(
        "reg-test-input/labelme-subset/q0003.jpg",
        "54a977c221d14c1c43ba5e6e21d4a13989a3553f1462611cbb85fda7be83b677",
    ),
    PdqVector(
        "reg-test-input/labelme-subset/q0004.jpg",
        "992d44af36d69e6ca6b812585928bac11def254ef5398c6d07466c9abcc65b92",
    ),
    PdqVector(
        "reg-test-input/labelme-subset/q0122.jpg",
        "cfb2009ddd21c6dab0046a7745b5984757a8a4535b3377aea2591d32b33ff940",
    ),
    PdqVector(
        "reg-test-input/labelme-subset/q0291.jpg",
        "a0fe94f1e5cc1cc8dd855948498dc9243f7ca27336f036d7f212b74bc103c9a7",
    ),
    PdqVector(
        "reg-test-input/labelme-subset/q0746.jpg",
        "1049d96239e24d4dca2c55512b8bdb77425f4dbcf575a0a95555aaab5554aaaa",
    ),
    PdqVector(
        "reg-test-input/labelme-subset/q1050.jpg",
        "489db672e9190276d452aeab41eba20f02375fe4092d88defdf491a5c55c5f70",
    ),
    PdqVector(
        "reg-test-input/labelme-subset/q2821.jpg",
        "b150231ffae4710ffcf4f18bb574b109a576f14bb8543189f8743289f174b109",
    ),
    PdqVector(
        "reg-test-input/dih/bridge-1-original.jpg",
        "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22",
    ),
    PdqVector(
        "reg-test-input/dih/bridge-2-rotate-90.jpg",
        "38a50efd71c83f429013d68d0ffffc52e34e0e15ada952a9d29684214aa9e5af",
    ),
    PdqVector(
        "reg-test-input/dih/bridge-3-rotate-180.jpg",
        "2dadda64b5a142e5d362209057da895ae63b8c7fc277b4b766b319361f893188",
    ),
    PdqVector(
        "reg-test-input/dih/bridge-4-rotate-270.jpg",
        "a5f0a457248995e8c9065c275aaa54d8b61ba4bdf8fcfc0387c32f8b0bfc4f05",
    ),
    PdqVector(
        "reg-test-input/dih/bridge-5-flipx.jpg",
        "d8f80f31e0f417b00e37f5dd028f980fb36ed12a9662c1e233e64c634e9c64dd",
    ),
    PdqVector(
        "reg-test-input/dih/bridge-6-flipy.jpg",
        "0dad259bb1a1bd18d362576556da32a1e63b7380c2374b4866b3c6c91b89ce77",
    ),
    PdqVector(
        "reg-test-input/dih/bridge-7-flip-plus-1.jpg",
        "f0a5e10271dcc0bd9c5309720fff018de34ef1e8ada9a956d2967ade1ea91a50",
    ),
    PdqVector(
        "reg-test-input/dih/bridge-8-flip-minus-1.jpg",
        "69f05aa8a4996a17c146a2da5aaaab07b61b5b60f8fc07fc83c3d0740bfcb0fa",
    ),
)


@dataclass(frozen=True, slots=True)
class VectorResult:
    """darkroom's hash of one vector image against the published one."""

    relative_path: str
    expected_hex: str
    actual_hex: str | None  # darkroom's form-0 hash as analyse_media computes it (reduced decode)
    quality: int | None
    distance: int | None  # bits between actual_hex and expected_hex
    full_size_distance: int | None  # the same with a full-size decode, to tell decode from hashing
    passed: bool  # distance <= VECTOR_TOLERANCE
    error: str | None  # the image is missing or cannot be decoded


def check_vectors(pdq_data_dir: Path) -> list[VectorResult]:
    """Hash every published vector image under pdq_data_dir (a ThreatExchange pdq/data folder,
    or the checkout's root) and compare with the expected hash."""
    data_dir = _data_dir(pdq_data_dir)
    return [_check_one(data_dir, vector) for vector in PUBLISHED_VECTORS]


def _data_dir(given: Path) -> Path:
    for candidate in (given, given / "pdq" / "data", given / "data"):
        if (candidate / "misc-images").is_dir() or (candidate / "reg-test-input").is_dir():
            return candidate
    raise InvalidInput(f"{given} is not a ThreatExchange pdq/data folder (no misc-images/, reg-test-input/)")


def _check_one(data_dir: Path, vector: PdqVector) -> VectorResult:
    path = data_dir / vector.relative_path
    if not path.is_file():
        return _failed(vector, f"missing: {path}")
    try:
        pdq, quality = hash_pixels(decode_image(path).pixels())
        full_pdq, _ = hash_pixels(decode_image(path, min_side=None).pixels())
    except MediaError as err:
        return _failed(vector, err.reason)
    expected = from_hex(vector.expected_hex)
    distance = hamming(pdq, expected)
    return VectorResult(
        relative_path=vector.relative_path,
        expected_hex=vector.expected_hex,
        actual_hex=to_hex(pdq),
        quality=quality,
        distance=distance,
        full_size_distance=hamming(full_pdq, expected),
        passed=distance <= VECTOR_TOLERANCE,
        error=None,
    )


def _failed(vector: PdqVector, error: str) -> VectorResult:
    return VectorResult(vector.relative_path, vector.expected_hex, None, None, None, None, False, error)
