"""Camera body serials from vendor maker notes (EXIF tag 0x927C), read with ExifRead.

Older Canon, Nikon, Olympus and Fujifilm bodies write their serial only in their MakerNote, which
Pillow leaves opaque. Only the EXIF block (a JPEG's APP1 segment, at most 64 KB) is handed to
ExifRead, never the file, and its reads are counted, so a damaged or hostile note costs bounded
work; whatever goes wrong ends in `MakerNoteError`, which the caller records, never a failed file.
"""

from __future__ import annotations

import io
import logging
import re
import struct
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

import exifread
from exifread.core.exceptions import ExifError

from darkroom.errors import MakerNoteError

# What ExifRead raises on mutated blocks (found by fuzzing maker-note bytes), besides its ExifError.
_EXIFREAD_ERRORS: Final = (
    ExifError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    struct.error,
    ZeroDivisionError,
    OverflowError,
    RecursionError,
    MemoryError,
    UnicodeError,
)
_TIFF_HEADERS: Final = (b"II*\x00", b"MM\x00*")
_EXIF_PREFIX: Final = b"Exif\x00\x00"
MAX_EXIF_BLOCK_BYTES: Final = 1 << 20
# A real block needs a few thousand reads (ExifRead reads a 30 KB Nikon note byte by byte);
# mutated entry counts can ask for millions.
MAX_EXIFREAD_READS: Final = 150_000
_MAX_SERIAL_CHARS: Final = 64
_CANON_D30: Final = re.compile(r"EOS D30\b")


@dataclass(frozen=True, slots=True)
class MakerNoteSerial:
    """A body serial found in a maker note, with the vendor and ExifRead tag it came from."""

    serial: str
    vendor: str  # "canon", "nikon", "olympus", "fujifilm"
    tag: str  # ExifRead's key, e.g. "MakerNote SerialNumber"

    @property
    def source(self) -> str:
        """Where the serial came from, as stored beside it: "makernote:canon"."""
        return f"makernote:{self.vendor}"


def makernote_vendor(make: str | None) -> str | None:
    """The vendor whose maker note ExifRead decodes for this EXIF Make, matched as ExifRead matches it."""
    if make is None:
        return None
    if make == "Canon":
        return "canon"
    if "NIKON" in make:
        return "nikon"
    if make.startswith("OLYMPUS"):
        return "olympus"
    if make == "FUJIFILM":
        return "fujifilm"
    return None


def tiff_block(exif_block: bytes) -> bytes | None:
    """The TIFF structure inside an EXIF block ("Exif\\0\\0" dropped), or None when it is not one."""
    block = exif_block[len(_EXIF_PREFIX) :] if exif_block.startswith(_EXIF_PREFIX) else exif_block
    return block if block[:4] in _TIFF_HEADERS else None


def makernote_serial(exif_block: bytes, make: str, model: str | None) -> MakerNoteSerial | None:
    """The body serial in the block's maker note; None when the vendor wrote none.

    Raises MakerNoteError when the block or its maker note cannot be decoded."""
    vendor = makernote_vendor(make)
    if vendor is None:
        return None
    tiff = tiff_block(exif_block)
    if tiff is None:
        raise MakerNoteError("the EXIF block does not start with a TIFF header")
    if len(tiff) > MAX_EXIF_BLOCK_BYTES:
        raise MakerNoteError(f"the EXIF block of {len(tiff)} bytes is too large to search for a maker note")
    tags, problems = _exifread_tags(tiff)
    if "EXIF MakerNote" not in tags:
        if problems:  # the block was too damaged for ExifRead to reach the note
            raise MakerNoteError(f"no maker note found ({'; '.join(problems)})"[:300])
        return None
    _check_layout(vendor, _note_head(tags["EXIF MakerNote"]), tiff[:2])
    decoded = {key.strip(): tag for key, tag in tags.items() if key.startswith("MakerNote ")}
    if not decoded:
        detail = f" ({'; '.join(problems)})" if problems else ""
        raise MakerNoteError(f"the {vendor.title()} maker note could not be decoded{detail}")
    return _VENDOR_SERIALS[vendor](decoded, model)


def _note_head(note_tag: object) -> bytes:
    values = getattr(note_tag, "values", None)
    if not isinstance(values, list) or not all(
        isinstance(value, int) and 0 <= value < 256 for value in values[:16]
    ):
        raise MakerNoteError("the maker note is not a byte string")
    return bytes(values[:16])


