"""The media stage and the media commands end to end through the CLI: pictures (one in a zip,
one mirrored, one truncated, one identical copy on a second exhibit) are analysed by `process`,
matched against an imported CSV hash set by `analyse`, listed, shown, put into series and
categorised; thumbnails on disk are only ever blurred greyscale."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image, ImageOps

from tests.conftest import CliRunner, add_args
from tests.media.generated_media import photo_like


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _pdq_hex(data: bytes) -> str:
    pixels = np.ascontiguousarray(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    bits, _quality = pdqhash.compute(pixels)
    return np.packbits(bits.astype(np.uint8)).tobytes().hex()


def _evidence(tmp_path: Path) -> dict[str, bytes]:
    phone = tmp_path / "phone" / "DCIM"
    phone.mkdir(parents=True)
    known = _jpeg(photo_like(1, 640, 480))
    mirrored = _jpeg(ImageOps.mirror(Image.open(io.BytesIO(_jpeg(photo_like(2, 640, 480))))))
    new = _jpeg(photo_like(3, 640, 480))
    resized_new = _jpeg(Image.open(io.BytesIO(new)).resize((480, 360)), quality=70)
    (phone / "known.jpg").write_bytes(known)
    (phone / "mirrored.jpg").write_bytes(mirrored)
    (phone / "new.jpg").write_bytes(new)
    (phone / "broken.jpg").write_bytes(new[: len(new) // 3])
    with zipfile.ZipFile(tmp_path / "phone" / "backup.zip", "w") as archive:
        archive.writestr("Pictures/new-small.jpg", resized_new)
    laptop = tmp_path / "laptop"
    laptop.mkdir()
    (laptop / "copy.jpg").write_bytes(new)
    return {"known": known, "mirror_source": _jpeg(photo_like(2, 640, 480)), "new": new}


def test_media_end_to_end(tmp_path: Path, case_dir: Path, cli: CliRunner) -> None:
    pictures = _evidence(tmp_path)
    assert cli(*add_args(case_dir, tmp_path / "phone", "EX-1")).code == 0
    assert cli(*add_args(case_dir, tmp_path / "laptop", "EX-2")).code == 0
    processed = cli("process", "--case", case_dir)
    assert processed.code == 0, processed.err
    assert "image done" in processed.out and "image failed" in processed.out

    failed = cli("media", "list", "--status", "failed", "--json", "--case", case_dir).jsonl()
    assert [(f["path"], f["status"]) for f in failed] == [("DCIM/broken.jpg", "failed")]
    assert failed[0]["error"]

    hashset = tmp_path / "known.csv"
    with hashset.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["md5", "pdq", "category"])
        writer.writerow([hashlib.md5(pictures["known"]).hexdigest(), "", "1"])
        writer.writerow(["", _pdq_hex(pictures["mirror_source"]), "2"])
    imported = cli("hashset", "import", hashset, "--format", "csv", "--scheme", "vics", "--case", case_dir)
    assert imported.code == 0, imported.err
    analysed = cli("analyse", "--case", case_dir)
    assert analysed.code == 0, analysed.err

    items = {item["path"]: item for item in cli("media", "list", "--json", "--case", case_dir).jsonl()}
    assert [m["kind"] for m in items["DCIM/known.jpg"]["matches"]] == ["md5"]
    assert items["DCIM/known.jpg"]["category"] == "illegal"
    mirrored = items["DCIM/mirrored.jpg"]["matches"]
    assert [m["kind"] for m in mirrored] == ["pdq"] and mirrored[0]["form"] != 0  # found by a dihedral form
    assert items["DCIM/mirrored.jpg"]["category"] == "exploitative"
    assert not items["DCIM/new.jpg"]["matches"]
    series = {
        items[p]["series_id"] for p in ("DCIM/new.jpg", "backup.zip!/Pictures/new-small.jpg", "copy.jpg")
    }
    assert len(series) == 1 and None not in series  # the zip member and the other exhibit's copy join

    listed = cli("media", "series", "--json", "--case", case_dir).jsonl()
    new_series = next(s for s in listed if s["id"] in series)
    assert new_series["known"] is False and new_series["exhibit_refs"] == ["EX-1", "EX-2"]
    assert listed[0]["known"] is False  # new material first

    shown = cli("media", "show", str(items["DCIM/new.jpg"]["file_id"]), "--case", case_dir)
    assert shown.code == 0 and "sha256: " + hashlib.sha256(pictures["new"]).hexdigest() in shown.out

    decided = cli(
        "media",
        "categorise",
        "illegal-C",
        "--series",
        str(series.pop()),
        "--reason",
        "graded",
        "--case",
        case_dir,
    )
    assert decided.code == 0, decided.err
    exported = cli("media", "export-vics", tmp_path / "out.json", "--case", case_dir)
    assert exported.code == 0 and "sha256" in exported.out and "clearance standard" in exported.out

    thumbnails = list((case_dir / "derived" / "thumbnails").rglob("*.jpg"))
    assert len(thumbnails) == 4  # one per distinct content that decoded (new.jpg = copy.jpg)
    for thumbnail in thumbnails:
        with Image.open(thumbnail) as image:
            assert image.mode == "L"
            assert max(image.size) <= 256
    assert not list((case_dir / "derived" / "working").rglob("*.jpg"))  # zip copies removed
    actions = [row["action"] for row in cli("audit", "log", "--json", "--case", case_dir).jsonl()]
    assert {"media.analyse", "hashset.import", "media.match", "media.categorise", "export.vics"} <= set(
        actions
    )


def test_process_twice_does_not_reanalyse(tmp_path: Path, case_dir: Path, cli: CliRunner) -> None:
    _evidence(tmp_path)
    assert cli(*add_args(case_dir, tmp_path / "laptop", "EX-2")).code == 0
    assert cli("process", "--case", case_dir).code == 0
    again = cli("process", "--case", case_dir)
    assert "media analysed this run: 0" in again.out
