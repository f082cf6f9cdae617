"""The record every identifier finder yields, the registry shape `extract` runs over, and the
shared pass over long alphanumeric tokens that the wallet finders validate.

Kept apart from `extract.py` so that the per-kind modules can build `Found`s without importing
the module that imports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from darkroom.model import IdentifierKind


@dataclass(frozen=True, slots=True)
class Found:
    """One identifier in a text: its normalized value, the exact raw slice and where it sits.

    `raw == text[start:end]` always holds, so a court can be shown the characters as written.
    `confidence` is in (0, 1]: checksum-verified values score high, forms without a checksum
    (v2 onions, all-lower-case Ethereum) or guessed forms (obfuscated emails) score low.
    """

    kind: IdentifierKind
    value_norm: str
    raw: str
    start: int
    end: int
    confidence: float


FindFn = Callable[[str, str], Iterator[Found]]
NormalizeFn = Callable[[str, str], "str | None"]
TokenCheck = Callable[[str], "tuple[str, float] | None"]

# Wallet addresses are unbroken alphanumeric runs of 25+ characters, rare in prose: one pass finds
# them all (a charset-led pattern without look-behind keeps sre's fast scan, ~100 MB/s).
LONG_TOKEN = re.compile(r"[0-9A-Za-z]{25,}")


def find_tokens(text: str, kind: IdentifierKind, check: TokenCheck) -> Iterator[Found]:
    """`Found`s for the long tokens of `text` that `check` accepts as (value, confidence)."""
    for match in LONG_TOKEN.finditer(text):
        checked = check(match.group())
        if checked is not None:
            yield Found(kind, checked[0], match.group(), match.start(), match.end(), checked[1])


@dataclass(frozen=True, slots=True)
class Finder:
    """One identifier kind as `extract` and the contract tests see it.

    `find(text, region)` yields candidates (overlaps allowed, `extract` resolves them);
    `normalize(raw, region)` turns any `Found.raw` of this finder back into its `value_norm`;
    `examples` are raw strings the finder must find on their own (used by the contract test);
    `token_check`, when set, lets `extract` serve this kind from its one shared long-token pass.
    """

    name: str
    kind: IdentifierKind
    find: FindFn
    normalize: NormalizeFn
    examples: tuple[str, ...]
    token_check: TokenCheck | None = None
