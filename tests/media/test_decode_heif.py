"""HEIC (the iPhone's own format, through libheif) and AVIF decode like a JPEG of the same picture:
upright once, EXIF facts kept, the same PDQ hash within a few bits; a damaged one is a MediaError."""

from __future__ import annotations

import io
from pathlib import Path

import magic
import pytest
from PIL import Image, TiffImagePlugin

from darkroom.errors import MediaError
from darkroom.media.analyse import media_kind_of
from darkroom.media.decode import decode_image
from darkroom.media.pdq import hamming, hash_pixels
from tests.media.generated_media import photo_like

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
R = TiffImagePlugin.IFDRational


def _phone_exif(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Apple"
    exif[0x0110] = "iPhone 15"
    exif[0x0112] = orientation
    exif[EXIF_IFD] = {0xA431: "F2LXK0001234", 0x9003: "2025:06:01 14:30:00"}
    exif[GPS_IFD] = {1: "N", 2: (R(59, 1), R(54, 1), R(0, 1)), 3: "E", 4: (R(4, 1), R(30, 1), R(0, 1))}
    return exif.tobytes()


def _saved(tmp_path: Path, suffix: str, orientation: int = 1) -> Path:
    path = tmp_path / f"IMG_0001.{suffix}"
    photo_like(7, 800, 600).save(path, exif=_phone_exif(orientation), quality=90)
    return path


@pytest.mark.parametrize(
    ("suffix", "mime", "pillow_format"), [("heic", "image/heic", "HEIF"), ("avif", "image/avif", "AVIF")]
)
def test_heic_and_avif_decode_like_the_jpeg(
    tmp_path: Path, suffix: str, mime: str, pillow_format: str
) -> None:
    path = _saved(tmp_path, suffix)
    assert magic.from_file(str(path), mime=True) == mime
    assert media_kind_of(mime) == "image"
    decoded = decode_image(path)
    reference = decode_image(_saved(tmp_path, "jpg"))
    assert decoded.image_format == pillow_format
    assert (decoded.width, decoded.height) == (800, 600)
    assert decoded.image.size == reference.image.size
    assert (decoded.exif.make, decoded.exif.model) == ("Apple", "iPhone 15")
    assert decoded.exif.body_serial == "F2LXK0001234"
    assert decoded.exif.gps_lat == pytest.approx(59.9) and decoded.exif.gps_lon == pytest.approx(4.5)
    pdq, quality = hash_pixels(decoded.pixels())
    reference_pdq, _ = hash_pixels(reference.pixels())
    assert quality >= 50
    assert hamming(pdq, reference_pdq) <= 8


@pytest.mark.parametrize("suffix", ["heic", "avif", "jpg"])
def test_a_rotated_phone_picture_is_upright_once(tmp_path: Path, suffix: str) -> None:
    """EXIF orientation 6 (held sideways): every format ends upright, 600 wide and 800 high."""
    decoded = decode_image(_saved(tmp_path, suffix, orientation=6))
    assert (decoded.width, decoded.height) == (600, 800)
    upright = decode_image(_upright_copy(tmp_path, suffix))
    assert hamming(hash_pixels(decoded.pixels())[0], hash_pixels(upright.pixels())[0]) <= 8


def _upright_copy(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"upright.{suffix}"
    photo_like(7, 800, 600).transpose(Image.Transpose.ROTATE_270).save(path, exif=_phone_exif(1), quality=90)
    return path


def test_a_damaged_heic_is_a_media_error(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    photo_like(7, 640, 480).save(buffer, format="HEIF", quality=90)
    path = tmp_path / "IMG_0002.heic"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(MediaError, match="cannot decode image"):
        decode_image(path)
