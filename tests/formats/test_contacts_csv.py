"""Contacts CSV: Google Contacts (older and newer export) and Outlook files written as those tools
write them, localised and malformed variants, and files that are not contact lists."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkroom.errors import WrongFormat
from darkroom.formats.base import AccountRef, ParseContext, ParsedContact
from darkroom.formats.contacts_csv import ContactsCsv

GOOGLE_OLD = [
    "Name", "Given Name", "Additional Name", "Family Name", "Yomi Name", "Given Name Yomi",
    "Additional Name Yomi", "Family Name Yomi", "Name Prefix", "Name Suffix", "Initials", "Nickname",
    "Short Name", "Maiden Name", "Birthday", "Gender", "Location", "Billing Information",
    "Directory Server", "Mileage", "Occupation", "Hobby", "Sensitivity", "Priority", "Subject", "Notes",
    "Language", "Photo", "Group Membership", "E-mail 1 - Type", "E-mail 1 - Value", "E-mail 2 - Type",
    "E-mail 2 - Value", "IM 1 - Type", "IM 1 - Service", "IM 1 - Value", "Phone 1 - Type",
    "Phone 1 - Value", "Phone 2 - Type", "Phone 2 - Value", "Organization 1 - Type",
    "Organization 1 - Name",
]  # fmt: skip
GOOGLE_NEW = [
    "First Name", "Middle Name", "Last Name", "Phonetic First Name", "Phonetic Middle Name",
    "Phonetic Last Name", "Name Prefix", "Name Suffix", "Nickname", "File As", "Organization Name",
    "Organization Title", "Organization Department", "Birthday", "Notes", "Photo", "Labels",
    "E-mail 1 - Label", "E-mail 1 - Value", "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label",
    "Phone 2 - Value",
]  # fmt: skip
OUTLOOK = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
    "Business Street", "Business City", "Business Fax", "Business Phone", "Business Phone 2",
    "Callback", "Car Phone", "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN",
    "Mobile Phone", "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone",
    "TTY/TDD Phone", "Telex", "Birthday", "Categories", "E-mail Address", "E-mail Type",
    "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type", "E-mail 2 Display Name", "Notes",
    "Web Page",
]  # fmt: skip


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _table(
    header: list[str], rows: list[dict[str, str]], delimiter: str = ",", quote_all: bool = False
) -> str:
    """The CSV text a tool writes: header row, then one row per contact (CRLF, minimal quoting)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows([[row.get(name, "") for name in header] for row in rows])
    return out.getvalue()


def _parse(tmp_path: Path, payload: bytes) -> tuple[list[ParsedContact], ParseContext]:
    path = tmp_path / "contacts.csv"
    path.write_bytes(payload)
    assert ContactsCsv().sniff(path, payload[:65536]) == 0.9
    ctx = _ctx(tmp_path)
    contacts = list(ContactsCsv().parse(path, ctx))
    assert all(isinstance(contact, ParsedContact) for contact in contacts)
    return contacts, ctx


def test_google_older_export_with_multi_values_and_im(tmp_path: Path) -> None:
    rows = [
        {
            "Name": "Åse Bjørnstad",
            "Given Name": "Åse",
            "Family Name": "Bjørnstad",
            "Notes": 'Football on Sunday, coffee after\nBring "good" cups',
            "Group Membership": "* myContacts ::: Football",
            "E-mail 1 - Type": "* Home",
            "E-mail 1 - Value": "ase@example.com ::: ase.b@example.org",
            "IM 1 - Type": "Other",
            "IM 1 - Service": "Jabber",
            "IM 1 - Value": "ase@example.net",
            "Phone 1 - Type": "Mobile",
            "Phone 1 - Value": "+44 7700 900123 ::: +44 7700 900124",
            "Phone 2 - Type": "Work",
            "Phone 2 - Value": "+1 202-555-0143",
        },
        {"E-mail 1 - Type": "* Other", "E-mail 1 - Value": "kim@example.com"},
        {},
        {"Phone 1 - Value": "+44 7700 900125", "Organization 1 - Name": "Kaffe AS"},
    ]
    contacts, ctx = _parse(tmp_path, _table(GOOGLE_OLD, rows).encode("utf-8"))
    assert ctx.warnings == []
    assert [c.locator for c in contacts] == ["row 1", "row 2", "row 4"]
    assert [c.display_name for c in contacts] == ["Åse Bjørnstad", "kim@example.com", "+44 7700 900125"]
    assert contacts[0].fields == {
        "Name": ["Åse Bjørnstad"],
        "Given Name": ["Åse"],
        "Family Name": ["Bjørnstad"],
        "Notes": ['Football on Sunday, coffee after\nBring "good" cups'],
        "Group Membership": ["* myContacts", "Football"],
        "E-mail 1 - Type": ["* Home"],
        "E-mail 1 - Value": ["ase@example.com", "ase.b@example.org"],
        "IM 1 - Type": ["Other"],
        "IM 1 - Service": ["Jabber"],
        "IM 1 - Value": ["ase@example.net"],
        "Phone 1 - Type": ["Mobile"],
        "Phone 1 - Value": ["+44 7700 900123", "+44 7700 900124"],
        "Phone 2 - Type": ["Work"],
        "Phone 2 - Value": ["+1 202-555-0143"],
    }
    name = "Åse Bjørnstad"
    assert contacts[0].accounts == (
        AccountRef("email", "ase@example.com", name),
        AccountRef("email", "ase.b@example.org", name),
        AccountRef("xmpp", "ase@example.net", name),
        AccountRef("phone", "+44 7700 900123", name),
        AccountRef("phone", "+44 7700 900124", name),
        AccountRef("phone", "+1 202-555-0143", name),
    )
    assert contacts[2].fields == {
        "Phone 1 - Value": ["+44 7700 900125"],
        "Organization 1 - Name": ["Kaffe AS"],
    }


