"""Run every identifier finder over one text (a message body, a contact field) and resolve overlaps.

Overlap policy, chosen so that no identifier an investigator would pivot on is hidden:
- A URL or an email may *contain* other identifiers, and both are reported: the onion of an onion
  link, the wallet in a block-explorer link, an IP host, an email in a query string, the onion
  domain of an email address. Only these nestings are allowed.
- Phone numbers never nest: digits inside a URL, email, wallet or IP are not phone numbers, so a
  phone that overlaps any other hit is dropped.
- Any other overlap keeps the longer hit, then the more confident one.

Cheap first: every finder gates on a substring or runs one precompiled candidate regex and only
validates what that regex matched.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator

from darkroom.identifiers import bitcoin, emails, ethereum, monero, network, onion, phone
from darkroom.identifiers.found import LONG_TOKEN, Finder, Found, TokenCheck
from darkroom.model import IdentifierKind

__all__ = ["FINDERS", "Finder", "Found", "extract"]

_CONTAINERS = frozenset({IdentifierKind.URL, IdentifierKind.EMAIL})


def _finder(
    kind: IdentifierKind,
    find: Callable[[str], Iterator[Found]],
    normalize: Callable[[str], str | None],
    examples: tuple[str, ...],
    token_check: TokenCheck | None = None,
) -> Finder:
    """A `Finder` for a kind whose finding and normalizing do not depend on the case's region."""
    return Finder(
        kind.value,
        kind,
        lambda text, _region: find(text),
        lambda raw, _region: normalize(raw),
        examples,
        token_check,
    )


FINDERS: tuple[Finder, ...] = (
    _finder(
        IdentifierKind.URL,
        network.find_urls,
        network.normalize_url,
        ("https://example.com/a?b=1#key", "hxxp://files.example[.]org/x", "www.example.net"),
    ),
    _finder(
        IdentifierKind.EMAIL,
        emails.find,
        emails.normalize,
        ("Kim.Lee@Example.COM", "kim [at] example [dot] org", "anna@bücher.test"),
    ),
    _finder(IdentifierKind.ONION, onion.find, onion.normalize, (onion.EXAMPLE_V3, "expyuzz4wqqyqhjn.onion")),
    _finder(
        IdentifierKind.BITCOIN,
        bitcoin.find,
        bitcoin.normalize,
        (
            "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",  # the genesis block's address
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",  # BIP-173 vector
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",  # BIP-350 vector
        ),
        bitcoin.check_token,
    ),
    _finder(
        IdentifierKind.ETHEREUM,
        ethereum.find,
        ethereum.normalize,
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xde709f2102306220921060314715629080e2fb77"),
        ethereum.check_token,
    ),
    _finder(
        IdentifierKind.MONERO, monero.find, monero.normalize, (monero.EXAMPLE_STANDARD,), monero.check_token
    ),
    _finder(
        IdentifierKind.IP, network.find_ips, network.normalize_ip, ("203.0.113.7", "2001:db8::1", "8.8.8.8")
    ),
    Finder(
        "phone",
        IdentifierKind.PHONE,
        phone.find,
        phone.normalize,
        ("+44 7700 900123", "+1 212-555-0123", "0044 20 7946 0123", "447700900123@s.whatsapp.net"),
    ),
)
# Served by extract's own passes: wallets from one long-token scan, phones last (they never nest).
# Every finder but the wallets' needs one of these: a digit (phones, IPv4), `@` or a bracket or `dot`
# (emails), `:` (URLs, IPv6), `www`, `onion`. Most chat lines have none and skip straight to wallets.
_MAY_HOLD_MORE = re.compile(r"[0-9@:\[({<]|www|dot|onion", re.IGNORECASE)
_TRIGGER_CHARS = re.compile(r"[0-9@:\[({<]")  # the same test in two cheaper steps for ASCII text
_TEXT_FINDERS = tuple(f for f in FINDERS if f.kind != IdentifierKind.PHONE and f.token_check is None)
_TOKEN_CHECKS = tuple((f.kind, f.token_check) for f in FINDERS if f.token_check is not None)


class _Spans:
    """Non-overlapping (start, end) spans kept sorted, so overlap checks cost a bisect."""

    __slots__ = ("_ends", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlapping(self, start: int, end: int) -> tuple[int, int] | None:
        """A kept span that overlaps [start, end), preferring one that contains it."""
        index = bisect.bisect_left(self._starts, end) - 1
        if index >= 0 and self._ends[index] > start:
            return self._starts[index], self._ends[index]
        return None

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)


def _resolve(hits: list[Found]) -> tuple[list[Found], _Spans]:
    """Hits kept under the overlap policy, and the spans of the top-level ones."""
    top, nested = _Spans(), _Spans()
    containers: dict[tuple[int, int], IdentifierKind] = {}
    kept: list[Found] = []
    for hit in sorted(hits, key=lambda f: (f.start - f.end, -f.confidence, f.start)):
        outer = top.overlapping(hit.start, hit.end)
        if outer is None:
            top.add(hit.start, hit.end)
            if hit.kind in _CONTAINERS:
                containers[(hit.start, hit.end)] = hit.kind
            kept.append(hit)
            continue
        container = containers.get(outer)
        inside = outer[0] <= hit.start and hit.end <= outer[1]
        nestable = container is not None and container != hit.kind and inside
        if nestable and nested.overlapping(hit.start, hit.end) is None:
            nested.add(hit.start, hit.end)
            kept.append(hit)
    return kept, top


def extract(text: str, region: str, *, phone_field: bool = False) -> list[Found]:
    """Every identifier in `text`, in text order, under the module's overlap policy.

    `region` (ISO 3166 alpha-2) reads national phone numbers; `phone_field=True` marks a text
    known to hold phone numbers (a contact's TEL field), where bare digit runs count as numbers.
    """
    if not _may_hold_more(text):
        return _wallets(text)  # wallet tokens never overlap one another
    hits = [found for finder in _TEXT_FINDERS for found in finder.find(text, region)]
    hits += _wallets(text)
    kept, top = _resolve(hits)
    for found in phone.find(text, region, phone_field=phone_field):
        if top.overlapping(found.start, found.end) is None:
            kept.append(found)
    kept.sort(key=lambda f: (f.start, -f.end))
    return kept


def _may_hold_more(text: str) -> bool:
    """`_MAY_HOLD_MORE.search(text)`, three times cheaper on ASCII text (case-insensitive matching
    of the words costs more than lower-casing once; beyond ASCII, case folding differs: ask the regex)."""
    if _TRIGGER_CHARS.search(text) is not None:
        return True
    if text.isascii():
        lowered = text.lower()
        return "www" in lowered or "dot" in lowered or "onion" in lowered
    return _MAY_HOLD_MORE.search(text) is not None


def _wallets(text: str) -> list[Found]:
    """Every wallet address of `text` from one pass over its long alphanumeric tokens."""
    found: list[Found] = []
    if LONG_TOKEN.search(text) is None:
        return found  # most texts: one scan that finds nothing, not an iterator set up for nothing
    for match in LONG_TOKEN.finditer(text):
        for kind, check in _TOKEN_CHECKS:
            checked = check(match.group())
            if checked is not None:
                found.append(Found(kind, checked[0], match.group(), match.start(), match.end(), checked[1]))
                break
    return found
