"""Fixtures for the synthetic-case tests: one small case generated once per test session."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from darkroom.synth import SynthSummary, generate


@dataclass(frozen=True)
class SmallCase:
    """A generated small case: where it is, what generate returned, and its parsed truth."""

    root: Path
    summary: SynthSummary
    truth: dict[str, Any]

    def exhibit_path(self, ref: str) -> Path:
        exhibit = next(e for e in self.truth["exhibits"] if e["ref"] == ref)
        return self.root / str(exhibit["path"])


@pytest.fixture(scope="session")
def small_case(tmp_path_factory: pytest.TempPathFactory) -> SmallCase:
    root = tmp_path_factory.mktemp("synth") / "case"
    summary = generate(root, "small", 1)
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    return SmallCase(root, summary, truth)


def open_member(container: bytes, name: str) -> bytes:
    """One member of a zip or tar(.gz) held in memory."""
    if zipfile.is_zipfile(io.BytesIO(container)):
        with zipfile.ZipFile(io.BytesIO(container)) as archive:
            return archive.read(name)
    with tarfile.open(fileobj=io.BytesIO(container), mode="r:*") as archive:
        member = archive.extractfile(name)
        assert member is not None, name
        return member.read()


def read_exhibit_file(case: SmallCase, exhibit_ref: str, path: str) -> bytes:
    """Bytes of a truth path (`a/b.zip!/c`) inside an exhibit folder or archive."""
    location = case.exhibit_path(exhibit_ref)
    parts = path.split("!/")
    if location.is_dir():
        payload = (location / parts[0]).read_bytes()
        parts = parts[1:]
    else:
        payload = location.read_bytes()
    for part in parts:
        payload = open_member(payload, part)
    return payload


def archive_names(container: bytes) -> list[str]:
    """Regular-file member names of a zip or tar(.gz) held in memory."""
    if zipfile.is_zipfile(io.BytesIO(container)):
        with zipfile.ZipFile(io.BytesIO(container)) as archive:
            return [i.filename for i in archive.infolist() if not i.is_dir()]
    with tarfile.open(fileobj=io.BytesIO(container), mode="r:*") as archive:
        return [m.name for m in archive.getmembers() if m.isfile()]
