"""The hash sets beside the evidence (`hashsets/`): what a unit would import before review.

- `known.csv`: md5, sha1, sha256, category, series, pdq, pdq_quality — originals of the known
  scenes the CSV covers (with PDQ, so unlisted variants can be found perceptually; an original
  never seized is listed too) and some of their variants.
- `known-vics.json`: a Project VIC VICS 2.0 hash list covering another part of the known series
  (MD5/SHA-1 only, upper-case as exports write them; booleans as JSON or as "true"/"false"
  strings, as real files mix them), and one video; `known-vics-v1.json`: a small VICS 1.3 list.
- `nsrl-rds-minimal.db`: an NSRL RDSv3-shaped SQLite of known-good files — the system
  pictures on seized phones and laptops — which known-good exclusion must remove.

Real sets are mostly about material not in the case, so decoy rows (random digests) sit beside
the rows that match seized files.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from darkroom.synth.exhibits import FIRST_SEIZURE
from darkroom.synth.fictional import random_hex
from darkroom.synth.images import (
    Digests,
    SystemImage,
    ViewerPdq,
    digests_of,
    render_image,
    render_scene,
    viewer_pdq,
)
from darkroom.synth.media import MediaPlan, ScenePlan
from darkroom.synth.render import TruthImage
from darkroom.synth.videos import WrittenVideo

KNOWN_CSV = "hashsets/known.csv"
KNOWN_VICS = "hashsets/known-vics.json"
KNOWN_VICS_V1 = "hashsets/known-vics-v1.json"
NSRL_DB = "hashsets/nsrl-rds-minimal.db"
COLUMNS = ("md5", "sha1", "sha256", "category", "series", "pdq", "pdq_quality")
VICS_2_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/Default/$metadata#Media"
VICS_1_METADATA = "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Media"
_VICS_V1_ROWS = 4


@dataclass(frozen=True, slots=True)
class HashSetTruth:
    """What one hash-set file holds; `rows_elsewhere` are real rows for files not in the evidence."""

    path: str
    format: str
    version: str
    known_good: bool
    rows: int
    rows_in_evidence: int
    rows_elsewhere: int
    decoy_rows: int
    listed: frozenset[str] = field(repr=False)  # SHA-256 of the real files it lists


@dataclass(frozen=True, slots=True)
class ListedItem:
    """An image or video a known set lists: digests, PDQ (images), category, series, which sets."""

    key: str  # image id or video id
    digests: Digests
    pdq: ViewerPdq | None
    category: str
    series: str
    in_csv: bool
    in_vics: bool
    in_evidence: bool


@dataclass(frozen=True, slots=True)
class SystemFile:
    """A system picture as written to one exhibit."""

    exhibit: str
    item: SystemImage
    digests: Digests
    crc32: str


@dataclass(frozen=True, slots=True)
class SceneOriginal:
    """A scene's original photo: digests and PDQ, whether or not any exhibit holds it."""

    image: str
    digests: Digests
    pdq: ViewerPdq
    in_evidence: bool


@dataclass(frozen=True, slots=True)
class MediaTruth:
    """What the media stages wrote beside the photos: PDQ hashes, hash sets, system pictures, videos."""

    pdqs: Mapping[str, ViewerPdq]  # SHA-256 of each written photo -> PDQ as decoded
    originals: Mapping[str, SceneOriginal]  # scene id -> its original
    listed: Sequence[ListedItem]
    hashsets: Sequence[HashSetTruth]
    system_files: Sequence[SystemFile]
    videos: Sequence[WrittenVideo]

    def listed_in(self, known_good: bool) -> dict[str, list[str]]:
        """SHA-256 -> paths of the known (or known-good) hash sets listing that file exactly."""
        found: dict[str, list[str]] = {}
        for hashset in self.hashsets:
            for sha256 in hashset.listed if hashset.known_good == known_good else ():
                found.setdefault(sha256, []).append(hashset.path)
        return {sha256: sorted(paths) for sha256, paths in found.items()}


def unseized_originals(plan: MediaPlan) -> list[ScenePlan]:
    """Scenes with a file in evidence whose original photo no exhibit holds."""
    return [
        scene
        for scene in plan.scenes
        if not scene.images[0].placements and any(image.placements for image in scene.images)
    ]


def encode_original(scene: ScenePlan) -> tuple[Digests, ViewerPdq]:
    """Digests and PDQ of a scene's original, encoded exactly as the image stage would have."""
    pixels = render_scene(scene.seed, scene.camera.width, scene.camera.height)
    jpeg = render_image(scene, pixels, scene.images[0]).jpeg
    return digests_of(jpeg), viewer_pdq(jpeg)


