"""EXIF clues that tie a photo to a camera, a place and a time, read with Pillow's EXIF reader.

Broken EXIF never fails a file: what cannot be read is named in `ExifFacts.other` (keys
"exif_error" for the block, "gps_error" for the position, "makernote_error" for a vendor maker
note) and the rest of the analysis goes on; the other facts hold whatever could still be read.
When EXIF has no body serial, the vendor maker note's serial is used (media/makernote.py).
"""

from __future__ import annotations

import math
import re
import struct
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Final

from PIL import ExifTags, Image, TiffImagePlugin

from darkroom.errors import MakerNoteError
from darkroom.media.makernote import makernote_serial, makernote_vendor

# What Pillow's EXIF/TIFF reader raises on a damaged block (found by fuzzing mutated EXIF).
EXIF_READ_ERRORS: Final = (
    SyntaxError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    OSError,
    EOFError,
    struct.error,
    ZeroDivisionError,
    OverflowError,
    AttributeError,
    RecursionError,
)

_IFD0_MAKE: Final = 0x010F
_IFD0_MODEL: Final = 0x0110
_IFD0_SOFTWARE: Final = 0x0131
_IFD0_CAMERA_SERIAL: Final = 0xC62F  # DNG CameraSerialNumber
_EXIF_DATETIME_ORIGINAL: Final = 0x9003
_EXIF_DATETIME_DIGITIZED: Final = 0x9004
_EXIF_OFFSET_ORIGINAL: Final = 0x9011
_EXIF_OFFSET_DIGITIZED: Final = 0x9012
_EXIF_BODY_SERIAL: Final = 0xA431
_EXIF_LENS_MODEL: Final = 0xA434
_GPS_LAT_REF: Final = 1
_GPS_LAT: Final = 2
_GPS_LON_REF: Final = 3
_GPS_LON: Final = 4
_EXIF_MAKER_NOTE: Final = 0x927C
# Tags never copied into `other`: IFD pointers, binary blobs and embedded-thumbnail offsets.
_SKIPPED_TAGS: Final = frozenset(
    {0x8769, 0x8825, 0xA005, 0x927C, 0xC4A5, 0x9286, 0x0201, 0x0202, 0x02BC, 0x8773, 0x83BB, 0x9C9B}
)
_MAX_VALUE_CHARS: Final = 300
_MAX_SEQUENCE_ITEMS: Final = 16
_EXIF_DATETIME: Final = re.compile(r"^\s*(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_UTC_OFFSET: Final = re.compile(r"^[+-]\d{2}:\d{2}$")
_MAX_LATITUDE: Final = 90.0
_MAX_LONGITUDE: Final = 180.0


@dataclass(frozen=True, slots=True)
class ExifFacts:
    """Camera, time and place as the file's EXIF states them; `other` keeps the remaining readable tags."""

    make: str | None = None
    model: str | None = None
    body_serial: str | None = None
    # "exif" (BodySerialNumber), "dng" (CameraSerialNumber) or "makernote:<vendor>"; also kept in
    # other["body_serial_source"] so the media table's exif_json holds it.
    body_serial_source: str | None = None
    lens: str | None = None
    software: str | None = None
    taken_at: str | None = None  # camera-local "2024-05-01T13:45:10", "+02:00" appended when recorded
    gps_lat: float | None = None  # decimal degrees, south negative
    gps_lon: float | None = None  # decimal degrees, west negative
    other: dict[str, str] = field(default_factory=dict)


def exif_facts_of(image: Image.Image) -> ExifFacts:
    """The EXIF facts of an opened image; a damaged block gives what was readable plus other["exif_error"]."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            facts = _read_facts(image.getexif(), image.info.get("exif"))
        except EXIF_READ_ERRORS as err:
            facts = ExifFacts(other={"exif_error": _describe(err)})
    problems = data_warnings(caught)
    if problems and "exif_error" not in facts.other:
        facts.other["exif_error"] = _clip("; ".join(problems))
    return facts


def data_warnings(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    """The messages of what Pillow warned about the file's data (corrupt EXIF, odd chunks);
    deprecations are warned again, so recording warnings never hides them from developers."""
    messages: list[str] = []
    for warning in caught:
        if issubclass(warning.category, DeprecationWarning | PendingDeprecationWarning | FutureWarning):
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        elif not issubclass(warning.category, Image.DecompressionBombWarning | ResourceWarning):
            text = str(warning.message).strip()
            if text and text not in messages:
                messages.append(text)
    return tuple(messages)


def _read_facts(exif: Image.Exif, exif_block: object) -> ExifFacts:
    ifd0: dict[int, Any] = dict(exif.items())
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    gps_ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
    other = _readable_tags(ifd0, ExifTags.TAGS) | _readable_tags(exif_ifd, ExifTags.TAGS)
    other |= _readable_tags(gps_ifd, ExifTags.GPSTAGS)
    make, model = _text(ifd0.get(_IFD0_MAKE)), _text(ifd0.get(_IFD0_MODEL))
    exif_serial, dng_serial = _text(exif_ifd.get(_EXIF_BODY_SERIAL)), _text(ifd0.get(_IFD0_CAMERA_SERIAL))
    body_serial = exif_serial or dng_serial
    if body_serial is not None:
        other["body_serial_source"] = "exif" if exif_serial else "dng"
    elif _EXIF_MAKER_NOTE in exif_ifd:
        body_serial = _makernote_serial(exif_block, make, model, other)
    lat, lon = _gps_position(gps_ifd, other)
    return ExifFacts(
        make=make,
        model=model,
        body_serial=body_serial,
        body_serial_source=other.get("body_serial_source"),
        lens=_text(exif_ifd.get(_EXIF_LENS_MODEL)),
        software=_text(ifd0.get(_IFD0_SOFTWARE)),
        taken_at=_taken_at(exif_ifd),
        gps_lat=lat,
        gps_lon=lon,
        other=other,
    )


def _makernote_serial(
    exif_block: object, make: str | None, model: str | None, other: dict[str, str]
) -> str | None:
    """The serial in a known vendor's maker note, with its source in other; a damaged note is named
    in other["makernote_error"]."""
    if make is None or makernote_vendor(make) is None:
        return None
    if not isinstance(exif_block, bytes):
        # Pillow took the EXIF from the file's own TIFF tags, not a block whose offsets the note uses.
        other["makernote_error"] = "maker note not read: the EXIF is not a separate block (TIFF file)"
        return None
    try:
        found = makernote_serial(exif_block, make, model)
    except MakerNoteError as err:
        other["makernote_error"] = _clip(str(err))
        return None
    if found is None:
        return None
    other["body_serial_source"] = found.source
    return _clip(found.serial)


def _taken_at(exif_ifd: Mapping[int, Any]) -> str | None:
    """DateTimeOriginal (else DateTimeDigitized) in ISO form, camera-local, with its offset if written."""
    for date_tag, offset_tag in (
        (_EXIF_DATETIME_ORIGINAL, _EXIF_OFFSET_ORIGINAL),
        (_EXIF_DATETIME_DIGITIZED, _EXIF_OFFSET_DIGITIZED),
    ):
        stamp = _iso_local(_text(exif_ifd.get(date_tag)))
        if stamp is not None:
            offset = _text(exif_ifd.get(offset_tag))
            return stamp + offset if offset is not None and _UTC_OFFSET.match(offset) else stamp
    return None


def _iso_local(raw: str | None) -> str | None:
    # EXIF writes "2024:05:01 13:45:10"; blanks and "0000:00:00 00:00:00" mean "not set".
    match = _EXIF_DATETIME.match(raw or "")
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 60):
        return None
    if year < 1:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"


def _gps_position(gps_ifd: Mapping[int, Any], other: dict[str, str]) -> tuple[float | None, float | None]:
    """Latitude and longitude in signed decimal degrees, or (None, None) with a note in other["gps_error"]."""
    if _GPS_LAT not in gps_ifd and _GPS_LON not in gps_ifd:
        return None, None
    try:
        lat = _signed_degrees(gps_ifd.get(_GPS_LAT), gps_ifd.get(_GPS_LAT_REF), "NS", _MAX_LATITUDE)
        lon = _signed_degrees(gps_ifd.get(_GPS_LON), gps_ifd.get(_GPS_LON_REF), "EW", _MAX_LONGITUDE)
    except ValueError as err:
        other["gps_error"] = _clip(str(err))
        return None, None
    return lat, lon


def _signed_degrees(value: object, ref: object, refs: str, limit: float) -> float:
    axis = "latitude" if refs == "NS" else "longitude"
    if value is None:
        raise ValueError(f"GPS {axis} is missing")
    parts = value if isinstance(value, tuple | list) else (value,)
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"GPS {axis} has {len(parts)} components, expected degrees, minutes, seconds")
    degrees = 0.0
    for part, scale in zip(parts, (1.0, 60.0, 3600.0), strict=False):
        number = _number(part)
        if number is None or not math.isfinite(number) or number < 0:
            raise ValueError(f"GPS {axis} component {_clip(repr(part))} is not a valid number")
        degrees += number / scale
    if degrees > limit:
        raise ValueError(f"GPS {axis} {degrees:.6f} is out of range")
    hemisphere = (_text(ref) or "").upper()[:1]
    if hemisphere not in tuple(refs):
        raise ValueError(f"GPS {axis} reference {_clip(repr(ref))} is not one of {', '.join(refs)}")
    return -degrees if hemisphere == refs[1] else degrees


def _number(value: object) -> float | None:
    if isinstance(value, TiffImagePlugin.IFDRational):
        if value.denominator == 0:
            return None
        return float(value.numerator) / float(value.denominator)
    if isinstance(value, int | float | Fraction):
        return float(value)
    return None


def _readable_tags(ifd: Mapping[int, Any], names: Mapping[int, str]) -> dict[str, str]:
    """Tag name -> printable value for every tag that is text, a number or a short sequence of them."""
    readable: dict[str, str] = {}
    for tag, value in ifd.items():
        if tag in _SKIPPED_TAGS:
            continue
        printable = _printable(value)
        if printable is not None:
            readable[names.get(tag, f"Tag0x{tag:04X}")] = printable
    return readable


def _printable(value: object) -> str | None:
    if isinstance(value, tuple | list):
        if not value or len(value) > _MAX_SEQUENCE_ITEMS:
            return None
        items = [_printable(item) for item in value]
        return None if None in items else ", ".join(str(item) for item in items)
    if isinstance(value, TiffImagePlugin.IFDRational):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, bool | int | float | Fraction):
        return str(value)
    return _text(value)


def _text(value: object) -> str | None:
    """A tag's value as clean text: NULs and padding trimmed, binary or empty values give None."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not isinstance(value, str):
        return None
    cleaned = value.replace("\x00", " ").strip()
    if not cleaned or not cleaned.isprintable():
        return None
    return _clip(cleaned)


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_VALUE_CHARS else text[: _MAX_VALUE_CHARS - 1] + "…"


def _describe(err: BaseException) -> str:
    return _clip(f"unreadable EXIF ({type(err).__name__}: {err})")
