"""IP addresses (stdlib `ipaddress`) and URLs, including the defanged forms analysts paste into chats.

IPs: private, loopback, link-local, reserved and documentation addresses are kept (a LAN address
still links two devices of one household) but at confidence 0.4; public addresses score 0.8;
the unspecified `0.0.0.0`/`::` are dropped. A dotted run glued to more dots (`1.2.3.4.5`, versions)
is not an address.
URLs: http, https and ftp, plus `www.` without a scheme. Defanged spellings (`hxxp`, `[.]`, `[:]`)
are refanged before normalizing. Bare domains (`example.com`) are not URLs here: too many false hits.
Host names go through the stdlib IDNA 2003 codec (email domains go through email-validator's IDNA
2008); the two differ only for deviation characters such as `ß`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from urllib.parse import SplitResult, urlsplit

from darkroom.identifiers.found import Found
from darkroom.model import IdentifierKind

PUBLIC_IP_CONFIDENCE = 0.8
LOCAL_IP_CONFIDENCE = 0.4
URL_CONFIDENCE = 0.9
WWW_CONFIDENCE = 0.7

# Found from cheap anchors, then widened: `d.d.d.d` for IPv4, `::` or three colons between hex
# digits for IPv6 (so times like 14:30:00 never start a candidate).
_IPV4_ANCHOR = re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d")
_IPV4 = re.compile(r"(?:\d{1,3}\.){3}\d{1,3}")
_IPV6_ANCHOR = re.compile(r"::|[0-9A-Fa-f]:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]")
_IPV6_CHARS = frozenset("0123456789abcdefABCDEF:")

_DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))"
_URL_ANCHOR = re.compile(r"://|\[:\]//|\[://\]|www|WWW")
_SCHEME_BEFORE = re.compile(r"(?:h(?:tt|xx)ps?|ftp|fxp)\Z", re.IGNORECASE)
_WWW = re.compile(r"www" + _DOT, re.IGNORECASE)
_URL_BODY = re.compile(r"[^\s<>\"'`]+")
_REFANG = (
    (re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)", re.IGNORECASE), "."),
    (re.compile(r"\[://\]"), "://"),
    (re.compile(r"\[:\]"), ":"),
    (re.compile(r"^hxxp", re.IGNORECASE), "http"),
    (re.compile(r"^fxp", re.IGNORECASE), "ftp"),
)
_TRAILING = ".,;:!?'\"*"
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_HOSTNAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
_DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}


# --- IP addresses ---


def normalize_ip(raw: str) -> str | None:
    """Canonical text of an IPv4/IPv6 address (IPv6 compressed, lower-case), else None.

    The unspecified addresses (`0.0.0.0`, `::`) name no host, so they are not identifiers.
    """
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    return None if address.is_unspecified else str(address)


def _ip_confidence(value: str) -> float:
    return PUBLIC_IP_CONFIDENCE if ipaddress.ip_address(value).is_global else LOCAL_IP_CONFIDENCE


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _ipv4_at(text: str, anchor: re.Match[str]) -> tuple[int, int] | None:
    """The span of the IPv4 address around an anchor, unless it is part of a longer dotted number."""
    start = anchor.start()
    while start > 0 and text[start - 1].isdigit() and anchor.start() - start < 2:
        start -= 1
    match = _IPV4.match(text, start)
    if match is None:
        return None
    end = match.end()
    before, after = text[start - 1 : start], text[end : end + 2]
    if (before and (_word_char(before) or before == ".")) or (after and _word_char(after[0])):
        return None
    return None if after[:1] == "." and after[1:].isdigit() else (start, end)


def _ipv6_at(text: str, anchor: re.Match[str]) -> tuple[int, int] | None:
    """The span of hex digits and colons around an anchor (an IPv4 tail allowed), trimmed."""
    start, end = anchor.start(), anchor.end()
    while start > 0 and text[start - 1] in _IPV6_CHARS and anchor.start() - start < 40:
        start -= 1
    while end < len(text) and (text[end] in _IPV6_CHARS or text[end] == ".") and end - start < 45:
        end += 1
    while end > start and text[end - 1] in ".:" and not text[start:end].endswith("::"):
        end -= 1
    before, after = text[start - 1 : start], text[end : end + 1]
    if (before and _word_char(before)) or (after and _word_char(after)):
        return None
    return start, end


def find_ips(text: str) -> Iterator[Found]:
    """IPv4 and IPv6 addresses in `text`; non-global ones at lower confidence."""
    spans: list[tuple[int, int]] = []
    if "." in text:
        spans += filter(None, (_ipv4_at(text, anchor) for anchor in _IPV4_ANCHOR.finditer(text)))
    if ":" in text:
        spans += filter(None, (_ipv6_at(text, anchor) for anchor in _IPV6_ANCHOR.finditer(text)))
    seen_end = -1
    for start, end in sorted(spans):
        raw = text[start:end]
        value = normalize_ip(raw)
        if (
            start < seen_end
            or value is None
            or (":" in raw and sum(1 for part in raw.split(":") if part) < 2)
        ):
            continue  # `a::` and `::1`-style fragments in prose are too weak to report
        seen_end = end
        yield Found(IdentifierKind.IP, value, raw, start, end, _ip_confidence(value))


# --- URLs ---


def _trim(candidate: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets that the greedy match took in."""
    while candidate:
        last = candidate[-1]
        unbalanced = last in _CLOSERS and candidate.count(last) > candidate.count(_CLOSERS[last])
        if last in _TRAILING or unbalanced:
            candidate = candidate[:-1]
        else:
            break
    return candidate


