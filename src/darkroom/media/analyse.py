"""The one entry point of per-file media analysis: decode, PDQ hashes, EXIF and a blurred thumbnail."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from darkroom.media import QUALITY_THRESHOLD
from darkroom.media.decode import decode_image
from darkroom.media.exif import ExifFacts
from darkroom.media.pdq import PdqHash, dihedral_hashes, to_hex
from darkroom.media.thumbnails import blurred_thumbnail
from darkroom.media.video import FRAME_HASH_METHOD, analyse_video

# Bump whenever a change here would give a different result for the same file (the next `process`
# analyses every picture and video again). media-2: HEIC/HEIF decode; video frames turned upright
# by their display matrix. media-3: camera serials kept only in a vendor maker note.
ANALYSER_VERSION: Final = "media-3"

MediaKind = Literal["image", "video"]

# MIME types libmagic gives to images and videos Pillow / FFmpeg read but whose major type says otherwise.
_EXTRA_MIME_KINDS: Final[dict[str, MediaKind]] = {
    "application/mp4": "video",
    "application/ogg": "video",
    "application/x-matroska": "video",
    "application/vnd.rn-realmedia": "video",
    "application/x-shockwave-flash": "video",
    "application/dicom": "image",
}

# Vector drawings have no pixels to hash.
_NOT_RASTER: Final = frozenset({"image/svg+xml", "image/svg"})


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """Everything the media stage keeps about one file (one `media` row plus its `media_hashes`)."""

    media_kind: MediaKind
    width: int | None  # full size as displayed (images: EXIF orientation applied)
    height: int | None
    duration_s: float | None
    codec: str | None  # video codec name (h264, hevc, mpeg4 …); images: None
    frame_hash_method: str | None  # video: "pyav+pdq 1/s"; images: None
    pdq_hex: str | None  # form 0 of an image, or the first video frame of quality >= 50
    pdq_quality: int | None
    hashes: tuple[PdqHash, ...]  # image: the 8 dihedral forms (pdq.py); video: one per sampled second
    exif: ExifFacts
    thumbnail_jpeg: bytes | None  # already greyscale and blurred, at most 256 px
    image_format: str | None = None  # images: Pillow's format name (JPEG, PNG …)
    notes: tuple[str, ...] = ()  # non-fatal problems: decoder warnings, undecodable video packets …


def media_kind_of(mime_type: str) -> MediaKind | None:
    """Which analyser a MIME type goes to, or None when it is neither an image nor a video."""
    essence = mime_type.split(";", 1)[0].strip().lower()
    if essence in _NOT_RASTER:
        return None
    if essence in _EXTRA_MIME_KINDS:
        return _EXTRA_MIME_KINDS[essence]
    major = essence.split("/", 1)[0]
    if major == "image":
        return "image"
    if major == "video":
        return "video"
    return None


def analyse_media(path: Path, media_kind: MediaKind) -> MediaFacts:
    """Analyse one image or video file, opened read-only; raises MediaError when it cannot be decoded."""
    if media_kind == "video":
        return _analyse_video(path)
    return _analyse_image(path)


def _analyse_image(path: Path) -> MediaFacts:
    decoded = decode_image(path)
    hashes = dihedral_hashes(decoded.pixels())
    return MediaFacts(
        media_kind="image",
        width=decoded.width,
        height=decoded.height,
        duration_s=None,
        codec=None,
        frame_hash_method=None,
        pdq_hex=to_hex(hashes[0].pdq),
        pdq_quality=hashes[0].quality,
        hashes=hashes,
        exif=decoded.exif,
        thumbnail_jpeg=blurred_thumbnail(decoded.image),
        image_format=decoded.image_format,
        notes=decoded.notes,
    )


def _analyse_video(path: Path) -> MediaFacts:
    video = analyse_video(path)
    headline = next((h for h in video.hashes if h.quality >= QUALITY_THRESHOLD), video.hashes[0])
    return MediaFacts(
        media_kind="video",
        width=video.width,
        height=video.height,
        duration_s=video.duration_s,
        codec=video.codec,
        frame_hash_method=FRAME_HASH_METHOD,
        pdq_hex=to_hex(headline.pdq),
        pdq_quality=headline.quality,
        hashes=video.hashes,
        exif=ExifFacts(),
        thumbnail_jpeg=blurred_thumbnail(video.representative),
        notes=video.notes,
    )
