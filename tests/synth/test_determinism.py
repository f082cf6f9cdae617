"""Same seed, same bytes; another seed, another case."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from darkroom.synth import generate
from darkroom.synth.errors import OutputNotEmpty
from tests.synth.conftest import SmallCase


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_seed_same_bytes(small_case: SmallCase, tmp_path: Path) -> None:
    """Regenerated in another process with another hash seed: set order must not leak out."""
    again = tmp_path / "again"
    script = (
        "import sys, pathlib; from darkroom.synth import generate; "
        "generate(pathlib.Path(sys.argv[1]), 'small', 1)"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", script, str(again)], check=True, env=env)
    first, second = _snapshot(small_case.root), _snapshot(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    for path in sorted(small_case.root.rglob("*")):
        if path.is_file():
            twin = again / path.relative_to(small_case.root)
            assert path.stat().st_mtime == twin.stat().st_mtime, path


def test_other_seed_other_case(small_case: SmallCase, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, "small", 2)
    assert (other / "truth.json").read_bytes() != (small_case.root / "truth.json").read_bytes()
    first, second = _snapshot(small_case.root), _snapshot(other)
    shared = set(first) & set(second)
    assert not shared or any(first[name] != second[name] for name in shared)


def test_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "something.txt").write_text("x", encoding="utf-8")
    with pytest.raises(OutputNotEmpty):
        generate(tmp_path, "small", 1)
