"""The hash sets beside the evidence, the videos and the media truth of the small case."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import sqlite3
import zlib
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import av
import numpy as np
import pdqhash
from PIL import Image

from darkroom.synth.hashsets import VICS_1_METADATA, VICS_2_CONTEXT
from tests.synth.conftest import SmallCase, read_exhibit_file

HEX = set("0123456789abcdef")
VICS_FIELDS = {
    "MediaID", "Category", "MD5", "SHA1", "VictimIdentified", "OffenderIdentified", "IsDistributed",
    "Series", "Tags", "MediaSize", "DateUpdated", "IsPrecategorized",
}  # fmt: skip
FLAGS = ("VictimIdentified", "OffenderIdentified", "IsDistributed", "IsPrecategorized")


def viewer_pdq_of(payload: bytes) -> tuple[str, int]:
    """PDQ as the brief defines it, computed here independently of the generator's helper."""
    bits, quality = pdqhash.compute(np.asarray(Image.open(io.BytesIO(payload)).convert("RGB")))
    return f"{int(''.join(str(int(bit)) for bit in bits), 2):064x}", int(quality)


def hamming(first: str, second: str) -> int:
    return (int(first, 16) ^ int(second, 16)).bit_count()


def hashset(case: SmallCase, suffix: str) -> dict[str, Any]:
    return next(h for h in case.truth["hashsets"] if h["path"].endswith(suffix))


