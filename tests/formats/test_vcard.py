"""vCard: generated cards in the real on-disk layouts (2.1, 3.0, 4.0), malformed variants, the
conformance files, and round trips through 3.0 folding and 2.1 quoted-printable."""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from darkroom.errors import WrongFormat
from darkroom.formats.base import AccountRef, ParseContext, ParsedContact
from darkroom.formats.vcard import VCard, platform_for_service

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "vcard"
PHOTO_30_BYTES = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"  # base64 of bytes(range(30))


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _parse(
    tmp_path: Path, payload: bytes, name: str = "contacts.vcf"
) -> tuple[list[ParsedContact], ParseContext]:
    path = tmp_path / name
    path.write_bytes(payload)
    ctx = _ctx(tmp_path)
    contacts = list(VCard().parse(path, ctx))
    assert all(isinstance(contact, ParsedContact) for contact in contacts)
    return contacts, ctx


def _lines(*lines: str, end: str = "\r\n", encoding: str = "utf-8") -> bytes:
    return "".join(line + end for line in lines).encode(encoding)


# --- sniff ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\n", 0.95),
        (b"\xef\xbb\xbf\r\n\r\n  begin:vcard\nVERSION:2.1\n", 0.95),
        ("BEGIN:VCARD\r\nVERSION:3.0\r\n".encode("utf-16"), 0.95),
        (b"exported by a phone\r\nBEGIN:VCARD\r\nVERSION:3.0\r\n", 0.6),
        (b'{"contacts": []}', 0.0),
        (b"Name,Given Name,Family Name\r\n", 0.0),
        (b"", 0.0),
        (b"\x89PNG\r\n\x1a\n\x00\x00", 0.0),
    ],
)
def test_sniff(head: bytes, expected: float) -> None:
    assert VCard().sniff(Path("x.vcf"), head) == expected


def test_sniff_ignores_file_name_without_content() -> None:
    assert VCard().sniff(Path("contacts.vcf"), b"hello, this is a note about coffee\n") == 0.0


# --- 3.0 as iOS writes it ------------------------------------------------------------------------


def test_ios_card_with_groups_labels_escapes_folding_and_photo(tmp_path: Path) -> None:
    photo = f"PHOTO;ENCODING=b;TYPE=JPEG:{PHOTO_30_BYTES[:20]}"
    payload = _lines(
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.0//EN",
        "N:Bjørnstad;Åse;;;",
        "FN:Åse Bjørnstad",
        "ORG:Kaffe & Co\\, AS;Salg;",
        "NOTE:Football on Sunday\\nBring coffee\\; cups: two",
        "TEL;type=CELL;type=VOICE;type=pref:+44 7700 900123",
        "TEL;type=HOME;type=VOICE:+44 7700 9",
        " 00124",
        "item1.EMAIL;type=INTERNET:ase@example.com",
        "item1.X-ABLabel:_$!<Other>!$_",
        "item2.URL;type=pref:http\\://example.org/ase",
        "item2.X-ABLabel:_$!<HomePage>!$_",
        "IMPP;X-SERVICE-TYPE=Jabber;type=HOME;type=pref:xmpp:ase@example.net",
        "X-SOCIALPROFILE;type=telegram:https://t.me/ase_b",
        photo,
        f" {PHOTO_30_BYTES[20:]}",
        "END:VCARD",
        end="\r\r\n",  # the iPhone sample ends lines with CR CR LF
    )
    contacts, ctx = _parse(tmp_path, payload)
    assert ctx.warnings == []
    [contact] = contacts
    assert contact.locator == "card 1 (line 1)"
    assert contact.display_name == "Åse Bjørnstad"
    assert contact.fields == {
        "VERSION": ["3.0"],
        "PRODID": ["-//Apple Inc.//iPhone OS 17.0//EN"],
        "N": ["Bjørnstad;Åse;;;"],
        "FN": ["Åse Bjørnstad"],
        "ORG": ["Kaffe & Co, AS;Salg;"],
        "NOTE": ["Football on Sunday\nBring coffee; cups: two"],
        "TEL": ["+44 7700 900123", "+44 7700 900124"],
        "TEL.TYPE": ["CELL,VOICE,PREF", "HOME,VOICE"],
        "EMAIL": ["ase@example.com"],
        "EMAIL.TYPE": ["INTERNET"],
        "EMAIL.LABEL": ["Other"],
        "X-ABLABEL": ["_$!<Other>!$_", "_$!<HomePage>!$_"],
        "URL": ["http://example.org/ase"],
        "URL.TYPE": ["PREF"],
        "URL.LABEL": ["HomePage"],
        "IMPP": ["xmpp:ase@example.net"],
        "IMPP.TYPE": ["HOME,PREF"],
        "X-SOCIALPROFILE": ["https://t.me/ase_b"],
        "X-SOCIALPROFILE.TYPE": ["TELEGRAM"],
        "PHOTO": ["<base64 image, 30 bytes>"],
        "PHOTO.TYPE": ["JPEG"],
    }
    name = "Åse Bjørnstad"
    assert contact.accounts == (
        AccountRef("phone", "+44 7700 900123", name),
        AccountRef("phone", "+44 7700 900124", name),
        AccountRef("email", "ase@example.com", name),
        AccountRef("xmpp", "ase@example.net", name),
        AccountRef("telegram", "ase_b", name),
    )


