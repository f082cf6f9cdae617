"""`extract`: every kind over one text, the overlap policy (URLs and emails may contain other
identifiers; phones never overlap anything), text order, and exact spans."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from darkroom.identifiers import onion
from darkroom.identifiers.extract import _MAY_HOLD_MORE, Found, _may_hold_more, extract
from darkroom.model import IdentifierKind as K

GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
ETH = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"


def _kinds(hits: list[Found]) -> list[tuple[K, str]]:
    return [(h.kind, h.raw) for h in hits]


def test_found_is_a_frozen_slotted_record() -> None:
    hit = extract("kim@example.com", "GB")[0]
    assert not hasattr(hit, "__dict__")
    try:
        hit.start = 3  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("Found must be frozen")


def test_a_chat_message_with_one_of_everything() -> None:
    text = (
        f"call +44 7700 900123 or mail kim@example.com; pay {GENESIS} or {ETH}; "
        f"forum at http://{onion.EXAMPLE_V3}/board (server 203.0.113.7)"
    )
    hits = extract(text, "GB")
    assert _kinds(hits) == [
        (K.PHONE, "+44 7700 900123"),
        (K.EMAIL, "kim@example.com"),
        (K.BITCOIN, GENESIS),
        (K.ETHEREUM, ETH),
        (K.URL, f"http://{onion.EXAMPLE_V3}/board"),
        (K.ONION, onion.EXAMPLE_V3),
        (K.IP, "203.0.113.7"),
    ]
    assert all(text[h.start : h.end] == h.raw for h in hits)


def test_a_url_yields_the_identifiers_inside_it_too() -> None:
    url = f"https://explorer.example.org/address/{GENESIS}?owner=kim@example.com&ip=203.0.113.7"
    hits = extract(f"look: {url}", "GB")
    assert _kinds(hits) == [
        (K.URL, url),
        (K.BITCOIN, GENESIS),
        (K.EMAIL, "kim@example.com"),
        (K.IP, "203.0.113.7"),
    ]


def test_an_email_at_an_onion_yields_the_onion_too() -> None:
    address = f"admin@{onion.EXAMPLE_V3}"
    assert _kinds(extract(address, "GB")) == [(K.EMAIL, address), (K.ONION, onion.EXAMPLE_V3)]


def test_digits_inside_urls_emails_wallets_and_ips_are_never_phones() -> None:
    texts = [
        "https://example.com/u/07700900123/photos?tel=+447700900123",
        "http://203.0.113.7:8080/",
        "07700900123@example.com",
        "+447700900123@example.org",
        "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "10.200.300.400",
    ]
    for text in texts:
        assert [h for h in extract(f"call {text}", "GB") if h.kind == K.PHONE] == [], text


def test_whatsapp_jid_is_a_phone_not_an_email() -> None:
    assert _kinds(extract("from 447700900123@s.whatsapp.net", "GB")) == [
        (K.PHONE, "447700900123@s.whatsapp.net")
    ]


def test_phone_field_mode_reads_bare_numbers() -> None:
    assert extract("07700900123", "GB") == []
    (hit,) = extract("07700900123", "GB", phone_field=True)
    assert (hit.kind, hit.value_norm) == (K.PHONE, "+447700900123")


def test_empty_and_plain_texts_yield_nothing() -> None:
    assert extract("", "GB") == []
    assert extract("see you at the match on Saturday, 3-1 to us!", "GB") == []


PIECES = st.sampled_from(
    [
        "+44 7700 900123",
        "kim@example.com",
        GENESIS,
        ETH,
        "https://example.org/x?y=1",
        onion.EXAMPLE_V3,
        "203.0.113.7",
        "2001:db8::1",
        "hello",
        "at 14:30",
        "order 4829301746",
        "",
    ]
)


@given(st.lists(PIECES, max_size=8), st.sampled_from([" ", ", ", "\n", " and "]))
def test_hits_are_ordered_exact_and_overlap_only_by_nesting(pieces: list[str], sep: str) -> None:
    text = sep.join(pieces)
    hits = extract(text, "GB")
    assert all(text[h.start : h.end] == h.raw and h.value_norm for h in hits)
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    for a in hits:
        for b in hits:
            if a is b or a.end <= b.start or b.end <= a.start:
                continue
            outer, inner = (a, b) if a.end - a.start >= b.end - b.start else (b, a)
            assert outer.kind in (K.URL, K.EMAIL) and inner.kind != K.PHONE
            assert outer.start <= inner.start and inner.end <= outer.end


_GATE_WORDS = st.sampled_from(["www", "WwW", "dot", "DOT", "onion", "OnIoN", "on", "do", "ww", "x", " "])


@given(st.lists(st.one_of(_GATE_WORDS, st.text(max_size=6)), max_size=8).map("".join))
def test_the_cheap_gate_agrees_with_the_regex(text: str) -> None:
    # The gate that lets most chat lines skip the finders must say exactly what the regex says,
    # also beyond ASCII (the dotless ı, the Kelvin sign fold differently from str.lower).
    assert _may_hold_more(text) == (_MAY_HOLD_MORE.search(text) is not None)


def test_the_cheap_gate_on_folding_letters() -> None:
    for text in ("onıon", "wWw", "\u212aey dot", "plain words", "ÆØÅ dot", "ÆØÅ only"):
        assert _may_hold_more(text) == (_MAY_HOLD_MORE.search(text) is not None), text
