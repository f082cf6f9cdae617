"""analyse_media end to end on generated images and videos, and media_kind_of."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from darkroom.errors import MediaError
from darkroom.media.analyse import ANALYSER_VERSION, MediaFacts, analyse_media, media_kind_of
from darkroom.media.pdq import dihedral_hashes, from_hex, hamming
from tests.media.generated_media import flat, photo_like, scene, write_video


@pytest.mark.parametrize(
    ("mime_type", "kind"),
    [
        ("image/jpeg", "image"),
        ("IMAGE/PNG", "image"),
        ("image/heic", "image"),
        ("video/mp4", "video"),
        ("video/quicktime; charset=binary", "video"),
        ("application/mp4", "video"),
        ("image/svg+xml", None),
        ("application/pdf", None),
        ("text/plain", None),
        ("", None),
    ],
)
def test_media_kind_of(mime_type: str, kind: str | None) -> None:
    assert media_kind_of(mime_type) == kind


def _camera_photo(path: Path) -> Path:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 250D"
    exif[0x0112] = 6
    exif[0x8769] = {0xA431: "083021001234", 0x9003: "2024:05:01 13:45:10"}
    photo_like(1, 1600, 1200).save(path, exif=exif, quality=90)
    return path


def test_image_facts(tmp_path: Path) -> None:
    facts = analyse_media(_camera_photo(tmp_path / "IMG_0001.JPG"), "image")
    assert isinstance(facts, MediaFacts)
    assert facts.media_kind == "image"
    assert (facts.width, facts.height) == (1200, 1600)  # orientation 6: shown portrait
    assert facts.duration_s is None
    assert facts.codec is None
    assert facts.frame_hash_method is None
    assert facts.image_format == "JPEG"
    assert [h.form for h in facts.hashes] == list(range(8))
    assert {h.at_s for h in facts.hashes} == {None}
    assert facts.pdq_hex is not None
    assert from_hex(facts.pdq_hex) == facts.hashes[0].pdq
    assert facts.pdq_quality == facts.hashes[0].quality == 100
    assert facts.exif.body_serial == "083021001234"
    assert facts.exif.taken_at == "2024-05-01T13:45:10"
    assert facts.thumbnail_jpeg is not None
    with Image.open(io.BytesIO(facts.thumbnail_jpeg)) as thumbnail:
        assert thumbnail.mode == "L"
        assert thumbnail.size == (192, 256)
    assert ANALYSER_VERSION


def test_image_form_zero_is_the_displayed_image(tmp_path: Path) -> None:
    upright = scene(2, 300, 200)
    exif = Image.Exif()
    exif[0x0112] = 3  # stored upside down
    path = tmp_path / "turned.png"
    upright.rotate(180).save(path, exif=exif)
    facts = analyse_media(path, "image")
    assert facts.hashes == dihedral_hashes(np.asarray(upright))


def test_video_facts(tmp_path: Path) -> None:
    grey = np.asarray(flat(320, 240))
    busy = np.asarray(scene(3, 320, 240))
    path = write_video(tmp_path / "clip.mp4", frames=[grey] * 10 + [busy] * 20, fps=10, bit_rate=4_000_000)
    facts = analyse_media(path, "video")
    assert facts.media_kind == "video"
    assert (facts.width, facts.height) == (320, 240)
    assert facts.duration_s == pytest.approx(3.0, abs=0.05)
    assert facts.codec == "mpeg4"
    assert facts.frame_hash_method == "pyav+pdq 1/s"
    assert [h.form for h in facts.hashes] == [0, 1, 2]
    assert [h.at_s for h in facts.hashes] == [0.0, 1.0, 2.0]
    # the headline hash is the first frame good enough to match on, not the flat opening
    assert facts.pdq_hex == facts.hashes[1].pdq.hex()
    assert facts.pdq_quality == facts.hashes[1].quality
    assert facts.exif.make is None
    assert facts.thumbnail_jpeg is not None


@pytest.mark.parametrize("kind", ["image", "video"])
def test_undecodable_files_are_media_errors(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "broken"
    path.write_bytes(b"\x00\x01garbage" * 50)
    with pytest.raises(MediaError):
        analyse_media(path, kind)  # type: ignore[arg-type]


def test_matches_python_threatexchange_at_full_size(tmp_path: Path) -> None:
    pdq_hasher = pytest.importorskip("threatexchange.signal_type.pdq.pdq_hasher")
    for seed, size, suffix in [(4, (640, 480), "jpg"), (5, (500, 333), "png"), (6, (700, 760), "jpg")]:
        path = tmp_path / f"image{seed}.{suffix}"
        scene(seed, *size).save(path)
        te_hex, te_quality = pdq_hasher.pdq_from_file(path)
        facts = analyse_media(path, "image")
        assert facts.pdq_hex == te_hex
        assert facts.pdq_quality == te_quality


def test_reduced_decode_stays_close_to_python_threatexchange(tmp_path: Path) -> None:
    pdq_hasher = pytest.importorskip("threatexchange.signal_type.pdq.pdq_hasher")
    path = tmp_path / "large.jpg"
    photo_like(7, 2048, 1536).save(path, quality=90)
    te_hex, _ = pdq_hasher.pdq_from_file(path)
    facts = analyse_media(path, "image")
    assert facts.pdq_hex is not None
    assert hamming(from_hex(facts.pdq_hex), from_hex(te_hex)) <= 10
