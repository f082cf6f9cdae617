"""`generate`: plan a synthetic network case, write its seized-evidence tree and truth.json.

Stages (each reported through `progress(stage, done, total)`): plan, images, exhibits,
archives, truth. Archive exhibits are written to a staging folder first and packed at the end.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from darkroom.synth.archives import member_path, pack_tar_gz, pack_zip, zip_time
from darkroom.synth.artefacts import WRITERS, SlotJob, TruthFile
from darkroom.synth.errors import OutputNotEmpty
from darkroom.synth.exhibits import FIRST_SEIZURE, ExhibitPlan
from darkroom.synth.hashsets import write_known_csv
from darkroom.synth.media import local_time
from darkroom.synth.plan import CasePlan, plan_case
from darkroom.synth.render import TruthImage, write_media
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import SCALES, ScaleName
from darkroom.synth.truth import ArchiveFacts, write_truth

Progress = Callable[[str, int, int], None]
STAGING = ".staging"


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


def _silent(stage: str, done: int, total: int) -> None:
    """Default progress callback: report nothing."""


def generate(out_dir: Path, scale: ScaleName, seed: int, progress: Progress | None = None) -> SynthSummary:
    """Write a seized-evidence tree for a synthetic network case plus `out_dir/truth.json`."""
    report = progress or _silent
    _prepare(out_dir)
    plan = plan_case(SCALES[scale], seed)
    report("plan", 1, 1)
    roots = {exhibit.ref: _root(out_dir, exhibit) for exhibit in plan.exhibits}
    media = write_media(plan.media, roots, lambda done, total: report("images", done, total))
    files = [*media.files, *_write_exhibits(plan, roots, report)]
    files, images, archives = _pack_exhibits(plan, roots, out_dir, files, media.images, report)
    hashset = write_known_csv(out_dir, media.known_rows, derive_rng(seed, "hashset"))
    _pin_mtime(out_dir / hashset.path, FIRST_SEIZURE)
    truth_path = out_dir / "truth.json"
    files.sort(key=lambda item: (item.exhibit, item.path))
    images.sort(key=lambda item: (item.exhibit, item.path))
    write_truth(truth_path, plan, files, images, hashset, archives)
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
        images=len(images),
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
    digest = hashlib.sha256()
    with target.open("rb") as reader:
        for chunk in iter(lambda: reader.read(1 << 20), b""):
            digest.update(chunk)
    return ArchiveFacts(target.stat().st_size, digest.hexdigest())
