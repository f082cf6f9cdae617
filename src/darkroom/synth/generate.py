"""`generate`: plan a synthetic network case, write its seized-evidence tree and truth.json.

Stages (each reported through `progress(stage, done, total)`): plan, images, videos, pdq,
exhibits, archives, hashsets, truth. Archive exhibits are written to a staging folder first and
packed at the end. The hash sets (`hashsets/`) lie beside the exhibits, not inside one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from darkroom.hashfile import sha256_of_file
from darkroom.synth.archives import member_path, pack_tar_gz, pack_zip, zip_time
from darkroom.synth.artefacts import WRITERS, SlotJob, TruthFile
from darkroom.synth.errors import OutputNotEmpty
from darkroom.synth.events import plant_events
from darkroom.synth.exhibits import FIRST_SEIZURE, ExhibitPlan
from darkroom.synth.hashsets import (
    MediaTruth,
    SystemFile,
    crc32_hex,
    encode_original,
    listed_media,
    scene_originals,
    unseized_originals,
    write_known_csv,
    write_nsrl,
    write_vics,
)
from darkroom.synth.images import (
    SYSTEM_IMAGES,
    SYSTEM_PLATFORMS,
    ViewerPdq,
    digests_of,
    file_pdq,
    render_system_image,
)
from darkroom.synth.media import local_time
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.render import TruthImage, write_media
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES, ScaleName
from darkroom.synth.truth import ArchiveFacts, embedded_copies, write_truth
from darkroom.synth.videos import WrittenVideo, plan_videos, write_videos

Progress = Callable[[str, int, int], None]
_In = TypeVar("_In")
_Out = TypeVar("_Out")
STAGING = ".staging"
SYSTEM_INSTALLED = FIRST_SEIZURE - timedelta(days=540)  # file times of the system pictures
_PARALLEL_FROM = 200  # pictures to hash; below this a process pool costs more than it saves
_PDQ_WORKERS = 4


@dataclass(frozen=True, slots=True)
class SynthSummary:
    """What a generation run wrote."""

    out_dir: Path
    truth_path: Path
    scale: ScaleName
    seed: int
    exhibits: int
    persons: int
    accounts: int
    files: int
    messages: int
    images: int
    videos: int


def _silent(stage: str, done: int, total: int) -> None:
    """Default progress callback: report nothing."""


def generate(out_dir: Path, scale: ScaleName, seed: int, progress: Progress | None = None) -> SynthSummary:
    """Write a seized-evidence tree for a synthetic network case plus `out_dir/truth.json`."""
    report = progress or _silent
    _prepare(out_dir)
    plan = plant_events(plan_case(SCALES[scale], seed))
    report("plan", 1, 1)
    roots = {exhibit.ref: _root(out_dir, exhibit) for exhibit in plan.exhibits}
    media = write_media(plan.media, roots, lambda done, total: report("images", done, total))
    system_files = _write_system_images(plan, roots)
    video_plans = plan_videos(plan.exhibits, plan.media, scale, seed, derive_rng(seed, "videos"))
    videos = write_videos(video_plans, plan.media, roots)
    report("videos", 1, 1)
    pdqs = _image_pdqs(media.images, system_files, roots, lambda done, total: report("pdq", done, total))
    extras = [*_system_truth(system_files), *_video_truth(videos)]
    files = [*media.files, *extras, *_write_exhibits(plan, roots, report)]
    files, images, archives = _pack_exhibits(plan, roots, out_dir, files, media.images, report)
    media_truth = _write_hash_sets(out_dir, plan, images, pdqs, system_files, videos)
    report("hashsets", 1, 1)
    truth_path = out_dir / "truth.json"
    files.sort(key=lambda item: (item.exhibit, item.path))
    images.sort(key=lambda item: (item.exhibit, item.path))
    write_truth(truth_path, plan, files, images, media_truth, archives)
    _pin_mtime(truth_path, FIRST_SEIZURE)
    report("truth", 1, 1)
    shutil.rmtree(out_dir / STAGING, ignore_errors=True)
    messages = sum(
        count for item in files if isinstance(count := (item.content or {}).get("message_count"), int)
    )
    return SynthSummary(
        out_dir=out_dir,
        truth_path=truth_path,
        scale=scale,
        seed=seed,
        exhibits=len(plan.exhibits),
        persons=len(plan.population.persons),
        accounts=len(plan.accounts.accounts),
        files=len(files),
        messages=messages,
        images=len(images) + len(embedded_copies(files, images)) + len(system_files),
        videos=len(videos),
    )


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise OutputNotEmpty(f"{out_dir} is not an empty folder; synth writes only into a new or empty one")
    out_dir.mkdir(parents=True, exist_ok=True)


def _root(out_dir: Path, exhibit: ExhibitPlan) -> Path:
    """Where the exhibit is written: its final folder, or a staging folder for archives."""
    if exhibit.profile.container == "folder":
        return out_dir / exhibit.path
    return out_dir / STAGING / exhibit.ref


def _pin_mtime(path: Path, when: datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


def _write_system_images(plan: CasePlan, roots: Mapping[str, Path]) -> list[SystemFile]:
    """Most of its platform's wallpapers and icons on every phone and laptop: NSRL's known-good files."""
    payloads: dict[str, bytes] = {}
    written: list[SystemFile] = []
    for exhibit in plan.exhibits:
        platform = SYSTEM_PLATFORMS.get(exhibit.profile.name)
        if platform is None or exhibit.profile.container != "folder":
            continue
        rng = derive_rng(plan.seed, "system-images", exhibit.ref)
        offered = [item for item in SYSTEM_IMAGES if item.platform == platform]
        for item in [item for item in offered if rng.random() < 0.75] or offered[:1]:
            if item.path not in payloads:
                payloads[item.path] = render_system_image(item)
            payload = payloads[item.path]
            target = roots[exhibit.ref] / item.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(payload)
            _pin_mtime(target, SYSTEM_INSTALLED)
            written.append(SystemFile(exhibit.ref, item, digests_of(payload), crc32_hex(payload)))
    return written


def _system_truth(system_files: list[SystemFile]) -> list[TruthFile]:
    return [
        TruthFile(f.exhibit, f.item.path, f.item.image_format.lower(), f.digests.size, f.digests.sha256,
                  {"system_image": True})
        for f in system_files
    ]  # fmt: skip


def _video_truth(videos: list[WrittenVideo]) -> list[TruthFile]:
    return [
        TruthFile(v.plan.exhibit, v.plan.path, "mp4", v.digests.size, v.digests.sha256, {"video": v.plan.id})
        for v in videos
    ]


def _image_pdqs(
    images: list[TruthImage],
    system_files: list[SystemFile],
    roots: Mapping[str, Path],
    progress: Callable[[int, int], None],
) -> dict[str, ViewerPdq]:
    """PDQ of every distinct written picture, decoded from its first copy (before any packing)."""
    first_copy: dict[str, Path] = {}
    for sha256, exhibit, path in [
        *((i.sha256, i.exhibit, i.path) for i in images),
        *((f.digests.sha256, f.exhibit, f.item.path) for f in system_files),
    ]:
        first_copy.setdefault(sha256, roots[exhibit] / path)
    return dict(zip(first_copy, _map_on_cores(file_pdq, list(first_copy.values()), progress), strict=True))


def _map_on_cores(
    function: Callable[[_In], _Out], items: list[_In], progress: Callable[[int, int], None]
) -> list[_Out]:
    """`function` over `items` in order; PDQ costs ~6 ms per VGA picture, so large jobs use every core."""
    workers = min(_PDQ_WORKERS, os.cpu_count() or 1)
    parallel = len(items) >= _PARALLEL_FROM and workers > 1
    results: list[_Out] = []
    with ProcessPoolExecutor(workers) if parallel else nullcontext() as pool:
        mapped = map(function, items) if pool is None else pool.map(function, items, chunksize=16)
        for result in mapped:
            results.append(result)
            if len(results) % 100 == 0 or len(results) == len(items):
                progress(len(results), len(items))
    return results


def _write_hash_sets(
    out_dir: Path,
    plan: CasePlan,
    images: list[TruthImage],
    pdqs: Mapping[str, ViewerPdq],
    system_files: list[SystemFile],
    videos: list[WrittenVideo],
) -> MediaTruth:
    """The four hash-set files beside the exhibits, and the media truth they complete."""
    scenes = unseized_originals(plan.media)
    encoded = _map_on_cores(encode_original, scenes, lambda done, total: None)
    unseized = {scene.id: facts for scene, facts in zip(scenes, encoded, strict=True)}
    originals = scene_originals(plan.media, images, pdqs, unseized)
    listed = listed_media(plan.media, images, pdqs, originals, videos)
    hashsets = (
        write_known_csv(out_dir, listed, derive_rng(plan.seed, "hashset")),
        *write_vics(out_dir, listed, derive_rng(plan.seed, "hashset", "vics")),
        write_nsrl(out_dir, system_files, derive_rng(plan.seed, "hashset", "nsrl")),
    )
    for hashset in hashsets:
        _pin_mtime(out_dir / hashset.path, FIRST_SEIZURE)
    return MediaTruth(pdqs, originals, listed, hashsets, system_files, videos)


def _write_exhibits(plan: CasePlan, roots: Mapping[str, Path], report: Progress) -> list[TruthFile]:
    """Run every slot's writer on every exhibit."""
    ctx = plan.write_context()
    files: list[TruthFile] = []
    for number, exhibit in enumerate(plan.exhibits, start=1):
        roots[exhibit.ref].mkdir(parents=True, exist_ok=True)
        for index, slot in enumerate(exhibit.profile.slots):
            job = SlotJob(exhibit, slot, exhibit.chats.get(index, ()), roots[exhibit.ref])
            rng = derive_rng(plan.seed, "writer", slot.writer, exhibit.ref, str(index))
            files.extend(WRITERS[slot.writer].write(job, rng, ctx))
        report("exhibits", number, len(plan.exhibits))
    return files


