"""Benign synthetic photos (gradients, shapes, noise), their near-duplicate variants, and EXIF;
the PDQ hash a viewer's decode of them gives; and the system pictures (wallpapers, icons) that
NSRL lists as known-good.

Everything is drawn from a scene's seed, so the same plan gives the same pixels and, with the
same Pillow, the same JPEG bytes.
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pdqhash
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps
from PIL.TiffImagePlugin import IFDRational

from darkroom.synth.media import Camera, ImagePlan, ScenePlan, gps_decimal, local_time
from darkroom.synth.rng import derive_seed

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_MAKE, _MODEL, _SOFTWARE, _DATETIME = 0x010F, 0x0110, 0x0131, 0x0132
_DATETIME_ORIGINAL, _OFFSET_TIME_ORIGINAL, _BODY_SERIAL = 0x9003, 0x9011, 0xA431
_MAKER_NOTE = 0x927C
_CANON_SERIAL, _CANON_MODEL_ID = 0x000C, 0x0010
_CANON_EOS_250D_MODEL_ID = 0x80000436
_NIKON_VERSION, _NIKON_SERIAL = 0x0001, 0x001D
_ASCII, _LONG, _UNDEFINED = 2, 4, 7


@dataclass(frozen=True, slots=True)
class RenderedImage:
    """The JPEG bytes of one planned image, its size, and the EXIF facts written into it."""

    jpeg: bytes
    width: int
    height: int
    exif: dict[str, object]


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def render_scene(seed: int, width: int, height: int) -> Image.Image:
    """A colourful gradient with a few shapes and soft noise: clearly synthetic, never a person."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    gradient = Image.linear_gradient("L").rotate(rng.randrange(360)).resize((width, height))
    image = ImageOps.colorize(gradient, _colour(rng), _colour(rng))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(3, 9)):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(width // 30, width // 2), y0 + rng.randrange(height // 30, height // 2)
        shape = rng.randrange(3)
        if shape == 0:
            draw.ellipse((x0, y0, x1, y1), fill=_colour(rng))
        elif shape == 1:
            draw.rectangle((x0, y0, x1, y1), fill=_colour(rng))
        else:
            corners = [(rng.randrange(width), rng.randrange(height)) for _ in range(rng.randint(3, 6))]
            draw.polygon(corners, fill=_colour(rng))
    # Pillow's effect_noise draws from C rand(), which no seed reaches: build noise from rng.
    small = (width // 4, height // 4)
    noise = Image.frombytes("L", small, rng.randbytes(small[0] * small[1]))
    texture = noise.resize((width, height), Image.Resampling.BILINEAR).convert("RGB")
    return Image.blend(image, texture, rng.uniform(0.06, 0.14))


def apply_variant(original: Image.Image, plan: ImagePlan) -> Image.Image:
    """The near-duplicate the plan names, derived from the scene's original pixels."""
    width, height = original.size
    if plan.variant == "resized":
        factor = plan.params[0]
        return original.resize((round(width * factor), round(height * factor)), Image.Resampling.LANCZOS)
    if plan.variant == "cropped":
        left, top, right, bottom = plan.params
        box = (round(width * left), round(height * top), round(width * right), round(height * bottom))
        return original.crop(box)
    if plan.variant == "flipped":
        return ImageOps.mirror(original)
    if plan.variant == "rotated90":
        return original.transpose(Image.Transpose.ROTATE_90)
    if plan.variant == "brightness":
        return ImageEnhance.Brightness(original).enhance(plan.params[0])
    return original  # original, recompressed: same pixels (recompressed differs by quality)


def _rational_dms(dms: tuple[int, int, int]) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees, minutes, centiseconds = dms
    return (IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(centiseconds, 100))


def exif_for(scene: ScenePlan, plan: ImagePlan) -> tuple[bytes, dict[str, object]]:
    """EXIF bytes (camera, serial, time, GPS as rationals) and the same facts for truth.json."""
    camera: Camera = scene.camera
    local = local_time(scene.taken_at)
    software = plan.edited_with or camera.software
    modified = local + timedelta(days=2) if plan.edited_with else local
    exif = Image.Exif()
    exif[_MAKE], exif[_MODEL], exif[_SOFTWARE] = camera.make, camera.model, software
    exif[_DATETIME] = _exif_time(modified)
    details = exif.get_ifd(_EXIF_IFD)
    details[_DATETIME_ORIGINAL] = _exif_time(local)
    details[_OFFSET_TIME_ORIGINAL] = local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
    serial_source = "exif"
    if camera.kind == "dslr" and camera.make in _MAKER_NOTE_WRITERS:
        vendor, write_note = _MAKER_NOTE_WRITERS[camera.make]
        details[_MAKER_NOTE] = write_note(
            camera.serial, "<" if exif.endian == "<" else ">"
        )  # as Pillow writes
        if serial_in_maker_note_only(camera):
            serial_source = f"makernote:{vendor}"
    if serial_source == "exif":
        details[_BODY_SERIAL] = camera.serial
    facts: dict[str, object] = {
        "make": camera.make,
        "model": camera.model,
        "serial": camera.serial,
        "serial_source": serial_source,
        "software": software,
        "datetime_original": _exif_time(local),
        "gps": None,
    }
    if scene.gps is not None:
        latitude, longitude = scene.gps
        gps = exif.get_ifd(_GPS_IFD)
        gps[1], gps[2] = "N", _rational_dms(latitude)
        gps[3], gps[4] = "W", _rational_dms(longitude)
        facts["gps"] = {"lat": gps_decimal(latitude), "lon": -gps_decimal(longitude)}
    return exif.tobytes(), facts


def serial_in_maker_note_only(camera: Camera) -> bool:
    """Older DSLRs write their serial only in the maker note; here every Canon or Nikon with an even one."""
    return camera.kind == "dslr" and camera.serial.isdigit() and int(camera.serial) % 2 == 0


def canon_maker_note(serial: str, order: str) -> bytes:
    """A Canon maker note as the camera lays it out: a plain IFD in the EXIF block's byte order with
    the body number (0x000C, int32u) and model id (0x0010, EOS 250D); both values fit in their
    entries, so the note reads the same wherever Pillow places it."""
    entries = ((_CANON_SERIAL, int(serial)), (_CANON_MODEL_ID, _CANON_EOS_250D_MODEL_ID))
    table = b"".join(struct.pack(order + "HHLL", tag, _LONG, 1, value) for tag, value in entries)
    return struct.pack(order + "H", len(entries)) + table + struct.pack(order + "L", 0)


def nikon_maker_note(serial: str, order: str) -> bytes:
    """A Nikon type 3 maker note: "Nikon\\0", version 2.10, its own TIFF header (in the block's byte
    order, which ExifRead assumes), then an IFD whose offsets count from that header: version (0x0001)
    and the serial string (0x001D) stored after the IFD."""
    serial_bytes = serial.encode("ascii") + b"\x00"
    ifd_at, entry_count = 8, 2
    serial_at = ifd_at + 2 + 12 * entry_count + 4
    header = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "L", ifd_at)
    table = struct.pack(order + "HHL4s", _NIKON_VERSION, _UNDEFINED, 4, b"0210")
    table += struct.pack(order + "HHLL", _NIKON_SERIAL, _ASCII, len(serial_bytes), serial_at)
    ifd = struct.pack(order + "H", entry_count) + table + struct.pack(order + "L", 0)
    return b"Nikon\x00\x02\x10\x00\x00" + header + ifd + serial_bytes


_MAKER_NOTE_WRITERS = {"Canon": ("canon", canon_maker_note), "NIKON CORPORATION": ("nikon", nikon_maker_note)}


def _exif_time(moment: datetime) -> str:
    return moment.strftime("%Y:%m:%d %H:%M:%S")


def render_image(scene: ScenePlan, original: Image.Image, plan: ImagePlan) -> RenderedImage:
    """Encode one planned image; EXIF is kept only where the plan says so (messengers strip it)."""
    picture = apply_variant(original, plan)
    buffer = io.BytesIO()
    if plan.keep_exif:
        exif_bytes, facts = exif_for(scene, plan)
        picture.save(buffer, "JPEG", quality=plan.quality, exif=exif_bytes)
    else:
        facts = {}
        picture.save(buffer, "JPEG", quality=plan.quality)
    return RenderedImage(buffer.getvalue(), picture.width, picture.height, facts)


@dataclass(frozen=True, slots=True)
class Digests:
    """The digests hash sets key a file by, and its size."""

    md5: str
    sha1: str
    sha256: str
    size: int


def digests_of(payload: bytes) -> Digests:
    """MD5, SHA-1 and SHA-256 (lower-case hex) and the length of a file's bytes."""
    return Digests(
        hashlib.md5(payload, usedforsecurity=False).hexdigest(),
        hashlib.sha1(payload, usedforsecurity=False).hexdigest(),
        hashlib.sha256(payload).hexdigest(),
        len(payload),
    )


@dataclass(frozen=True, slots=True)
class ViewerPdq:
    """PDQ (64 hex, the reference's bit order) and quality of an image as a viewer decodes it."""

    pdq_hex: str
    quality: int


def pdq_of_pixels(pixels: npt.NDArray[np.uint8]) -> ViewerPdq:
    """PDQ of an RGB array (height x width x 3); bit i of the hash is bit i of the hex, MSB first."""
    bits, quality = pdqhash.compute(pixels)
    return ViewerPdq(np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality))


