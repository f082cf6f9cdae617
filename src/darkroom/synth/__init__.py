"""Synthetic seized evidence for a network case, with the ground truth to score darkroom against.

`generate(out_dir, scale, seed)` writes exhibits (phone and laptop folders, app-export
archives), a known hash set and `truth.json`. All content is benign and every identifier is
fictional (see `fictional`).
"""

from __future__ import annotations

from darkroom.synth.fictional import is_fictional_email, is_fictional_gps, is_fictional_phone
from darkroom.synth.generate import Progress, SynthSummary, generate
from darkroom.synth.scales import SCALE_NAMES, SCALES, ScaleName, ScaleProfile

__all__ = [
    "SCALES",
    "SCALE_NAMES",
    "Progress",
    "ScaleName",
    "ScaleProfile",
    "SynthSummary",
    "generate",
    "is_fictional_email",
    "is_fictional_gps",
    "is_fictional_phone",
]