def csv_rows(case: SmallCase) -> list[dict[str, str]]:
    text = (case.root / "hashsets" / "known.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def vics(case: SmallCase, name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((case.root / "hashsets" / name).read_text(encoding="utf-8"))
    return document


def test_truth_lists_the_four_hash_sets(small_case: SmallCase) -> None:
    listed = {(h["path"], h["format"], h["version"], h["known_good"]) for h in small_case.truth["hashsets"]}
    assert listed == {
        ("hashsets/known.csv", "csv", None, False),
        ("hashsets/known-vics.json", "vics", "2.0", False),
        ("hashsets/known-vics-v1.json", "vics", "1.3", False),
        ("hashsets/nsrl-rds-minimal.db", "nsrl", "RDSv3", True),
    }
    for item in small_case.truth["hashsets"]:
        assert item["rows"] == item["rows_in_evidence"] + item["rows_elsewhere"] + item["decoy_rows"]
        assert item["rows_in_evidence"] > 0 and item["decoy_rows"] > 0
    assert sorted(p.name for p in (small_case.root / "hashsets").iterdir()) == [
        "known-vics-v1.json", "known-vics.json", "known.csv", "nsrl-rds-minimal.db",
    ]  # fmt: skip


def test_csv_carries_pdq_of_the_decoded_images(small_case: SmallCase) -> None:
    rows = csv_rows(small_case)
    assert len(rows) == hashset(small_case, "known.csv")["rows"]
    assert all(
        len(r["pdq"]) == 64 and set(r["pdq"]) <= HEX and 0 <= int(r["pdq_quality"]) <= 100 for r in rows
    )
    by_sha256 = {row["sha256"]: row for row in rows}
    images = [i for i in small_case.truth["images"] if i["in_csv"]]
    assert images
    for item in images:
        row = by_sha256[item["sha256"]]
        payload = read_exhibit_file(small_case, item["exhibit"], item["path"])
        assert (row["pdq"], int(row["pdq_quality"])) == viewer_pdq_of(payload)
    in_evidence = {i["sha256"] for i in small_case.truth["images"]}
    matching = sum(1 for row in rows if row["sha256"] in in_evidence)
    assert matching == hashset(small_case, "known.csv")["rows_in_evidence"]


def test_truth_pdq_is_the_pdq_of_every_image_as_decoded(small_case: SmallCase) -> None:
    seen: set[str] = set()
    for item in small_case.truth["images"]:
        if item["sha256"] not in seen:
            seen.add(item["sha256"])
            payload = read_exhibit_file(small_case, item["exhibit"], item["path"])
            assert (item["pdq_hex"], item["pdq_quality"]) == viewer_pdq_of(payload), item["path"]


def test_vics_lists_parse_with_both_boolean_styles(small_case: SmallCase) -> None:
    newer, older = vics(small_case, "known-vics.json"), vics(small_case, "known-vics-v1.json")
    assert list(newer) == ["@odata.context", "value"] and newer["@odata.context"] == VICS_2_CONTEXT
    assert list(older) == ["odata.metadata", "value"] and older["odata.metadata"] == VICS_1_METADATA
    assert len(newer["value"]) == hashset(small_case, "known-vics.json")["rows"]
    assert len(older["value"]) == hashset(small_case, "known-vics-v1.json")["rows"] < len(newer["value"])
    media = [*newer["value"], *older["value"]]
    for row in media:
        assert set(row) == VICS_FIELDS
        assert len(row["MD5"]) == 32 and len(row["SHA1"]) == 40 and row["MD5"] == row["MD5"].upper()
        assert row["Category"] in {0, 1, 2} and isinstance(row["MediaSize"], int)
        assert all(row[flag] in (True, False, "true", "false") for flag in FLAGS)
    styles = Counter(type(row[flag]).__name__ for row in media for flag in FLAGS)
    assert styles["bool"] > 0 and styles["str"] > 0
    assert {row["Category"] for row in media} == {0, 1, 2}
    assert [row["MediaID"] for row in newer["value"]] == list(range(1, len(newer["value"]) + 1))


def test_csv_and_vics_cover_different_parts_of_the_known_series(small_case: SmallCase) -> None:
    csv_sha256 = {row["sha256"] for row in csv_rows(small_case)}
    images = {i["md5"].upper(): i for i in small_case.truth["images"]}
    vics_rows = [
        *vics(small_case, "known-vics.json")["value"],
        *vics(small_case, "known-vics-v1.json")["value"],
    ]
    vics_images = [images[row["MD5"]] for row in vics_rows if row["MD5"] in images]
    assert {i["sha256"] for i in vics_images} == {
        i["sha256"] for i in small_case.truth["images"] if i["in_vics"]
    }
    vics_sha256 = {i["sha256"] for i in vics_images}
    in_evidence = {i["sha256"] for i in small_case.truth["images"]}
    assert vics_sha256 - csv_sha256 and (csv_sha256 & in_evidence) - vics_sha256
    for item in vics_images:
        assert any(path.startswith("hashsets/known-vics") for path in item["listed_in"])
        assert item["known"] and item["expected_match"] == "exact"
    listing = {s["id"]: s["listing"] for s in small_case.truth["scenes"]}
    assert {"csv", "vics", "both"} <= set(listing.values())


def test_expected_matches_follow_the_listings(small_case: SmallCase) -> None:
    scenes = {scene["id"]: scene for scene in small_case.truth["scenes"]}
    csv_by_sha256 = {row["sha256"]: row for row in csv_rows(small_case)}
    for item in small_case.truth["images"]:
        if item["known_good"]:
            assert item["expected_match"] is None and item["scene"] is None
            continue
        scene = scenes[item["scene"]]
        assert item["transform"] == item["variant"]
        assert item["known_scene"] == scene["known"]
        assert bool(item["listed_in"]) == (item["in_csv"] or item["in_vics"]) == item["known"]
        if item["known"]:
            assert item["expected_match"] == "exact"
        else:
            assert item["expected_match"] == ("perceptual" if scene["pdq_listed"] else None)
    for scene in scenes.values():
        assert scene["pdq_listed"] == (scene["listing"] in {"csv", "both"})
        if scene["pdq_listed"]:  # its original is a CSV row, seized or not
            assert csv_by_sha256[scene["original"]["sha256"]]["pdq"] == scene["original"]["pdq_hex"]
    expected = Counter(i["expected_match"] for i in small_case.truth["images"])
    assert expected["exact"] > 0 and expected["perceptual"] > 0 and expected[None] > 0


def test_scenes_are_distinct_and_variants_near_their_originals(small_case: SmallCase) -> None:
    """Truth is only right if unrelated scenes never look alike and mild edits stay close."""
    scenes = {scene["id"]: scene["original"]["pdq_hex"] for scene in small_case.truth["scenes"]}
    for first, second in itertools.combinations(scenes.values(), 2):
        assert hamming(first, second) > 31
    for item in small_case.truth["images"]:
        if item["transform"] in {"recompressed", "resized"}:
            assert hamming(item["pdq_hex"], scenes[item["scene"]]) <= 31, item["path"]


def test_nsrl_lists_the_system_pictures_that_exist(small_case: SmallCase) -> None:
    database = small_case.root / "hashsets" / "nsrl-rds-minimal.db"
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"FILE", "PKG", "MFG", "OS", "VERSION"}
        columns = [row[1] for row in db.execute("PRAGMA table_info(FILE)")]
        assert columns == ["sha256", "sha1", "md5", "crc32", "file_name", "file_size", "package_id"]
        rows = db.execute(
            "SELECT sha256, sha1, md5, crc32, file_name, file_size, package_id FROM FILE"
        ).fetchall()
        packages = {package_id for (package_id,) in db.execute("SELECT package_id FROM PKG")}
        assert db.execute("SELECT COUNT(*) FROM VERSION").fetchone() == (1,)
    assert len(rows) == hashset(small_case, ".db")["rows"]
    assert {row[6] for row in rows} <= packages
    files = {f["sha256"]: f for f in small_case.truth["files"]}
    matching = [row for row in rows if row[0].lower() in files]
    assert len(matching) == hashset(small_case, ".db")["rows_in_evidence"] > 0
    for sha256, sha1, md5, crc32, name, size, _ in matching:
        item = files[sha256.lower()]
        payload = read_exhibit_file(small_case, item["exhibit"], item["path"])
        assert hashlib.sha256(payload).hexdigest().upper() == sha256 and len(payload) == size
        assert (hashlib.sha1(payload, usedforsecurity=False).hexdigest().upper(), md5) == (
            sha1,
            hashlib.md5(payload, usedforsecurity=False).hexdigest().upper(),
        )
        assert crc32 == f"{zlib.crc32(payload):08X}" and item["path"].endswith(name)
    good = {i["sha256"].upper() for i in small_case.truth["images"] if i["known_good"]}
    assert good == {row[0] for row in matching}
    holders = {i["exhibit"] for i in small_case.truth["images"] if i["known_good"]}
    assert holders == {e["ref"] for e in small_case.truth["exhibits"] if e["kind"] in {"phone", "laptop"}}


