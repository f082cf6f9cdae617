"""Series: pictures that are near-duplicates of each other (resized, recompressed, cropped a
little, rotated, mirrored, brightened), so an examiner sees each picture once, and new material
(a series no hash set knows) comes first.

Identical files (same SHA-256) are one picture. Pictures are joined by a range self-join over
their 8 dihedral PDQ forms. Chaining (A near B near C, but A far from C) is held back by two
thresholds: links within `seed_distance` join freely; a weaker link (up to `max_distance`) only
attaches a picture that is still on its own, never merges two groups. Known-good files (NSRL)
and pictures whose PDQ quality is below the matching minimum stay out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, text

from darkroom.media import MATCH_DISTANCE, QUALITY_THRESHOLD
from darkroom.media.index import PdqIndex, codes_from_blobs
from darkroom.media.pdq import hamming
from darkroom.store import CaseStore, execute_many
from darkroom.timeutil import to_iso, utc_now

DEFAULT_SEED_DISTANCE = 20


@dataclass(frozen=True, slots=True)
class SeriesSettings:
    """Distances for the self-join; the defaults follow PDQ's published match threshold."""

    max_distance: int = MATCH_DISTANCE
    seed_distance: int = DEFAULT_SEED_DISTANCE
    min_quality: int = QUALITY_THRESHOLD


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """What a clustering run made."""

    pictures: int
    series: int
    multi_file_series: int
    largest: int


@dataclass(slots=True)
class _Picture:
    sha256: str
    pixels: int
    forms: list[bytes]
    file_ids: list[int]


_PICTURES_SQL = text(
    """
    SELECT f.id, f.sha256, COALESCE(m.width * m.height, 0) AS pixels, h.form, h.pdq, h.quality
    FROM media m JOIN files f ON f.id = m.file_id JOIN media_hashes h ON h.file_id = m.file_id
    WHERE m.media_kind = 'image' AND m.status = 'done' AND f.sha256 IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM media_matches mm JOIN hashset_entries e ON e.id = mm.entry_id
                      JOIN hashsets s ON s.id = e.hashset_id
                      WHERE mm.file_id = f.id AND s.known_good = 1)
    ORDER BY f.sha256, f.id, h.form
    """
)


def _pictures(conn: Connection, min_quality: int) -> list[_Picture]:
    by_sha: dict[str, _Picture] = {}
    low_quality: set[str] = set()
    for row in conn.execute(_PICTURES_SQL):
        picture = by_sha.setdefault(row.sha256, _Picture(row.sha256, int(row.pixels), [], []))
        if row.form == 0 and row.quality < min_quality:
            low_quality.add(row.sha256)
        if row.id not in picture.file_ids:
            picture.file_ids.append(int(row.id))
        if len(picture.forms) < 8 and picture.file_ids[0] == row.id:
            picture.forms.append(bytes(row.pdq))
    return [p for sha, p in by_sha.items() if sha not in low_quality and p.forms]


class _Groups:
    """Union-find over picture indexes, with sizes to tell singletons."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))
        self.size = [1] * count

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]


def _pairs(pictures: list[_Picture], max_distance: int) -> dict[tuple[int, int], int]:
    """Smallest distance between each pair of pictures within `max_distance` (any dihedral form)."""
    owners = [i for i, p in enumerate(pictures) for _ in p.forms]
    index = PdqIndex(
        codes_from_blobs([form for p in pictures for form in p.forms]), np.array(owners, dtype=np.int64)
    )
    hits = index.search(codes_from_blobs([p.forms[0] for p in pictures]), max_distance)
    best: dict[tuple[int, int], int] = {}
    triples = zip(hits.query.tolist(), hits.item_id.tolist(), hits.distance.tolist(), strict=True)
    for query, other, distance in triples:
        if query == other:
            continue
        key = (min(query, other), max(query, other))
        best[key] = min(distance, best.get(key, distance))
    return best


def cluster(pictures: list[_Picture], settings: SeriesSettings) -> list[list[int]]:
    """Groups of picture indexes: strong links join, weak links only attach lone pictures."""
    groups = _Groups(len(pictures))
    pairs = sorted(_pairs(pictures, settings.max_distance).items(), key=lambda kv: (kv[1], kv[0]))
    for (a, b), distance in pairs:
        if distance <= settings.seed_distance:
            groups.union(a, b)
    for (a, b), distance in pairs:
        if distance > settings.seed_distance and (
            groups.size[groups.find(a)] == 1 or groups.size[groups.find(b)] == 1
        ):
            groups.union(a, b)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(pictures)):
        members[groups.find(i)].append(i)
    return sorted(members.values(), key=lambda m: min(pictures[i].sha256 for i in m))


def _store_series(conn: Connection, pictures: list[_Picture], groups: list[list[int]], now: str) -> None:
    """Upsert by series key (the smallest SHA-256), so a series keeps its number across runs."""
    rows = conn.execute(text("SELECT series_key, id FROM media_series"))
    known: dict[str, int] = {r.series_key: r.id for r in rows}
    keys = {min(pictures[i].sha256 for i in group) for group in groups}
    conn.execute(text("DELETE FROM media_series_members"))
    stale = [(sid,) for key, sid in known.items() if key not in keys]
    execute_many(conn, "DELETE FROM media_series WHERE id = ?", stale)
    for group in groups:
        key = min(pictures[i].sha256 for i in group)
        lead = max(group, key=lambda i: (pictures[i].pixels, -i))  # pictures are in SHA-256 order
        file_count = sum(len(pictures[i].file_ids) for i in group)
        values = {"k": key, "n": file_count, "d": len(group), "r": pictures[lead].file_ids[0], "t": now}
        if key in known:
            series_id = known[key]
            conn.execute(
                text(
                    "UPDATE media_series SET file_count = :n, distinct_count = :d, "
                    "representative_file_id = :r, computed_at_utc = :t WHERE id = :id"
                ),
                {**values, "id": series_id},
            )
        else:
            series_id = conn.execute(
                text(
                    "INSERT INTO media_series (series_key, file_count, distinct_count, "
                    "representative_file_id, computed_at_utc) VALUES (:k, :n, :d, :r, :t) RETURNING id"
                ),
                values,
            ).scalar_one()
        lead_forms = pictures[lead].forms
        execute_many(
            conn,
            "INSERT INTO media_series_members (file_id, series_id, distance_to_representative) "
            "VALUES (?, ?, ?)",
            [
                (file_id, series_id, min(hamming(pictures[i].forms[0], form) for form in lead_forms))
                for i in group
                for file_id in pictures[i].file_ids
            ],
        )


def run_series(store: CaseStore, settings: SeriesSettings | None = None) -> SeriesSummary:
    """Cluster the case's pictures into series (idempotent: re-running gives the same series)."""
    settings = settings or SeriesSettings()
    with store.write() as conn:
        pictures = _pictures(conn, settings.min_quality)
        groups = cluster(pictures, settings) if pictures else []
        _store_series(conn, pictures, groups, to_iso(utc_now()))
    sizes = [sum(len(pictures[i].file_ids) for i in g) for g in groups]
    return SeriesSummary(len(pictures), len(groups), sum(1 for s in sizes if s > 1), max(sizes, default=0))