def _check_layout(vendor: str, head: bytes, block_order: bytes) -> None:
    """Refuse the layouts ExifRead would read at the wrong place, which could yield a wrong serial."""
    # Newer Olympus notes ("OLYMPUS\0II\x03\0") count offsets from the note; ExifRead reads them as
    # the older "OLYMP\0" kind, from the block's start.
    if vendor == "olympus" and not head.startswith(b"OLYMP\x00"):
        raise MakerNoteError("this Olympus maker note layout is not read (only the older OLYMP kind is)")
    # A Nikon type 3 note ("Nikon\0\x02" + TIFF header) is read in the block's byte order.
    if vendor == "nikon" and head.startswith(b"Nikon\x00\x02") and head[10:12] != block_order:
        raise MakerNoteError("the Nikon maker note's byte order differs from the EXIF block's; not read")


def _exifread_tags(tiff: bytes) -> tuple[dict[str, Any], tuple[str, ...]]:
    """ExifRead's tags of a TIFF block and the warnings it logged; bounded by a read budget."""
    reader = _BoundedReader(tiff, MAX_EXIFREAD_READS)
    problems: list[str] = []
    token = _CAPTURED.set(problems)
    try:
        tags = exifread.process_file(reader, details=True, strict=False, extract_thumbnail=False)
    except _ReadBudgetExceeded as err:
        raise MakerNoteError(f"the maker note needs over {err.budget} reads; treated as damaged") from err
    except _EXIFREAD_ERRORS as err:
        raise MakerNoteError(f"unreadable maker note ({type(err).__name__}: {err})"[:300]) from err
    finally:
        _CAPTURED.reset(token)
    return tags, tuple(dict.fromkeys(problems))


def _canon(decoded: Mapping[str, Any], model: str | None) -> MakerNoteSerial | None:
    # 0x000C is an int32u, printed as ExifTool prints it: "%.4x%.5d" for the D30, 6 digits for
    # the EOS-1D family, 10 digits otherwise (0820500998). 0x0096 is a string on newer bodies.
    tag = decoded.get("MakerNote SerialNumber")
    number = _single_int(tag)
    if number is not None and number > 0:
        if model is not None and _CANON_D30.search(model):
            serial = f"{number >> 16:04x}{number & 0xFFFF:05d}"
        elif model is not None and "EOS-1D" in model:
            serial = f"{number:06d}"
        else:
            serial = f"{number:010d}"
        return MakerNoteSerial(serial, "canon", "MakerNote SerialNumber")
    return _text_serial(decoded, "canon", "MakerNote InternalSerialNumber")


def _single_int(tag: object) -> int | None:
    values = getattr(tag, "values", None)
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], int):
        return values[0]
    return None


def _text_serial(decoded: Mapping[str, Any], vendor: str, key: str) -> MakerNoteSerial | None:
    values = getattr(decoded.get(key), "values", None)
    if not isinstance(values, str):
        return None
    cleaned = values.replace("\x00", " ").strip()
    if not cleaned or not cleaned.isprintable() or len(cleaned) > _MAX_SERIAL_CHARS or set(cleaned) <= {"0"}:
        return None
    return MakerNoteSerial(cleaned, vendor, key)


_VENDOR_SERIALS: Final[dict[str, Callable[[Mapping[str, Any], str | None], MakerNoteSerial | None]]] = {
    "canon": _canon,
    # Nikon: 0x001D (string), or 0x00A0 on older bodies; ExifRead names both SerialNumber.
    "nikon": lambda decoded, _model: _text_serial(decoded, "nikon", "MakerNote SerialNumber"),
    "olympus": lambda decoded, _model: _text_serial(decoded, "olympus", "MakerNote SerialNumber"),
    "fujifilm": lambda decoded, _model: _text_serial(decoded, "fujifilm", "MakerNote InternalSerialNumber"),
}


class _ReadBudgetExceeded(Exception):
    """Raised by the reader when ExifRead asks for more reads than any real block needs."""

    def __init__(self, budget: int) -> None:
        super().__init__(f"more than {budget} reads")
        self.budget = budget


class _BoundedReader(io.BytesIO):
    """The EXIF block as a file whose reads are counted; ExifRead seeks and reads a value at a time."""

    def __init__(self, payload: bytes, budget: int) -> None:
        super().__init__(payload)
        self._reads_left = budget
        self._budget = budget

    def read(self, size: int | None = -1, /) -> bytes:
        self._reads_left -= 1
        if self._reads_left < 0:
            raise _ReadBudgetExceeded(self._budget)
        return super().read(size)


# ExifRead logs damage as warnings on its "exifread" logger; they are collected per call (per
# thread or task) and kept out of the console, which Python's last-resort handler would print to.
_CAPTURED: ContextVar[list[str] | None] = ContextVar("darkroom_makernote_warnings", default=None)


class _CapturingHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        captured = _CAPTURED.get()
        if captured is not None and record.levelno >= logging.WARNING:
            captured.append(record.getMessage()[:200])


logging.getLogger("exifread").addHandler(_CapturingHandler())