def _pack_exhibits(
    plan: CasePlan,
    roots: Mapping[str, Path],
    out_dir: Path,
    files: list[TruthFile],
    images: list[TruthImage],
    report: Progress,
) -> tuple[list[TruthFile], list[TruthImage], dict[str, ArchiveFacts]]:
    """Zip nested folders, pack archive exhibits, and rewrite truth paths to `outer!/inner`."""
    archives: dict[str, ArchiveFacts] = {}
    for number, exhibit in enumerate(plan.exhibits, start=1):
        root = roots[exhibit.ref]
        packed = _pack_nested(exhibit, root)
        if packed:
            files = [
                replace(f, path=member_path(f.path, packed)) if f.exhibit == exhibit.ref else f for f in files
            ]
            images = [
                replace(i, path=member_path(i.path, packed)) if i.exhibit == exhibit.ref else i
                for i in images
            ]
            files.extend(_describe_on_disk(exhibit.ref, root, f"{d}.zip", packed) for d in packed)
        if exhibit.profile.container != "folder":
            archives[exhibit.ref] = _pack_exhibit(exhibit, root, out_dir / exhibit.path)
        report("archives", number, len(plan.exhibits))
    return files, images, archives


def _pack_nested(exhibit: ExhibitPlan, root: Path) -> list[str]:
    """Turn the profile's packed folders into zips (innermost first); return those packed."""
    packed: list[str] = []
    when = local_time(exhibit.seized_at - timedelta(days=3))
    for directory in exhibit.profile.packed_dirs:
        source = root / directory
        if not source.is_dir():
            continue
        target = root / f"{directory}.zip"
        pack_zip(source, target, zip_time(when))
        _pin_mtime(target, when)
        shutil.rmtree(source)
        packed.append(directory)
    return packed


def _describe_on_disk(exhibit_ref: str, root: Path, relative: str, packed: list[str]) -> TruthFile:
    payload = (root / relative).read_bytes()
    digest = hashlib.sha256(payload).hexdigest()
    return TruthFile(
        exhibit_ref, member_path(relative, packed), "zip", len(payload), digest, {"packed": True}
    )


def _pack_exhibit(exhibit: ExhibitPlan, root: Path, target: Path) -> ArchiveFacts:
    """Pack a staged exhibit into its archive file and remove the staging folder."""
    produced_at = exhibit.seized_at + timedelta(days=1)
    target.parent.mkdir(parents=True, exist_ok=True)
    if exhibit.profile.container == "zip":
        pack_zip(root, target, zip_time(local_time(produced_at)))
    else:
        pack_tar_gz(root, target, int(produced_at.timestamp()))
    _pin_mtime(target, produced_at)
    shutil.rmtree(root)
    return ArchiveFacts(target.stat().st_size, sha256_of_file(target))