def test_google_newer_export(tmp_path: Path) -> None:
    rows = [
        {
            "First Name": "Ola",
            "Last Name": "Hansen",
            "Labels": "* myContacts",
            "E-mail 1 - Label": "Work",
            "E-mail 1 - Value": "ola@example.org",
            "Phone 1 - Label": "Mobile",
            "Phone 1 - Value": "+44 7700 900126",
        },
        {"Nickname": "Kaffe-Kim", "Phone 1 - Value": "+1 303-555-0101", "Phone 2 - Value": "+1 303-555-0101"},
    ]
    contacts, ctx = _parse(tmp_path, _table(GOOGLE_NEW, rows).encode("utf-8-sig"))
    assert ctx.warnings == []
    assert [c.display_name for c in contacts] == ["Ola Hansen", "Kaffe-Kim"]
    assert contacts[0].accounts == (
        AccountRef("email", "ola@example.org", "Ola Hansen"),
        AccountRef("phone", "+44 7700 900126", "Ola Hansen"),
    )
    assert contacts[1].accounts == (AccountRef("phone", "+1 303-555-0101", "Kaffe-Kim"),)  # deduplicated
    assert contacts[1].fields["Phone 2 - Value"] == ["+1 303-555-0101"]


def test_outlook_export_in_windows_1252(tmp_path: Path) -> None:
    rows = [
        {
            "First Name": "René",
            "Last Name": "Dahl",
            "Company": "Café Ltd",
            "Home Phone": "+1 (202) 555-0144",
            "Mobile Phone": "+44 7700 900127",
            "Birthday": "0/0/00",
            "E-mail Address": "rene@example.com",
            "E-mail Type": "SMTP",
            "E-mail Display Name": "René Dahl (rene@example.com)",
            "E-mail 2 Address": "rene.dahl@example.net",
            "Notes": "Plays football",
        }
    ]
    contacts, ctx = _parse(tmp_path, _table(OUTLOOK, rows, quote_all=True).encode("cp1252"))
    assert ctx.warnings == [("file", "not valid UTF-8; read as windows-1252")]
    [contact] = contacts
    assert contact.display_name == "René Dahl"
    assert contact.fields == {name: [value] for name, value in rows[0].items()}
    assert contact.accounts == (
        AccountRef("phone", "+1 (202) 555-0144", "René Dahl"),
        AccountRef("phone", "+44 7700 900127", "René Dahl"),
        AccountRef("email", "rene@example.com", "René Dahl"),
        AccountRef("email", "rene.dahl@example.net", "René Dahl"),
    )


def test_norwegian_outlook_headers_semicolon_separated(tmp_path: Path) -> None:
    header = ["Fornavn", "Mellomnavn", "Etternavn", "E-postadresse", "Mobiltelefon", "Telefon (arbeid)"]
    rows = [
        {
            "Fornavn": "Åse",
            "Etternavn": "Lund",
            "E-postadresse": "ase@example.com",
            "Mobiltelefon": "+44 7700 900128",
            "Telefon (arbeid)": "+44 7700 900129",
        }
    ]
    contacts, ctx = _parse(tmp_path, _table(header, rows, delimiter=";").encode("utf-8-sig"))
    assert ctx.warnings == []
    [contact] = contacts
    assert contact.display_name == "Åse Lund"
    assert [(a.platform, a.handle) for a in contact.accounts] == [
        ("email", "ase@example.com"),
        ("phone", "+44 7700 900128"),
        ("phone", "+44 7700 900129"),
    ]


