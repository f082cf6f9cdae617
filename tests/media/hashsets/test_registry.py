"""The reader registry: entry points first, built-ins as fallback; detection only when certain; a
contract every registered reader meets."""

from __future__ import annotations

import json
import random
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from darkroom.errors import InvalidInput
from darkroom.media.hashsets import registry
from darkroom.media.hashsets.base import HashSetReader, ReadContext
from tests.media.hashsets.builders import (
    digests,
    vics_document,
    vics_media,
    write_csv,
    write_json,
    write_rdsv2,
    write_rdsv3,
)


class PlainText:
    """A third-party reader: one MD5 per line."""

    name = "md5-lines"
    default_scheme = "md5-lines"

    def detect(self, path: Path, head: bytes) -> float:
        return 0.95 if head.startswith(b"#md5-lines") else 0.0

    def read(self, path: Path, ctx: ReadContext):  # type: ignore[no-untyped-def]
        yield from ()


class NotAReader:
    name = "broken"


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, *entries: tuple[str, str]) -> None:
    points = [EntryPoint(name, value, registry.ENTRY_POINT_GROUP) for name, value in entries]
    monkeypatch.setattr(registry, "entry_points", lambda group: [p for p in points if p.group == group])


def test_without_the_entry_point_group_the_builtins_are_there(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch)
    assert list(registry.load_readers()) == ["csv", "nsrl", "vics"]


def test_built_ins_registered_by_entry_point_are_not_doubled(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(
        monkeypatch,
        ("vics", "darkroom.media.hashsets.vics:VicsReader"),
        ("md5-lines", f"{__name__}:PlainText"),
    )
    readers = registry.load_readers()
    assert list(readers) == ["csv", "md5-lines", "nsrl", "vics"]
    assert registry.reader_named("MD5-Lines").name == "md5-lines"


def test_broken_registrations_are_packaging_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch, ("broken", f"{__name__}:NotAReader"))
    with pytest.raises(registry.RegistryError, match="not a darkroom hash-set reader"):
        registry.load_readers()
    fake_entry_points(monkeypatch, ("a", f"{__name__}:PlainText"), ("b", f"{__name__}:PlainText"))
    with pytest.raises(registry.RegistryError, match="two hash-set readers"):
        registry.load_readers()


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="csv, nsrl, vics"):
        registry.reader_named("hashkeeper")


def test_detection_picks_the_one_certain_reader(tmp_path: Path) -> None:
    d = digests(1)
    files = {
        "vics": write_json(tmp_path / "set.json", vics_document([vics_media(1)])),
        "csv": write_csv(tmp_path / "known.csv", ["md5", "category"], [[d.md5, "1"]]),
        "nsrl": write_rdsv2(tmp_path / "NSRLFile.txt", range(2)),
    }
    files_v3 = write_rdsv3(tmp_path / "rds.db", range(2))
    for name, path in files.items():
        assert registry.detect_reader(path).name == name
    assert registry.detect_reader(files_v3).name == "nsrl"


def test_uncertain_or_empty_files_need_a_format(tmp_path: Path) -> None:
    loose = write_json(tmp_path / "loose.json", {"value": [vics_media(1)]})
    with pytest.raises(InvalidInput, match="--format"):
        registry.detect_reader(loose)
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(InvalidInput, match="empty"):
        registry.detect_reader(empty)
    with pytest.raises(InvalidInput, match="cannot read"):
        registry.detect_reader(tmp_path / "missing.json")


@pytest.mark.parametrize("name", sorted(registry.load_readers()))
def test_contract_every_reader(tmp_path: Path, name: str) -> None:
    """Unique name, a default scheme, detect in 0..1 on arbitrary bytes without raising."""
    reader = registry.load_readers()[name]
    assert isinstance(reader, HashSetReader)
    assert reader.name == name
    assert reader.default_scheme
    rng = random.Random(name)
    path = tmp_path / "noise.bin"
    for size in (0, 1, 17, 4096):
        head = rng.randbytes(size)
        path.write_bytes(head)
        assert 0.0 <= reader.detect(path, head) <= 1.0
    text = json.dumps({"not": "a hash set"}).encode()
    path.write_bytes(text)
    assert reader.detect(path, text) < registry.CERTAIN
