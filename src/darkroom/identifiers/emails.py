"""Email addresses: found permissively, then syntax-checked with email-validator (no DNS).

Normalized form: the local part **as written** (NFC only: RFC 5321 lets a server treat `John` and
`john` as different mailboxes, and an investigator may need to show the exact spelling) and the
domain in lower-case IDNA ASCII (`bücher.example` → `xn--bcher-kva.example`), so one domain has one
spelling. Note that `normalize.normalize_email`, used for account keys, lower-cases the whole address;
compare case-insensitively across the two. Addresses at `.test` (RFC 6761) pass, as synthetic
cases use them; addresses at onion services pass when the onion itself checks. WhatsApp JIDs
(`4741234567@s.whatsapp.net`) are phone numbers, left to `phone.py`. Obfuscated forms
(`name [at] example [dot] com`) are low-confidence hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from email_validator import EmailNotValidError, validate_email

from darkroom.identifiers import onion
from darkroom.identifiers.found import Found
from darkroom.model import IdentifierKind

PLAIN_CONFIDENCE = 0.9
BRACKETED_CONFIDENCE = 0.5  # name[at]example[dot]com, name(at)example.com
WORDED_CONFIDENCE = 0.3  # name at example dot com

_JID_DOMAINS = frozenset({"s.whatsapp.net", "c.us", "g.us", "lid"})
_EMAIL = re.compile(r"[\w%+-][\w.%+-]{0,63}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
# Finding starts at each `@` (a fast literal scan): the local part is read backwards, the domain forwards.
_LOCAL_END = re.compile(r"[\w%+-][\w.%+-]{0,63}\Z")
_LOCAL_CHARS = frozenset("%+-.")
_DOMAIN = re.compile(r"[\w-]{1,63}(?:\.[\w-]{1,63})+")

_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
_AT = rf"(\s*{_OPEN}\s*(?:at|@)\s*{_CLOSE}\s*|\s+at\s+|\s*@\s*)"
_DOT = rf"(?:\s*{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}\s*|\s+dot\s+|\.)"
_OBFUSCATED = re.compile(
    rf"(?<![\w%+-])([\w%+-][\w.%+-]{{0,63}}){_AT}([\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}})+)", re.IGNORECASE
)
_DOT_SEP = re.compile(_DOT, re.IGNORECASE)
# Anchors for obfuscated forms: a bracketed or bare `@`/`at` (charset-led patterns scan fast). The word
# `at` is everywhere in prose, so it is looked at only when the text also has an obfuscated dot.
_AT_SIGN = re.compile(rf"{_OPEN}\s*(?:at|@)\s*{_CLOSE}|@", re.IGNORECASE)
_AT_OR_BRACKET = re.compile(r"[@\[\(\{<]")
_AT_WORD = re.compile(r"\sat\s", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(rf"\sdot\s|{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}", re.IGNORECASE)
_OBFUSCATED_DOMAIN = re.compile(rf"[\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}})+", re.IGNORECASE)
# Unbracketed forms ("x at y dot z", "x @ y.z") read like prose, so they need a TLD people write.
_COMMON_TLDS = frozenset({
    "com", "net", "org", "info", "biz", "io", "me", "co", "uk", "de", "no", "se", "dk", "fi", "fr", "nl",
    "eu", "ru", "ch", "at", "be", "es", "it", "pl", "us", "ca", "au", "nz", "in", "onion", "test", "xyz",
    "app", "dev", "cc", "tv", "su",
})  # fmt: skip


def _check(local: str, domain: str) -> str | None:
    """`local@domain` normalized per the module rules, or None when either part is invalid."""
    domain_lower = domain.lower()
    if domain_lower in _JID_DOMAINS:
        return None
    if domain_lower.endswith(".onion"):
        if onion.normalize(domain_lower) is None:
            return None
        checked_local = _validate(f"{local}@example.com")  # the validator refuses .onion domains
        return None if checked_local is None else f"{checked_local[0]}@{domain_lower}"
    checked = _validate(f"{local}@{domain}")
    return None if checked is None else f"{checked[0]}@{checked[1]}"


def _validate(address: str) -> tuple[str, str] | None:
    """(local part, ASCII domain) from email-validator's syntax check, without DNS."""
    try:
        checked = validate_email(address, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return None
    return checked.local_part, checked.ascii_domain


def _deobfuscate(local: str, at_sep: str, domain: str) -> tuple[str, float] | None:
    """The address an obfuscated form stands for, with its confidence; None for a plain address."""
    at_word = at_sep.strip().lower()
    obfuscated_dot = any(dot != "." for dot in _DOT_SEP.findall(domain))
    labels = _DOT_SEP.split(domain)
    if at_word not in ("at", "@"):  # bracketed: [at], (@), {at} …
        confidence = BRACKETED_CONFIDENCE
    elif labels[-1].lower() not in _COMMON_TLDS:
        return None
    elif at_word == "at" and obfuscated_dot:  # worded at needs an obfuscated dot: "look at example.com"
        confidence = WORDED_CONFIDENCE
    elif at_word == "@" and (obfuscated_dot or at_sep != "@"):
        confidence = BRACKETED_CONFIDENCE
    else:
        return None
    value = _check(local, ".".join(labels))
    return None if value is None else (value, confidence)


def _local_before(text: str, at: int) -> int | None:
    """Start of the local part that ends at `at`, or None when there is none (or it is too long)."""
    match = _LOCAL_END.search(text, max(0, at - 64), at)
    if match is None:
        return None
    start = match.start()
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in _LOCAL_CHARS or text[start - 1] == "_"):
        return None
    return start


