"""Archives are reproducible byte for byte and member paths are rewritten as `outer.zip!/inner`."""

from __future__ import annotations

from pathlib import Path

from darkroom.synth.archives import member_path, pack_tar_gz, pack_zip


def test_member_path_rewrites_packed_folders() -> None:
    packed = ["Downloads/backup"]
    assert member_path("Downloads/backup/a.txt", packed) == "Downloads/backup.zip!/a.txt"
    assert (
        member_path("Downloads/backup/c.zip!/_chat.txt", packed) == "Downloads/backup.zip!/c.zip!/_chat.txt"
    )
    assert member_path("Downloads/backups/a.txt", packed) == "Downloads/backups/a.txt"
    nested = ["A/B", "A/B/C/D"]
    assert member_path("A/B/C/D/f", nested) == "A/B.zip!/C/D.zip!/f"


def _tree(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "b.txt").write_text("bee", encoding="utf-8")
    (root / "a.txt").write_text("ay", encoding="utf-8")


def test_archives_are_reproducible(tmp_path: Path) -> None:
    digests = []
    for attempt in ("one", "two"):
        source = tmp_path / attempt
        _tree(source)
        pack_zip(source, tmp_path / f"{attempt}.zip", (2026, 3, 1, 12, 0, 0))
        pack_tar_gz(source, tmp_path / f"{attempt}.tar.gz", 1_770_000_000)
        digests.append(
            ((tmp_path / f"{attempt}.zip").read_bytes(), (tmp_path / f"{attempt}.tar.gz").read_bytes())
        )
    assert digests[0] == digests[1]
