"""Scoring a processed case's media stage against a synthetic `truth.json`.

- Matching: a file should match when its digests are in a known set ("exact") or its scene's
  original PDQ is in the CSV set ("perceptual": the scene's variants, and videos that show the
  original for whole seconds). Recall overall, per kind and per transform; precision = matched
  files listed exactly or belonging to a known scene / all matched files. Matches against
  known-good (NSRL) sets are not matches: they are counted against the planted system pictures.
  A planted file intake never recorded counts as a miss.
- Series (darkroom's series = a cluster of near-duplicates = one synth scene), over unknown
  photos (no expected match, not matched, not known-good): purity = per darkroom series the
  share of its files from its majority scene (file-weighted); completeness = per scene the
  share of its files in its majority darkroom series (a file in no series stands alone).
- PDQ robustness per transform: Hamming distance of each variant's form-0 PDQ to its scene
  original's form-0 PDQ (from the case, else truth's), and the smallest over its 8 forms.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from statistics import median
from typing import Any

from sqlalchemy import text

from darkroom.media.pdq import hamming
from darkroom.store import CaseStore

PDQ_MATCH_DISTANCE = 31
_FILES_SQL = text("SELECT f.id, e.ref, f.display_path FROM files f JOIN exhibits e ON e.id = f.exhibit_id")
_MATCHES_SQL = text(
    "SELECT m.file_id, h.known_good FROM media_matches m "
    "JOIN hashset_entries e ON e.id = m.entry_id JOIN hashsets h ON h.id = e.hashset_id"
)
Record = Mapping[str, Any]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class RecallGroup:
    """Files of one kind or transform that should match, and how many did."""

    name: str
    should_match: int
    matched: int

    @property
    def recall(self) -> float | None:
        return _ratio(self.matched, self.should_match)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "recall": self.recall}


@dataclass(frozen=True, slots=True)
class MatchScore:
    """Match recall and precision; known-good flags against the planted system pictures."""

    overall: RecallGroup
    exact: RecallGroup
    perceptual: RecallGroup
    per_transform: tuple[RecallGroup, ...]
    matched_files: int
    true_matches: int
    files_missing: int  # planted media files the case does not hold
    known_good_planted: int
    known_good_flagged: int
    known_good_wrongly_flagged: int

    @property
    def precision(self) -> float | None:
        return _ratio(self.true_matches, self.matched_files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "should_match": self.overall.should_match,
            "matched_should": self.overall.matched,
            "recall": self.overall.recall,
            "exact_should_match": self.exact.should_match,
            "exact_recall": self.exact.recall,
            "perceptual_should_match": self.perceptual.should_match,
            "perceptual_recall": self.perceptual.recall,
            "matched_files": self.matched_files,
            "true_matches": self.true_matches,
            "precision": self.precision,
            "files_missing": self.files_missing,
            "known_good_planted": self.known_good_planted,
            "known_good_flagged": self.known_good_flagged,
            "known_good_wrongly_flagged": self.known_good_wrongly_flagged,
        }


@dataclass(frozen=True, slots=True)
class SeriesScore:
    """darkroom's series of unknown photos against the truth scenes."""

    truth_files: int
    truth_scenes: int
    truth_singletons: int  # scenes with one unknown file
    darkroom_series: int
    darkroom_singletons: int  # series with one member
    unclustered_files: int  # unknown photos in no series
    series_files: int
    majority_in_series: int
    majority_of_scenes: int

    @property
    def purity(self) -> float | None:
        return _ratio(self.majority_in_series, self.series_files)

    @property
    def completeness(self) -> float | None:
        return _ratio(self.majority_of_scenes, self.truth_files)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "purity": self.purity, "completeness": self.completeness}


@dataclass(frozen=True, slots=True)
class TransformRobustness:
    """PDQ distances of one transform's files to their scene originals: form 0, and best form."""

    transform: str
    files: int
    median_distance: float | None
    max_distance: int | None
    share_within: float | None  # share at distance <= PDQ_MATCH_DISTANCE
    median_dihedral: float | None
    max_dihedral: int | None
    share_within_dihedral: float | None

    @classmethod
    def of(cls, transform: str, pairs: list[tuple[int, int]]) -> TransformRobustness:
        """Summary of (form-0 distance, best-form distance) pairs."""
        plain, best = [p[0] for p in pairs], [p[1] for p in pairs]
        return cls(transform, len(pairs), *_summary(plain), *_summary(best))

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "threshold": PDQ_MATCH_DISTANCE}