# --- 2.1 as older Android and feature phones write it --------------------------------------------


def test_vcard21_quoted_printable_charsets_bare_params_and_unindented_base64(tmp_path: Path) -> None:
    payload = b"".join(
        [
            b"BEGIN:VCARD\r\nVERSION:2.1\r\n",
            b"N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Bj=F8rnstad;=C5se;;;\r\n",
            # soft break: the continuation line has no leading space
            b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=85se=20Bj=\r\n=C3=B8rnstad\r\n",
            b"NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0ALine two\r\n",
            b"NOTE:C:\\new\\folder\r\n",
            b"ORG;CHARSET=windows-1252:Caf\xe9 Ltd\r\n",
            b"TEL;WORK;VOICE:+44 7700 900125\r\n",
            b"TEL;CELL:+44 7700 900126\r\n",
            b"EMAIL;INTERNET:ase@example.com\r\n",
            b"X-JABBER:ase@example.net\r\n",
            b"X-TELEGRAM:ase_b\r\n",
            b"X-SKYPE-USERNAME:ase.bjornstad\r\n",
            b"PHOTO;ENCODING=BASE64;TYPE=JPEG:" + PHOTO_30_BYTES[:16].encode() + b"\r\n",
            PHOTO_30_BYTES[16:].encode() + b"\r\n\r\n",  # 2.1 base64 continued unindented, blank line
            b"END:VCARD\r\n",
        ]
    )
    contacts, ctx = _parse(tmp_path, payload)
    assert ctx.warnings == []
    [contact] = contacts
    assert contact.display_name == "Åse Bjørnstad"
    assert contact.fields == {
        "VERSION": ["2.1"],
        "N": ["Bjørnstad;Åse;;;"],
        "FN": ["Åse Bjørnstad"],
        "NOTE": ["Line one\r\nLine two", "C:\\new\\folder"],
        "ORG": ["Café Ltd"],
        "TEL": ["+44 7700 900125", "+44 7700 900126"],
        "TEL.TYPE": ["WORK,VOICE", "CELL"],
        "EMAIL": ["ase@example.com"],
        "EMAIL.TYPE": ["INTERNET"],
        "X-JABBER": ["ase@example.net"],
        "X-TELEGRAM": ["ase_b"],
        "X-SKYPE-USERNAME": ["ase.bjornstad"],
        "PHOTO": ["<base64 image, 30 bytes>"],
        "PHOTO.TYPE": ["JPEG"],
    }
    assert [(a.platform, a.handle) for a in contact.accounts] == [
        ("phone", "+44 7700 900125"),
        ("phone", "+44 7700 900126"),
        ("email", "ase@example.com"),
        ("xmpp", "ase@example.net"),
        ("telegram", "ase_b"),
        ("skype", "ase.bjornstad"),
    ]


# --- 4.0, LF line ends and tab folding -----------------------------------------------------------


