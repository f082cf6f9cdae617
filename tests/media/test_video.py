"""Video facts and one PDQ hash per second, on short generated clips of moving shapes."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from darkroom.errors import MediaError
from darkroom.media import QUALITY_THRESHOLD
from darkroom.media.pdq import hamming, hash_pixels
from darkroom.media.video import FRAME_HASH_METHOD, analyse_video, representative_frame
from tests.media.generated_media import flat, scene, set_display_rotation, write_video


def test_mpeg4_clip_facts_and_one_hash_per_second(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.mp4", seconds=3, fps=10, width=320, height=240)
    video = analyse_video(path)
    assert video.codec == "mpeg4"
    assert (video.width, video.height) == (320, 240)
    assert video.duration_s == pytest.approx(3.0, abs=0.05)
    assert [h.form for h in video.hashes] == [0, 1, 2]
    assert [h.at_s for h in video.hashes] == [0.0, 1.0, 2.0]
    assert all(len(h.pdq) == 32 for h in video.hashes)
    assert not video.notes
    assert FRAME_HASH_METHOD == "pyav+pdq 1/s"


def test_h264_with_reordered_frames(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.mkv", seconds=4, fps=25, codec="libx264")
    video = analyse_video(path)
    assert video.codec == "h264"
    assert [h.at_s for h in video.hashes] == [0.0, 1.0, 2.0, 3.0]
    # the box moves, so consecutive samples differ
    assert hamming(video.hashes[0].pdq, video.hashes[3].pdq) > 0


def test_frame_rate_not_dividing_a_second(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.mp4", seconds=3, fps=7)
    video = analyse_video(path)
    assert len(video.hashes) == 3
    for ordinal, sample in enumerate(video.hashes):
        assert ordinal <= sample.at_s < ordinal + 1 / 7 + 1e-6


def test_a_frame_equal_to_a_still_hashes_near_the_still(tmp_path: Path) -> None:
    still = np.asarray(scene(3, 320, 240))
    path = write_video(tmp_path / "still.mp4", frames=[still] * 20, fps=10, bit_rate=4_000_000)
    video = analyse_video(path)
    still_pdq, _ = hash_pixels(still)
    assert len(video.hashes) == 2
    assert all(hamming(sample.pdq, still_pdq) <= 16 for sample in video.hashes)
    assert np.asarray(video.representative).shape == (240, 320, 3)


def test_large_frames_are_hashed_reduced_and_close_to_full(tmp_path: Path) -> None:
    frame = np.asarray(scene(4, 1280, 800, noise=0))
    path = write_video(
        tmp_path / "hd.mp4", frames=[frame] * 5, fps=5, width=1280, height=800, bit_rate=8_000_000
    )
    reduced = analyse_video(path)
    full = analyse_video(path, min_side=None)
    assert (reduced.width, reduced.height) == (1280, 800)
    assert reduced.representative.size == (640, 400)
    assert full.representative.size == (1280, 800)
    assert hamming(reduced.hashes[0].pdq, full.hashes[0].pdq) <= 12


def test_flat_frames_are_kept_with_their_low_quality(tmp_path: Path) -> None:
    grey = np.asarray(flat(160, 120))
    path = write_video(tmp_path / "flat.mp4", frames=[grey] * 10, fps=5, width=160, height=120)
    video = analyse_video(path)
    assert len(video.hashes) == 2
    assert all(sample.quality < QUALITY_THRESHOLD for sample in video.hashes)


def test_representative_frame_is_the_first_good_one(tmp_path: Path) -> None:
    grey = np.asarray(flat(320, 240))
    busy = np.asarray(scene(5, 320, 240))
    path = write_video(tmp_path / "late.mp4", frames=[grey] * 10 + [busy] * 10, fps=10, bit_rate=4_000_000)
    video = analyse_video(path)
    assert video.hashes[0].quality < QUALITY_THRESHOLD <= video.hashes[1].quality
    first_good = representative_frame(path)
    assert hamming(hash_pixels(np.asarray(first_good))[0], video.hashes[1].pdq) <= 4


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.mp4", b""),
        ("random.mp4", bytes(np.random.default_rng(2).integers(0, 256, 8192, dtype=np.uint8))),
        ("text.mkv", b"not a video\n" * 100),
    ],
)
def test_unreadable_files_are_media_errors(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MediaError, match="cannot open video"):
        analyse_video(path)


def test_truncated_mp4_is_a_media_error(tmp_path: Path) -> None:
    whole = write_video(tmp_path / "whole.mp4", seconds=2, fps=10).read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(whole[: len(whole) // 2])  # the index (moov) is written last: it is gone
    with pytest.raises(MediaError):
        analyse_video(path)


def test_audio_only_file_is_a_media_error(tmp_path: Path) -> None:
    path = tmp_path / "sound.wav"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 8000), dtype=np.int16), format="s16", layout="mono")
        frame.sample_rate = 8000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with pytest.raises(MediaError, match="no video stream"):
        analyse_video(path)


def test_damage_inside_a_stream_keeps_what_decodes(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.ts", seconds=4, fps=25, codec="mpeg2video")
    content = bytearray(path.read_bytes())
    rng = np.random.default_rng(0)
    for offset in rng.integers(len(content) // 4, len(content) * 3 // 4, 300):
        content[offset] = int(rng.integers(0, 256))
    damaged = tmp_path / "damaged.ts"
    damaged.write_bytes(bytes(content))
    video = analyse_video(damaged)
    assert 1 <= len(video.hashes) <= 4
    assert video.notes


def test_evidence_is_opened_read_only(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.mp4", seconds=1, fps=5)
    path.chmod(0o444)
    before = path.read_bytes()
    analyse_video(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_other_sampling_intervals(tmp_path: Path) -> None:
    path = write_video(tmp_path / "clip.mp4", seconds=3, fps=10)
    assert [h.at_s for h in analyse_video(path, interval_s=0.5).hashes] == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    with pytest.raises(ValueError, match="positive"):
        analyse_video(path, interval_s=0)


def test_a_phone_video_held_upright_is_hashed_and_shown_upright(tmp_path: Path) -> None:
    """Stored 320x240 with a display matrix of a quarter turn clockwise (how phones record portrait):
    analysed as the 240x320 picture players show, hashed like that picture."""
    frame = np.asarray(scene(4, 320, 240), dtype=np.uint8)
    path = write_video(tmp_path / "portrait.mp4", frames=[frame] * 10, fps=10, width=320, height=240)
    plain = analyse_video(path)
    set_display_rotation(path, 1)
    video = analyse_video(path)
    assert (plain.width, plain.height) == (320, 240)
    assert (video.width, video.height) == (240, 320)
    assert video.representative.size == (240, 320)
    upright = np.ascontiguousarray(np.rot90(frame, -1))  # a quarter turn clockwise
    upright_pdq, _ = hash_pixels(upright)
    assert hamming(video.hashes[0].pdq, upright_pdq) <= 8
    assert hamming(plain.hashes[0].pdq, upright_pdq) > 31  # unturned, a different picture to PDQ
    assert representative_frame(path).size == (240, 320)