def _summary(distances: list[int]) -> tuple[float | None, int | None, float | None]:
    if not distances:
        return None, None, None
    within = sum(1 for distance in distances if distance <= PDQ_MATCH_DISTANCE)
    return float(median(distances)), max(distances), within / len(distances)


@dataclass(frozen=True, slots=True)
class MediaScores:
    """Everything `darkroom eval` reports about media."""

    match: MatchScore
    series: SeriesScore
    robustness: tuple[TransformRobustness, ...]
    references_from_case: int  # scene originals whose PDQ came from the case
    references_from_truth: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "match": self.match.as_dict(),
            "per_transform": [group.as_dict() for group in self.match.per_transform],
            "series": self.series.as_dict(),
            "robustness": [row.as_dict() for row in self.robustness],
            "references_from_case": self.references_from_case,
            "references_from_truth": self.references_from_truth,
        }


def has_media(store: CaseStore) -> bool:
    """Whether the case's media stage has run (old cases and parser-only runs have no media rows)."""
    with store.read() as conn:
        return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM media)")).scalar_one())


@dataclass(frozen=True, slots=True)
class _CaseMedia:
    """What the case holds for the planted media: file ids, matches, series, PDQ hashes."""

    planted: list[tuple[int | None, Record]]  # (file id or None when missing, truth record)
    matched: set[int]
    flagged_good: set[int]
    series_of: dict[int, int]
    hashes: dict[int, dict[int, tuple[float | None, bytes]]]  # file -> form -> (at_s, pdq)


def score_media(store: CaseStore, truth: Mapping[str, Any]) -> MediaScores:
    """Match, series and PDQ-robustness scores of the case against the truth file."""
    case = _load(store, truth)
    by_file = {file_id: record for file_id, record in case.planted if file_id is not None}
    references, from_case = _references(case, truth)
    return MediaScores(
        match=_match_score(case, by_file),
        series=_series_score(case, by_file),
        robustness=_robustness(case, references),
        references_from_case=from_case,
        references_from_truth=len(references) - from_case,
    )


def _display_path(exhibit: Record, path: str) -> str:
    """A truth path as intake shows it: members of an archive exhibit sit under `archive!/`."""
    if exhibit.get("container", "folder") == "folder":
        return path
    return f"{PurePosixPath(exhibit['path']).name}!/{path}"


def _load(store: CaseStore, truth: Mapping[str, Any]) -> _CaseMedia:
    exhibits = {exhibit["ref"]: exhibit for exhibit in truth["exhibits"]}
    records: list[Record] = [*truth.get("images", []), *truth.get("videos", [])]
    with store.read() as conn:
        ids = {(row.ref, row.display_path): row.id for row in conn.execute(_FILES_SQL)}
        planted = [
            (ids.get((r["exhibit"], _display_path(exhibits[r["exhibit"]], r["path"]))), r) for r in records
        ]
        wanted = {file_id for file_id, _ in planted if file_id is not None}
        matched: set[int] = set()
        flagged_good: set[int] = set()
        for row in conn.execute(_MATCHES_SQL):
            (flagged_good if row.known_good else matched).add(row.file_id)
        series_of = {
            int(row.file_id): int(row.series_id)
            for row in conn.execute(text("SELECT file_id, series_id FROM media_series_members"))
        }
        hashes: dict[int, dict[int, tuple[float | None, bytes]]] = defaultdict(dict)
        for row in conn.execute(text("SELECT file_id, form, at_s, pdq FROM media_hashes")):
            if row.file_id in wanted:
                hashes[row.file_id][row.form] = (row.at_s, bytes(row.pdq))
    return _CaseMedia(planted, matched, flagged_good, series_of, dict(hashes))


def _belongs(record: Record) -> bool:
    """A true match: the file is listed exactly or belongs to a known scene."""
    return record.get("expected_match") == "exact" or bool(record.get("known_scene"))