def normalize(raw: str) -> str | None:
    """The normalized address for a plain (`<mailto:…>` allowed) or obfuscated raw string, else None."""
    text = raw.strip().strip("<>").strip().removeprefix("mailto:").strip()
    if _EMAIL.fullmatch(text):
        local, _, domain = text.rpartition("@")
        return _check(local, domain)
    match = _OBFUSCATED.fullmatch(text)
    if match is None:
        return None
    found = _deobfuscate(match.group(1), match.group(2), match.group(3))
    return None if found is None else found[0]


def _find_plain(text: str) -> Iterator[Found]:
    """Addresses around each `@`: the local part read backwards, the domain forwards."""
    at = text.find("@")
    while at != -1:
        start = _local_before(text, at)
        domain = _DOMAIN.match(text, at + 1)
        if start is not None and domain is not None:
            value = _check(text[start:at], domain.group())
            if value is not None:
                raw = text[start : domain.end()]
                yield Found(IdentifierKind.EMAIL, value, raw, start, domain.end(), PLAIN_CONFIDENCE)
        at = text.find("@", at + 1)


def _find_obfuscated(text: str) -> Iterator[Found]:
    """Obfuscated addresses around each at-anchor; plain ones met on the way are left to `_find_plain`."""
    anchors = list(_AT_SIGN.finditer(text)) if _AT_OR_BRACKET.search(text) else []
    lowered = text.lower()
    # A worded `at` counts only beside an obfuscated dot (` dot `, `[.]`, `(dot)` …).
    if "at" in lowered and ("dot" in lowered or "." in text) and _OBFUSCATED_DOT.search(text):
        anchors = sorted([*anchors, *_AT_WORD.finditer(text)], key=lambda anchor: anchor.start())
    for anchor in anchors:
        left, right = anchor.start(), anchor.end()
        while left > 0 and text[left - 1] in " \t":
            left -= 1
        while right < len(text) and text[right] in " \t":
            right += 1
        start = _local_before(text, left)
        domain = _OBFUSCATED_DOMAIN.match(text, right)
        if start is None or domain is None:
            continue
        found = _deobfuscate(text[start:left], text[left:right], domain.group())
        if found is not None:
            raw = text[start : domain.end()]
            yield Found(IdentifierKind.EMAIL, found[0], raw, start, domain.end(), found[1])


def find(text: str) -> Iterator[Found]:
    """Plain addresses in `text`, then obfuscated ones (only when the text hints at obfuscation)."""
    if "@" in text:
        yield from _find_plain(text)
    yield from _find_obfuscated(text)
