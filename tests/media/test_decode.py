"""Image decoding: draft size, orientation, pixel modes and formats, and every way a file can be bad."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from darkroom.errors import MediaError
from darkroom.media.decode import DRAFT_MIN_SIDE, decode_image
from darkroom.media.pdq import hamming, hash_pixels
from tests.media.generated_media import photo_like, scene


def _save(image: Image.Image, path: Path, **params: object) -> Path:
    image.save(path, **params)
    return path


def _pillow_rgb(path: Path, *, upright: bool = False) -> np.ndarray:
    """The plain Pillow decode to compare with: full size, first frame."""
    with Image.open(path) as image:
        shown = ImageOps.exif_transpose(image) if upright else image
        return np.asarray(shown.convert("RGB"))


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width x height RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def test_large_jpeg_is_drafted_but_reports_its_full_size(tmp_path: Path) -> None:
    path = _save(photo_like(1, 1600, 1200), tmp_path / "large.jpg", quality=88)
    decoded = decode_image(path)
    assert (decoded.width, decoded.height) == (1600, 1200)
    assert decoded.image_format == "JPEG"
    assert DRAFT_MIN_SIDE <= min(decoded.image.size) < 2 * DRAFT_MIN_SIDE
    full = decode_image(path, min_side=None)
    assert full.image.size == (1600, 1200)
    # the measured drift of a 1/2 draft on this kind of image is <= 8 bits (decode.py docstring)
    assert hamming(hash_pixels(decoded.pixels())[0], hash_pixels(full.pixels())[0]) <= 10


def test_mpo_first_picture_is_drafted_like_a_jpeg(tmp_path: Path) -> None:
    path = tmp_path / "phone.mpo"
    second_picture = photo_like(3, 1600, 1200)
    photo_like(2, 1600, 1200).save(path, format="MPO", save_all=True, append_images=[second_picture])
    decoded = decode_image(path)
    assert decoded.image_format == "MPO"
    assert (decoded.width, decoded.height) == (1600, 1200)
    assert decoded.image.size == (800, 600)
    assert hamming(hash_pixels(decoded.pixels())[0], hash_pixels(_pillow_rgb(path))[0]) <= 10


def test_small_jpeg_is_decoded_at_full_size(tmp_path: Path) -> None:
    path = _save(scene(2, 640, 480), tmp_path / "vga.jpg", quality=90)
    decoded = decode_image(path)
    assert decoded.image.size == (640, 480)
    assert np.array_equal(decoded.pixels(), _pillow_rgb(path))


def test_large_png_is_box_reduced(tmp_path: Path) -> None:
    path = _save(scene(3, 1200, 900, noise=0), tmp_path / "large.png")
    decoded = decode_image(path)
    assert (decoded.width, decoded.height) == (1200, 900)
    assert decoded.image.size == (600, 450)
    full = decode_image(path, min_side=None)
    assert hamming(hash_pixels(decoded.pixels())[0], hash_pixels(full.pixels())[0]) <= 10


def test_orientation_6_gives_the_upright_image(tmp_path: Path) -> None:
    upright = scene(4, 300, 200)
    # Orientation 6 means "rotate 90° clockwise to display": store the pixels turned the other way.
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = _save(stored, tmp_path / "sideways.jpg", exif=exif, quality=95)
    decoded = decode_image(path)
    assert decoded.orientation == 6
    assert (decoded.width, decoded.height) == (300, 200)
    assert decoded.image.size == (300, 200)
    assert hash_pixels(decoded.pixels()) == hash_pixels(_pillow_rgb(path, upright=True))
    # and near the hash of the upright original (only JPEG loss between them)
    assert hamming(hash_pixels(decoded.pixels())[0], hash_pixels(np.asarray(upright))[0]) <= 8


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_pillows_exif_transpose(tmp_path: Path, orientation: int) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = _save(scene(5, 120, 80), tmp_path / f"o{orientation}.png", exif=exif)
    decoded = decode_image(path)
    expected = _pillow_rgb(path, upright=True)
    assert np.array_equal(decoded.pixels(), expected)
    assert (decoded.width, decoded.height) == (expected.shape[1], expected.shape[0])


def test_draft_and_orientation_together(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 8
    path = _save(photo_like(6, 1600, 1000), tmp_path / "big-rotated.jpg", exif=exif, quality=85)
    decoded = decode_image(path)
    assert (decoded.width, decoded.height) == (1000, 1600)
    assert decoded.image.size[0] < decoded.image.size[1]


@pytest.mark.parametrize(
    ("mode", "suffix"),
    [
        ("P", "png"),
        ("LA", "png"),
        ("RGBA", "png"),
        ("CMYK", "jpg"),
        ("L", "jpg"),
        ("1", "png"),
        ("CMYK", "tif"),
    ],
)
def test_every_mode_becomes_rgb(tmp_path: Path, mode: str, suffix: str) -> None:
    source = scene(7, 90, 60).convert(mode)
    path = _save(source, tmp_path / f"image.{suffix}")
    decoded = decode_image(path)
    assert decoded.image.mode == "RGB"
    assert decoded.pixels().shape == (60, 90, 3)
    assert decoded.pixels().flags.c_contiguous


def test_sixteen_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    ramp = np.tile(np.linspace(0, 65535, 128).astype(np.uint16), (32, 1))
    path = tmp_path / "deep.png"
    Image.fromarray(ramp).save(path)
    with Image.open(path) as stored:
        assert stored.mode.startswith("I")
    pixels = decode_image(path).pixels()
    assert pixels[0, 0, 0] == 0
    assert pixels[0, -1, 0] == 255
    assert 100 < pixels[0, 64, 0] < 155  # the middle of the ramp, not white
    assert np.all(np.diff(pixels[0, :, 0].astype(int)) >= 0)


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "BMP", "TIFF", "PNG", "PPM"])
def test_other_formats_decode(tmp_path: Path, fmt: str) -> None:
    path = _save(scene(8, 100, 70), tmp_path / f"image.{fmt.lower()}", format=fmt)
    decoded = decode_image(path)
    assert decoded.image_format == fmt
    assert (decoded.width, decoded.height) == (100, 70)


def test_animated_gif_gives_its_first_frame(tmp_path: Path) -> None:
    first, second = scene(9, 80, 60), scene(10, 80, 60)
    path = tmp_path / "anim.gif"
    first.save(path, save_all=True, append_images=[second], duration=100, loop=0)
    assert np.array_equal(decode_image(path).pixels(), _pillow_rgb(path))


def test_evidence_is_not_modified(tmp_path: Path) -> None:
    path = _save(scene(11, 200, 150), tmp_path / "evidence.jpg")
    path.chmod(0o444)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    decode_image(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidence.jpg"]


def _jpeg_bytes(width: int = 200, height: int = 150) -> bytes:
    buffer = io.BytesIO()
    scene(12, width, height).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("zero-bytes.jpg", b""),
        ("random.jpg", bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8))),
        ("truncated.jpg", _jpeg_bytes()[:1500]),
        ("header-only.jpg", _jpeg_bytes()[:200]),
        ("text.png", b"this is not an image at all\n" * 10),
        ("bomb.png", _png_declaring(100_000, 100_000)),
        ("large-declared.png", _png_declaring(12_000, 10_000)),
    ],
)
def test_bad_files_are_media_errors(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MediaError) as caught:
        decode_image(path)
    assert caught.value.reason
    assert caught.value.exit_code == 1


def test_bomb_reason_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_declaring(100_000, 100_000))
    with pytest.raises(MediaError, match="decompression bomb"):
        decode_image(path)


def test_corrupt_exif_does_not_fail_the_image(tmp_path: Path) -> None:
    broken = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\xff\xff" + b"\x01" * 40
    path = _save(scene(13, 120, 90), tmp_path / "broken-exif.jpg", exif=broken)
    decoded = decode_image(path)
    assert decoded.image.size == (120, 90)
    assert decoded.exif.make is None
    assert "exif_error" in decoded.exif.other
    assert decoded.notes


def _encoded(seed: int, fmt: str) -> bytes:
    buffer = io.BytesIO()
    scene(seed, 64, 48).save(buffer, fmt)
    return buffer.getvalue()


_VALID_FILES = {"jpeg": _jpeg_bytes(64, 48), "png": _encoded(14, "PNG"), "gif": _encoded(15, "GIF")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(sorted(_VALID_FILES)),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.integers(0, 10_000),
)
def test_mutated_files_give_an_image_or_a_media_error(
    tmp_path: Path, kind: str, edits: list[tuple[int, int]], cut: int
) -> None:
    content = bytearray(_VALID_FILES[kind])
    for offset, value in edits:
        content[offset % len(content)] = value
    path = tmp_path / f"mutated.{kind}"
    path.write_bytes(bytes(content[: max(1, cut % (len(content) + 1))]))
    try:
        decoded = decode_image(path)
    except MediaError:
        return
    assert decoded.pixels().ndim == 3
