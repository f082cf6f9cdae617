"""Short benign videos: shapes drifting over a gradient, some holding a known scene's photo.

A few videos land in phone camera rolls, laptop pictures and downloads. Some show, for a few
seconds, the original photo of a scene whose PDQ the CSV hash set carries, so per-second frame
hashing can match the video perceptually; one is listed in a VICS hash list by its digests.

Encoded with PyAV as MPEG-4 Part 2 in MP4 with FFmpeg's bitexact flags (no encoder version,
no creation time) and one encoder thread: the same plan gives the same bytes with the same
FFmpeg build. Another FFmpeg version may encode differently; truth.json records the digests.
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import av
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageOps

from darkroom.synth.exhibits import ExhibitPlan, MediaRole
from darkroom.synth.images import Digests, decoded_pixels, digests_of, render_image, render_scene
from darkroom.synth.media import MediaPlan, ScenePlan, local_time, scene_time
from darkroom.synth.rng import derive_seed
from darkroom.synth.scales import ScaleName

VIDEO_COUNTS: Mapping[ScaleName, tuple[int, int]] = {  # (videos, of which hold a known scene)
    "small": (3, 1),
    "medium": (8, 2),
    "dark-room": (36, 6),
}
WIDTH, HEIGHT, FPS = 640, 480, 4
CODEC: Final = "mpeg4"
CONTAINER: Final = "mp4"
_ROLES: tuple[MediaRole, ...] = ("camera", "pictures", "downloads")


@dataclass(frozen=True, slots=True)
class SceneStretch:
    """Whole seconds [start_s, end_s) during which every frame is the scene's original photo."""

    scene: str
    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True)
class VideoPlan:
    """One video file: where it goes, how long it runs, and what it shows."""

    id: str
    exhibit: str
    path: str
    when: datetime
    seed: int
    duration_s: int
    stretch: SceneStretch | None
    in_vics: bool

    @property
    def frame_count(self) -> int:
        return self.duration_s * FPS


@dataclass(frozen=True, slots=True)
class WrittenVideo:
    """A video as written: its plan and digests."""

    plan: VideoPlan
    digests: Digests


def plan_videos(
    exhibits: Sequence[ExhibitPlan], media: MediaPlan, scale: ScaleName, seed: int, rng: random.Random
) -> list[VideoPlan]:
    """Videos on folder exhibits of phones and laptops; the first ones show a CSV-listed scene."""
    folders = {
        exhibit.ref: [exhibit.profile.media[role] for role in _ROLES if role in exhibit.profile.media]
        for exhibit in exhibits
        if exhibit.profile.container == "folder" and exhibit.profile.kind in {"phone", "laptop"}
    }
    holders = [exhibit for exhibit in exhibits if folders.get(exhibit.ref)]
    if not holders:
        return []
    count, with_scene = VIDEO_COUNTS[scale]
    scenes = _listed_scenes(media)
    chosen = rng.sample(scenes, min(with_scene, len(scenes)))
    used: set[tuple[str, str]] = set()
    plans: list[VideoPlan] = []
    for number in range(count):
        exhibit = rng.choice(holders)
        folder = rng.choice(folders[exhibit.ref])
        when = scene_time(rng)
        duration = rng.randint(3, 10)
        stretch = None
        if number < len(chosen):
            length = rng.randint(2, min(3, duration - 1))
            start = rng.randrange(0, duration - length + 1)
            stretch = SceneStretch(chosen[number].id, start, start + length)
        name = f"VID_{local_time(when):%Y%m%d_%H%M%S}.mp4"
        if folder.startswith("Download"):
            name = f"clip_{rng.randrange(10_000, 100_000)}.mp4"
        path, copy = f"{folder}/{name}", 0
        while (exhibit.ref, path) in used:
            copy += 1
            path = f"{folder}/{name.removesuffix('.mp4')}_{copy}.mp4"
        used.add((exhibit.ref, path))
        video_id = f"V{number + 1:04d}"
        video_seed = derive_seed(seed, "video", video_id)
        in_vics = number == count - 1
        plans.append(VideoPlan(video_id, exhibit.ref, path, when, video_seed, duration, stretch, in_vics))
    return plans


