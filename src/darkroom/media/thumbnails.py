"""Thumbnails for safe viewing: greyscale and blurred before they are ever encoded, at most 256 px.

The Gaussian blur's radius (Pillow's standard deviation) is 1/40 of the thumbnail's longer side,
6.4 px at 256 px: faces, text and skin detail dissolve while layout and large shapes stay
recognisable enough to triage. A clear rendition exists only in memory (darkroom.media.reveal).
"""

from __future__ import annotations

import io
from typing import Final

from PIL import Image, ImageFilter

THUMBNAIL_MAX_SIDE: Final = 256
BLUR_FRACTION: Final = 1 / 40  # Gaussian radius as a fraction of the thumbnail's longer side
MIN_BLUR_RADIUS: Final = 2.0
JPEG_QUALITY: Final = 70


def blur_radius(longer_side: int) -> float:
    """The blur radius for a thumbnail whose longer side is `longer_side` pixels."""
    return max(MIN_BLUR_RADIUS, longer_side * BLUR_FRACTION)


def blurred_thumbnail(image: Image.Image, max_side: int = THUMBNAIL_MAX_SIDE) -> bytes:
    """JPEG bytes of a greyscale (mode L), blurred copy of `image` no larger than max_side."""
    grey = image.convert("L")
    grey.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    blurred = grey.filter(ImageFilter.GaussianBlur(blur_radius(max(grey.size))))
    buffer = io.BytesIO()
    blurred.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()
