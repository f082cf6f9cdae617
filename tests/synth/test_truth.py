"""truth.json describes exactly what was written, and the case has the promised shape."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import Counter
from datetime import datetime

import phonenumbers
from PIL import Image

from darkroom.media.exif import exif_facts_of
from darkroom.synth.fictional import is_fictional_gps
from tests.synth.conftest import SmallCase, archive_names, read_exhibit_file

EXHIBIT_FIELDS = {
    "ref",
    "path",
    "kind",
    "owner",
    "seized_from",
    "seized_at",
    "seized_by",
    "description",
    "timezone",
}
ANDROID_HEADER = re.compile(r"^\d\d/\d\d/\d{4}, \d\d:\d\d - ([^:]+): ", re.MULTILINE)
IOS_HEADER = re.compile(r"^\[\d\d/\d\d/\d{4}, \d\d:\d\d:\d\d\] ([^:]+): ", re.MULTILINE)


def test_truth_is_sorted_indent_one_json(small_case: SmallCase) -> None:
    text = (small_case.root / "truth.json").read_text(encoding="utf-8")
    assert text == json.dumps(small_case.truth, sort_keys=True, indent=1) + "\n"
    truth = small_case.truth
    assert (truth["darkroom_synth"], truth["seed"], truth["scale"]) == (2, 1, "small")
    assert truth["case"]["region"] == "GB"
    assert truth["case"]["timezone"] == "Europe/Oslo"


def test_exhibits_are_complete_and_exist(small_case: SmallCase) -> None:
    exhibits = small_case.truth["exhibits"]
    assert 4 <= len(exhibits) <= 6
    assert len({e["ref"] for e in exhibits}) == len(exhibits)
    persons = {p["id"]: p for p in small_case.truth["persons"]}
    for exhibit in exhibits:
        assert set(exhibit) >= EXHIBIT_FIELDS
        assert exhibit["kind"] in {"phone", "laptop", "app-export"}
        assert (small_case.root / exhibit["path"]).exists()
        assert datetime.fromisoformat(exhibit["seized_at"]).utcoffset() is not None
        assert all(exhibit[field] for field in ("seized_from", "seized_by", "description"))
        assert persons[exhibit["owner"]]["role"] == "suspect"
    assert {e["kind"] for e in exhibits} == {"phone", "laptop", "app-export"}


def test_every_truth_file_exists_with_its_digest(small_case: SmallCase) -> None:
    for item in small_case.truth["files"]:
        payload = read_exhibit_file(small_case, item["exhibit"], item["path"])
        assert len(payload) == item["size"], item["path"]
        assert hashlib.sha256(payload).hexdigest() == item["sha256"], item["path"]


def _paths_on_disk(small_case: SmallCase, ref: str) -> set[str]:
    """Every regular file of an exhibit, nested archive members included, as truth paths."""
    location = small_case.exhibit_path(ref)
    found: list[tuple[str, bytes]] = []
    if location.is_dir():
        found = [
            (p.relative_to(location).as_posix(), p.read_bytes()) for p in location.rglob("*") if p.is_file()
        ]
    else:
        found = [
            (name, read_exhibit_file(small_case, ref, name)) for name in archive_names(location.read_bytes())
        ]
    paths: set[str] = set()
    while found:
        path, payload = found.pop()
        paths.add(path)
        if path.endswith((".zip", ".ufdr")):
            found.extend(
                (f"{path}!/{name}", read_exhibit_file(small_case, ref, f"{path}!/{name}"))
                for name in archive_names(payload)
            )
    return paths


def test_no_file_is_left_out_of_truth(small_case: SmallCase) -> None:
    for exhibit in small_case.truth["exhibits"]:
        described = {f["path"] for f in small_case.truth["files"] if f["exhibit"] == exhibit["ref"]}
        assert _paths_on_disk(small_case, exhibit["ref"]) == described, exhibit["ref"]


def test_people_accounts_and_networks_link_up(small_case: SmallCase) -> None:
    truth = small_case.truth
    persons = {p["id"]: p for p in truth["persons"]}
    assert 50 <= len(persons) <= 70
    assert 120 <= len(truth["accounts"]) <= 220
    keys = [a["key"] for a in truth["accounts"]]
    assert len(set(keys)) == len(keys)
    assert all(a["person"] in persons for a in truth["accounts"])
    assert all(m in persons for n in truth["networks"] for m in n["members"])
    assert {p["role"] for p in persons.values()} == {"suspect", "hidden-suspect", "bystander"}
    owners = {e["owner"] for e in truth["exhibits"]}
    hidden = {pid for pid, p in persons.items() if p["role"] == "hidden-suspect"}
    assert hidden and not hidden & owners
    seen = {a["person"] for a in truth["accounts"] if a["in_evidence"]}
    assert hidden <= seen, "hidden suspects must surface in seized contacts or chats"
    assert any(len(p["networks"]) > 1 for p in persons.values())


def test_traps_are_planted(small_case: SmallCase) -> None:
    kinds = Counter(t["kind"] for t in small_case.truth["traps"])
    assert {"family-number", "similar-handles", "same-name"} <= set(kinds)
    for trap in small_case.truth["traps"]:
        assert len(set(trap["persons"])) >= 2
    family = next(s for s in small_case.truth["shared_identifiers"] if s["why"] == "family number")
    assert len(family["persons"]) >= 2


def test_chat_files_hold_what_truth_says(small_case: SmallCase) -> None:
    chats = [
        f for f in small_case.truth["files"] if f["kind"] in {"whatsapp-android-txt", "whatsapp-ios-txt"}
    ]
    assert {f["kind"] for f in chats} == {"whatsapp-android-txt", "whatsapp-ios-txt"}
    total = 0
    for item in chats:
        text = read_exhibit_file(small_case, item["exhibit"], item["path"]).decode("utf-8")
        header = ANDROID_HEADER if item["kind"] == "whatsapp-android-txt" else IOS_HEADER
        content = item["content"]
        senders = header.findall(text)
        # iOS attributes the end-to-end notice to the chat title; Android prints it sender-less.
        notices = content["system_count"] if item["kind"] == "whatsapp-ios-txt" else 0
        assert len(senders) == content["message_count"] + notices
        labels = {p["label"] for p in content["participants"]}
        assert set(senders) <= labels | {content["group"]}
        total += content["message_count"]
    every_format = sum((f.get("content") or {}).get("message_count", 0) for f in small_case.truth["files"])
    assert small_case.truth["stats"]["messages"] == every_format >= total
    assert 2_000 <= every_format <= 8_000


def test_contact_cards_match_truth(small_case: SmallCase) -> None:
    cards = [f for f in small_case.truth["files"] if f["kind"] == "vcard"]
    assert cards
    for item in cards:
        text = read_exhibit_file(small_case, item["exhibit"], item["path"]).decode("utf-8")
        assert text.count("BEGIN:VCARD") == item["content"]["card_count"] == len(item["content"]["cards"])
        for card in item["content"]["cards"]:
            for identifier in card["identifiers"]:
                assert identifier["written"] in text
                if identifier["kind"] == "phone":
                    parsed = phonenumbers.parse(identifier["written"], "GB")
                    assert (
                        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
                        == identifier["value"]
                    )


def test_images_match_bytes_and_exif(small_case: SmallCase) -> None:
    images = small_case.truth["images"]
    assert 120 <= len(images) <= 200
    with_gps = in_maker_note = 0
    for item in images:
        payload = read_exhibit_file(small_case, item["exhibit"], item["path"])
        assert hashlib.md5(payload, usedforsecurity=False).hexdigest() == item["md5"]
        assert hashlib.sha1(payload, usedforsecurity=False).hexdigest() == item["sha1"]
        assert hashlib.sha256(payload).hexdigest() == item["sha256"]
        with Image.open(io.BytesIO(payload)) as picture:
            assert picture.format == ("PNG" if item["path"].endswith(".png") else "JPEG")
            assert picture.size == (item["width"], item["height"])
            exif = picture.getexif()
            facts = exif_facts_of(picture)
        if not item["exif"]:
            assert len(exif) == 0
            continue
        assert exif[0x010F] == item["exif"]["make"]
        assert (facts.body_serial, facts.body_serial_source) == (
            item["exif"]["serial"],
            item["exif"]["serial_source"],
        )
        if item["exif"]["serial_source"] == "exif":
            assert exif.get_ifd(0x8769)[0xA431] == item["exif"]["serial"]
        else:
            assert 0xA431 not in exif.get_ifd(0x8769)
            in_maker_note += 1
        assert exif.get_ifd(0x8769)[0x9003] == item["exif"]["datetime_original"]
        if item["exif"]["gps"] is not None:
            with_gps += 1
            gps = exif.get_ifd(0x8825)
            lat = sum(float(v) / 60**n for n, v in enumerate(gps[2])) * (1 if gps[1] == "N" else -1)
            lon = sum(float(v) / 60**n for n, v in enumerate(gps[4])) * (1 if gps[3] == "E" else -1)
            assert is_fictional_gps(lat, lon)
            assert abs(lat - item["exif"]["gps"]["lat"]) < 1e-6
            assert abs(lon - item["exif"]["gps"]["lon"]) < 1e-6
    assert with_gps > 0
    assert in_maker_note > 0  # seed 1 has a Canon that writes its serial only in the maker note
    assert sum(1 for item in images if (item["width"], item["height"]) == (640, 480)) > len(images) / 2


def test_series_have_variants(small_case: SmallCase) -> None:
    images = [item for item in small_case.truth["images"] if not item["known_good"]]
    variants = Counter(item["variant"] for item in images)
    assert variants["original"] > 0
    assert len(variants) >= 5
    by_scene: dict[str, set[str]] = {}
    for item in images:
        by_scene.setdefault(item["scene"], set()).add(item["variant"])
    assert any("original" in found and len(found) >= 3 for found in by_scene.values())
    series_ids = {s["id"] for s in small_case.truth["series"]}
    assert {item["series"] for item in images} == series_ids
    assert any(len(s["scenes"]) > 1 for s in small_case.truth["series"])
    assert any(len(s["exhibits"]) > 1 for s in small_case.truth["series"])


def test_hash_set_covers_exactly_the_images_in_csv(small_case: SmallCase) -> None:
    lines = (small_case.root / "hashsets" / "known.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "md5,sha1,sha256,category,series,pdq,pdq_quality"
    rows = [line.split(",") for line in lines[1:]]
    listed_md5 = {row[0] for row in rows}
    listed_sha256 = {row[2] for row in rows}
    images = small_case.truth["images"]
    in_csv = {item["md5"] for item in images if item["in_csv"]}
    assert in_csv, "some images must be in the CSV set"
    assert {item["md5"] for item in images} & listed_md5 == in_csv
    assert {item["sha256"] for item in images} & listed_sha256 == {i["sha256"] for i in images if i["in_csv"]}
    assert any(not item["known"] for item in images)
    assert all(item["known"] == (item["in_csv"] or item["in_vics"]) for item in images)


def test_archives_zip_tar_and_nested(small_case: SmallCase) -> None:
    containers = {
        e["path"].rsplit(".", 1)[-1] if e["container"] != "folder" else "folder"
        for e in small_case.truth["exhibits"]
    }
    assert {"zip", "gz", "folder"} <= containers
    paths = [f["path"] for f in small_case.truth["files"]]
    assert any(path.count("!/") >= 2 for path in paths), "a zip inside a zip inside the exhibit"
    zip_exhibit = next(e for e in small_case.truth["exhibits"] if e["container"] == "zip")
    assert any(
        f["path"].endswith(".zip") for f in small_case.truth["files"] if f["exhibit"] == zip_exhibit["ref"]
    )
