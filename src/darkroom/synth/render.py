"""The image stage: render each scene once, encode each planned image once, write every copy.

Streaming: one scene's pixels are in memory at a time, so memory stays flat at any scale.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from darkroom.synth.artefacts.base import TruthFile
from darkroom.synth.images import RenderedImage, render_image, render_scene
from darkroom.synth.media import ImagePlan, MediaPlan, ScenePlan


@dataclass(frozen=True, slots=True)
class TruthImage:
    """One image file as written, with its digests, origin (series, scene, variant) and EXIF."""

    exhibit: str
    path: str
    md5: str
    sha1: str
    sha256: str
    size: int
    width: int
    height: int
    image: str
    series: str
    scene: str
    variant: str
    exif: Mapping[str, object]
    known: bool
    conversation: str | None
    sender: str | None


@dataclass(frozen=True, slots=True)
class KnownRow:
    """One line of the known hash set."""

    md5: str
    sha1: str
    sha256: str
    category: str
    series: str


@dataclass(slots=True)
class MediaOutput:
    """What the image stage wrote, for truth.json and the hash set."""

    images: list[TruthImage] = field(default_factory=list)
    files: list[TruthFile] = field(default_factory=list)
    known_rows: list[KnownRow] = field(default_factory=list)


def write_media(
    plan: MediaPlan, roots: Mapping[str, Path], progress: Callable[[int, int], None]
) -> MediaOutput:
    """Write every planned image to every exhibit it belongs to; report placements done."""
    output = MediaOutput()
    categories = {series.id: series.category or "" for series in plan.series}
    done = 0
    for scene in plan.scenes:
        if not any(image.placements for image in scene.images):
            continue
        original = render_scene(scene.seed, scene.camera.width, scene.camera.height)
        for image in scene.images:
            if image.placements:
                rendered = render_image(scene, original, image)
                _write_copies(scene, image, rendered, roots, output, categories[scene.series])
                done += len(image.placements)
        progress(done, plan.placement_count)
    return output


def _write_copies(
    scene: ScenePlan,
    image: ImagePlan,
    rendered: RenderedImage,
    roots: Mapping[str, Path],
    output: MediaOutput,
    category: str,
) -> None:
    md5 = hashlib.md5(rendered.jpeg, usedforsecurity=False).hexdigest()
    sha1 = hashlib.sha1(rendered.jpeg, usedforsecurity=False).hexdigest()
    sha256 = hashlib.sha256(rendered.jpeg).hexdigest()
    size = len(rendered.jpeg)
    if image.known:
        output.known_rows.append(KnownRow(md5, sha1, sha256, category, scene.series))
    for placement in image.placements:
        target = roots[placement.exhibit] / placement.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rendered.jpeg)
        stamp = placement.when.timestamp()
        os.utime(target, (stamp, stamp))
        output.files.append(
            TruthFile(placement.exhibit, placement.path, "jpeg", size, sha256, {"image": image.id})
        )
        output.images.append(
            TruthImage(
                exhibit=placement.exhibit,
                path=placement.path,
                md5=md5,
                sha1=sha1,
                sha256=sha256,
                size=size,
                width=rendered.width,
                height=rendered.height,
                image=image.id,
                series=scene.series,
                scene=scene.id,
                variant=image.variant,
                exif=rendered.exif,
                known=image.known,
                conversation=placement.conversation,
                sender=placement.sender,
            )
        )
