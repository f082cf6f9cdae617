"""Normalizers for the fields identity resolution compares: names, handle variants, email parts,
birthdays, organisations, addresses and the social-profile handles contact cards carry.

Each returns a clean value or None (never an empty string): `Dark_F0x77` and `darkfox77` share
the core `darkfox` and the digits `77`; `Kåre Ødegård` folds to `kare ødegard` (ø is a letter).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

_LEET = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "0": "o", "1": "i", "!": "i", "5": "s", "$": "s", "7": "t"}
)
_SEPARATORS = re.compile(r"[\s._\-+]+")
_TRAILING_DIGITS = re.compile(r"^(.*?)(\d+)$")
_NOT_LETTER = re.compile(r"[^\w]|[\d_]")
_WORD = re.compile(r"[^\W\d_]+")
_MONTHS = 12
_MIN_CORE = 2


@lru_cache(maxsize=65536)
def fold_text(raw: str) -> str | None:
    """Case and diacritics folded, symbols and emoji dropped, whitespace collapsed."""
    # Casefold between two decompositions: compatibility forms (`ᴬ`) fold only once decomposed.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", raw).casefold())
    kept = "".join(
        ch if (ch.isalnum() or ch.isspace()) else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    folded = " ".join(kept.split())
    return folded or None


@lru_cache(maxsize=65536)
def name_tokens(raw: str) -> tuple[str, ...]:
    """The words of a name, folded, digits and symbols dropped (`Per Karlsen 🚴` -> per, karlsen)."""
    folded = fold_text(raw)
    return tuple(_WORD.findall(folded)) if folded else ()


def name_core(raw: str) -> str | None:
    """A name's letters run together (`Anders Nilsen` -> andersnilsen), comparable with handles."""
    joined = "".join(name_tokens(raw))
    return joined if len(joined) >= _MIN_CORE else None


@dataclass(frozen=True, slots=True)
class HandleParts:
    """A handle's idea (letters, leetspeak undone, separators gone) and the digits it ends with."""

    core: str
    digits: str | None


def split_handle(raw: str) -> HandleParts | None:
    """`Dark_Fox77` -> (darkfox, 77); `d4rk.f0x` -> (darkfox, None); None when no letters remain."""
    folded = fold_text(raw.lstrip("@"))
    if folded is None:
        return None
    compact = _SEPARATORS.sub("", folded)
    digits: str | None = None
    ending = _TRAILING_DIGITS.match(compact)
    if ending and ending.group(1):
        compact, digits = ending.group(1), ending.group(2)
    core = _NOT_LETTER.sub("", compact.translate(_LEET))
    if len(core) < _MIN_CORE:
        return None
    return HandleParts(core, digits)


def email_parts(email: str) -> tuple[str, str] | None:
    """(local part, domain) of a normalized address; None when it has no `@`."""
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not local or not domain:
        return None
    return local, domain


def domain_core(domain: str) -> str | None:
    """An email domain as an organisation name (`harbour-print-ltd.test` -> harbourprintltd)."""
    labels = domain.lower().split(".")
    if len(labels) < 2:
        return None
    return org_core(labels[-2])


def org_core(raw: str) -> str | None:
    """An organisation's letters run together (`Harbour Print Ltd.` -> harbourprintltd)."""
    joined = "".join(name_tokens(raw))
    return joined if len(joined) >= _MIN_CORE else None


_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"),  # 1985-10-31, 19851031, ISO with time
    re.compile(r"^--(?P<m>\d{2})-?(?P<d>\d{2})$"),  # vCard 4 without year
    re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})$"),  # 31.10.1985 (day first)
)


def normalize_birthday(raw: str) -> str | None:
    """ISO `YYYY-MM-DD` (or `--MM-DD` without a year) for a plausible date, else None."""
    text = raw.strip()
    for form in _DATE_FORMS:
        match = form.match(text)
        if not match:
            continue
        parts = match.groupdict()
        month, day = int(parts["m"]), int(parts["d"])
        year = parts.get("y")
        try:
            date(int(year) if year else 2000, month, day)
        except ValueError:
            return None
        if month > _MONTHS:
            return None
        return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
    return None


def normalize_address(raw: str) -> str | None:
    """A postal address folded to comparable words (vCard's `;` separators become spaces)."""
    folded = fold_text(raw.replace(";", " ").replace(",", " "))
    if folded is None or len(folded) < 4:
        return None
    return folded


_SOCIAL_HOSTS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "twitter.com": "twitter",
    "x.com": "twitter",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "discord.com": "discord",
}


def social_handle(value: str, service: str | None) -> tuple[str, str] | None:
    """(platform, handle_norm) of a card's social-profile field (`https://t.me/x`, `x` + Telegram)."""
    text = value.strip()
    platform = service.strip().lower() if service and service.strip() else None
    if "://" in text:
        parts = urlsplit(text)
        host = parts.netloc.lower().removeprefix("www.")
        platform = _SOCIAL_HOSTS.get(host, platform)
        text = parts.path.strip("/").split("/")[-1] if parts.path.strip("/") else ""
    handle = text.lstrip("@").strip().casefold()
    if not platform or not handle or " " in handle:
        return None
    return platform, handle
