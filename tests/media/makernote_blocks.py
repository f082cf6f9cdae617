"""EXIF blocks with vendor maker notes laid out as the cameras write them, built byte by byte.

Canon: the note is a plain IFD in the EXIF byte order whose value offsets count from the TIFF
header, like every other EXIF offset. Nikon type 3: "Nikon\\0" + version 0x0210 + 2 pad bytes,
then a TIFF header of its own; the note's offsets count from that inner header.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

ASCII, SHORT, LONG, UNDEFINED = 2, 3, 4, 7
_TYPE_SIZES = {ASCII: 1, SHORT: 2, LONG: 4, UNDEFINED: 1}
EXIF_OFFSET_TAG, MAKER_NOTE_TAG = 0x8769, 0x927C


@dataclass(frozen=True)
class Entry:
    """One IFD entry: its tag, type and value bytes (already in the block's byte order)."""

    tag: int
    type_id: int
    value: bytes

    @property
    def count(self) -> int:
        return len(self.value) // _TYPE_SIZES[self.type_id]


def text(tag: int, value: str) -> Entry:
    return Entry(tag, ASCII, value.encode("ascii") + b"\x00")


def long(tag: int, value: int, endian: str) -> Entry:
    return Entry(tag, LONG, struct.pack(endian + "L", value))


def value_positions(entries: list[Entry], start: int) -> dict[int, int]:
    """Where each long value of an IFD placed at `start` lands (tag -> position in the block)."""
    position = start + 2 + 12 * len(entries) + 4
    positions: dict[int, int] = {}
    for entry in sorted(entries, key=lambda entry: entry.tag):
        if len(entry.value) > 4:
            positions[entry.tag] = position
            position += len(entry.value) + len(entry.value) % 2
    return positions


def ifd_bytes(entries: list[Entry], start: int, endian: str, origin: int = 0) -> bytes:
    """An IFD placed at `start` with its long values after it; offsets are written as position - origin."""
    entries = sorted(entries, key=lambda entry: entry.tag)
    positions = value_positions(entries, start)
    table, data = struct.pack(endian + "H", len(entries)), b""
    for entry in entries:
        head = struct.pack(endian + "HHL", entry.tag, entry.type_id, entry.count)
        if len(entry.value) <= 4:
            table += head + entry.value.ljust(4, b"\x00")
        else:
            table += head + struct.pack(endian + "L", positions[entry.tag] - origin)
            data += entry.value + b"\x00" * (len(entry.value) % 2)
    return table + struct.pack(endian + "L", 0) + data


def exif_block(
    make: str,
    model: str,
    endian: str,
    maker_note_at: Callable[[int], bytes],
    extra: list[Entry] | None = None,
) -> bytes:
    """An APP1 payload ("Exif\\0\\0" + TIFF): Make, Model, an EXIF IFD with `extra` and the maker note;
    `maker_note_at(offset)` builds the note for the offset it lands at (its length must not depend on it)."""
    header = (b"II*\x00" if endian == "<" else b"MM\x00*") + struct.pack(endian + "L", 8)
    ifd0_entries = [text(0x010F, make), text(0x0110, model), long(EXIF_OFFSET_TAG, 0, endian)]
    exif_at = 8 + len(ifd_bytes(ifd0_entries, 8, endian))
    ifd0_entries[-1] = long(EXIF_OFFSET_TAG, exif_at, endian)
    stand_in = Entry(MAKER_NOTE_TAG, UNDEFINED, maker_note_at(0))
    note_at = value_positions([*(extra or []), stand_in], exif_at)[MAKER_NOTE_TAG]
    exif_entries = [*(extra or []), Entry(MAKER_NOTE_TAG, UNDEFINED, maker_note_at(note_at))]
    return (
        b"Exif\x00\x00"
        + header
        + ifd_bytes(ifd0_entries, 8, endian)
        + ifd_bytes(exif_entries, exif_at, endian)
    )


def canon_note(serial_number: int, endian: str = "<") -> Callable[[int], bytes]:
    """A Canon maker note: image type (a string stored after the IFD), serial (int32u), model id."""

    def build(at: int) -> bytes:
        entries = [
            text(0x0006, "IMG:EOS 250D JPEG"),
            text(0x0007, "Firmware Version 1.0.2"),
            long(0x000C, serial_number, endian),
            long(0x0010, 0x80000436, endian),
        ]
        return ifd_bytes(entries, at, endian)

    return build


def nikon_note(serial: str, endian: str = ">") -> Callable[[int], bytes]:
    """A Nikon type 3 maker note: label, version, its own TIFF header, then an IFD with the serial."""

    def build(at: int) -> bytes:
        inner = at + 10  # the note's TIFF header: every offset inside the note counts from here
        tiff_header = (b"II*\x00" if endian == "<" else b"MM\x00*") + struct.pack(endian + "L", 8)
        entries = [Entry(0x0001, UNDEFINED, b"0210"), text(0x001D, serial), text(0x0004, "FINE  ")]
        return (
            b"Nikon\x00\x02\x10\x00\x00" + tiff_header + ifd_bytes(entries, inner + 8, endian, origin=inner)
        )

    return build


def olympus_note(serial: str, endian: str = "<", kind: str = "old") -> Callable[[int], bytes]:
    """An Olympus maker note: the older "OLYMP\\0" kind (IFD at +8, offsets from the TIFF header)
    or the newer "OLYMPUS\\0II\\x03\\0" kind (IFD at +12, offsets from the note's start)."""

    def build(at: int) -> bytes:
        entries = [text(0x0404, serial)]
        if kind == "old":
            return b"OLYMP\x00\x01\x00" + ifd_bytes(entries, at + 8, endian)
        order = b"II" if endian == "<" else b"MM"
        return b"OLYMPUS\x00" + order + b"\x03\x00" + ifd_bytes(entries, at + 12, endian, origin=at)

    return build
