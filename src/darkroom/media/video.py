"""Video facts and per-second PDQ frame hashes through PyAV (vpdq has no wheels here).

Every frame is decoded in order (seeking per sample costs more: each seek re-decodes from the
previous keyframe, and phone video has keyframes 1-10 s apart), but only the first frame at or
after each whole second is converted to RGB and hashed, at reduced size like still images.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import av
import av.container
import av.video.frame
import av.video.stream
import numpy as np
import numpy.typing as npt
from PIL import Image

from darkroom.errors import MediaError
from darkroom.media import QUALITY_THRESHOLD
from darkroom.media.decode import DRAFT_MIN_SIDE
from darkroom.media.pdq import PdqHash, hash_pixels

FRAME_HASH_METHOD: Final = "pyav+pdq 1/s"
SAMPLE_INTERVAL_S: Final = 1.0
# Past this many undecodable packets the file is treated as not a video at all.
MAX_PACKET_ERRORS: Final = 100
_OPEN_ERRORS: Final = (av.FFmpegError, OSError, ValueError, UnicodeDecodeError, MemoryError)
# PyAV raises IndexError when a damaged MPEG-TS seems to open a new stream mid-file.
_DEMUX_ERRORS: Final = (av.FFmpegError, ValueError, OSError, IndexError, KeyError, MemoryError)
_EPSILON_S: Final = 1e-6


@dataclass(frozen=True, slots=True)
class VideoAnalysis:
    """What a video file says about itself, and one PDQ hash per sampled second."""

    width: int
    height: int
    duration_s: float | None
    codec: str
    hashes: tuple[PdqHash, ...]  # form = sample ordinal, at_s = seconds from the first frame
    representative: Image.Image  # RGB: the first sampled frame of quality >= 50, else the first
    notes: tuple[str, ...]  # packets that would not decode, a truncated end …


def analyse_video(
    path: Path, *, interval_s: float = SAMPLE_INTERVAL_S, min_side: int | None = DRAFT_MIN_SIDE
) -> VideoAnalysis:
    """Open read-only, decode the first video stream and hash one frame per `interval_s` seconds.

    Raises MediaError when the file cannot be opened as a container, holds no video stream or
    yields no decodable frame.
    """
    if not interval_s > 0:
        raise ValueError(f"interval_s must be positive, got {interval_s}")
    try:
        container = av.open(str(path), mode="r", metadata_errors="replace")
    except _OPEN_ERRORS as err:
        raise MediaError(f"cannot open video: {_describe(err)}") from err
    with container:
        stream = _video_stream(container)
        sampler = _FrameSampler(interval_s, min_side, _frame_rate(stream))
        notes = _decode_all(container, stream, sampler)
        if not sampler.hashes or sampler.first_image is None:
            raise MediaError("video holds no decodable frame" + (f" ({notes[0]})" if notes else ""))
        width, height = sampler.first_size  # as displayed: a phone's portrait video is stored sideways
        return VideoAnalysis(
            width=width,
            height=height,
            duration_s=_duration(container, stream, sampler),
            codec=stream.codec_context.name,
            hashes=tuple(sampler.hashes),
            representative=sampler.good_image or sampler.first_image,
            notes=tuple(notes),
        )


def representative_frame(path: Path, *, min_side: int | None = None) -> Image.Image:
    """The frame analyse_video shows for a video (first sampled frame of quality >= 50, else the
    first), decoding only as far as needed; full size unless min_side is given."""
    try:
        container = av.open(str(path), mode="r", metadata_errors="replace")
    except _OPEN_ERRORS as err:
        raise MediaError(f"cannot open video: {_describe(err)}") from err
    with container:
        stream = _video_stream(container)
        sampler = _FrameSampler(SAMPLE_INTERVAL_S, min_side, _frame_rate(stream))
        notes = _decode_all(container, stream, sampler, stop_at_good=True)
        if sampler.first_image is None:
            raise MediaError("video holds no decodable frame" + (f" ({notes[0]})" if notes else ""))
        return sampler.good_image or sampler.first_image


def _video_stream(container: av.container.InputContainer) -> av.video.stream.VideoStream:
    if not container.streams.video:
        raise MediaError("file holds no video stream")
    stream = container.streams.video[0]
    if getattr(stream, "codec_context", None) is None:
        raise MediaError("no decoder for the video stream's codec")
    stream.thread_type = "AUTO"
    return stream


def _decode_all(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    sampler: _FrameSampler,
    *,
    stop_at_good: bool = False,
) -> list[str]:
    """Feed every decodable frame to the sampler; undecodable packets are counted, not fatal."""
    notes: list[str] = []
    packet_errors = 0
    for packet in _packets(container, stream, notes):
        try:
            for frame in packet.decode():
                if isinstance(frame, av.video.frame.VideoFrame):
                    sampler.offer(frame)
        except (av.FFmpegError, ValueError) as err:
            # a packet the decoder rejects, or a frame whose pixel format cannot become RGB
            packet_errors += 1
            if packet_errors == 1:
                notes.append(f"undecodable packet: {_describe(err)}")
            if packet_errors > MAX_PACKET_ERRORS:
                raise MediaError(f"more than {MAX_PACKET_ERRORS} undecodable packets") from err
            continue
        if stop_at_good and sampler.good_image is not None:
            break
    if packet_errors > 1:
        notes.append(f"{packet_errors} packets could not be decoded")
    return notes


def _packets(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, notes: list[str]
) -> Iterator[av.Packet[av.video.stream.VideoStream]]:
    """Demux the stream's packets; a damaged or truncated container ends the stream with a note."""
    demuxer = container.demux(stream)
    while True:
        try:
            packet = next(demuxer)
        except StopIteration:
            return
        except _DEMUX_ERRORS as err:
            notes.append(f"container stops early: {_describe(err)}")
            return
        yield packet


