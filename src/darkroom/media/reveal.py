"""A clear (colour, unblurred) rendition for an audited reveal: made in memory, never written anywhere.

The caller audits the reveal and sends the bytes with `Cache-Control: no-store`; nothing here
touches the disk besides reading the evidence file.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Final, Literal

from PIL import Image

from darkroom.errors import MediaError
from darkroom.media.decode import decode_image
from darkroom.media.video import representative_frame

REVEAL_MAX_SIDE: Final = 1024
JPEG_QUALITY: Final = 85


def clear_rendition(
    path: Path, max_side: int = REVEAL_MAX_SIDE, *, media_kind: Literal["image", "video"] = "image"
) -> bytes:
    """RGB JPEG bytes of the image as displayed (of a video: its representative frame), <= max_side px."""
    if max_side < 1:
        raise MediaError(f"a rendition needs a positive size, got {max_side}")
    if media_kind == "video":
        picture = representative_frame(path)
    else:
        picture = decode_image(path, min_side=max_side).image
    return _jpeg(picture, max_side)


def _jpeg(picture: Image.Image, max_side: int) -> bytes:
    rendition = picture.copy()
    rendition.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    rendition.convert("RGB").save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