def scene_originals(
    plan: MediaPlan,
    images: Sequence[TruthImage],
    pdqs: Mapping[str, ViewerPdq],
    unseized: Mapping[str, tuple[Digests, ViewerPdq]],
) -> dict[str, SceneOriginal]:
    """The original of every scene with a file in evidence: as written, or (`unseized`) encoded again."""
    written = {image.image: image for image in images}
    originals: dict[str, SceneOriginal] = {}
    for scene in plan.scenes:
        original = scene.images[0]
        copy = written.get(original.id)
        if copy is not None:
            digests = Digests(copy.md5, copy.sha1, copy.sha256, copy.size)
            originals[scene.id] = SceneOriginal(original.id, digests, pdqs[copy.sha256], True)
        elif scene.id in unseized:
            originals[scene.id] = SceneOriginal(original.id, *unseized[scene.id], False)
    return originals


def listed_media(
    plan: MediaPlan,
    images: Sequence[TruthImage],
    pdqs: Mapping[str, ViewerPdq],
    originals: Mapping[str, SceneOriginal],
    videos: Sequence[WrittenVideo],
) -> list[ListedItem]:
    """Every listed image of a scene with a file in evidence (its original even if never seized)."""
    written = {image.image: image for image in images}
    categories = {series.id: series.category or "1" for series in plan.series}
    items: list[ListedItem] = []
    for scene in plan.scenes:
        if scene.id not in originals:
            continue
        category = categories[scene.series]
        for image in scene.images:
            copy = written.get(image.id)
            if not image.known or (copy is None and image.variant != "original"):
                continue
            if copy is None:
                original = originals[scene.id]
                digests, pdq, in_evidence = original.digests, original.pdq, False
            else:
                digests, pdq, in_evidence = (
                    Digests(copy.md5, copy.sha1, copy.sha256, copy.size),
                    pdqs[copy.sha256],
                    True,
                )
            items.append(
                ListedItem(
                    image.id, digests, pdq, category, scene.series, image.in_csv, image.in_vics, in_evidence
                )
            )
    items.extend(
        ListedItem(video.plan.id, video.digests, None, "2", "", False, True, True)
        for video in videos
        if video.plan.in_vics
    )
    return items