def test_truth_lists_every_video_and_its_scene(small_case: SmallCase) -> None:
    videos = small_case.truth["videos"]
    assert 2 <= len(videos) <= 3
    on_disk = {
        (e["ref"], p.relative_to(small_case.root / e["path"]).as_posix())
        for e in small_case.truth["exhibits"]
        if (small_case.root / e["path"]).is_dir()
        for p in (small_case.root / e["path"]).rglob("*.mp4")
    }
    assert on_disk == {(v["exhibit"], v["path"]) for v in videos}
    files = {(f["exhibit"], f["path"]): f for f in small_case.truth["files"]}
    scenes = {scene["id"]: scene for scene in small_case.truth["scenes"]}
    for video in videos:
        assert files[(video["exhibit"], video["path"])]["sha256"] == video["sha256"]
        payload = read_exhibit_file(small_case, video["exhibit"], video["path"])
        assert hashlib.sha256(payload).hexdigest() == video["sha256"]
        _check_video(payload, video, scenes)
    assert sum(1 for v in videos if v["scene"]) >= 1
    listed = {row["MD5"] for row in vics(small_case, "known-vics.json")["value"]}
    assert [v["id"] for v in videos if v["md5"].upper() in listed] == [
        v["id"] for v in videos if v["in_vics"]
    ]
    assert any(v["in_vics"] for v in videos)


def _check_video(payload: bytes, video: dict[str, Any], scenes: dict[str, Any]) -> None:
    """Frame count and rate as truth says; frames of the stretch are the scene's original."""
    with av.open(io.BytesIO(payload)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == video["codec"] == "mpeg4"
        frames = [
            (float(frame.time or 0), frame.to_ndarray(format="rgb24")) for frame in container.decode(stream)
        ]
    assert len(frames) == video["frames"] == video["duration_s"] * video["fps"]
    assert 3 <= video["duration_s"] <= 10
    if video["scene"] is None:
        assert video["expected_match"] == ("exact" if video["in_vics"] else None)
        return
    scene = scenes[video["scene"]]
    assert scene["series"] == video["series"] and video["expected_match"] == "perceptual"
    seconds = video["scene_seconds"]
    assert 0 <= seconds["start_s"] < seconds["end_s"] <= video["duration_s"]
    for at_s, pixels in frames:
        bits, _ = pdqhash.compute(pixels)
        distance = hamming(f"{int(''.join(str(int(b)) for b in bits), 2):064x}", scene["original"]["pdq_hex"])
        inside = seconds["start_s"] <= at_s < seconds["end_s"]
        assert (distance <= 31) == inside, (video["path"], at_s, distance)


def test_hash_set_paths_lie_beside_the_exhibits(small_case: SmallCase) -> None:
    exhibit_paths = [Path(e["path"]) for e in small_case.truth["exhibits"]]
    for item in small_case.truth["hashsets"]:
        assert not any(Path(item["path"]).is_relative_to(path) for path in exhibit_paths)


def test_every_file_holding_a_photo_is_an_image_of_truth(small_case: SmallCase) -> None:
    """Copies a UFDR report embeds are images too: a media stage will hash and match them."""
    images = {(i["exhibit"], i["path"]): i for i in small_case.truth["images"]}
    photos = {i["sha256"] for i in images.values()}
    holders = [f for f in small_case.truth["files"] if f["sha256"] in photos]
    assert {(f["exhibit"], f["path"]) for f in holders} == set(images)
    embedded = [i for i in images.values() if i["embedded"]]
    assert embedded and all(".ufdr!/" in i["path"] for i in embedded)
    assert small_case.truth["stats"]["images"] == len(images)
    assert small_case.summary.images == len(images) and small_case.summary.videos == len(
        small_case.truth["videos"]
    )
