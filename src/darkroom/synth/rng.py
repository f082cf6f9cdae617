"""Deterministic random streams: every component draws from its own stream derived from the seed.

Deriving per-component streams (instead of sharing one) keeps output stable when one component
changes how many numbers it draws.
"""

from __future__ import annotations

import hashlib
import random


def derive_seed(seed: int, *labels: str) -> int:
    """A 64-bit seed for the component named by `labels`, stable across Python versions."""
    text = ":".join([str(seed), *labels])
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def derive_rng(seed: int, *labels: str) -> random.Random:
    """A fresh `random.Random` for the component named by `labels`."""
    return random.Random(derive_seed(seed, *labels))  # noqa: S311 - synthetic data, not secrets