def test_vcard40_uri_values_quoted_params_data_uri_and_lf(tmp_path: Path) -> None:
    payload = _lines(
        "BEGIN:VCARD",
        "VERSION:4.0",
        "FN:Ola Hansen",
        'TEL;VALUE=uri;TYPE="voice,cell";PREF=1:tel:+1-202-555-0143;ext=12',
        "EMAIL;TYPE=work:mailto:ola@example.org",
        "IMPP;PREF=1:xmpp:ola@example.org",
        "IMPP:skype:ola.hansen?call",
        "PHOTO:data:image/png;base64,AAECAwQF",
        'X-TEST;LABEL="a:b, c":value',
        "NOTE:first part",
        "\tsecond part",
        "GENDER:M;",
        "END:VCARD",
        end="\n",
    )
    contacts, ctx = _parse(tmp_path, payload)
    assert ctx.warnings == []
    [contact] = contacts
    assert contact.fields == {
        "VERSION": ["4.0"],
        "FN": ["Ola Hansen"],
        "TEL": ["tel:+1-202-555-0143;ext=12"],
        "TEL.TYPE": ["VOICE,CELL,PREF"],
        "EMAIL": ["mailto:ola@example.org"],
        "EMAIL.TYPE": ["WORK"],
        "IMPP": ["xmpp:ola@example.org", "skype:ola.hansen?call"],
        "IMPP.TYPE": ["PREF", ""],
        "PHOTO": ["<base64 image, 6 bytes>"],
        "X-TEST": ["value"],
        "NOTE": ["first partsecond part"],
        "GENDER": ["M;"],
    }
    assert [(a.platform, a.handle) for a in contact.accounts] == [
        ("phone", "+1-202-555-0143"),
        ("email", "ola@example.org"),
        ("xmpp", "ola@example.org"),
        ("skype", "ola.hansen"),
    ]


def test_cards_without_names_fall_back_to_email_then_phone(tmp_path: Path) -> None:
    payload = _lines(
        "BEGIN:VCARD", "VERSION:3.0", "TEL:+44 7700 900127", "END:VCARD",
        "BEGIN:VCARD", "VERSION:3.0", "TEL:+44 7700 900128", "EMAIL:kim@example.com", "END:VCARD",
        "BEGIN:VCARD", "VERSION:3.0", "N:;;;;", "NOTE:only a note about coffee", "END:VCARD",
        "BEGIN:VCARD", "VERSION:3.0", "N:Lund;Kim;Are;Dr.;jr.", "END:VCARD",
    )  # fmt: skip
    contacts, ctx = _parse(tmp_path, payload)
    assert ctx.warnings == []
    assert [c.display_name for c in contacts] == [
        "+44 7700 900127",
        "kim@example.com",
        None,
        "Dr. Kim Are Lund jr.",
    ]
    assert [c.locator for c in contacts] == [
        "card 1 (line 1)",
        "card 2 (line 5)",
        "card 3 (line 10)",
        "card 4 (line 15)",
    ]
    assert contacts[2].accounts == ()


# --- malformed -----------------------------------------------------------------------------------


def test_broken_lines_are_warned_and_the_rest_of_the_card_kept(tmp_path: Path) -> None:
    payload = _lines(
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:Ola Hansen",
        "this line is garbage",
        "Bad Name With Spaces: value",
        "TEL:+44 7700 900129",
        "END:VCARD",
    )
    [contact], ctx = _parse(tmp_path, payload)
    assert contact.fields == {"VERSION": ["3.0"], "FN": ["Ola Hansen"], "TEL": ["+44 7700 900129"]}
    assert [locator for locator, _ in ctx.warnings] == ["card 1 (line 4)", "card 1 (line 5)"]
    assert all(message.startswith("broken line skipped") for _, message in ctx.warnings)


def test_missing_end_stray_text_and_stray_end_are_warned(tmp_path: Path) -> None:
    payload = _lines(
        "exported by a phone",
        "BEGIN:VCARD",
        "FN:One",
        "BEGIN:VCARD",
        "FN:Two",
        "END:VCARD",
        "END:VCARD",
        "BEGIN:VCARD",
        "FN:Three",
    )
    contacts, ctx = _parse(tmp_path, payload)
    assert [c.display_name for c in contacts] == ["One", "Two", "Three"]
    assert [locator for locator, _ in ctx.warnings] == [
        "line 1",
        "card 1 (line 2)",
        "line 7",
        "card 3 (line 8)",
    ]


