"""Handle variants of one person across platforms: `dark_fox`, `DarkFox77`, `d4rkf0x` …

People reuse one idea for a handle with small changes (case, separators, digits, leetspeak);
an identity resolver should link the variants, and must not link a different person whose
handle merely looks alike.
"""

from __future__ import annotations

import random
from typing import Literal

HandleStyle = Literal["snake", "camel", "camel_digits", "leet", "dot", "plain_digits", "dash", "snake_digits"]
HANDLE_STYLES: tuple[HandleStyle, ...] = (
    "snake",
    "camel",
    "camel_digits",
    "leet",
    "dot",
    "plain_digits",
    "dash",
    "snake_digits",
)
_LEET = str.maketrans({"a": "4", "e": "3", "o": "0", "i": "1", "s": "5"})


def handle_variant(words: tuple[str, ...], digits: str, style: HandleStyle) -> str:
    """One spelling of the handle made of `words` and `digits` in the given style."""
    lower = [word.lower() for word in words]
    spellings: dict[HandleStyle, str] = {
        "snake": "_".join(lower),
        "snake_digits": "_".join(lower) + (f"_{digits}" if digits else ""),
        "camel": "".join(word.capitalize() for word in lower),
        "camel_digits": "".join(word.capitalize() for word in lower) + digits,
        "leet": "".join(lower).translate(_LEET),
        "dot": ".".join(lower),
        "dash": "-".join(lower),
        "plain_digits": "".join(lower) + digits,
    }
    return spellings[style]


def pick_style(rng: random.Random, exclude: tuple[HandleStyle, ...] = ()) -> HandleStyle:
    """A random style, avoiding the ones already used by this person where possible."""
    choices = [style for style in HANDLE_STYLES if style not in exclude] or list(HANDLE_STYLES)
    return rng.choice(choices)


def email_local_part(words: tuple[str, ...], digits: str, rng: random.Random) -> str:
    """An email local part built like a handle (`dark.fox77`, `darkfox`, `dark_fox`)."""
    style: HandleStyle = rng.choice(("dot", "plain_digits", "snake", "snake_digits"))
    return handle_variant(words, digits, style).lower()
