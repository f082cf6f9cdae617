"""The media stage of `darkroom process`: every picture and video decoded once per analyser
version, in worker processes, with its PDQ hashes (8 dihedral forms, or one per video second),
EXIF clues and a blurred greyscale thumbnail. Results are committed in small batches, so an
interrupted run resumes where it stopped; a file that cannot be decoded is recorded as failed
with the reason.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from darkroom.evidence import audit
from darkroom.evidence.intake import location_of
from darkroom.formats.runner import ProcessInterrupted
from darkroom.media.analyse import ANALYSER_VERSION, MediaFacts, media_kind_of
from darkroom.media.worker import MediaOutcome, MediaTask, analyse_task, died
from darkroom.store import CaseStore, execute_many
from darkroom.timeutil import to_iso, utc_now
from darkroom.workers import run_pool

THUMBNAIL_DIR = "thumbnails"
_COMMIT_EVERY_S = 1.0
_COMMIT_EVERY_FILES = 256

_CANDIDATES_SQL = text(
    """
    SELECT f.id, f.exhibit_id, f.path, f.mime_type, f.sha256, e.source_path
    FROM files f JOIN exhibits e ON e.id = f.exhibit_id
    LEFT JOIN media m ON m.file_id = f.id
    WHERE f.entry_kind = 'file' AND f.is_archive = 0 AND f.read_error IS NULL
      AND f.mime_type IS NOT NULL
      AND (m.file_id IS NULL OR m.analyser_version != :version)
    ORDER BY f.id
    """
)

_MEDIA_SQL = (
    "INSERT OR REPLACE INTO media (file_id, media_kind, status, error, analyser_version, analysed_at_utc, "
    "width, height, duration_s, codec, frame_hash_method, pdq_hex, pdq_quality, exif_make, exif_model, "
    "exif_body_serial, exif_lens, exif_software, exif_taken_at, gps_lat, gps_lon, exif_json, thumbnail_path) "
    "VALUES (" + ", ".join(["?"] * 23) + ")"
)


@dataclass(slots=True)
class MediaSummary:
    """What one run of the media stage did."""

    analysed: int = 0
    failed: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class _Work:
    """The files to analyse, their SHA-256 (thumbnails are kept by content), and the media files
    no decoder here reads (vector images), recorded as failed with the reason."""

    tasks: list[MediaTask] = field(default_factory=list)
    sha256_of: dict[int, str | None] = field(default_factory=dict)
    not_decodable: list[MediaOutcome] = field(default_factory=list)


def _work(store: CaseStore) -> _Work:
    working, spool = store.work_dir("working"), store.work_dir("spool")
    work = _Work()
    with store.read() as conn:
        for row in conn.execute(_CANDIDATES_SQL, {"version": ANALYSER_VERSION}).all():
            kind = media_kind_of(row.mime_type)
            if kind is None and not row.mime_type.startswith("image/"):
                continue  # not media (media_kind_of also knows video types libmagic files as application/)
            if kind is None:
                reason = f"{row.mime_type}: not a raster picture or video; no decoder here reads it"
                work.not_decodable.append(MediaOutcome(row.id, "image", None, reason))
                continue
            location = location_of(conn, row.id, Path(os.fsdecode(row.source_path)))
            name = os.fsdecode(bytes(row.path).rsplit(b"/", 1)[-1])
            work.tasks.append(MediaTask(row.id, kind, name, location, working, spool))
            work.sha256_of[row.id] = row.sha256
    return work


def _thumbnail(store: CaseStore, sha256_hex: str | None, facts: MediaFacts) -> str | None:
    """Write the (already blurred, greyscale) thumbnail once per content, inside the case."""
    if facts.thumbnail_jpeg is None or not sha256_hex:
        return None
    relative = f"{THUMBNAIL_DIR}/{sha256_hex[:2]}/{sha256_hex}.jpg"
    target = store.derived_dir / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(facts.thumbnail_jpeg)
        partial.replace(target)
    return relative


def _described(facts: MediaFacts) -> dict[str, object]:
    """The remaining EXIF tags, with the container format and any decoder notes beside them."""
    described: dict[str, object] = dict(facts.exif.other)
    if facts.image_format:
        described["image_format"] = facts.image_format
    if facts.notes:
        described["decoder_notes"] = list(facts.notes)
    return described


def _media_row(outcome: MediaOutcome, thumbnail: str | None, now: str) -> tuple[Any, ...]:
    facts = outcome.facts
    if facts is None:
        failed = (outcome.file_id, outcome.media_kind, "failed", outcome.error, ANALYSER_VERSION, now)
        return (*failed, *(None,) * 15, "{}", None)
    exif = facts.exif
    return (
        outcome.file_id, facts.media_kind, "done", None, ANALYSER_VERSION, now,
        facts.width, facts.height, facts.duration_s, facts.codec, facts.frame_hash_method,
        facts.pdq_hex, facts.pdq_quality, exif.make, exif.model, exif.body_serial, exif.lens,
        exif.software, exif.taken_at, exif.gps_lat, exif.gps_lon,
        json.dumps(_described(facts), ensure_ascii=False, sort_keys=True), thumbnail,
    )  # fmt: skip


def _write_batch(store: CaseStore, batch: list[MediaOutcome], sha256_of: dict[int, str | None]) -> None:
    now = to_iso(utc_now())
    rows: list[tuple[Any, ...]] = []
    hashes: list[tuple[Any, ...]] = []
    for outcome in batch:
        thumbnail = None
        if outcome.facts is not None:
            thumbnail = _thumbnail(store, sha256_of.get(outcome.file_id), outcome.facts)
            hashes.extend((outcome.file_id, h.form, h.at_s, h.pdq, h.quality) for h in outcome.facts.hashes)
        rows.append(_media_row(outcome, thumbnail, now))
    with store.write() as conn:
        _replace(conn, rows, hashes, [o.file_id for o in batch])


Row = tuple[Any, ...]


def _replace(conn: Connection, rows: list[Row], hashes: list[Row], ids: list[int]) -> None:
    execute_many(conn, "DELETE FROM media_hashes WHERE file_id = ?", [(i,) for i in ids])
    execute_many(conn, _MEDIA_SQL, rows)
    if hashes:
        execute_many(
            conn,
            "INSERT INTO media_hashes (file_id, form, at_s, pdq, quality) VALUES (?, ?, ?, ?, ?)",
            hashes,
        )


def run_media_stage(
    store: CaseStore,
    actor: str,
    workers: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[MediaOutcome], None] | None = None,
) -> MediaSummary:
    """Analyse every picture and video not yet analysed by this analyser version."""
    work = _work(store)
    tasks, sha256_of = work.tasks, work.sha256_of
    if on_start:
        on_start(len(tasks))
    if not tasks and not work.not_decodable:
        return MediaSummary()
    summary = MediaSummary(failed=len(work.not_decodable))
    pending: list[MediaOutcome] = list(work.not_decodable)
    last_commit = time.monotonic()

    def done(_task: MediaTask, outcome: MediaOutcome, _extra: None) -> None:
        nonlocal last_commit
        pending.append(outcome)
        if outcome.facts is None:
            summary.failed += 1
        else:
            summary.analysed += 1
            summary.by_kind[outcome.media_kind] = summary.by_kind.get(outcome.media_kind, 0) + 1
        if len(pending) >= _COMMIT_EVERY_FILES or time.monotonic() - last_commit > _COMMIT_EVERY_S:
            _write_batch(store, pending, sha256_of)
            pending.clear()
            last_commit = time.monotonic()
        if on_file:
            on_file(outcome)

    try:
        run_pool(analyse_task, ((t, None) for t in tasks), workers or max(1, os.cpu_count() or 1), done, died)
    except KeyboardInterrupt as err:
        msg = (
            f"interrupted; {summary.analysed + summary.failed} media files analysed this run. "
            "Run `darkroom process` again to analyse the rest."
        )
        raise ProcessInterrupted(msg) from err
    finally:
        if pending:  # what finished before an interruption is kept
            _write_batch(store, pending, sha256_of)
    with store.write() as conn:
        details = {"analysed": summary.analysed, "failed": summary.failed, "by_kind": summary.by_kind}
        audit.append(conn, actor, "media.analyse", "case", {**details, "analyser_version": ANALYSER_VERSION})
    return summary


def media_coverage(store: CaseStore) -> dict[str, int]:
    """Media files by kind and status, for the process summary and disclosure."""
    with store.read() as conn:
        rows = conn.execute(text("SELECT media_kind, status, COUNT(*) FROM media GROUP BY 1, 2")).all()
    return {f"{kind} {status}": count for kind, status, count in rows}
