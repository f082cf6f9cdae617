"""PDQ hashes as bytes: the 256 bits pdqhash returns packed in the reference implementation's hex order.

The C++ reference prints a hash as 16 words w[15]..w[0], each as 4 hex digits, most significant
bit first; pdqhash returns its bit vector in that same order (bit 255 first). Packing the vector
most-significant-bit first therefore gives bytes whose hex is exactly the reference's hex string.

The 8 dihedral forms, in pdqhash's (and the C++ reference's) order. Form k is what form 0 would
be for the image transformed as listed; pdqhash derives all 8 from one 64x64 downsample through
the DCT's symmetries (cheap: form 0 alone costs the same).

====  ==========  ==========================================================================
form  reference   transform of the image as displayed
====  ==========  ==========================================================================
0     orig        none (EXIF orientation already applied)
1     rot90       rotated 90° counter-clockwise (``numpy.rot90(pixels, 1)``)
2     rot180      rotated 180°
3     rot270      rotated 90° clockwise (``numpy.rot90(pixels, 3)``)
4     flipx       mirrored top-bottom, about the x axis (``numpy.flipud``)
5     flipy       mirrored left-right, about the y axis (``numpy.fliplr``)
6     flipp       transposed about the main diagonal (``pixels.transpose(1, 0, 2)``)
7     flipm       transposed about the anti-diagonal (``numpy.rot90(pixels, 2).transpose(1, 0, 2)``)
====  ==========  ==========================================================================

The correspondence is exact only where PDQ's Jarosz downsample commutes with the flip: its box
window is (side + 127) // 128 pixels and only an odd window is centred, so sides of 1-127,
257-383, 513-639 … px are exact (distance 0). Elsewhere a really transformed copy lands away from
form k: measured on generated images, 4-16 bits at 640x480 and 1000x750, 16-32 at 512x512 and
up to 50 at 256x256. The matcher should not count on dihedral forms being exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pdqhash

from darkroom.errors import MediaError

PDQ_BYTES: Final = 32
PDQ_HEX_CHARS: Final = 64
PDQ_BITS: Final = 256
# The names pdq-photo-hasher --pdqdih prints with -d, in form order.
DIHEDRAL_FORM_NAMES: Final = ("orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipp", "flipm")

_POPCOUNT: Final = np.array([bin(value).count("1") for value in range(256)], dtype=np.uint16)


@dataclass(frozen=True, slots=True)
class PdqHash:
    """One PDQ hash of a media file: a dihedral form of an image, or a sampled video frame."""

    form: int  # image: dihedral form 0..7 (see module docstring); video: frame ordinal
    at_s: float | None  # video: the frame's timestamp in seconds; image: None
    pdq: bytes  # 32 bytes, hex() is the reference's 64-hex string
    quality: int  # 0..100; below QUALITY_THRESHOLD the hash is too flat to match on


def bits_to_bytes(bits: npt.NDArray[np.generic]) -> bytes:
    """Pack pdqhash's 256-entry 0/1 vector into 32 bytes, first bit = most significant bit."""
    flat = np.asarray(bits).reshape(-1)
    if flat.size != PDQ_BITS:
        raise ValueError(f"a PDQ hash has {PDQ_BITS} bits, got {flat.size}")
    return np.packbits(flat.astype(np.uint8)).tobytes()


def bytes_to_bits(pdq: bytes) -> npt.NDArray[np.uint8]:
    """The inverse of bits_to_bytes: 256 values of 0 or 1."""
    _check_length(pdq)
    return np.unpackbits(np.frombuffer(pdq, dtype=np.uint8))


def to_hex(pdq: bytes) -> str:
    """The reference implementation's 64-character lower-case hex form."""
    _check_length(pdq)
    return pdq.hex()


def from_hex(pdq_hex: str) -> bytes:
    """Parse a 64-hex PDQ hash (either case, surrounding blanks tolerated) into 32 bytes."""
    cleaned = pdq_hex.strip()
    if len(cleaned) != PDQ_HEX_CHARS:
        raise ValueError(f"a PDQ hash is {PDQ_HEX_CHARS} hex characters, got {len(cleaned)}")
    try:
        return bytes.fromhex(cleaned)
    except ValueError as err:
        raise ValueError("a PDQ hash holds only hex digits") from err


def hamming(a: bytes, b: bytes) -> int:
    """Number of differing bits between two 32-byte PDQ hashes."""
    _check_length(b)
    return int(hamming_to_many(a, np.frombuffer(b, dtype=np.uint8).reshape(1, PDQ_BYTES))[0])


def hamming_to_many(query: bytes, codes: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    """Distances from one 32-byte hash to each row of an (n, 32) uint8 array."""
    _check_length(query)
    xor = np.bitwise_xor(codes, np.frombuffer(query, dtype=np.uint8))
    distances: npt.NDArray[np.int64] = _POPCOUNT[xor].sum(axis=1, dtype=np.int64)
    return distances


def hash_pixels(rgb: npt.NDArray[np.uint8]) -> tuple[bytes, int]:
    """PDQ hash (32 bytes) and quality of an RGB uint8 array of shape (height, width, 3)."""
    bits, quality = pdqhash.compute(_prepared(rgb))
    return bits_to_bytes(bits), int(quality)


def dihedral_hashes(rgb: npt.NDArray[np.uint8]) -> tuple[PdqHash, ...]:
    """The 8 dihedral PDQ hashes of an RGB array, forms 0..7 in the module docstring's order."""
    forms, quality = pdqhash.compute_dihedral(_prepared(rgb))
    return tuple(
        PdqHash(form=index, at_s=None, pdq=bits_to_bytes(bits), quality=int(quality))
        for index, bits in enumerate(forms)
    )


def _check_length(pdq: bytes) -> None:
    if len(pdq) != PDQ_BYTES:
        raise ValueError(f"a PDQ hash is {PDQ_BYTES} bytes, got {len(pdq)}")


def _prepared(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The pixels as pdqhash needs them. It takes the luma buffer's memory as row-major, so a
    strided view (numpy.rot90, a crop) would silently hash a scrambled image: copy those."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise MediaError(f"PDQ needs RGB uint8 pixels, got {rgb.dtype} of shape {rgb.shape}")
    if rgb.shape[0] < 1 or rgb.shape[1] < 1:
        raise MediaError(f"PDQ needs at least one pixel, got shape {rgb.shape}")
    return np.ascontiguousarray(rgb)