def decoded_pixels(payload: bytes) -> npt.NDArray[np.uint8]:
    """The RGB pixels a viewer shows for encoded image bytes (full size, no draft decoding)."""
    with Image.open(io.BytesIO(payload)) as picture:
        return np.asarray(picture.convert("RGB"))


def viewer_pdq(payload: bytes) -> ViewerPdq:
    """PDQ of encoded image bytes decoded in full, as the known sets' hashes are made."""
    return pdq_of_pixels(decoded_pixels(payload))


def file_pdq(path: Path) -> ViewerPdq:
    """`viewer_pdq` of a written file (a top-level function, so a process pool can run it)."""
    return viewer_pdq(path.read_bytes())


SystemPlatform = Literal["android", "ios", "windows"]


@dataclass(frozen=True, slots=True)
class SystemImage:
    """A benign picture an operating system or app ships (wallpaper, icon): NSRL lists it known-good."""

    path: str  # where the platform keeps it, relative to the exhibit root
    platform: SystemPlatform
    package: str  # the NSRL product that ships it (a key of hashsets' package table)
    width: int
    height: int
    image_format: Literal["JPEG", "PNG"]

    @property
    def file_name(self) -> str:
        return self.path.rpartition("/")[2]


_ANDROID_ICONS = "data/data/com.android.launcher3/cache/icons"
_IOS_WALLPAPERS = "System/Library/Wallpaper/Collections"
_WINDOWS_THEMES = "AppData/Local/Microsoft/Windows/Themes"
SYSTEM_IMAGES: tuple[SystemImage, ...] = (
    SystemImage(
        "system/media/wallpaper/default_wallpaper.jpg", "android", "android-system", 540, 960, "JPEG"
    ),
    SystemImage("system/media/wallpaper/dunes.jpg", "android", "android-system", 540, 960, "JPEG"),
    SystemImage(f"{_ANDROID_ICONS}/com.android.camera2.png", "android", "android-system", 192, 192, "PNG"),
    SystemImage(f"{_ANDROID_ICONS}/com.example.gallery.png", "android", "gallery-app", 192, 192, "PNG"),
    SystemImage(f"{_IOS_WALLPAPERS}/1/Tide.jpg", "ios", "ios-system", 540, 960, "JPEG"),
    SystemImage(f"{_IOS_WALLPAPERS}/2/Meadow.jpg", "ios", "ios-system", 540, 960, "JPEG"),
    SystemImage(f"{_WINDOWS_THEMES}/Wallpapers/bloom.jpg", "windows", "windows-themes", 1280, 720, "JPEG"),
    SystemImage(f"{_WINDOWS_THEMES}/Wallpapers/glow.jpg", "windows", "windows-themes", 1280, 720, "JPEG"),
    SystemImage(
        "AppData/Local/Programs/Photo Editor/resources/icons/app-256.png",
        "windows",
        "photo-editor",
        256,
        256,
        "PNG",
    ),
)

