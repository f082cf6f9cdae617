"""Evidence intake through the CLI: folders, files, archives, odd names, symlinks, unreadable files."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import CliRunner, add_args

BAD_NAME = b"caf\xe9-\xff.txt"  # Latin-1 bytes, not valid UTF-8


def digests(data: bytes) -> tuple[str, str, str]:
    return hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest()


def rows(case: Path, exhibit: str = "EX-1") -> dict[bytes, sqlite3.Row]:
    """Recorded files of one exhibit keyed by 'container path!/path' bytes."""
    with sqlite3.connect(case / "case.db") as db:
        db.row_factory = sqlite3.Row
        found = db.execute(
            "SELECT f.* FROM files f JOIN exhibits e ON e.id = f.exhibit_id WHERE e.ref = ?", (exhibit,)
        ).fetchall()
    by_id = {r["id"]: r for r in found}

    def key(r: sqlite3.Row) -> bytes:
        return r["path"] if r["container_id"] is None else key(by_id[r["container_id"]]) + b"!/" + r["path"]

    return {key(r): r for r in found}


def _jpeg() -> bytes:
    """A benign generated picture: a plain colour gradient."""
    image = Image.linear_gradient("L").convert("RGB").resize((64, 48))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def make_tree(root: Path) -> dict[bytes, bytes]:
    """A small seized folder; returns relative path -> content for every regular file."""
    contents = {
        b"notes.txt": b"meeting moved to thursday\n",
        b"DCIM/Camera/IMG_0001.jpg": _jpeg(),
        b"empty.bin": b"",
        b"deep/a/b/c/d.txt": b"deep file",
        BAD_NAME: b"odd name",
        "nordic-æøå.txt".encode(): b"norwegian letters",
    }
    for rel, data in contents.items():
        path = os.path.join(os.fsencode(root), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    return contents


def test_folder_intake_records_every_file_with_three_digests(
    case_dir: Path, tmp_path: Path, cli: CliRunner
) -> None:
    source = tmp_path / "phone"
    contents = make_tree(source)
    result = cli(*add_args(case_dir, source, "EX-1"))
    assert result.code == 0, result.err
    assert "audit head: row" in result.err
    recorded = rows(case_dir)
    assert set(recorded) == set(contents)
    for rel, data in contents.items():
        row = recorded[rel]
        assert (row["md5"], row["sha1"], row["sha256"]) == digests(data)
        assert row["size"] == len(data)
        assert row["mtime_utc"].endswith("+00:00")
    assert recorded[b"DCIM/Camera/IMG_0001.jpg"]["mime_type"] == "image/jpeg"
    assert recorded[b"notes.txt"]["mime_type"] == "text/plain"
    assert recorded[b"empty.bin"]["mime_type"] == "inode/x-empty"


def test_non_utf8_file_names_survive_exactly(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    source = tmp_path / "odd"
    make_tree(source)
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    row = rows(case_dir)[BAD_NAME]
    assert bytes(row["path"]) == BAD_NAME
    assert row["display_path"] == "caf\\xe9-\\xff.txt"
    listed = cli("evidence", "files", "--case", case_dir, "--json").jsonl()
    assert bytes.fromhex(next(r for r in listed if r["path"].startswith("caf"))["path_hex"]) == BAD_NAME


def test_single_file_exhibit(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    source = tmp_path / "export.txt"
    source.write_bytes(b"one file only")
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    recorded = rows(case_dir)
    assert list(recorded) == [b"export.txt"]
    assert recorded[b"export.txt"]["sha256"] == digests(b"one file only")[2]


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 3, 1, 12, 0, 0)), data)
    return buffer.getvalue()


def _tar_gz_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_770_000_000
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_archives_are_walked_in_place_including_nested_ones(
    case_dir: Path, tmp_path: Path, cli: CliRunner
) -> None:
    source = tmp_path / "laptop"
    source.mkdir()
    inner_tar = _tar_gz_bytes({"chat/_chat.txt": b"[01/03/2026, 12:00:00] A: hi", "photo.jpg": b"\xff\xd8xx"})
    inner_zip = _zip_bytes({"contacts.vcf": b"BEGIN:VCARD\r\nEND:VCARD\r\n", "export.tar.gz": inner_tar})
    (source / "backup.zip").write_bytes(_zip_bytes({"docs/readme.txt": b"hello", "nested.zip": inner_zip}))
    (source / "export.tar.gz").write_bytes(inner_tar)
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    recorded = rows(case_dir)
    expected = {
        b"backup.zip!/docs/readme.txt": b"hello",
        b"backup.zip!/nested.zip!/contacts.vcf": b"BEGIN:VCARD\r\nEND:VCARD\r\n",
        b"backup.zip!/nested.zip!/export.tar.gz!/chat/_chat.txt": b"[01/03/2026, 12:00:00] A: hi",
        b"backup.zip!/nested.zip!/export.tar.gz!/photo.jpg": b"\xff\xd8xx",
        b"export.tar.gz!/photo.jpg": b"\xff\xd8xx",
    }
    for key, data in expected.items():
        assert recorded[key]["sha256"] == digests(data)[2], key
    assert recorded[b"backup.zip"]["archive_status"] == "walked"
    assert recorded[b"backup.zip!/nested.zip"]["archive_status"] == "walked"
    assert recorded[b"backup.zip!/docs/readme.txt"]["time_zone_assumed"] == "Europe/Oslo"
    # zip time 12:00 local Oslo (CET) is 11:00 UTC
    assert recorded[b"backup.zip!/docs/readme.txt"]["mtime_utc"].startswith("2026-03-01T11:00:00")
    assert not list((case_dir / "derived").rglob("nested-*")), "no spooled copies may be left behind"


def test_an_archive_exhibit_and_a_corrupt_archive(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    good = tmp_path / "export.zip"
    good.write_bytes(_zip_bytes({"a.txt": b"a", "b/c.txt": b"c"}))
    assert cli(*add_args(case_dir, good, "EX-1")).code == 0
    assert set(rows(case_dir)) == {b"export.zip", b"export.zip!/a.txt", b"export.zip!/b/c.txt"}
    broken_dir = tmp_path / "broken"
    broken_dir.mkdir()
    (broken_dir / "cut.zip").write_bytes(good.read_bytes()[:-30])  # central directory cut off
    (broken_dir / "ok.txt").write_bytes(b"still recorded")
    result = cli(*add_args(case_dir, broken_dir, "EX-2"))
    assert result.code == 0
    assert "1 archives unreadable" in result.out
    recorded = rows(case_dir, "EX-2")
    assert recorded[b"cut.zip"]["archive_status"] == "failed"
    assert "BadZipFile" in recorded[b"cut.zip"]["archive_error"]
    assert recorded[b"ok.txt"]["sha256"] == digests(b"still recorded")[2]


def test_symlinks_are_recorded_never_followed(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"not part of the exhibit")
    source = tmp_path / "phone"
    source.mkdir()
    (source / "real.txt").write_bytes(b"real")
    (source / "to-outside-dir").symlink_to(outside)
    (source / "to-outside-file").symlink_to(outside / "secret.txt")
    (source / "dangling").symlink_to(tmp_path / "nowhere")
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    recorded = rows(case_dir)
    assert set(recorded) == {b"real.txt", b"to-outside-dir", b"to-outside-file", b"dangling"}
    link = recorded[b"to-outside-file"]
    assert link["entry_kind"] == "symlink"
    assert link["sha256"] is None
    assert bytes(link["symlink_target"]) == os.fsencode(outside / "secret.txt")


def test_fifo_is_recorded_not_opened(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    source = tmp_path / "dev"
    source.mkdir()
    os.mkfifo(source / "pipe")
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    assert rows(case_dir)[b"pipe"]["entry_kind"] == "other"


def _without_root_bypass(cmd: list[str]) -> list[str]:
    """Root reads every file; drop the capabilities that let it, so mode 000 really is unreadable."""
    if os.geteuid() != 0:
        return cmd
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *cmd]


def test_unreadable_files_are_recorded_with_their_error(case_dir: Path, tmp_path: Path) -> None:
    darkroom = str(Path(sys.executable).with_name("darkroom"))
    source = tmp_path / "phone"
    (source / "locked-dir").mkdir(parents=True)
    (source / "open.txt").write_bytes(b"readable")
    (source / "locked.txt").write_bytes(b"private")
    (source / "locked-dir" / "inside.txt").write_bytes(b"hidden")
    (source / "locked.txt").chmod(0)
    (source / "locked-dir").chmod(0)
    try:
        done = subprocess.run(
            _without_root_bypass([darkroom, *map(str, add_args(case_dir, source, "EX-1"))]),
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        (source / "locked-dir").chmod(stat.S_IRWXU)
    assert done.returncode == 0, done.stderr
    assert "2 unreadable" in done.stdout
    recorded = rows(case_dir)
    assert "Permission denied" in recorded[b"locked.txt"]["read_error"]
    assert recorded[b"locked.txt"]["sha256"] is None
    assert recorded[b"locked-dir"]["entry_kind"] == "directory"
    assert "Permission denied" in recorded[b"locked-dir"]["read_error"]
    assert recorded[b"open.txt"]["read_error"] is None


def test_identical_files_across_exhibits_are_recognised(
    case_dir: Path, tmp_path: Path, cli: CliRunner
) -> None:
    for name in ("phone", "laptop"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}-only.txt").write_bytes(name.encode())
        (tmp_path / name / "shared.jpg").write_bytes(b"the same picture bytes")
    assert cli(*add_args(case_dir, tmp_path / "phone", "EX-1")).code == 0
    result = cli(*add_args(case_dir, tmp_path / "laptop", "EX-2"))
    assert "1 distinct files also in other exhibits" in result.out
    dupes = cli("evidence", "duplicates", "--case", case_dir, "--json").jsonl()
    assert dupes == [
        {
            "sha256": digests(b"the same picture bytes")[2],
            "exhibits": 2,
            "copies": 2,
            "size": 22,
            "exhibit_refs": ["EX-1", "EX-2"],
        }
    ]


def test_clear_errors_for_reused_reference_missing_path_and_non_case(
    case_dir: Path, tmp_path: Path, cli: CliRunner
) -> None:
    source = tmp_path / "phone"
    make_tree(source)
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    reused = cli(*add_args(case_dir, source, "EX-1"))
    assert reused.code == 2
    assert "exhibit reference 'EX-1' is already registered" in reused.err
    assert "Traceback" not in reused.err
    missing = cli(*add_args(case_dir, tmp_path / "no-such-folder", "EX-2"))
    assert missing.code == 2
    assert "does not exist" in missing.err
    not_case = cli(*add_args(tmp_path / "phone", source, "EX-3"))
    assert not_case.code == 2
    assert "is not a darkroom case" in not_case.err
    listed = cli("evidence", "list", "--case", case_dir, "--json").jsonl()
    assert [r["exhibit"] for r in listed] == ["EX-1"]
    assert listed[0]["seized_at_utc"] == "2026-03-14T05:10:00.000000+00:00"  # 06:10 Oslo (CET)
    assert listed[0]["status"] == "complete"


def test_device_time_zone_is_used_for_seizure_time(case_dir: Path, tmp_path: Path, cli: CliRunner) -> None:
    source = tmp_path / "phone"
    make_tree(source)
    result = cli(*add_args(case_dir, source, "EX-1"), "--timezone", "America/New_York")
    assert result.code == 0
    listed = cli("evidence", "list", "--case", case_dir, "--json").jsonl()
    assert listed[0]["seized_at_utc"].startswith("2026-03-14T10:10")
    assert listed[0]["timezone"] == "America/New_York"
    bad = cli(*add_args(case_dir, source, "EX-2"), "--timezone", "Nowhere/Special")
    assert bad.code == 2
    assert "unknown time zone" in bad.err


def test_a_corrupt_compressed_stream_fails_its_archive_not_a_member(
    case_dir: Path, tmp_path: Path, cli: CliRunner
) -> None:
    source = tmp_path / "odd"
    source.mkdir()
    (source / "looks-like.bz2").write_bytes(b"BZh")  # bzip2 magic, no stream
    assert cli(*add_args(case_dir, source, "EX-1")).code == 0
    recorded = rows(case_dir)
    assert set(recorded) == {b"looks-like.bz2"}
    assert recorded[b"looks-like.bz2"]["archive_status"] == "failed"
