"""Email addresses: validation without DNS, the normalized form (local part kept, domain lower-case
IDNA), reserved test domains, onion domains, JIDs, and obfuscated forms at low confidence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.identifiers import emails, onion

DOMAINS = ["example.com", "example.org", "example.net", "mail.test", "post.test"]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Kim.Lee@Example.COM", "Kim.Lee@example.com"),
        ("<mailto:kim@example.org>", "kim@example.org"),
        ("anna+tag@bücher.test", "anna+tag@xn--bcher-kva.test"),
        ("anna@XN--BCHER-KVA.test", "anna@xn--bcher-kva.test"),
        ("søren@example.net", "søren@example.net"),
    ],
)
def test_normalized_form_keeps_local_part_and_lowers_domain(raw: str, value: str) -> None:
    assert emails.normalize(raw) == value
    assert emails.normalize(value) == value


@pytest.mark.parametrize(
    "raw",
    [
        "kim@",
        "@example.com",
        "kim..lee@example.com",
        ".kim@example.com",
        "kim@example",
        "kim@-example.com",
        "kim@exa_mple.com",
    ],
)
def test_invalid_addresses_are_none(raw: str) -> None:
    assert emails.normalize(raw) is None


def test_addresses_at_a_checked_onion_are_kept_and_bad_onions_dropped() -> None:
    good = f"Admin@{onion.EXAMPLE_V3}"
    assert emails.normalize(good) == good
    bad = "admin@" + "a" * 56 + ".onion"
    assert emails.normalize(bad) is None


def test_whatsapp_jids_are_not_emails() -> None:
    assert list(emails.find("447700900123@s.whatsapp.net")) == []


def test_found_in_prose_with_exact_spans() -> None:
    text = "mail me (kim.lee@example.com), or KIM@EXAMPLE.ORG."
    hits = list(emails.find(text))
    assert [(h.raw, h.value_norm) for h in hits] == [
        ("kim.lee@example.com", "kim.lee@example.com"),
        ("KIM@EXAMPLE.ORG", "KIM@example.org"),
    ]
    assert all(text[h.start : h.end] == h.raw for h in hits)


@pytest.mark.parametrize(
    ("text", "value", "confidence"),
    [
        ("kim [at] example [dot] org", "kim@example.org", emails.BRACKETED_CONFIDENCE),
        ("kim(at)example(dot)co(dot)uk", "kim@example.co.uk", emails.BRACKETED_CONFIDENCE),
        ("kim{@}example.com", "kim@example.com", emails.BRACKETED_CONFIDENCE),
        ("kim@example[.]com", "kim@example.com", emails.BRACKETED_CONFIDENCE),
        ("kim @ example.com", "kim@example.com", emails.BRACKETED_CONFIDENCE),
        ("write to kim at example dot com today", "kim@example.com", emails.WORDED_CONFIDENCE),
        ("Kim AT Example DOT Com", "Kim@example.com", emails.WORDED_CONFIDENCE),
    ],
)
def test_obfuscated_forms_are_low_confidence_hits(text: str, value: str, confidence: float) -> None:
    (hit,) = emails.find(text)
    assert (hit.value_norm, hit.confidence) == (value, confidence)
    assert emails.normalize(hit.raw) == value


@pytest.mark.parametrize(
    "text",
    [
        "look at example.com",  # worded `at` with a plain dot is prose
        "meet at the station dot",
        "we met at home dot later",  # `later` is no TLD anyone writes
        "thanks @ john.smith",  # spaced @ needs a common TLD
        "follow @kim on the app",
    ],
)
def test_prose_is_not_an_obfuscated_address(text: str) -> None:
    assert list(emails.find(text)) == []


_LOCAL = st.from_regex(r"[a-z][a-z0-9]{0,8}(?:[._+-][a-z0-9]{1,8}){0,2}", fullmatch=True)


@given(_LOCAL, st.sampled_from(DOMAINS), st.data())
def test_domain_case_never_changes_the_value(local: str, domain: str, data: st.DataObject) -> None:
    cased = "".join(data.draw(st.sampled_from([c.lower(), c.upper()])) for c in domain)
    assert emails.normalize(f"{local}@{cased}") == f"{local}@{domain}"


@given(_LOCAL, st.sampled_from(DOMAINS))
def test_local_part_case_is_kept_and_normalizing_is_idempotent(local: str, domain: str) -> None:
    value = emails.normalize(f"{local.upper()}@{domain}")
    assert value == f"{local.upper()}@{domain}"
    assert emails.normalize(value) == value


@given(_LOCAL, st.sampled_from(DOMAINS), st.sampled_from(["", " ", "(", "<", '"', "mailto:"]))
def test_addresses_in_prose_are_found_whole(local: str, domain: str, opener: str) -> None:
    address = f"{local}@{domain}"
    hits = list(emails.find(f"write {opener}{address}. thanks"))
    assert [(h.raw, h.value_norm) for h in hits] == [(address, address)]