def _match_score(case: _CaseMedia, by_file: Mapping[int, Record]) -> MatchScore:
    groups: dict[str, list[bool]] = defaultdict(list)
    transforms: dict[str, list[bool]] = defaultdict(list)
    for file_id, record in case.planted:
        expected = record.get("expected_match")
        if expected not in {"exact", "perceptual"}:
            continue
        hit = file_id is not None and file_id in case.matched
        groups[str(expected)].append(hit)
        transforms[str(record.get("transform"))].append(hit)
    planted_good = {file_id for file_id, r in case.planted if r.get("known_good") and file_id is not None}
    overall = [hit for hits in groups.values() for hit in hits]
    return MatchScore(
        overall=_group("all", overall),
        exact=_group("exact", groups["exact"]),
        perceptual=_group("perceptual", groups["perceptual"]),
        per_transform=tuple(_group(name, transforms[name]) for name in sorted(transforms)),
        matched_files=len(case.matched),
        true_matches=sum(1 for file_id in case.matched if file_id in by_file and _belongs(by_file[file_id])),
        files_missing=sum(1 for file_id, _ in case.planted if file_id is None),
        known_good_planted=sum(1 for _, r in case.planted if r.get("known_good")),
        known_good_flagged=len(case.flagged_good & planted_good),
        known_good_wrongly_flagged=len(case.flagged_good - planted_good),
    )


def _group(name: str, hits: Iterable[bool]) -> RecallGroup:
    found = list(hits)
    return RecallGroup(name, len(found), sum(found))


def _label(file_id: int, record: Record | None) -> str:
    """What a series member truly is: its scene, else the same-bytes group or the file itself."""
    if record is None:
        return f"file:{file_id}"
    if record.get("scene") and "frames" not in record:
        return str(record["scene"])
    if "frames" in record:
        return f"video:{record['id']}"
    return f"sha256:{record['sha256']}"


def _series_score(case: _CaseMedia, by_file: Mapping[int, Record]) -> SeriesScore:
    members: dict[int, list[str]] = defaultdict(list)
    for member, series_id in case.series_of.items():
        members[series_id].append(_label(member, by_file.get(member)))
    scenes: dict[str, list[int]] = defaultdict(list)
    flagged = case.matched | case.flagged_good
    for file_id, record in case.planted:
        unknown = record.get("scene") and "frames" not in record and record.get("expected_match") is None
        if unknown and file_id is not None and file_id not in flagged:
            scenes[str(record["scene"])].append(file_id)
    majority_of_scenes = 0
    for files in scenes.values():
        clustered = Counter(case.series_of[f] for f in files if f in case.series_of)
        majority_of_scenes += max(clustered.values(), default=1)
    files = [file_id for group in scenes.values() for file_id in group]
    return SeriesScore(
        truth_files=len(files),
        truth_scenes=len(scenes),
        truth_singletons=sum(1 for group in scenes.values() if len(group) == 1),
        darkroom_series=len(members),
        darkroom_singletons=sum(1 for labels in members.values() if len(labels) == 1),
        unclustered_files=sum(1 for file_id in files if file_id not in case.series_of),
        series_files=sum(len(labels) for labels in members.values()),
        majority_in_series=sum(max(Counter(labels).values()) for labels in members.values()),
        majority_of_scenes=majority_of_scenes,
    )


def _references(case: _CaseMedia, truth: Mapping[str, Any]) -> tuple[dict[str, bytes], int]:
    """Each scene original's form-0 PDQ: from an original file in the case, else from truth."""
    references: dict[str, bytes] = {}
    for file_id, record in case.planted:
        if record.get("transform") == "original" and file_id in case.hashes and 0 in case.hashes[file_id]:
            references.setdefault(str(record["scene"]), case.hashes[file_id][0][1])
    from_case = len(references)
    for scene in truth.get("scenes", []):
        references.setdefault(str(scene["id"]), bytes.fromhex(scene["original"]["pdq_hex"]))
    return references, from_case


def _robustness(case: _CaseMedia, references: Mapping[str, bytes]) -> tuple[TransformRobustness, ...]:
    pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for file_id, record in case.planted:
        transform, scene = record.get("transform"), record.get("scene")
        forms = case.hashes.get(file_id) if file_id is not None else None
        if not forms or transform in {None, "original"} or scene not in references:
            continue
        reference = references[str(scene)]
        if transform == "video":
            seconds = record.get("scene_seconds") or {}
            start, end = seconds.get("start_s", 0), seconds.get("end_s", 0)
            inside = [
                hamming(pdq, reference)
                for at_s, pdq in forms.values()
                if at_s is not None and start <= at_s < end
            ]
            if inside:
                pairs["video"].append((min(inside), min(inside)))
        elif 0 in forms:
            best = min(hamming(pdq, reference) for _, pdq in forms.values())
            pairs[str(transform)].append((hamming(forms[0][1], reference), best))
    return tuple(TransformRobustness.of(name, pairs[name]) for name in sorted(pairs))