@dataclass(slots=True)
class _FrameSampler:
    """Keeps the first frame at or after each multiple of interval_s and hashes it."""

    interval_s: float
    min_side: int | None
    frame_rate: float | None
    hashes: list[PdqHash] = field(default_factory=list)
    first_image: Image.Image | None = None
    good_image: Image.Image | None = None
    first_size: tuple[int, int] = (0, 0)  # as displayed (rotation applied)
    origin_s: float | None = None
    next_at_s: float = 0.0
    frames_seen: int = 0
    last_at_s: float = 0.0

    def offer(self, frame: av.video.frame.VideoFrame) -> None:
        at_s = self._time_of(frame)
        self.frames_seen += 1
        if self.origin_s is None:
            self.origin_s = at_s
        relative_s = at_s - self.origin_s
        self.last_at_s = max(self.last_at_s, relative_s)
        if relative_s + _EPSILON_S < self.next_at_s:
            return
        rgb = _frame_pixels(frame, self.min_side)
        pdq, quality = hash_pixels(rgb)
        self.hashes.append(PdqHash(len(self.hashes), round(relative_s, 3), pdq, quality))
        if self.first_image is None:
            self.first_image = Image.fromarray(rgb)
            quarter_turned = _quarter_turns(frame) % 2 == 1
            self.first_size = (frame.height, frame.width) if quarter_turned else (frame.width, frame.height)
        if self.good_image is None and quality >= QUALITY_THRESHOLD:
            self.good_image = Image.fromarray(rgb)
        self.next_at_s = (math.floor(relative_s / self.interval_s + _EPSILON_S) + 1) * self.interval_s

    def _time_of(self, frame: av.video.frame.VideoFrame) -> float:
        if frame.time is not None:
            return float(frame.time)
        # No timestamps (raw streams): count frames at the stream's rate, else 25 per second.
        return self.frames_seen / (self.frame_rate or 25.0)


def _quarter_turns(frame: av.video.frame.VideoFrame) -> int:
    """Counter-clockwise quarter turns that show the frame upright: its display matrix (a phone
    held upright records sideways frames and says so there), as players and FFmpeg apply it."""
    return round(frame.rotation / 90) % 4


def _frame_pixels(frame: av.video.frame.VideoFrame, min_side: int | None) -> npt.NDArray[np.uint8]:
    """The frame upright as C-contiguous RGB, area-reduced by a whole factor keeping the shorter side
    >= min_side."""
    factor = min(frame.width, frame.height) // min_side if min_side else 1
    if factor >= 2:
        rgb = frame.to_ndarray(
            format="rgb24", width=frame.width // factor, height=frame.height // factor, interpolation="AREA"
        )
    else:
        rgb = frame.to_ndarray(format="rgb24")
    turns = _quarter_turns(frame)
    if turns:
        rgb = np.rot90(rgb, turns)
    return np.ascontiguousarray(rgb, dtype=np.uint8)


def _frame_rate(stream: av.video.stream.VideoStream) -> float | None:
    rate = stream.average_rate or stream.base_rate
    return float(rate) if rate else None


def _duration(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, sampler: _FrameSampler
) -> float | None:
    """The container's duration, else the stream's, else the span of the decoded frames."""
    if container.duration is not None and container.duration > 0:
        return round(container.duration / av.time_base, 3)
    if stream.duration is not None and stream.time_base is not None and stream.duration > 0:
        return round(float(stream.duration * stream.time_base), 3)
    if sampler.frames_seen and sampler.frame_rate:
        return round(sampler.last_at_s + 1 / sampler.frame_rate, 3)
    return None


def _describe(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
