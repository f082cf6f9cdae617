"""Matching the case's files against the imported hash sets.

Exact: a file's MD5, SHA-1 or SHA-256 equals an entry's (every file, so NSRL known-good
covers documents and programs too). Perceptual: any PDQ hash of a picture (its 8 dihedral
forms, so rotated and mirrored copies match) or of a video frame lies within `max_distance`
bits of an entry's PDQ. Hashes of quality below `min_quality` never match automatically: a
flat or tiny picture's PDQ says little. The matcher recomputes every match on each run, so
a new or removed hash set is always reflected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection, text

from darkroom.evidence import audit
from darkroom.media import MATCH_DISTANCE, QUALITY_THRESHOLD
from darkroom.media.index import DEFAULT_FLAT_LIMIT, IndexKind, PdqIndex, codes_from_blobs
from darkroom.store import CaseStore, execute_many
from darkroom.timeutil import to_iso, utc_now

EXACT_KINDS = ("md5", "sha1", "sha256")


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Thresholds and index choice for one matching run."""

    max_distance: int = MATCH_DISTANCE
    min_quality: int = QUALITY_THRESHOLD
    index_kind: IndexKind = "auto"
    flat_limit: int = DEFAULT_FLAT_LIMIT


@dataclass(slots=True)
class MatchSummary:
    """What a matching run found."""

    exact: dict[str, int] = field(default_factory=dict)
    perceptual: int = 0
    files_matched: int = 0
    known_good_files: int = 0
    known_hashes: int = 0
    query_hashes: int = 0
    low_quality_skipped: int = 0
    index_kind: str = "none"


def _exact_sql(kind: str) -> str:
    return (
        "INSERT OR IGNORE INTO media_matches (file_id, entry_id, match_kind, distance, form, matched_at_utc) "
        f"SELECT f.id, h.id, '{kind}', 0, NULL, :now FROM files f "
        f"JOIN hashset_entries h ON h.{kind} = f.{kind} "
        "JOIN hashsets s ON s.id = h.hashset_id AND s.status = 'done' "
        f"WHERE f.entry_kind = 'file' AND f.{kind} IS NOT NULL"
    )


def _match_exact(conn: Connection, now: str) -> dict[str, int]:
    return {kind: conn.execute(text(_exact_sql(kind)), {"now": now}).rowcount for kind in EXACT_KINDS}


def _known_hashes(conn: Connection, min_quality: int) -> tuple[list[bytes], list[int]]:
    rows = conn.execute(
        text(
            "SELECT h.id, h.pdq FROM hashset_entries h JOIN hashsets s ON s.id = h.hashset_id "
            "WHERE s.status = 'done' AND h.pdq IS NOT NULL "
            "AND (h.pdq_quality IS NULL OR h.pdq_quality >= :q) ORDER BY h.id"
        ),
        {"q": min_quality},
    ).all()
    return [bytes(r.pdq) for r in rows], [int(r.id) for r in rows]


def _index_cache_key(conn: Connection, settings: MatchSettings, count: int) -> str:
    sets = conn.execute(
        text("SELECT id, source_sha256, entry_count FROM hashsets WHERE status = 'done' ORDER BY id")
    ).all()
    digest = hashlib.sha256(repr((list(map(tuple, sets)), settings.min_quality, count)).encode())
    return digest.hexdigest()[:24]


def _known_index(store: CaseStore, conn: Connection, settings: MatchSettings) -> PdqIndex:
    """The index over the sets' PDQ hashes; a MultiHash index is kept in the case and reused."""
    blobs, ids = _known_hashes(conn, settings.min_quality)
    id_array = np.array(ids, dtype=np.int64)
    kind = settings.index_kind
    if kind == "auto":
        kind = "multihash" if len(blobs) > settings.flat_limit else "flat"
    if kind == "flat":
        return PdqIndex(codes_from_blobs(blobs), id_array, kind="flat")
    cache = store.work_dir("index") / f"known-pdq-{_index_cache_key(conn, settings, len(blobs))}.faiss"
    if cache.exists():
        return PdqIndex.load(cache, id_array)
    index = PdqIndex(codes_from_blobs(blobs), id_array, kind="multihash")
    partial = cache.with_suffix(".part")
    index.save(partial)
    partial.replace(cache)
    for stale in cache.parent.glob("known-pdq-*.faiss"):
        if stale != cache:
            stale.unlink(missing_ok=True)
    return index


def _case_hashes(conn: Connection, min_quality: int) -> tuple[list[bytes], list[tuple[int, int]], int]:
    rows = conn.execute(
        text(
            "SELECT h.file_id, h.form, h.pdq, h.quality FROM media_hashes h "
            "JOIN media m ON m.file_id = h.file_id AND m.status = 'done' ORDER BY h.file_id, h.form"
        )
    ).all()
    good = [r for r in rows if r.quality >= min_quality]
    return [bytes(r.pdq) for r in good], [(int(r.file_id), int(r.form)) for r in good], len(rows) - len(good)


def _match_perceptual(store: CaseStore, conn: Connection, settings: MatchSettings, now: str) -> MatchSummary:
    summary = MatchSummary()
    index = _known_index(store, conn, settings)
    blobs, owners, summary.low_quality_skipped = _case_hashes(conn, settings.min_quality)
    summary.known_hashes, summary.query_hashes, summary.index_kind = len(index), len(blobs), index.kind
    hits = index.search(codes_from_blobs(blobs), settings.max_distance)
    best: dict[tuple[int, int], tuple[int, int]] = {}  # (file, entry) -> (distance, form)
    triples = zip(hits.query.tolist(), hits.item_id.tolist(), hits.distance.tolist(), strict=True)
    for query, entry_id, distance in triples:
        file_id, form = owners[query]
        key = (file_id, entry_id)
        if key not in best or (distance, form) < best[key]:
            best[key] = (distance, form)
    execute_many(
        conn,
        "INSERT OR IGNORE INTO media_matches (file_id, entry_id, match_kind, distance, form, matched_at_utc) "
        "VALUES (?, ?, 'pdq', ?, ?, ?)",
        [(f, e, d, form, now) for (f, e), (d, form) in sorted(best.items())],
    )
    summary.perceptual = len(best)
    return summary


def run_matching(store: CaseStore, actor: str, settings: MatchSettings | None = None) -> MatchSummary:
    """Recompute every match of the case's files against its hash sets; audited."""
    settings = settings or MatchSettings()
    now = to_iso(utc_now())
    with store.write() as conn:
        conn.execute(text("DELETE FROM media_matches"))
        exact = _match_exact(conn, now)
        summary = _match_perceptual(store, conn, settings, now)
        summary.exact = exact
        matched = conn.execute(text("SELECT COUNT(DISTINCT file_id) FROM media_matches")).scalar_one()
        summary.files_matched = int(matched)
        summary.known_good_files = conn.execute(
            text(
                "SELECT COUNT(DISTINCT m.file_id) FROM media_matches m "
                "JOIN hashset_entries h ON h.id = m.entry_id "
                "JOIN hashsets s ON s.id = h.hashset_id WHERE s.known_good = 1"
            )
        ).scalar_one()
        details = {
            "exact": summary.exact,
            "perceptual": summary.perceptual,
            "files_matched": summary.files_matched,
            "known_good_files": summary.known_good_files,
            "max_distance": settings.max_distance,
            "min_quality": settings.min_quality,
            "index": summary.index_kind,
            "known_hashes": summary.known_hashes,
        }
        audit.append(conn, actor, "media.match", "case", details)
    return summary