def _refang(raw: str) -> str:
    text = raw.strip()
    for pattern, replacement in _REFANG:
        text = pattern.sub(replacement, text)
    if text[:4].lower() == "www.":
        text = "http://" + text
    return text


def _host(parts: SplitResult) -> str | None:
    """IDNA-ASCII lower-case host name, bracketed IPv6, or IPv4; None when it is no host at all."""
    host = parts.hostname
    if not host:
        return None
    if normalize_ip(host) is not None:
        value = str(ipaddress.ip_address(host))
        return f"[{value}]" if ":" in value else value
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    return ascii_host if _HOSTNAME.fullmatch(ascii_host) else None


def normalize_url(raw: str) -> str | None:
    """scheme://host[:port]/path?query#fragment with scheme and host lower-cased, default port
    dropped, an empty path as `/`, defanging undone; path, query and fragment are kept as written
    (a file-host link's key often lives in the fragment). None when there is no valid host."""
    try:
        parts = urlsplit(_refang(raw))
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = _host(parts)
    if scheme not in _DEFAULT_PORTS or host is None:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    userinfo = parts.netloc.rpartition("@")[0]
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    url = f"{scheme}://{netloc}{parts.path or '/'}"
    if parts.query:
        url += "?" + parts.query
    if parts.fragment:
        url += "#" + parts.fragment
    return url


def _url_start(text: str, anchor: re.Match[str]) -> int | None:
    """Where the URL of an anchor (`://`, `[:]//`, `www`) begins, or None when it is not one."""
    if anchor.group()[0] in "wW":
        start = anchor.start() if _WWW.match(text, anchor.start()) else None
    else:
        scheme = _SCHEME_BEFORE.search(text, max(0, anchor.start() - 5), anchor.start())
        start = None if scheme is None else scheme.start()
    if start is None or (start > 0 and _word_char(text[start - 1])):
        return None
    return start


def find_urls(text: str) -> Iterator[Found]:
    """http(s)/ftp URLs, `www.` links and their defanged forms in `text`."""
    consumed = 0
    for anchor in _URL_ANCHOR.finditer(text):
        start = _url_start(text, anchor) if anchor.start() >= consumed else None
        body = None if start is None else _URL_BODY.match(text, start)
        if start is None or body is None:
            continue
        raw = _trim(body.group())
        value = normalize_url(raw)
        if value is None:
            continue
        consumed = start + len(raw)
        confidence = WWW_CONFIDENCE if raw[:3].lower() == "www" else URL_CONFIDENCE
        yield Found(IdentifierKind.URL, value, raw, start, consumed, confidence)
