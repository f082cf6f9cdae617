"""Decode an image file into RGB pixels as displayed, at reduced size where that is free of cost.

Large JPEGs are decoded through `Image.draft` (libjpeg's DCT scaling by 1/2, 1/4 or 1/8), other
formats are box-reduced with `Image.reduce`, so that the shorter side stays >= DRAFT_MIN_SIDE.
Measured on 16 generated photo-like JPEGs (1/f noise with shapes, quality 88) per size, PDQ
distance of the reduced decode to the full-size decode (max / median bits):

==========  ===================  ===================  ===================================
full size   min side 256         min side 384 (used)  a Lanczos 50% resize, for scale
==========  ===================  ===================  ===================================
1600x1200   400x300: 14 / 8      800x600: 8 / 4       8 / 4
2048x1536   512x384: 10 / 6      512x384: 10 / 6      6 / 4
4000x3000   500x375: 12 / 6      1000x750: 6 / 4      4 / 2
1080x1920   270x480: 14 / 8      540x960: 6 / 4       8 / 4
==========  ===================  ===================  ===================================

At 384 the drift is the same as any half-size resize; at 256 it doubles. Images whose shorter
side is below 2 x 384 are decoded at full size (VGA: distance 0). Box reduction of other formats
drifts alike (1600x1200 by 3: max 6 / median 4; 4000x3000 by 4: 6 / 4).
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from PIL import Image
from pillow_heif import register_heif_opener

from darkroom.errors import MediaError
from darkroom.media.exif import EXIF_READ_ERRORS, ExifFacts, data_warnings, exif_facts_of

# HEIC/HEIF, the iPhone's own picture format (libheif through pillow-heif); AVIF Pillow reads itself.
# libheif applies the picture's own rotation and mirroring and then reports EXIF orientation 1, so
# a HEIC is never turned twice.
register_heif_opener()

DRAFT_MIN_SIDE: Final = 384
# JPEG and MPO (phones' multi-picture JPEG, first picture) decode with libjpeg's DCT scaling.
_DRAFT_FORMATS: Final = frozenset({"JPEG", "MPO"})
_ORIENTATION_TAG: Final = 0x0112
# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose does).
_UPRIGHT: Final = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_SIDES: Final = frozenset({5, 6, 7, 8})
# What Pillow's decoders raise on damaged, truncated or hostile files (found by fuzzing).
DECODE_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    EOFError,
    struct.error,
    ZeroDivisionError,
    OverflowError,
    MemoryError,
    RecursionError,
    Image.DecompressionBombError,
)
_SIXTEEN_BIT_MODES: Final = frozenset({"I;16", "I;16L", "I;16B", "I;16N"})
_MAX_8_BIT: Final = 255


@dataclass(frozen=True, slots=True)
class DecodedImage:
    """An image as displayed (EXIF orientation applied), maybe reduced; width/height are its full size."""

    image: Image.Image  # mode RGB, upright, shorter side >= DRAFT_MIN_SIDE unless the file is smaller
    width: int  # full width as displayed
    height: int  # full height as displayed
    image_format: str  # Pillow's format name: JPEG, PNG, GIF, WEBP, TIFF, BMP …
    orientation: int  # the EXIF orientation that was applied (1 = none)
    exif: ExifFacts
    notes: tuple[str, ...] = ()  # what the decoder warned about (corrupt EXIF, odd chunks …)

    def pixels(self) -> npt.NDArray[np.uint8]:
        """C-contiguous uint8 array (height, width, 3), the layout pdqhash requires."""
        return np.ascontiguousarray(np.asarray(self.image, dtype=np.uint8))


def decode_image(path: Path, *, min_side: int | None = DRAFT_MIN_SIDE) -> DecodedImage:
    """Decode the first frame of an image file; min_side=None decodes at full size.

    Raises MediaError for anything Pillow cannot decode: unknown format, truncation, corruption,
    a declared size beyond Pillow's decompression-bomb limit (2 x Image.MAX_IMAGE_PIXELS), or
    more than Image.MAX_IMAGE_PIXELS to decode after JPEG draft scaling. What Pillow only warns
    about (corrupt EXIF, odd chunks) becomes `notes`, never a printed warning.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with Image.open(path) as image:
                decoded = _decode_opened(image, min_side)
        except MediaError:
            raise
        except DECODE_ERRORS as err:
            raise MediaError(f"cannot decode image: {_describe(err)}") from err
    notes = data_warnings(caught)
    if not notes:
        return decoded
    exif_notes = [note for note in notes if "exif" in note.lower()]
    exif = decoded.exif
    if exif_notes and "exif_error" not in exif.other:
        exif = replace(exif, other={**exif.other, "exif_error": "; ".join(exif_notes)})
    return replace(decoded, exif=exif, notes=notes)


def _decode_opened(image: Image.Image, min_side: int | None) -> DecodedImage:
    full_width, full_height = image.size
    if full_width < 1 or full_height < 1:
        raise MediaError(f"image declares an empty size {full_width}x{full_height}")
    image_format = image.format or "unknown"
    if min_side is not None and image_format in _DRAFT_FORMATS:
        image.draft("RGB", (min_side, min_side))
    _check_decoded_size(image)
    image.load()
    exif = exif_facts_of(image)
    orientation = _orientation(image)
    upright = _to_rgb(image)
    if min_side is not None:
        upright = _reduce(upright, min_side)
    if orientation in _UPRIGHT:
        upright = upright.transpose(_UPRIGHT[orientation])
    if orientation in _SWAPS_SIDES:
        full_width, full_height = full_height, full_width
    return DecodedImage(upright, full_width, full_height, image_format, orientation, exif)


def _check_decoded_size(image: Image.Image) -> None:
    """Refuse to allocate more than Image.MAX_IMAGE_PIXELS for the pixels actually decoded (a JPEG
    after draft is much smaller than declared; a 100-megapixel PNG is not)."""
    limit = Image.MAX_IMAGE_PIXELS
    width, height = image.size
    if limit is not None and width * height > limit:
        raise MediaError(
            f"possible decompression bomb: {width}x{height} pixels to decode exceeds the limit of {limit}"
        )


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation 1..8; an unreadable or absent tag means 1 (as stored)."""
    try:
        value = image.getexif().get(_ORIENTATION_TAG)
    except EXIF_READ_ERRORS:
        return 1
    return value if isinstance(value, int) and value in _UPRIGHT else 1


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode as 8-bit RGB; alpha is dropped (as python-threatexchange's hasher does)."""
    if image.mode == "RGB":
        return image
    if image.mode in _SIXTEEN_BIT_MODES or image.mode == "I":
        return _wide_grey_to_rgb(image)
    try:
        return image.convert("RGB")
    except ValueError as err:
        raise MediaError(f"cannot convert pixel mode {image.mode} to RGB") from err


def _wide_grey_to_rgb(image: Image.Image) -> Image.Image:
    # Pillow's own conversion clips 16-bit values at 255 (a white image); scale them instead.
    values = np.asarray(image.convert("I"), dtype=np.int64)
    if image.mode in _SIXTEEN_BIT_MODES or int(values.max(initial=0)) > _MAX_8_BIT:
        values = values >> 8
    grey = np.clip(values, 0, _MAX_8_BIT).astype(np.uint8)
    return Image.fromarray(grey).convert("RGB")


def _reduce(image: Image.Image, min_side: int) -> Image.Image:
    """Box-reduce by a whole factor keeping the shorter side >= min_side (JPEG draft already did it)."""
    factor = min(image.size) // min_side
    return image.reduce(factor) if factor >= 2 else image


def _describe(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__