def test_truncated_file_keeps_what_was_read(tmp_path: Path) -> None:
    full = _lines(
        "BEGIN:VCARD", "VERSION:2.1", "FN;ENCODING=QUOTED-PRINTABLE:Kari=20Lund", "TEL:+44 7700 900130",
        "END:VCARD", "BEGIN:VCARD", "VERSION:2.1", "NOTE;ENCODING=QUOTED-PRINTABLE:Match at=",
    )  # fmt: skip
    contacts, ctx = _parse(tmp_path, full[: len(full) - 2])
    assert [c.display_name for c in contacts] == ["Kari Lund", None]
    assert contacts[1].fields == {"VERSION": ["2.1"], "NOTE": ["Match at"]}
    assert ctx.warnings == [
        ("card 2 (line 6)", "file ends inside the card (no END:VCARD); card kept as read")
    ]


def test_invalid_utf8_without_charset_is_read_as_windows_1252(tmp_path: Path) -> None:
    payload = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Caf\xe9 Ola\r\nEND:VCARD\r\n"
    [contact], ctx = _parse(tmp_path, payload)
    assert contact.display_name == "Café Ola"
    assert ctx.warnings == [
        ("card 1 (line 3)", "value is not valid UTF-8 and has no CHARSET; read as windows-1252")
    ]


def test_bad_charset_and_bad_bytes_are_warned(tmp_path: Path) -> None:
    payload = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"FN;CHARSET=NO-SUCH-CHARSET:Ola\r\n"
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:ok=80\r\n"
        b"END:VCARD\r\n"
    )
    [contact], ctx = _parse(tmp_path, payload)
    assert contact.fields["FN"] == ["Ola"]
    assert contact.fields["NOTE"] == ["ok\ufffd"]
    assert [locator for locator, _ in ctx.warnings] == ["card 1 (line 3)", "card 1 (line 4)"]


def test_utf16_file_with_bom(tmp_path: Path) -> None:
    payload = _lines("BEGIN:VCARD", "VERSION:3.0", "FN:Åse Lund", "END:VCARD", encoding="utf-16")
    [contact], ctx = _parse(tmp_path, payload)
    assert contact.display_name == "Åse Lund"
    assert ctx.warnings == []


