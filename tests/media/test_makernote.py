"""Body serials from Canon, Nikon and Fujifilm maker notes laid out as the cameras write them,
damaged notes recorded beside the other facts, and fuzzed note bytes that never raise."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from darkroom.errors import MakerNoteError, MediaError
from darkroom.media.decode import decode_image
from darkroom.media.exif import ExifFacts, exif_facts_of
from darkroom.media.makernote import MakerNoteSerial, makernote_serial, makernote_vendor, tiff_block
from darkroom.synth.images import canon_maker_note, nikon_maker_note
from tests.media.generated_media import scene
from tests.media.makernote_blocks import Entry, canon_note, exif_block, nikon_note, olympus_note, text

CANON, NIKON = ("Canon", "Canon EOS 250D"), ("NIKON CORPORATION", "NIKON D3500")


def _taken(endian: str) -> list[Entry]:
    return [text(0x9003, "2023:11:04 09:12:30"), Entry(0xA002, 4, struct.pack(endian + "L", 96))]


def _facts_from_jpeg(tmp_path: Path, block: bytes) -> ExifFacts:
    path = tmp_path / "IMG_0042.JPG"
    scene(7, 96, 64).save(path, exif=block)
    return decode_image(path).exif


def _facts_in_memory(block: bytes) -> ExifFacts:
    buffer = io.BytesIO()
    scene(8, 24, 16).save(buffer, "JPEG", exif=block)
    with Image.open(io.BytesIO(buffer.getvalue())) as picture:
        return exif_facts_of(picture)


def _facts_or_failure(tmp_path: Path, block: bytes) -> ExifFacts | None:
    """The facts as the media stage reads them; None when Pillow itself refuses the damaged block."""
    try:
        return _facts_from_jpeg(tmp_path, block)
    except MediaError:
        return None


@pytest.mark.parametrize("endian", ["<", ">"])
def test_canon_maker_note_serial_when_exif_has_none(tmp_path: Path, endian: str) -> None:
    block = exif_block(*CANON, endian, canon_note(820500998, endian), extra=_taken(endian))
    facts = _facts_from_jpeg(tmp_path, block)
    assert facts.body_serial == "0820500998"
    assert facts.body_serial_source == "makernote:canon"
    assert facts.other["body_serial_source"] == "makernote:canon"
    assert (facts.make, facts.model, facts.taken_at) == ("Canon", "Canon EOS 250D", "2023-11-04T09:12:30")
    assert "makernote_error" not in facts.other


@pytest.mark.parametrize("name", ["photo.png", "photo.webp"])
def test_maker_note_serial_in_png_and_webp(tmp_path: Path, name: str) -> None:
    # Pillow keeps "Exif\0\0" before a PNG's eXIf chunk but not a WebP's EXIF chunk.
    path = tmp_path / name
    scene(9, 64, 48).save(path, exif=exif_block(*CANON, "<", canon_note(820500998)))
    facts = decode_image(path).exif
    assert (facts.body_serial, facts.body_serial_source) == ("0820500998", "makernote:canon")


def test_tiff_file_maker_note_is_named_not_read(tmp_path: Path) -> None:
    # Pillow rewrites a TIFF file's tags, so offsets inside the note no longer point at its values.
    path = tmp_path / "scan.tif"
    scene(10, 32, 24).save(path, exif=exif_block(*CANON, "<", canon_note(820500998)))
    facts = decode_image(path).exif
    assert (facts.make, facts.body_serial) == ("Canon", None)
    assert facts.other["makernote_error"].startswith("maker note not read")


@pytest.mark.parametrize(
    ("model", "number", "printed"),
    [
        ("Canon EOS 250D", 820500998, "0820500998"),
        ("Canon EOS 5D Mark II", 7, "0000000007"),
        ("Canon EOS-1D Mark II", 123456, "123456"),
        ("Canon EOS D30", (0x1234 << 16) + 12345, "123412345"),
    ],
)
def test_canon_serials_are_printed_as_the_body_shows_them(model: str, number: int, printed: str) -> None:
    found = makernote_serial(exif_block("Canon", model, "<", canon_note(number)), "Canon", model)
    assert found == MakerNoteSerial(printed, "canon", "MakerNote SerialNumber")


def test_canon_serial_zero_means_unset() -> None:
    assert makernote_serial(exif_block(*CANON, "<", canon_note(0)), *CANON) is None


@pytest.mark.parametrize("endian", [">", "<"])
def test_nikon_type3_maker_note_serial(tmp_path: Path, endian: str) -> None:
    block = exif_block(*NIKON, endian, nikon_note("6012345", endian), extra=_taken(endian))
    facts = _facts_from_jpeg(tmp_path, block)
    assert (facts.body_serial, facts.body_serial_source) == ("6012345", "makernote:nikon")
    assert facts.taken_at == "2023-11-04T09:12:30"


def test_older_olympus_note_serial() -> None:
    olympus = ("OLYMPUS IMAGING CORP.", "E-500")
    found = makernote_serial(exif_block(*olympus, "<", olympus_note("B12345678")), *olympus)
    assert found == MakerNoteSerial("B12345678", "olympus", "MakerNote SerialNumber")


def test_layouts_exifread_would_misread_are_refused() -> None:
    # ExifRead would read these at the wrong place and could return another string as the serial.
    olympus = ("OLYMPUS CORPORATION", "E-M5")
    with pytest.raises(MakerNoteError, match="Olympus maker note layout"):
        makernote_serial(exif_block(*olympus, "<", olympus_note("BHP123456", kind="new")), *olympus)
    with pytest.raises(MakerNoteError, match="byte order differs"):
        makernote_serial(exif_block(*NIKON, ">", nikon_note("6012345", "<")), *NIKON)


def test_serial_in_exif_wins_over_the_maker_note() -> None:
    extra = [text(0xA431, "083021001234")]
    facts = _facts_in_memory(exif_block(*CANON, "<", canon_note(820500998), extra=extra))
    assert (facts.body_serial, facts.body_serial_source) == ("083021001234", "exif")


def test_makers_without_a_known_note_are_left_alone() -> None:
    facts = _facts_in_memory(exif_block("Apple", "iPhone 12", "<", canon_note(820500998)))
    assert facts.body_serial is None
    assert facts.body_serial_source is None
    assert "makernote_error" not in facts.other
    assert makernote_vendor("Apple") is None
    assert makernote_vendor("OLYMPUS IMAGING CORP.") == "olympus"


def test_fujifilm_note_is_read_with_its_own_offsets() -> None:
    serial = b"FF02B1234567 593033313138110107A1B2\x00"
    entry = struct.pack("<HHLL", 0x0010, 2, len(serial), 30)  # offsets count from the note's start

    def fujifilm(_at: int) -> bytes:
        return b"FUJIFILM" + struct.pack("<L", 12) + struct.pack("<H", 1) + entry + b"\x00" * 4 + serial

    found = makernote_serial(exif_block("FUJIFILM", "X-T3", ">", fujifilm), "FUJIFILM", "X-T3")
    assert found == MakerNoteSerial(serial[:-1].decode(), "fujifilm", "MakerNote InternalSerialNumber")


def test_note_with_a_runaway_entry_count_is_an_error_and_the_rest_is_kept(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    def runaway(_at: int) -> bytes:  # 300 entries of 900 shorts each: ExifRead reads them one at a time
        return struct.pack("<H", 300) + struct.pack("<HHLL", 0x0001, 3, 900, 8) * 300 + bytes(4)

    facts = _facts_from_jpeg(tmp_path, exif_block(*CANON, "<", runaway, extra=_taken("<")))
    assert facts.body_serial is None
    assert "reads; treated as damaged" in facts.other["makernote_error"]
    assert (facts.make, facts.model, facts.taken_at) == ("Canon", "Canon EOS 250D", "2023-11-04T09:12:30")
    assert capfd.readouterr().err == ""  # ExifRead's warnings are collected, not printed


def test_nikon_note_without_its_tiff_marker_is_an_error() -> None:
    def broken(at: int) -> bytes:
        note = bytearray(nikon_note("6012345")(at))
        note[12:14] = b"\x00\x00"  # the inner TIFF header's 42 is gone
        return bytes(note)

    facts = _facts_in_memory(exif_block(*NIKON, ">", broken))
    assert facts.body_serial is None
    assert facts.other["makernote_error"] == "the Nikon maker note could not be decoded"
    with pytest.raises(MakerNoteError, match="could not be decoded"):
        makernote_serial(exif_block(*NIKON, ">", broken), *NIKON)


def test_block_without_tiff_header_is_an_error() -> None:
    assert tiff_block(b"Exif\x00\x00JUNK") is None
    with pytest.raises(MakerNoteError, match="TIFF header"):
        makernote_serial(b"Exif\x00\x00JUNK", *CANON)


_NOTES = {
    "canon": (CANON, "<", canon_note(820500998)),
    "canon-mm": (CANON, ">", canon_note(820500998, ">")),
    "nikon": (NIKON, ">", nikon_note("6012345")),
}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(sorted(_NOTES)),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 255)), min_size=1, max_size=12),
    st.integers(0, 500),
)
def test_mutated_maker_notes_never_raise_anything_else(
    tmp_path: Path, note: str, edits: list[tuple[int, int]], cut: int
) -> None:
    (make, model), endian, build = _NOTES[note]
    block = bytearray(exif_block(make, model, endian, build))
    for index, value in edits:
        block[min(index + 100, len(block) - 1)] = value  # past IFD0: the EXIF IFD and the note
    damaged = bytes(block[: len(block) - cut]) if cut < len(block) - 20 else bytes(block)
    try:
        found = makernote_serial(damaged, make, model)
    except MakerNoteError as err:
        assert str(err)
    else:
        assert found is None or (found.serial and found.serial.isprintable())
    facts = _facts_or_failure(tmp_path, damaged)
    assert facts is None or all(isinstance(value, str) for value in facts.other.values())


@settings(max_examples=40, deadline=None)
@given(
    st.binary(min_size=5, max_size=600),
    st.sampled_from([CANON, NIKON, ("FUJIFILM", "X-T3"), ("OLYMPUS CORP", "E-M5")]),
)
def test_random_maker_note_bytes_never_raise_anything_else(note: bytes, camera: tuple[str, str]) -> None:
    block = exif_block(*camera, "<", lambda _at: note)
    try:
        makernote_serial(block, *camera)
    except MakerNoteError as err:
        assert str(err)
    facts = _facts_in_memory(block)
    assert facts.make == camera[0]


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize(
    ("make", "model", "write_note", "serial"),
    [
        ("Canon", "Canon EOS 250D", canon_maker_note, "1054659460"),
        ("NIKON CORPORATION", "NIKON D3500", nikon_maker_note, "604512345678"),
    ],
)
def test_synthetic_maker_notes_read_back_through_pillow(
    order: str, make: str, model: str, write_note: Callable[[str, str], bytes], serial: str
) -> None:
    exif = Image.Exif()
    exif.endian = order
    exif[0x010F], exif[0x0110] = make, model
    exif.get_ifd(0x8769)[0x927C] = write_note(serial, order)
    facts = _facts_in_memory(exif.tobytes())
    assert (facts.body_serial, facts.body_serial_source) == (serial, f"makernote:{makernote_vendor(make)}")