def _listed_scenes(media: MediaPlan) -> list[ScenePlan]:
    """Scenes whose original's PDQ is in the CSV set and some image of which is in evidence."""
    listed = {s.id for s in media.series if s.listing in {"csv", "both"}}
    return [
        scene
        for scene in media.scenes
        if scene.series in listed and any(image.placements for image in scene.images)
    ]


def write_videos(
    plans: Sequence[VideoPlan], media: MediaPlan, roots: Mapping[str, Path]
) -> list[WrittenVideo]:
    """Encode and write every planned video; file times are the recording times."""
    scenes = {scene.id: scene for scene in media.scenes}
    written: list[WrittenVideo] = []
    for plan in plans:
        still = None if plan.stretch is None else _original_pixels(scenes[plan.stretch.scene])
        payload = encode_video(plan, still)
        target = roots[plan.exhibit] / plan.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
        stamp = plan.when.timestamp()
        os.utime(target, (stamp, stamp))
        written.append(WrittenVideo(plan, digests_of(payload)))
    return written


def _original_pixels(scene: ScenePlan) -> npt.NDArray[np.uint8]:
    """The scene's original photo as a viewer decodes its JPEG, at the video's frame size."""
    original = render_scene(scene.seed, scene.camera.width, scene.camera.height)
    jpeg = render_image(scene, original, scene.images[0]).jpeg
    pixels = decoded_pixels(jpeg)
    if pixels.shape[:2] != (HEIGHT, WIDTH):
        resized = Image.fromarray(pixels).resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
        pixels = np.asarray(resized)
    return pixels


def encode_video(plan: VideoPlan, still: npt.NDArray[np.uint8] | None) -> bytes:
    """MPEG-4 in MP4 bytes: drifting shapes, and `still` during the plan's scene stretch."""
    rng = random.Random(plan.seed)  # noqa: S311 - synthetic data
    background = ImageOps.colorize(
        Image.linear_gradient("L").rotate(rng.randrange(360)).resize((WIDTH, HEIGHT)),
        _colour(rng),
        _colour(rng),
    )
    shapes = [_Shape.draw_from(rng) for _ in range(rng.randint(2, 4))]
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=CONTAINER, options={"fflags": "+bitexact"}) as container:
        stream = container.add_stream(CODEC, rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.codec_context.thread_count = 1
        stream.codec_context.options = {"flags": "+bitexact", "qscale": "3"}
        for index in range(plan.frame_count):
            pixels = still if still is not None and _in_stretch(plan, index) else None
            if pixels is None:
                pixels = _moving_frame(background, shapes, index / plan.frame_count)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def _in_stretch(plan: VideoPlan, frame_index: int) -> bool:
    stretch = plan.stretch
    return stretch is not None and stretch.start_s * FPS <= frame_index < stretch.end_s * FPS


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


@dataclass(frozen=True, slots=True)
class _Shape:
    """A circle or box moving in a straight line across the frame."""

    box: bool
    radius: int
    start: tuple[float, float]
    end: tuple[float, float]
    colour: tuple[int, int, int]

    @classmethod
    def draw_from(cls, rng: random.Random) -> _Shape:
        return cls(
            rng.random() < 0.5,
            rng.randrange(20, 90),
            (rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)),
            (rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)),
            _colour(rng),
        )

    def at(self, progress: float) -> tuple[float, float, float, float]:
        x = self.start[0] + (self.end[0] - self.start[0]) * progress
        y = self.start[1] + (self.end[1] - self.start[1]) * progress
        return (x - self.radius, y - self.radius, x + self.radius, y + self.radius)


def _moving_frame(
    background: Image.Image, shapes: Sequence[_Shape], progress: float
) -> npt.NDArray[np.uint8]:
    frame = background.copy()
    draw = ImageDraw.Draw(frame)
    for shape in shapes:
        if shape.box:
            draw.rectangle(shape.at(progress), fill=shape.colour)
        else:
            draw.ellipse(shape.at(progress), fill=shape.colour)
    return np.asarray(frame)