@pytest.mark.parametrize(
    "payload",
    [b'{"contacts": [{"name": "Ola"}]}', b"", b"\x00\x01\x02\xff" * 64, b"Name,Given Name\r\nOla,Ola\r\n"],
)
def test_not_a_vcard_raises_wrong_format(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "contacts.vcf"
    path.write_bytes(payload)
    ctx = _ctx(tmp_path)
    with pytest.raises(WrongFormat):
        list(VCard().parse(path, ctx))
    assert ctx.warnings == []


def test_platform_for_service() -> None:
    assert platform_for_service("Google Talk") == "xmpp"
    assert platform_for_service("JABBER") == "xmpp"
    assert platform_for_service("Telegram") == "telegram"
    assert platform_for_service("ABLABEL") is None


# --- conformance ---------------------------------------------------------------------------------


def _conformance(tmp_path: Path, name: str) -> tuple[list[ParsedContact], ParseContext]:
    path = CONFORMANCE / name
    if not path.exists():
        pytest.skip("conformance corpus not available")
    assert VCard().sniff(path, path.read_bytes()[:65536]) == 0.95
    ctx = _ctx(tmp_path)
    return list(VCard().parse(path, ctx)), ctx


def test_conformance_ezvcard_android(tmp_path: Path) -> None:
    contacts, ctx = _conformance(tmp_path, "ezvcard_John_Doe_ANDROID.vcf")
    assert len(contacts) == 6
    assert [len(c.fields.get("TEL", [])) for c in contacts] == [0, 0, 1, 4, 3, 1]
    assert [len(c.fields.get("EMAIL", [])) for c in contacts] == [1, 1, 0, 0, 2, 1]
    nameless = [c for c in contacts if "N" not in c.fields and "FN" not in c.fields]
    assert [c.display_name for c in nameless] == ["john.doe@company.com", "jane.doe@company.com"]
    n = "\u00d1"
    assert [c.fields.get("FN") for c in contacts[2:]] == [
        [f"{n} {n} {n} {n} {n} "],
        [" ".join([n] * 11)],
        [f"{n} {n} {n} {n} "],
        [n * 4],
    ]
    assert contacts[3].fields["N"] == [" ".join([n] * 11) + ";;;;"]
    assert contacts[4].fields["N"] == [f"{n} {n} ;{n} {n} {n} ;;;"]
    assert (
        contacts[3].fields["NOTE"]
        == [f"{n} {n} {n} {n} {n} {n} {n} {n}{n} {n} {n} {n} {n} {n} {n} {n}{n} {n} {n} {n} {n} "] * 2
    )
    assert contacts[4].fields["TEL.TYPE"] == ["CELL,PREF", "WORK", "WORK,FAX"]
    assert contacts[4].fields["EMAIL"] == ["bob@company.com", n * 14]
    assert contacts[4].fields["ORG"] == [n * 12, n * 12]
    assert contacts[4].fields["PHOTO"] == ["<base64 image, 876 bytes>"]  # ez-vcard: dataLength(876)
    assert contacts[5].fields["ORG"] == [n * 44, n * 44 + "\ufffd", n * 44]  # `=80` is no UTF-8
    assert [c.locator for c in contacts] == [
        "card 1 (line 1)", "card 2 (line 6)", "card 3 (line 11)",
        "card 4 (line 18)", "card 5 (line 36)", "card 6 (line 71)",
    ]  # fmt: skip
    assert [locator for locator, _ in ctx.warnings] == ["card 5 (line 52)", "card 6 (line 82)"]


def test_conformance_ezvcard_gmail_list(tmp_path: Path) -> None:
    contacts, ctx = _conformance(tmp_path, "ezvcard_gmail-list.vcf")
    assert ctx.warnings == []
    assert [c.display_name for c in contacts] == ["Arnold Smith", "Chris Beatle", "Doug White"]
    assert [c.fields["EMAIL"] for c in contacts] == [
        ["asmithk@gmail.com"],
        ["chrisy55d@yahoo.com"],
        ["dwhite@gmail.com"],
    ]
    assert all("TEL" not in c.fields for c in contacts)
    assert contacts[2].fields["N"] == ["White;Doug;;;"]  # the last line lacks CRLF
    assert contacts[2].accounts == (AccountRef("email", "dwhite@gmail.com", "Doug White"),)


# --- round trips ---------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZæøåÆØÅñüéß"
NAME_21 = LETTERS + " ,;:'-."
NAME_30 = NAME_21 + "\\"


def _names(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=1, max_size=40).map(str.strip).filter(bool)


@dataclass(frozen=True)
class Card:
    given: str
    family: str
    fn: str
    note: str
    phones: list[str]
    emails: list[str]


def _cards(alphabet: str) -> st.SearchStrategy[list[Card]]:
    card = st.builds(
        Card,
        given=_names(alphabet),
        family=_names(alphabet),
        fn=_names(alphabet),
        note=st.text(alphabet + "\n", max_size=80),
        phones=st.lists(st.integers(0, 999).map(lambda n: f"+44 7700 900{n:03d}"), max_size=4),
        emails=st.lists(
            st.from_regex(r"[a-z][a-z0-9.]{0,12}", fullmatch=True).map(lambda s: f"{s}@example.com"),
            max_size=3,
        ),
    )
    return st.lists(card, min_size=1, max_size=3)


def _escape30(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def _fold75(line: str) -> bytes:
    """Fold at 75 octets, continuation lines starting with a space (may split a UTF-8 character)."""
    encoded = line.encode("utf-8")
    chunks = [encoded[:75]]
    encoded = encoded[75:]
    while encoded:
        chunks.append(b" " + encoded[:74])
        encoded = encoded[74:]
    return b"\r\n".join(chunks) + b"\r\n"


def _write30(cards: list[Card]) -> bytes:
    out = b""
    for card in cards:
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{_escape30(card.family)};{_escape30(card.given)};;;",
            f"FN:{_escape30(card.fn)}",
            f"NOTE:{_escape30(card.note)}",
        ]
        lines += [f"TEL;TYPE=CELL:{phone}" for phone in card.phones]
        lines += [f"EMAIL;TYPE=INTERNET:{email}" for email in card.emails]
        lines.append("END:VCARD")
        out += b"".join(_fold75(line) for line in lines)
    return out


def _qp_line(head: str, value: str) -> bytes:
    """A 2.1 quoted-printable content line, soft-broken at 76 characters without splitting `=XX`."""
    tokens = [chr(b) if chr(b).isalnum() and b < 128 else f"={b:02X}" for b in value.encode("utf-8")]
    lines, current = [], f"{head};CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
    for token in tokens:
        if len(current) + len(token) > 75:
            lines.append(current + "=")
            current = ""
        current += token
    lines.append(current)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _write21(cards: list[Card]) -> bytes:
    out = b""
    for card in cards:
        family, given = card.family.replace(";", "\\;"), card.given.replace(";", "\\;")
        out += b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        out += _qp_line("N", f"{family};{given};;;")
        out += _qp_line("FN", card.fn)
        out += _qp_line("NOTE", card.note)
        out += b"".join(f"TEL;CELL;VOICE:{phone}\r\n".encode() for phone in card.phones)
        out += b"".join(f"EMAIL;INTERNET:{email}\r\n".encode() for email in card.emails)
        out += b"END:VCARD\r\n"
    return out


def _check_round_trip(cards: list[Card], contacts: list[ParsedContact], ctx: ParseContext) -> None:
    assert ctx.warnings == []
    assert len(contacts) == len(cards)
    for card, contact in zip(cards, contacts, strict=True):
        assert contact.display_name == card.fn
        assert contact.fields["FN"] == [card.fn]
        assert contact.fields["N"] == [f"{card.family};{card.given};;;"]
        assert contact.fields["NOTE"] == [card.note]
        assert contact.fields.get("TEL", []) == card.phones
        assert contact.fields.get("EMAIL", []) == card.emails
        expected = [("phone", p) for p in card.phones] + [("email", e) for e in card.emails]
        assert [(a.platform, a.handle) for a in contact.accounts] == list(dict.fromkeys(expected))
        assert {a.display_name for a in contact.accounts} <= {card.fn}


ROUND_TRIP = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@ROUND_TRIP
@given(cards=_cards(NAME_30))
def test_round_trip_vcard30_folded_at_75_octets(tmp_path: Path, cards: list[Card]) -> None:
    contacts, ctx = _parse(tmp_path, _write30(cards), "round30.vcf")
    _check_round_trip(cards, contacts, ctx)


@ROUND_TRIP
@given(cards=_cards(NAME_21))
def test_round_trip_vcard21_quoted_printable_soft_breaks(tmp_path: Path, cards: list[Card]) -> None:
    contacts, ctx = _parse(tmp_path, _write21(cards), "round21.vcf")
    _check_round_trip(cards, contacts, ctx)


def test_photo_is_kept_as_a_derived_file(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (40, 120, 200)).save(buffer, "PNG")
    png = buffer.getvalue()
    encoded = base64.b64encode(png).decode()
    folded = "\r\n ".join(encoded[i : i + 70] for i in range(0, len(encoded), 70))
    card = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ola Berg\r\nPHOTO;ENCODING=b;TYPE=PNG:{folded}\r\nEND:VCARD\r\n"
    path = tmp_path / "one.vcf"
    path.write_text(card, encoding="utf-8")
    derived = tmp_path / "derived"
    ctx = ParseContext("EX-1", "one.vcf", "NO", "Europe/Oslo", tmp_path, derived_dir=derived)
    (contact,) = list(VCard().parse(path, ctx))
    sha256_hex = hashlib.sha256(png).hexdigest()
    saved = derived / "contact-photos" / f"{sha256_hex}.png"
    assert saved.read_bytes() == png
    assert contact.fields["PHOTO"] == [
        f"<image saved as derived/contact-photos/{saved.name}, {len(png)} bytes, sha256 {sha256_hex}>"
    ]
