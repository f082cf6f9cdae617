"""Thumbnails on disk are greyscale and blurred; the clear rendition exists only in memory."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from darkroom.errors import MediaError
from darkroom.media.reveal import clear_rendition
from darkroom.media.thumbnails import THUMBNAIL_MAX_SIDE, blur_radius, blurred_thumbnail
from tests.media.generated_media import photo_like, scene, write_video


def _laplacian_variance(image: Image.Image) -> float:
    """High-frequency energy: the variance of the 4-neighbour Laplacian of the luma."""
    grey = np.asarray(image.convert("L"), dtype=np.float64)
    laplacian = -4 * grey[1:-1, 1:-1] + grey[:-2, 1:-1] + grey[2:, 1:-1] + grey[1:-1, :-2] + grey[1:-1, 2:]
    return float(laplacian.var())


def _open(jpeg: bytes) -> Image.Image:
    with Image.open(io.BytesIO(jpeg)) as image:
        image.load()
        return image


@pytest.mark.parametrize("size", [(800, 600), (600, 900), (1200, 300)])
def test_thumbnail_is_grey_small_and_blurred(size: tuple[int, int]) -> None:
    source = photo_like(1, *size)
    thumbnail = _open(blurred_thumbnail(source))
    assert thumbnail.format == "JPEG"
    assert thumbnail.mode == "L"
    assert max(thumbnail.size) == THUMBNAIL_MAX_SIDE
    ratio = size[0] / size[1]
    assert thumbnail.size[0] / thumbnail.size[1] == pytest.approx(ratio, rel=0.02)
    clear = source.convert("L").resize(thumbnail.size, Image.Resampling.LANCZOS)
    # A clear downscale of the same picture holds far more fine detail than the thumbnail.
    assert _laplacian_variance(thumbnail) < 0.02 * _laplacian_variance(clear)


def test_thumbnail_of_sharp_shapes_loses_its_edges() -> None:
    source = scene(2, 512, 384, noise=0)
    thumbnail = _open(blurred_thumbnail(source))
    clear = source.convert("L").resize(thumbnail.size, Image.Resampling.LANCZOS)
    assert _laplacian_variance(thumbnail) < 0.05 * _laplacian_variance(clear)


def test_small_images_are_not_enlarged() -> None:
    thumbnail = _open(blurred_thumbnail(scene(3, 120, 80)))
    assert thumbnail.size == (120, 80)
    assert thumbnail.mode == "L"


def test_blur_radius_grows_with_size() -> None:
    assert blur_radius(256) == pytest.approx(6.4)
    assert blur_radius(40) == 2.0


def test_thumbnail_carries_no_exif() -> None:
    source = scene(4, 300, 200)
    source.info["exif"] = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x00"
    assert not _open(blurred_thumbnail(source)).getexif()


def test_clear_rendition_is_colour_sharp_and_in_memory(tmp_path: Path) -> None:
    source = photo_like(5, 1600, 1200)
    path = tmp_path / "evidence.jpg"
    source.save(path, quality=92)
    listing = sorted(tmp_path.iterdir())
    rendition = _open(clear_rendition(path))
    assert sorted(tmp_path.iterdir()) == listing
    assert rendition.format == "JPEG"
    assert rendition.mode == "RGB"
    assert max(rendition.size) == 1024
    thumbnail = _open(blurred_thumbnail(source)).resize(rendition.size)
    assert _laplacian_variance(rendition) > 20 * _laplacian_variance(thumbnail)


def test_clear_rendition_is_upright(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "sideways.jpg"
    scene(6, 400, 300).save(path, exif=exif)
    assert _open(clear_rendition(path, max_side=200)).size == (150, 200)


def test_clear_rendition_of_a_video_frame(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.mp4", seconds=2, fps=5)
    rendition = _open(clear_rendition(path, media_kind="video"))
    assert rendition.mode == "RGB"
    assert rendition.size == (320, 240)


def test_clear_rendition_of_a_bad_file_is_a_media_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not really")
    with pytest.raises(MediaError):
        clear_rendition(path)
    with pytest.raises(MediaError):
        clear_rendition(path, media_kind="video")
