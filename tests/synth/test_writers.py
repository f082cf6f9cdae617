"""Contract over the artefact-writer registry and the device profiles that use it."""

from __future__ import annotations

from darkroom.synth.artefacts import WRITERS
from darkroom.synth.exhibits import OWNER_PATTERNS, PROFILES, owner_patterns


def test_every_slot_names_a_registered_writer() -> None:
    used = {slot.writer for profile in PROFILES.values() for slot in profile.slots}
    assert used <= set(WRITERS)
    assert set(WRITERS) <= used, "a registered writer no profile uses is dead code"


def test_writer_names_are_unique_and_match_keys() -> None:
    assert all(name == writer.name for name, writer in WRITERS.items())


def test_owner_patterns_add_up_to_the_exhibit_count() -> None:
    for count in (1, 5, 16, 60):
        assert sum(len(p) for p in owner_patterns(count)) == count
    assert {name for pattern in OWNER_PATTERNS for name in pattern} == set(PROFILES)


def test_packed_folders_are_inside_some_slot() -> None:
    for profile in PROFILES.values():
        for folder in profile.packed_dirs:
            assert any(slot.path == folder for slot in profile.slots), (profile.name, folder)