def write_known_csv(out_dir: Path, items: Sequence[ListedItem], rng: random.Random) -> HashSetTruth:
    """The CSV set: one row per listed image, as many decoys (random PDQ too), sorted by MD5."""
    listed = list({item.digests.sha256: item for item in items if item.in_csv}.values())
    rows = [_csv_row(item) for item in listed]
    decoys = max(5, len(rows))
    for number in range(decoys):
        digests = Digests(random_hex(rng, 32), random_hex(rng, 40), random_hex(rng, 64), 0)
        pdq = ViewerPdq(random_hex(rng, 64), rng.randrange(50, 101))
        rows.append(
            _csv_row(ListedItem("", digests, pdq, rng.choice("12"), f"X{number:04d}", True, False, False))
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(sorted(rows))
    _write(out_dir / KNOWN_CSV, buffer.getvalue().encode("utf-8"))
    return _listed_truth(KNOWN_CSV, "csv", "", listed, decoys)


def _csv_row(item: ListedItem) -> tuple[str, ...]:
    pdq_hex, quality = ("", "") if item.pdq is None else (item.pdq.pdq_hex, str(item.pdq.quality))
    digests = item.digests
    return (digests.md5, digests.sha1, digests.sha256, item.category, item.series, pdq_hex, quality)


def write_vics(out_dir: Path, items: Sequence[ListedItem], rng: random.Random) -> tuple[HashSetTruth, ...]:
    """The VICS 2.0 list (most VICS-listed files, decoys) and a small 1.3 list overlapping it."""
    listed = list({item.digests.sha256: item for item in items if item.in_vics}.values())
    rng.shuffle(listed)
    older = listed[:_VICS_V1_ROWS]
    newer = [item for number, item in enumerate(listed) if number >= _VICS_V1_ROWS or number % 2 == 0]
    v1_decoys, v2_decoys = 3, max(5, len(newer))
    v2_rows = [*(_vics_media(rng, item) for item in newer), *(_vics_decoy(rng) for _ in range(v2_decoys))]
    rng.shuffle(v2_rows)
    v1_rows = [*(_vics_media(rng, item) for item in older), *(_vics_decoy(rng) for _ in range(v1_decoys))]
    _write_vics(out_dir / KNOWN_VICS, {"@odata.context": VICS_2_CONTEXT}, v2_rows)
    _write_vics(out_dir / KNOWN_VICS_V1, {"odata.metadata": VICS_1_METADATA}, v1_rows)
    return (
        _listed_truth(KNOWN_VICS, "vics", "2.0", newer, v2_decoys),
        _listed_truth(KNOWN_VICS_V1, "vics", "1.3", older, v1_decoys),
    )


def _write_vics(target: Path, header: Mapping[str, str], rows: list[dict[str, object]]) -> None:
    media = [{"MediaID": number, **row} for number, row in enumerate(rows, start=1)]
    document = {**header, "value": media}
    _write(target, json.dumps(document, separators=(",", ":")).encode("utf-8"))


def _vics_flag(rng: random.Random, value: bool) -> bool | str:
    """A VICS boolean as exports write it: sometimes a JSON boolean, sometimes a string."""
    return value if rng.random() < 0.5 else str(value).lower()


def _vics_row(
    rng: random.Random, category: int, md5: str, sha1: str, series: str, size: int
) -> dict[str, object]:
    updated = FIRST_SEIZURE - timedelta(days=rng.randrange(30, 1500), seconds=rng.randrange(86_400))
    return {
        "Category": category,
        "MD5": md5.upper(),
        "SHA1": sha1.upper(),
        "VictimIdentified": _vics_flag(rng, rng.random() < 0.2),
        "OffenderIdentified": _vics_flag(rng, rng.random() < 0.3),
        "IsDistributed": _vics_flag(rng, rng.random() < 0.8),
        "Series": series,
        "Tags": rng.choice(("", "", "synthetic")),
        "MediaSize": size,
        "DateUpdated": _vics_time(updated, rng),
        "IsPrecategorized": _vics_flag(rng, rng.random() < 0.5),
    }


def _vics_media(rng: random.Random, item: ListedItem) -> dict[str, object]:
    digests = item.digests
    return _vics_row(rng, int(item.category), digests.md5, digests.sha1, item.series, digests.size)


def _vics_decoy(rng: random.Random) -> dict[str, object]:
    """A row for material not in the case; category 0 (non-pertinent) on some."""
    category = rng.choice((0, 1, 1, 2))
    series = f"X{rng.randrange(10_000):04d}" if category else ""
    return _vics_row(
        rng, category, random_hex(rng, 32), random_hex(rng, 40), series, rng.randrange(8_000, 900_000)
    )


def _vics_time(moment: datetime, rng: random.Random) -> str:
    """`2023-06-07T02:31:49.8300Z`: UTC with four fractional digits."""
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{rng.randrange(10_000):04d}Z"


# NSRL RDSv3 tables (NIST's published layout); hex digests are upper-case in RDS files.
_NSRL_DDL = """
CREATE TABLE FILE (
 sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL, crc32 VARCHAR NOT NULL,
 file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id INTEGER NOT NULL,
 CONSTRAINT PK_FILE__FILE PRIMARY KEY (sha256, sha1, md5, crc32, file_name, file_size, package_id));
CREATE TABLE MFG (manufacturer_id INTEGER NOT NULL, name VARCHAR NOT NULL,
 CONSTRAINT PK_MFG__MFG_ID PRIMARY KEY (manufacturer_id));
CREATE TABLE OS (operating_system_id INTEGER NOT NULL, name VARCHAR NOT NULL, version VARCHAR NOT NULL,
 manufacturer_id INTEGER NOT NULL,
 CONSTRAINT PK_OS__OS_ID PRIMARY KEY (operating_system_id, manufacturer_id));
CREATE TABLE PKG (package_id INTEGER NOT NULL, name VARCHAR NOT NULL, version VARCHAR NOT NULL,
 operating_system_id INTEGER NOT NULL, manufacturer_id INTEGER NOT NULL, language VARCHAR NOT NULL,
 application_type VARCHAR NOT NULL,
 CONSTRAINT PK_PGK__PKG_ID PRIMARY KEY (package_id, operating_system_id, manufacturer_id, language,
 application_type));
CREATE TABLE VERSION (version VARCHAR UNIQUE NOT NULL, build_set VARCHAR NOT NULL,
 build_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL, release_date TIMESTAMP NOT NULL,
 description VARCHAR NOT NULL, CONSTRAINT PK_VERSION__VERSION PRIMARY KEY (version));
CREATE VIEW DISTINCT_HASH AS SELECT DISTINCT sha256, sha1, md5, crc32 FROM FILE;
"""
_MFG = ((1, "Contoso Mobile"), (2, "Fabrikam, Inc."), (3, "Northwind Traders"), (4, "Tailspin Toys"))
_OS = (
    (10, "Android", "14", 1),
    (11, "iOS", "17.4", 2),
    (12, "Windows", "11 23H2", 3),
    (13, "Linux", "6.1", 4),
)
# key -> (package_id, name, version, operating_system_id, manufacturer_id, application_type)
_PACKAGES: Mapping[str, tuple[int, str, str, int, int, str]] = {
    "android-system": (1001, "Contoso Android System Image", "14.0.2", 10, 1, "Operating System"),
    "gallery-app": (1002, "Contoso Gallery", "9.3", 10, 1, "Image Viewer"),
    "ios-system": (1101, "Fabrikam iOS Restore Image", "17.4", 11, 2, "Operating System"),
    "windows-themes": (1201, "Northwind Desktop Themes", "2024.1", 12, 3, "Desktop Theme"),
    "photo-editor": (1202, "Northwind Photo Editor", "4.2", 12, 3, "Graphics"),
    "office-suite": (1203, "Northwind Office", "16.0", 12, 3, "Office Suite"),
    "game": (1301, "Tailspin Puzzle Collection", "2.1", 13, 4, "Game"),
}
_DECOY_NAMES = (
    "setup.exe", "readme.txt", "msvcp140.dll", "libEGL.so", "icon_48.png", "splash.jpg",
    "license.rtf", "update.cab", "default.xml", "strings.json", "help.chm", "logo.png",
)  # fmt: skip
_RDS_VERSION = (
    "2026.03.1",
    "modern",
    "2026-03-01 04:00:00",
    "2026-03-02 00:00:00",
    "Synthetic RDS (darkroom test data): known-good files, minimal edition",
)


def write_nsrl(out_dir: Path, files: Sequence[SystemFile], rng: random.Random) -> HashSetTruth:
    """An RDSv3-shaped SQLite: the system pictures (one twice, under two packages) and decoys."""
    distinct = sorted({f.digests.sha256: f for f in files}.values(), key=lambda f: f.item.path)
    rows = [_nsrl_row(f.digests, f.item.file_name, _PACKAGES[f.item.package][0], f.crc32) for f in distinct]
    if distinct:  # RDS lists a file once per package that ships it
        again = distinct[0]
        rows.append(_nsrl_row(again.digests, again.item.file_name, _PACKAGES["office-suite"][0], again.crc32))
    in_evidence = len(rows)
    decoys = max(100, 10 * in_evidence)
    package_ids = [package[0] for package in _PACKAGES.values()]
    for _ in range(decoys):
        digests = Digests(
            random_hex(rng, 32), random_hex(rng, 40), random_hex(rng, 64), rng.randrange(200, 5 << 20)
        )
        crc32 = random_hex(rng, 8).upper()
        rows.append(_nsrl_row(digests, rng.choice(_DECOY_NAMES), rng.choice(package_ids), crc32))
    target = out_dir / NSRL_DB
    target.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(target)
    try:
        connection.executescript(_NSRL_DDL)
        connection.executemany("INSERT INTO MFG VALUES (?, ?)", _MFG)
        connection.executemany("INSERT INTO OS VALUES (?, ?, ?, ?)", _OS)
        connection.executemany(
            "INSERT INTO PKG VALUES (?, ?, ?, ?, ?, 'English', ?)", sorted(_PACKAGES.values())
        )
        connection.execute("INSERT INTO VERSION VALUES (?, ?, ?, ?, ?)", _RDS_VERSION)
        connection.executemany("INSERT INTO FILE VALUES (?, ?, ?, ?, ?, ?, ?)", sorted(rows))
        connection.commit()
    finally:
        connection.close()
    listed = frozenset(f.digests.sha256 for f in distinct)
    return HashSetTruth(NSRL_DB, "nsrl", "RDSv3", True, len(rows), in_evidence, 0, decoys, listed)


def _nsrl_row(digests: Digests, name: str, package_id: int, crc32: str) -> tuple[object, ...]:
    return (
        digests.sha256.upper(),
        digests.sha1.upper(),
        digests.md5.upper(),
        crc32,
        name,
        digests.size,
        package_id,
    )


def crc32_hex(payload: bytes) -> str:
    """CRC-32 as RDS writes it: eight upper-case hex digits."""
    return f"{zlib.crc32(payload):08X}"


def _listed_truth(
    path: str, kind: str, version: str, items: Collection[ListedItem], decoys: int
) -> HashSetTruth:
    in_evidence = sum(1 for item in items if item.in_evidence)
    listed = frozenset(item.digests.sha256 for item in items)
    return HashSetTruth(
        path, kind, version, False, len(items) + decoys, in_evidence, len(items) - in_evidence, decoys, listed
    )


def _write(target: Path, payload: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(payload)
