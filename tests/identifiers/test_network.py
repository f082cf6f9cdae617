"""IP addresses and URLs: canonical forms, confidence by address scope, defanged links, and the
punctuation around links in chat."""

from __future__ import annotations

import pytest

from darkroom.identifiers import network


@pytest.mark.parametrize(
    ("raw", "value", "confidence"),
    [
        ("8.8.8.8", "8.8.8.8", network.PUBLIC_IP_CONFIDENCE),
        ("192.168.1.10", "192.168.1.10", network.LOCAL_IP_CONFIDENCE),
        ("127.0.0.1", "127.0.0.1", network.LOCAL_IP_CONFIDENCE),
        ("203.0.113.7", "203.0.113.7", network.LOCAL_IP_CONFIDENCE),  # documentation range
        ("2001:DB8:0:0::1", "2001:db8::1", network.LOCAL_IP_CONFIDENCE),
        ("2606:4700:4700::1111", "2606:4700:4700::1111", network.PUBLIC_IP_CONFIDENCE),
        ("fe80::1:2", "fe80::1:2", network.LOCAL_IP_CONFIDENCE),
        ("2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329", network.LOCAL_IP_CONFIDENCE),
        ("::ffff:192.0.2.1", "::ffff:c000:201", network.LOCAL_IP_CONFIDENCE),
    ],
)
def test_ips_are_canonical_and_scored_by_scope(raw: str, value: str, confidence: float) -> None:
    (hit,) = network.find_ips(f"the box at {raw}, then")
    assert (hit.raw, hit.value_norm, hit.confidence) == (raw, value, confidence)
    assert network.normalize_ip(value) == value


@pytest.mark.parametrize(
    "text",
    [
        "at 14:30:00 sharp",
        "version 1.2.3.4.5",
        "v1.2.3.4",
        "256.1.1.1",
        "01.2.3.4",
        "mac 00:1a:2b:3c:4d:5e",
        "listen on 0.0.0.0",
        "see note:: here",
        "ratio 3:2",
        "Chrome 120.0.6099.109",
    ],
)
def test_ip_lookalikes_are_not_reported(text: str) -> None:
    assert list(network.find_ips(text)) == []


@pytest.mark.parametrize(
    ("text", "raw", "value"),
    [
        (
            "go to https://Example.COM:443/a/b?c=D#Key.",
            "https://Example.COM:443/a/b?c=D#Key",
            "https://example.com/a/b?c=D#Key",
        ),
        ("(see http://example.org)", "http://example.org", "http://example.org/"),
        ("wiki http://example.org/A_(b) ok", "http://example.org/A_(b)", "http://example.org/A_(b)"),
        ("hxxps://files.example[.]net/x", "hxxps://files.example[.]net/x", "https://files.example.net/x"),
        ("hxxp[:]//bad(.)example(.)com/p", "hxxp[:]//bad(.)example(.)com/p", "http://bad.example.com/p"),
        ("fxp://ftp.example.org/pub", "fxp://ftp.example.org/pub", "ftp://ftp.example.org/pub"),
        (
            "ftp://user@ftp.example.org:2121/",
            "ftp://user@ftp.example.org:2121/",
            "ftp://user@ftp.example.org:2121/",
        ),
        ("http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
        ("http://bücher.example/é", "http://bücher.example/é", "http://xn--bcher-kva.example/é"),
        ('"www.example.net/page"', "www.example.net/page", "http://www.example.net/page"),
    ],
)
def test_urls_are_trimmed_refanged_and_normalized(text: str, raw: str, value: str) -> None:
    (hit,) = network.find_urls(text)
    assert (hit.raw, hit.value_norm) == (raw, value)
    assert text[hit.start : hit.end] == raw
    assert network.normalize_url(value) == value


def test_www_links_without_scheme_score_lower() -> None:
    (plain,) = network.find_urls("www.example.net")
    (full,) = network.find_urls("https://www.example.net")
    assert plain.confidence < full.confidence


@pytest.mark.parametrize(
    "text",
    [
        "http://",
        "http://localhost/x",
        "mailto:kim@example.com",
        "example.com",
        "javascript:alert(1)",
        "http://a_b.example/",
    ],
)
def test_non_urls_are_not_reported(text: str) -> None:
    assert list(network.find_urls(text)) == []