# Device profile -> the platform whose system pictures its exhibits hold.
SYSTEM_PLATFORMS: dict[str, SystemPlatform] = {
    "android-phone": "android",
    "iphone": "ios",
    "laptop": "windows",
}


def render_system_image(item: SystemImage) -> bytes:
    """The same bytes in every case (an OS file is the same everywhere): soft gradient and shapes."""
    rng = random.Random(derive_seed(0, "system-image", item.path))  # noqa: S311 - synthetic data
    gradient = Image.linear_gradient("L").rotate(rng.randrange(360)).resize((item.width, item.height))
    picture = ImageOps.colorize(gradient, _colour(rng), _colour(rng))
    draw = ImageDraw.Draw(picture)
    side = min(item.width, item.height)
    for _ in range(rng.randint(2, 4)):
        x, y = rng.randrange(item.width), rng.randrange(item.height)
        radius = rng.randrange(side // 6, side // 2)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=_colour(rng))
    picture = picture.filter(ImageFilter.GaussianBlur(side / 40))
    buffer = io.BytesIO()
    if item.image_format == "PNG":
        mask = Image.new("L", picture.size, 0)
        ImageDraw.Draw(mask).rounded_rectangle((0, 0, item.width - 1, item.height - 1), side // 5, fill=255)
        icon = picture.convert("RGBA")
        icon.putalpha(mask)
        icon.save(buffer, "PNG")
    else:
        picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()
