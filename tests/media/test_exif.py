"""EXIF facts written by Pillow and read back: camera, serial, time, GPS, and broken blocks."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, TiffImagePlugin

from darkroom.errors import MediaError
from darkroom.media.decode import decode_image
from darkroom.media.exif import ExifFacts, exif_facts_of
from tests.media.generated_media import scene

R = TiffImagePlugin.IFDRational
EXIF_IFD = 0x8769
GPS_IFD = 0x8825


def _dms(degrees: int, minutes: int, hundredth_seconds: int) -> tuple[R, R, R]:
    return (R(degrees, 1), R(minutes, 1), R(hundredth_seconds, 100))


def _camera_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 250D"
    exif[0x0131] = "Firmware Version 1.0.2"
    exif[EXIF_IFD] = {
        0xA431: "083021001234",
        0xA434: "EF-S18-55mm f/4-5.6 IS STM",
        0x9003: "2024:05:01 13:45:10",
        0x9011: "+02:00",
        0x829A: R(1, 250),
        0x8827: 400,
        0x927C: b"\x00\x01\x02opaque maker note",
    }
    return exif


def _read(tmp_path: Path, exif: Image.Exif | bytes, name: str = "photo.jpg") -> ExifFacts:
    path = tmp_path / name
    scene(1, 96, 64).save(path, exif=exif)
    return decode_image(path).exif


def test_camera_facts_round_trip(tmp_path: Path) -> None:
    facts = _read(tmp_path, _camera_exif())
    assert facts.make == "Canon"
    assert facts.model == "Canon EOS 250D"
    assert facts.body_serial == "083021001234"
    assert facts.body_serial_source == "exif"
    assert facts.lens == "EF-S18-55mm f/4-5.6 IS STM"
    assert facts.software == "Firmware Version 1.0.2"
    assert facts.taken_at == "2024-05-01T13:45:10+02:00"
    assert facts.gps_lat is None
    assert facts.gps_lon is None
    assert facts.other["ExposureTime"] == "1/250"
    assert facts.other["ISOSpeedRatings"] == "400"
    assert "MakerNote" not in facts.other
    assert all(isinstance(value, str) for value in facts.other.values())


def test_taken_at_without_offset_is_camera_local(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[EXIF_IFD] = {0x9003: "2023:12:31 23:59:58"}
    assert _read(tmp_path, exif).taken_at == "2023-12-31T23:59:58"


def test_unset_original_time_falls_back_to_digitized(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[EXIF_IFD] = {0x9003: "0000:00:00 00:00:00", 0x9004: "2022:02:03 04:05:06", 0x9012: "-05:00"}
    assert _read(tmp_path, exif).taken_at == "2022-02-03T04:05:06-05:00"


def test_malformed_offset_is_left_out(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[EXIF_IFD] = {0x9003: "2024:05:01 13:45:10", 0x9011: "2 hours"}
    assert _read(tmp_path, exif).taken_at == "2024-05-01T13:45:10"


@pytest.mark.parametrize(
    ("lat_ref", "lat", "lon_ref", "lon", "expected"),
    [
        # points at sea: the North Sea and the South Atlantic
        ("N", _dms(57, 30, 0), "E", _dms(3, 15, 3600), (57.5, 3.26)),
        ("S", _dms(40, 30, 0), "W", _dms(30, 15, 0), (-40.5, -30.25)),
    ],
)
def test_gps_is_signed_decimal_degrees(
    tmp_path: Path,
    lat_ref: str,
    lat: tuple[R, R, R],
    lon_ref: str,
    lon: tuple[R, R, R],
    expected: tuple[float, float],
) -> None:
    exif = Image.Exif()
    exif[GPS_IFD] = {1: lat_ref, 2: lat, 3: lon_ref, 4: lon}
    facts = _read(tmp_path, exif)
    assert facts.gps_lat == pytest.approx(expected[0], abs=1e-9)
    assert facts.gps_lon == pytest.approx(expected[1], abs=1e-9)
    assert "gps_error" not in facts.other


@pytest.mark.parametrize(
    ("gps", "problem"),
    [
        ({1: "N", 2: (R(57, 0), R(30, 1), R(0, 1)), 3: "E", 4: _dms(3, 0, 0)}, "not a valid number"),
        ({2: _dms(57, 0, 0), 3: "E", 4: _dms(3, 0, 0)}, "reference"),
        ({1: "N", 2: _dms(97, 0, 0), 3: "E", 4: _dms(3, 0, 0)}, "out of range"),
        ({1: "N", 2: _dms(57, 0, 0), 3: "E"}, "longitude is missing"),
        ({1: "N", 2: (*_dms(57, 0, 0), R(1, 1)), 3: "E", 4: _dms(3, 0, 0)}, "4 components"),
        ({1: "X", 2: _dms(57, 0, 0), 3: "E", 4: _dms(3, 0, 0)}, "reference"),
    ],
)
def test_malformed_gps_gives_none_and_a_note(tmp_path: Path, gps: dict[int, object], problem: str) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[GPS_IFD] = gps
    facts = _read(tmp_path, exif)
    assert (facts.gps_lat, facts.gps_lon) == (None, None)
    assert problem in facts.other["gps_error"]
    assert facts.make == "Canon"


def test_dng_camera_serial_is_a_body_serial(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0xC62F] = "DNG-SN-4242"
    facts = _read(tmp_path, exif)
    assert (facts.body_serial, facts.body_serial_source) == ("DNG-SN-4242", "dng")
    assert facts.other["body_serial_source"] == "dng"


def test_fujifilm_maker_note_serial(tmp_path: Path) -> None:
    serial = b"FF12345678A\x00"
    entry = struct.pack("<HHLL", 0x0010, 2, len(serial), 30)  # ASCII value stored at offset 30
    maker_note = b"FUJIFILM" + struct.pack("<L", 12) + struct.pack("<H", 1) + entry + b"\x00" * 4 + serial
    exif = Image.Exif()
    exif[0x010F] = "FUJIFILM"
    exif[EXIF_IFD] = {0x927C: maker_note}
    facts = _read(tmp_path, exif)
    assert facts.body_serial == "FF12345678A"
    assert facts.other["body_serial_source"] == "makernote:fujifilm"
    assert facts.body_serial_source == "makernote:fujifilm"


def test_png_exif_chunk_is_read(tmp_path: Path) -> None:
    facts = _read(tmp_path, _camera_exif(), name="photo.png")
    assert facts.model == "Canon EOS 250D"


def test_no_exif_gives_empty_facts(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    scene(2, 50, 40).save(path)
    assert decode_image(path).exif == ExifFacts()


def test_unreadable_exif_block_is_a_note_not_a_failure() -> None:
    class BrokenExif(Image.Image):
        def getexif(self) -> Image.Exif:
            raise SyntaxError("not a TIFF file (header b'\\x00\\x00' not valid)")

    facts = exif_facts_of(BrokenExif())
    assert facts.make is None
    assert facts.other["exif_error"].startswith("unreadable EXIF (SyntaxError")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=0, max_size=300), st.sampled_from([b"MM\x00\x2a", b"II\x2a\x00"]))
def test_random_exif_blocks_never_fail_the_image(tmp_path: Path, blob: bytes, byte_order: bytes) -> None:
    path = tmp_path / "fuzzed-exif.jpg"
    scene(3, 40, 30).save(path, exif=b"Exif\x00\x00" + byte_order + b"\x00\x00\x00\x08" + blob)
    try:
        facts = decode_image(path).exif
    except MediaError:
        return
    assert all(isinstance(key, str) and isinstance(value, str) for key, value in facts.other.items())
