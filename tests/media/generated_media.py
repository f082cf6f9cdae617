"""Benign generated media for the media tests: gradients, shapes, noise and short videos of moving shapes."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw


def scene(seed: int, width: int, height: int, noise: float = 4.0) -> Image.Image:
    """A gradient with a few coloured rectangles and ellipses and mild noise: high PDQ quality."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:height, 0:width]
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * cols / width + np.sin(angle) * rows / height
    base = np.stack([ramp * rng.uniform(80, 200) + rng.uniform(0, 50) for _ in range(3)], axis=-1)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    short = min(width, height)
    for _ in range(int(rng.integers(4, 9))):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(max(2, short // 8), max(3, short // 2)))
        colour = tuple(int(value) for value in rng.integers(0, 256, 3))
        box = (x0, y0, x0 + size, y0 + int(size * rng.uniform(0.5, 1.5)))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    noisy = np.asarray(image).astype(np.float64) + rng.normal(0, noise, (height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def photo_like(seed: int, width: int, height: int) -> Image.Image:
    """1/f ("pink") noise with shapes: the spectrum of a natural photograph, without any content."""
    rng = np.random.default_rng(seed)
    freq_rows = np.fft.fftfreq(height)[:, None]
    freq_cols = np.fft.rfftfreq(width)[None, :]
    radius = np.sqrt(freq_cols**2 + freq_rows**2)
    radius[0, 0] = 1.0
    channels = []
    for _ in range(3):
        spectrum = (rng.normal(size=radius.shape) + 1j * rng.normal(size=radius.shape)) / radius**1.1
        plane = np.fft.irfft2(spectrum, s=(height, width))
        channels.append((plane - plane.mean()) / plane.std())
    pixels = np.clip(np.stack(channels, axis=-1) * 40 + 120, 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    for _ in range(10):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(width // 20, width // 4))
        draw.rectangle((x0, y0, x0 + size, y0 + size), fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return image


def flat(width: int, height: int, grey: int = 128) -> Image.Image:
    """A uniform grey image: PDQ quality 0."""
    return Image.new("RGB", (width, height), (grey, grey, grey))


def moving_box_frame(index: int, frames: int, width: int, height: int) -> np.ndarray:
    """Frame `index` of a clip where an orange box slides across a horizontal gradient."""
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[..., 0] = np.linspace(0, 255, width, dtype=np.float64).astype(np.uint8)[None, :]
    pixels[..., 2] = np.linspace(255, 0, height, dtype=np.float64).astype(np.uint8)[:, None]
    box = max(8, width // 6)
    x = int(index * (width - box) / max(1, frames - 1))
    top = height // 3
    pixels[top : top + box, x : x + box] = (250, 160, 30)
    return pixels


def write_video(
    path: Path,
    *,
    seconds: int = 3,
    fps: int = 10,
    width: int = 320,
    height: int = 240,
    codec: str = "mpeg4",
    frames: list[np.ndarray] | None = None,
    bit_rate: int = 2_000_000,
) -> Path:
    """Encode a short video with PyAV: the moving-box clip, or the given RGB frames."""
    count = len(frames) if frames is not None else seconds * fps
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=fps)
        stream.width = width
        stream.height = height
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = bit_rate
        for index in range(count):
            pixels = frames[index] if frames is not None else moving_box_frame(index, count, width, height)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def set_display_rotation(path: Path, clockwise_quarter_turns: int) -> Path:
    """Write a display matrix into an MP4's first track header (`tkhd`), as a phone does when it
    records held upright: the frames stay as encoded, players turn them by that many quarter turns
    clockwise."""
    one, zero = 0x00010000, 0
    minus = (-0x00010000) & 0xFFFFFFFF
    matrices = {
        0: (one, zero, zero, zero, one, zero),
        1: (zero, one, zero, minus, zero, zero),
        2: (minus, zero, zero, zero, minus, zero),
        3: (zero, minus, zero, one, zero, zero),
    }
    a, b, u, c, d, v = matrices[clockwise_quarter_turns % 4]
    data = bytearray(path.read_bytes())
    box = data.find(b"tkhd")
    if box < 0:
        raise ValueError(f"{path} has no track header")
    version = data[box + 4]
    times = 8 + 8 + 4 + 4 + 8 if version == 1 else 4 + 4 + 4 + 4 + 4  # created, modified, id, -, duration
    matrix_at = box + 4 + 4 + times + 8 + 2 + 2 + 2 + 2  # version/flags, times, reserved, layer …
    data[matrix_at : matrix_at + 36] = struct.pack(">9I", a, b, u, c, d, v, 0, 0, 0x40000000)
    path.write_bytes(bytes(data))
    return path
