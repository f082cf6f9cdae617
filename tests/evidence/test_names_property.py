"""Property: any file name a Linux file system can hold survives intake byte for byte."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkroom.evidence.intake import add_exhibit
from darkroom.evidence.scan import display_of
from darkroom.model import SeizureFacts
from darkroom.store import CaseStore
from darkroom.timeutil import utc_now

# Any bytes but '/' and NUL, up to the usual 255-byte limit; '.' and '..' are not names.
file_names = st.binary(min_size=1, max_size=255).filter(
    lambda name: b"/" not in name and b"\x00" not in name and name not in (b".", b"..")
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.sets(file_names, min_size=1, max_size=4))
def test_any_file_name_survives_intake_exactly(
    tmp_path_factory: pytest.TempPathFactory, names: set[bytes]
) -> None:
    root = tmp_path_factory.mktemp("names")
    source = os.path.join(os.fsencode(root), b"src")
    os.mkdir(source)
    for name in names:
        with open(os.path.join(source, name), "wb") as handle:
            handle.write(b"plain text content")
    store = CaseStore.create(root / "case", "Op", "NO", "Europe/Oslo")
    try:
        facts = SeizureFacts("someone", utc_now(), "examiner")
        add_exhibit(store, Path(os.fsdecode(source)), "EX-1", facts, "tester", workers=2)
    finally:
        store.close()
    with sqlite3.connect(Path(root) / "case" / "case.db") as db:
        recorded = {
            bytes(path): display
            for path, display in db.execute("SELECT path, display_path FROM files WHERE container_id IS NULL")
        }
    assert set(recorded) == names
    for name, display in recorded.items():
        assert display == display_of(name)
        assert "\x00" not in display


@given(st.binary(max_size=64))
def test_display_form_is_reversible_for_valid_utf8_and_marks_the_rest(raw: bytes) -> None:
    shown = display_of(raw)
    try:
        assert shown == raw.decode("utf-8") or "\\" in raw.decode("utf-8")
    except UnicodeDecodeError:
        assert "\\x" in shown