def test_outlook_unicode_tab_separated_utf16(tmp_path: Path) -> None:
    header = ["First Name", "Last Name", "Mobile Phone", "E-mail Address"]
    rows = [{"First Name": "Kim", "Last Name": "Ørn", "Mobile Phone": "+44 7700 900130"}]
    contacts, ctx = _parse(tmp_path, _table(header, rows, delimiter="\t").encode("utf-16"))
    assert ctx.warnings == []
    assert [(c.display_name, c.accounts) for c in contacts] == [
        ("Kim Ørn", (AccountRef("phone", "+44 7700 900130", "Kim Ørn"),))
    ]


# --- malformed -----------------------------------------------------------------------------------


def test_extra_cells_are_kept_and_warned(tmp_path: Path) -> None:
    text = "First Name,Last Name,Mobile Phone\r\nKim,Lund,+44 7700 900131,spare,\r\nOla,Berg\r\n"
    contacts, ctx = _parse(tmp_path, text.encode())
    assert contacts[0].fields == {
        "First Name": ["Kim"],
        "Last Name": ["Lund"],
        "Mobile Phone": ["+44 7700 900131"],
        "column 4": ["spare"],
    }
    assert contacts[1].fields == {"First Name": ["Ola"], "Last Name": ["Berg"]}  # short row is fine
    assert ctx.warnings == [("row 1", "row has 5 cells but the header 3; extras kept")]


def test_unreadable_row_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    # Above the csv module's field limit, whatever another library set it to in this process.
    huge = "x" * (csv.field_size_limit() + 1)
    text = f"First Name,Last Name,Notes\r\nKim,Lund,{huge}\r\nOla,Berg,coffee\r\n"
    contacts, ctx = _parse(tmp_path, text.encode())
    assert [(c.locator, c.display_name) for c in contacts] == [("row 2", "Ola Berg")]
    assert [locator for locator, _ in ctx.warnings] == ["row 1"]


def test_truncated_file_inside_a_quoted_cell(tmp_path: Path) -> None:
    text = 'First Name,Last Name,Notes\r\nKim,Lund,"football\r\nOla,Berg,cof'
    contacts, ctx = _parse(tmp_path, text.encode())
    assert [c.display_name for c in contacts] == ["Kim Lund"]
    assert contacts[0].fields["Notes"] == ["football\r\nOla,Berg,cof"]
    assert ctx.warnings == []


@pytest.mark.parametrize(
    "payload",
    [
        b"sha256,path,size\r\nabc,/x,1\r\n",
        b"",
        b"\x00\x01\x02\xff" * 64,
        b"12/01/2024, 10:15 - Kim: coffee at ten?\n",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kim\r\nEND:VCARD\r\n",
    ],
)
def test_not_a_contacts_csv(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(payload)
    assert ContactsCsv().sniff(path, payload) == 0.0
    ctx = _ctx(tmp_path)
    with pytest.raises(WrongFormat):
        list(ContactsCsv().parse(path, ctx))
    assert ctx.warnings == []


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"First Name,Middle Name,Last Name,Suffix,Comp", 0.9),  # the head cut the header row short
        (b"First Name,Last Na", 0.0),
        (b'"Title","First Name","Last Name"\r\n', 0.9),
        (b"Name,Notes,Phone 1 - Value\n", 0.9),
    ],
)
def test_sniff_header_row(head: bytes, expected: float) -> None:
    assert ContactsCsv().sniff(Path("x.csv"), head) == expected


# --- round trip ----------------------------------------------------------------------------------

CELL_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00") | st.sampled_from(',;"\n'),
    max_size=60,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=CELL_TEXT, name=CELL_TEXT.filter(lambda s: bool(s.strip()) and " ::: " not in s))
def test_google_cells_survive_quoting(tmp_path: Path, notes: str, name: str) -> None:
    rows = [{"Name": name, "Notes": notes, "Phone 1 - Value": "+44 7700 900132"}]
    contacts, ctx = _parse(tmp_path, _table(GOOGLE_OLD, rows).encode("utf-8"))
    assert ctx.warnings == []
    [contact] = contacts
    assert contact.fields["Name"] == [name]
    assert contact.display_name == name.strip()
    expected_notes = [part for part in notes.split(" ::: ") if part.strip()]
    assert contact.fields.get("Notes", []) == expected_notes
