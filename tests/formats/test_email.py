"""mbox and .eml: generated mailboxes in the real layouts, malformed variants, the conformance files."""

from __future__ import annotations

from datetime import UTC, datetime
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import SMTP
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkroom.errors import WrongFormat
from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAttachment,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.email_message import html_to_text
from darkroom.formats.eml import Eml
from darkroom.formats.mbox import Mbox, split_mbox
from darkroom.model import MessageKind

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "mbox_eml"
TOM = AccountRef("email", "tom.field@example.com", "Tom Field")
ANN = AccountRef("email", "ann.lee@example.org", "Ann Lee")
SAM = AccountRef("email", "sam.berg@example.net", "Sam Berg")
THUNDERBIRD_FROM = b"From - Thu Jan 15 10:15:00 2026\r\n"


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _mail(
    sender: AccountRef, to: AccountRef, subject: str, date: str, text: str | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"{sender.display_name} <{sender.handle}>"
    message["To"] = f"{to.display_name} <{to.handle}>"
    message["Subject"] = subject
    message["Date"] = date
    message["Message-ID"] = f"<{abs(hash((subject, date)))}@example.com>"
    if text is not None:
        message.set_content(text)
    return message


def _as_bytes(message: EmailMessage) -> bytes:
    """The message as Thunderbird stores it: CRLF, "From " body lines escaped as ">From "."""
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=True, policy=SMTP).flatten(message)
    return buffer.getvalue()


def _mbox(tmp_path: Path, messages: list[bytes], name: str = "Inbox") -> Path:
    folder = tmp_path / "Mail" / "Local Folders"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"".join(THUNDERBIRD_FROM + payload + b"\r\n" for payload in messages))
    return path


def _parse(parser: Mbox | Eml, path: Path, tmp_path: Path) -> tuple[list[Record], list[tuple[str, str]]]:
    ctx = _ctx(tmp_path)
    return list(parser.parse(path, ctx)), ctx.warnings


def _messages(records: list[Record]) -> list[ParsedMessage]:
    return [record for record in records if isinstance(record, ParsedMessage)]


def _thunderbird_inbox(tmp_path: Path) -> Path:
    """Four mails: plain, plain+HTML alternative, one with an attachment, one forwarding another."""
    plain = _mail(
        ANN, TOM, "Coffee on Friday?", "Tue, 13 Jan 2026 09:05:00 +0100", "Fancy a coffee on Friday?\n"
    )
    alternative = _mail(
        TOM, ANN, "Re: Coffee on Friday?", "Tue, 13 Jan 2026 10:30:00 +0100", "Sure, 10:15 works.\n"
    )
    alternative.add_alternative("<p>Sure, <b>10:15</b> works.</p>", subtype="html")
    alternative["Cc"] = f"{SAM.display_name} <{SAM.handle}>"
    with_file = _mail(
        SAM, TOM, "Match rota", "Wed, 14 Jan 2026 18:00:00 +0000", "Rota attached.\nFrom now on we rotate.\n"
    )
    with_file.add_attachment(
        b"date,team\n2026-01-17,Rovers\n", maintype="text", subtype="csv", filename="rota.csv"
    )
    forwarded = _mail(TOM, ANN, "Fwd: Match rota", "Thu, 15 Jan 2026 08:00:00 +0100", "See below.\n")
    forwarded.add_attachment(with_file)
    return _mbox(tmp_path, [_as_bytes(m) for m in (plain, alternative, with_file, forwarded)])


# -- mbox ---------------------------------------------------------------------------------------


def test_thunderbird_inbox_messages_bodies_attachments_and_attached_message(tmp_path: Path) -> None:
    path = _thunderbird_inbox(tmp_path)
    records, warnings = _parse(Mbox(), path, tmp_path)
    assert warnings == []
    conversation = records[0]
    assert isinstance(conversation, ParsedConversation)
    assert (conversation.key, conversation.title, conversation.platform, conversation.is_group) == (
        "Inbox",
        "Inbox",
        "email",
        True,
    )
    assert conversation.participants == (ANN, TOM, SAM)
    messages = _messages(records)
    assert len(messages) == 5
    first, second, third, fourth, attached = messages
    assert first.sender == ANN
    assert first.body == "Subject: Coffee on Friday?\n\nFancy a coffee on Friday?"
    assert first.sent_at == datetime(2026, 1, 13, 8, 5, tzinfo=UTC)
    assert (first.sent_at_raw, first.assumed_zone) == ("Tue, 13 Jan 2026 09:05:00 +0100", None)
    assert (first.locator, first.key, first.parent_key) == ("message 1 (line 1)", "message 1 (line 1)", None)
    assert first.kind is MessageKind.TEXT and first.attachments == ()
    assert second.body == "Subject: Re: Coffee on Friday?\n\nSure, 10:15 works."  # the plain alternative
    assert third.body == "Subject: Match rota\n\nRota attached.\n>From now on we rotate."  # kept as stored
    assert third.attachments == (ParsedAttachment("rota.csv", "text/csv"),)
    assert third.kind is MessageKind.TEXT
    assert fourth.body == "Subject: Fwd: Match rota\n\nSee below."
    assert fourth.attachments == ()
    assert attached.locator == fourth.locator + ", part 2"
    assert (attached.key, attached.parent_key) == (attached.locator, fourth.key)
    assert attached.sender == SAM
    assert attached.body == "Subject: Match rota\n\nRota attached.\n>From now on we rotate."
    assert attached.attachments == (ParsedAttachment("rota.csv", "text/csv"),)
    assert attached.sent_at == datetime(2026, 1, 14, 18, 0, tzinfo=UTC)
    assert [m.locator.split(" (")[0] for m in messages[:4]] == [f"message {n}" for n in (1, 2, 3, 4)]


def test_unescaped_from_line_in_a_body_does_not_split_the_message(tmp_path: Path) -> None:
    # mboxo: the writer did not escape "From " lines; only a From_ line with a date AND a header
    # line after it starts a message.
    payload = (
        b"From alice@example.org Thu Jan 15 10:15:00 2026\n"
        b"From: Alice <alice@example.org>\nSubject: Plans\nDate: Thu, 15 Jan 2026 10:15:00 +0100\n\n"
        b"Hi,\n\nFrom time to time we meet.\n\nFrom Monday 10:00 2026 the office is closed\n"
        b"and the gym too.\n\n"
        b"From bob@example.org Thu Jan 15 11:00:00 2026\n"
        b"From: Bob <bob@example.org>\nSubject: Re: Plans\nDate: Thu, 15 Jan 2026 11:00:00 +0100\n\nOk\n"
    )
    path = tmp_path / "plans.mbox"
    path.write_bytes(payload)
    messages = _messages(_parse(Mbox(), path, tmp_path)[0])
    assert [m.locator for m in messages] == ["message 1 (line 1)", "message 2 (line 13)"]
    assert messages[0].body == (
        "Subject: Plans\n\nHi,\n\nFrom time to time we meet.\n\n"
        "From Monday 10:00 2026 the office is closed\nand the gym too."
    )
    assert messages[1].body == "Subject: Re: Plans\n\nOk"


def test_html_only_message_is_read_as_text_with_link_targets(tmp_path: Path) -> None:
    message = _mail(ANN, TOM, "Menu", "Thu, 15 Jan 2026 10:15:00 +0100")
    message.set_content(
        "<html><head><style>p {color: red}</style></head><body><p>Lunch at the&nbsp;usual place?</p>"
        '<p>See <a href="https://example.org/menu">the menu</a><br>Cheers &amp; bye</p></body></html>',
        subtype="html",
    )
    path = _mbox(tmp_path, [_as_bytes(message)])
    [parsed] = _messages(_parse(Mbox(), path, tmp_path)[0])
    assert parsed.body == (
        "Subject: Menu\n\nLunch at the usual place?\n\nSee the menu (https://example.org/menu)\nCheers & bye"
    )


def test_html_to_text_keeps_image_alt_text_and_drops_scripts() -> None:
    markup = (
        '<div>Hi <img src="x.png" alt=":)"><script>var x = 1;</script></div><ul><li>one</li><li>two</li></ul>'
    )
    assert html_to_text(markup) == "Hi :)\n\none\n\ntwo"


def test_attachment_only_message_is_media(tmp_path: Path) -> None:
    message = _mail(SAM, TOM, "Photo", "Thu, 15 Jan 2026 10:15:00 +0100")
    message.add_attachment(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png", filename="pitch.png")
    path = _mbox(tmp_path, [_as_bytes(message)])
    [parsed] = _messages(_parse(Mbox(), path, tmp_path)[0])
    assert parsed.kind is MessageKind.MEDIA
    assert parsed.attachments == (ParsedAttachment("pitch.png", "image/png"),)
    assert parsed.body == "Subject: Photo"


def test_digest_parts_are_messages_of_their_own(tmp_path: Path) -> None:
    payload = (
        b"From: League <league@example.org>\nTo: tom.field@example.com\nSubject: Digest\n"
        b"Date: Thu, 15 Jan 2026 10:15:00 +0100\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/digest; boundary="XX"\n\n'
        b"--XX\n\nFrom: Ann Lee <ann.lee@example.org>\nSubject: Kick-off\n"
        b"Date: Wed, 14 Jan 2026 09:00:00 +0100\n\n"
        b"Kick-off at 11.\n"
        b"--XX\n\nFrom: Sam Berg <sam.berg@example.net>\nSubject: Pitch\n"
        b"Date: Wed, 14 Jan 2026 09:30:00 +0100\n\n"
        b"Pitch 3 this week.\n"
        b"--XX--\n"
    )
    path = tmp_path / "digest.eml"
    path.write_bytes(payload)
    records, warnings = _parse(Eml(), path, tmp_path)
    assert warnings == []
    carrier, kick_off, pitch = _messages(records)
    assert (carrier.locator, carrier.body, carrier.kind) == ("message", "Subject: Digest", MessageKind.TEXT)
    assert [(m.locator, m.parent_key, m.sender) for m in (kick_off, pitch)] == [
        ("part 1", "message", ANN),
        ("part 2", "message", SAM),
    ]
    assert kick_off.body == "Subject: Kick-off\n\nKick-off at 11."


def test_encoded_words_raw_utf8_headers_and_charsets(tmp_path: Path) -> None:
    payload = (
        "From: =?utf-8?q?J=C3=B8rn_Dahl?= <jorn@example.org>\n"
        "To: Åse Holm <ase@example.net>\n"  # raw UTF-8 in a header (SMTPUTF8 mailers)
        "Subject: =?iso-8859-1?q?Kaffe_p=E5_fredag?=\n"
        "Date: Thu, 15 Jan 2026 10:15:00 +0100\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Content-Transfer-Encoding: 8bit\n\n"
        "Vi sees p\xe5 kaf\xe9en.\n"
    ).encode()
    # the body is latin-1 as declared: re-encode its last line
    head, _, _ = payload.partition(b"\n\n")
    path = tmp_path / "kaffe.eml"
    path.write_bytes(head + b"\n\n" + "Vi sees på kaféen.\n".encode("latin-1"))
    records, warnings = _parse(Eml(), path, tmp_path)
    assert warnings == []
    conversation = records[0]
    assert isinstance(conversation, ParsedConversation)
    assert conversation.title == "Kaffe på fredag"
    assert conversation.participants == (
        AccountRef("email", "jorn@example.org", "Jørn Dahl"),
        AccountRef("email", "ase@example.net", "Åse Holm"),
    )
    [message] = _messages(records)
    assert message.body == "Subject: Kaffe på fredag\n\nVi sees på kaféen."


def test_bad_bytes_and_unknown_charsets_are_warned_and_replaced(tmp_path: Path) -> None:
    payload = (
        b"From: Tom Field <tom.field@example.com>\nTo: ann.lee@example.org\nSubject: caf\xe9\n"
        b"Date: Thu, 15 Jan 2026 10:15:00 +0100\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="B"\n\n'
        b"--B\nContent-Type: text/plain; charset=utf-8\n\nbad \xff byte\n"
        b"--B\nContent-Type: text/plain; charset=x-klingon\n\nplain words\n--B--\n"
    )
    path = tmp_path / "bad.eml"
    path.write_bytes(payload)
    records, warnings = _parse(Eml(), path, tmp_path)
    [message] = _messages(records)
    assert message.body == "Subject: caf\ufffd\n\nbad \ufffd byte\n\nplain words"
    assert warnings == [
        ("message", "Subject header holds bytes that are not UTF-8; read as U+FFFD"),
        ("message", "text is not valid utf-8 (byte 4); bad bytes read as U+FFFD"),
        ("message", "unknown charset 'x-klingon'; text read as UTF-8"),
    ]


@pytest.mark.parametrize(
    ("date", "sent_at", "assumed_zone"),
    [
        ("Thu, 15 Jan 2026 10:15:00 -0500", datetime(2026, 1, 15, 15, 15, tzinfo=UTC), None),
        ("Thu, 15 Jan 2026 10:15:00 GMT", datetime(2026, 1, 15, 10, 15, tzinfo=UTC), None),
        ("Thu, 15 Jan 2026 10:15:00 -0000", datetime(2026, 1, 15, 10, 15, tzinfo=UTC), None),
        ("Thu, 15 Jan 2026 10:15:00", datetime(2026, 1, 15, 9, 15, tzinfo=UTC), "Europe/Oslo"),
    ],
)
def test_dates_with_offsets_zone_names_and_without_zone(
    tmp_path: Path, date: str, sent_at: datetime, assumed_zone: str | None
) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(f"From: Ann Lee <ann.lee@example.org>\nSubject: Hi\nDate: {date}\n\nHi\n".encode())
    records, warnings = _parse(Eml(), path, tmp_path)
    [message] = _messages(records)
    assert (message.sent_at, message.sent_at_raw, message.assumed_zone) == (sent_at, date, assumed_zone)
    assert warnings == []


def test_zone_name_outside_rfc_822_is_read_as_local_time(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(
        b"From: Ann Lee <ann.lee@example.org>\nSubject: Hi\nDate: Thu, 15 Jan 2026 10:15:00 CET\n\nHi\n"
    )
    records, warnings = _parse(Eml(), path, tmp_path)
    [message] = _messages(records)
    assert (message.sent_at, message.assumed_zone) == (
        datetime(2026, 1, 15, 9, 15, tzinfo=UTC),
        "Europe/Oslo",
    )
    assert warnings == [("message", "zone name 'CET' is ambiguous; read as local time in Europe/Oslo")]


def test_missing_and_bad_dates_and_senders_are_warnings(tmp_path: Path) -> None:
    no_date = b"From: Ann Lee <ann.lee@example.org>\nSubject: a\n\nx\n"
    bad_date = b"From: Ann Lee <ann.lee@example.org>\nSubject: b\nDate: next Tuesday\n\ny\n"
    no_from = b"To: Ann Lee <ann.lee@example.org>\nSubject: c\nDate: Thu, 15 Jan 2026 10:15:00 +0100\n\nz\n"
    path = tmp_path / "odd.mbox"
    path.write_bytes(
        b"".join(
            b"From x@example.org Thu Jan 15 10:15:00 2026\n" + m + b"\n" for m in (no_date, bad_date, no_from)
        )
    )
    records, warnings = _parse(Mbox(), path, tmp_path)
    first, second, third = _messages(records)
    # Without a Date header the From_ line's time is used, read as local time.
    assert (first.sent_at, first.assumed_zone) == (datetime(2026, 1, 15, 9, 15, tzinfo=UTC), "Europe/Oslo")
    assert (second.sent_at, second.sent_at_raw) == (
        datetime(2026, 1, 15, 9, 15, tzinfo=UTC),
        "Jan 15 10:15:00 2026",
    )
    assert third.sender is None and third.sent_at == datetime(2026, 1, 15, 9, 15, tzinfo=UTC)
    assert [message for _, message in warnings] == [
        "no Date header: message time unknown",
        "time taken from the From_ line (Jan 15 10:15:00 2026), read in Europe/Oslo",
        "Date 'next Tuesday' is not an RFC 5322 date: message time unknown",
        "time taken from the From_ line (Jan 15 10:15:00 2026), read in Europe/Oslo",
        "no From address: sender unknown",
    ]


def test_bad_date_in_eml_leaves_the_time_unknown(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(
        b"From: Ann Lee <ann.lee@example.org>\nSubject: b\nDate: 31 Feb 2026 25:61:00 +0100\n\ny\n"
    )
    records, warnings = _parse(Eml(), path, tmp_path)
    [message] = _messages(records)
    assert (message.sent_at, message.sent_at_raw, message.assumed_zone) == (
        None,
        "31 Feb 2026 25:61:00 +0100",
        None,
    )
    assert len(warnings) == 1 and "not an RFC 5322 date" in warnings[0][1]


def test_empty_messages_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "Inbox"
    path.write_bytes(
        b"From - Thu Jan 15 10:15:00 2026\n\n"
        b"From - Thu Jan 15 10:16:00 2026\nFrom: Ann Lee <ann.lee@example.org>\n"
        b"Date: Thu, 15 Jan 2026 10:16:00 +0100\n\nHi\n"
    )
    records, warnings = _parse(Mbox(), path, tmp_path)
    [message] = _messages(records)
    assert message.locator == "message 2 (line 3)" and message.body == "Hi"
    assert warnings == [("message 1 (line 1)", "empty message (a From_ line with nothing after it); skipped")]


def test_truncated_mailbox_keeps_what_it_can(tmp_path: Path) -> None:
    path = _thunderbird_inbox(tmp_path)
    whole = path.read_bytes()
    cut = whole[: whole.index(b"ZGF0ZSx0ZWFt") + 6]  # inside the base64 of rota.csv
    path.write_bytes(cut)
    records, warnings = _parse(Mbox(), path, tmp_path)
    messages = _messages(records)
    assert len(messages) == 3
    assert messages[2].attachments == (ParsedAttachment("rota.csv", "text/csv"),)
    assert warnings and all("MIME defects" in message for _, message in warnings)


def test_garbage_lines_in_headers_do_not_stop_the_mailbox(tmp_path: Path) -> None:
    payload = (
        b"From - Thu Jan 15 10:15:00 2026\n"
        b"From: <<<>>>, ,,\nTo: ;;;\nCc: undisclosed-recipients:;\nSubject: odd\n"
        b"Date: Thu, 15 Jan 2026 10:15:00 +0100\n\n\x00\x01 binary junk \xfe\n"
    )
    path = tmp_path / "Inbox"
    path.write_bytes(payload)
    records, warnings = _parse(Mbox(), path, tmp_path)
    [message] = _messages(records)
    assert message.sent_at == datetime(2026, 1, 15, 9, 15, tzinfo=UTC)
    assert any("not valid us-ascii" in text for _, text in warnings)


def test_not_a_mailbox_is_wrong_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"Buy light bulbs\nFrom Monday on\n")
    with pytest.raises(WrongFormat):
        list(Mbox().parse(path, _ctx(tmp_path)))
    with pytest.raises(WrongFormat):
        list(Eml().parse(path, _ctx(tmp_path)))
    vcard = tmp_path / "card.eml"
    vcard.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tom\r\nEND:VCARD\r\n")
    with pytest.raises(WrongFormat):
        list(Eml().parse(vcard, _ctx(tmp_path)))


def test_sniff(tmp_path: Path) -> None:
    inbox = _thunderbird_inbox(tmp_path)
    head = inbox.read_bytes()[:4096]
    assert Mbox().sniff(inbox, head) == 0.9
    assert Eml().sniff(inbox, head) == 0.0
    eml_head = _as_bytes(_mail(ANN, TOM, "Hi", "Thu, 15 Jan 2026 10:15:00 +0100", "Hi\n"))
    assert Eml().sniff(Path("m.eml"), eml_head) == 0.9
    assert Eml().sniff(Path("m.bin"), eml_head) == 0.85
    assert Mbox().sniff(Path("m.eml"), eml_head) == 0.0
    assert Mbox().sniff(Path("x.txt"), b"From time to time we meet\n") == 0.0
    assert Eml().sniff(Path("x.vcf"), b"BEGIN:VCARD\r\nVERSION:3.0\r\n") == 0.0
    assert Eml().sniff(Path("x.txt"), b"Subject: hi\nhello\n") == 0.0


# -- properties ---------------------------------------------------------------------------------

_BODY_LINES = st.lists(
    st.one_of(
        st.sampled_from(["From time to time", "From Monday 10:00 2026 we start", ">From here", "", "Ok"]),
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30
        ),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bodies=st.lists(_BODY_LINES, min_size=1, max_size=4))
def test_any_bodies_round_trip_through_a_thunderbird_mailbox(tmp_path: Path, bodies: list[list[str]]) -> None:
    mails = [
        _mail(ANN, TOM, f"Note {n}", "Thu, 15 Jan 2026 10:15:00 +0100", "\n".join(lines) + "\n")
        for n, lines in enumerate(bodies)
    ]
    path = _mbox(tmp_path, [_as_bytes(mail) for mail in mails])
    assert sum(1 for _ in split_mbox(path)) == len(bodies)
    messages = _messages(_parse(Mbox(), path, tmp_path)[0])
    assert [m.body.split("\n\n", 1)[0] for m in messages] == [
        f"Subject: Note {n}" for n in range(len(bodies))
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.binary(max_size=400))
def test_arbitrary_bytes_after_an_envelope_never_crash(tmp_path: Path, tail: bytes) -> None:
    path = tmp_path / "fuzz.mbox"
    path.write_bytes(b"From - Thu Jan 15 10:15:00 2026\nFrom: a@example.org\n" + tail)
    records = list(Mbox().parse(path, _ctx(tmp_path)))
    assert isinstance(records[0], ParsedConversation)
    eml = tmp_path / "fuzz.eml"
    eml.write_bytes(b"From: a@example.org\nSubject: x\n" + tail)
    assert isinstance(next(iter(Eml().parse(eml, _ctx(tmp_path)))), ParsedConversation)


_HEADER_NAMES = st.sampled_from(
    ["From", "To", "Cc", "Subject", "Date", "Content-Type", "Content-Transfer-Encoding"]
)
_HEADER_VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ['multipart/mixed; boundary="B"', "message/rfc822", "=?utf-8?b?!!?=", "<<a@b>>", '"a, b" <']
    ),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    headers=st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), min_size=1, max_size=8),
    body=st.binary(max_size=200),
)
def test_arbitrary_headers_never_crash(tmp_path: Path, headers: list[tuple[str, str]], body: bytes) -> None:
    lines = [f"{name}: {' '.join(value.split())}" for name, value in headers]
    path = tmp_path / "fuzz.eml"
    path.write_bytes(
        ("\n".join(["From: a@example.org", *lines]) + "\n\n").encode("utf-8", "surrogatepass") + body
    )
    records = list(Eml().parse(path, _ctx(tmp_path)))
    assert isinstance(records[0], ParsedConversation)
    assert sum(1 for r in records if isinstance(r, ParsedMessage) and r.parent_key is None) == 1


# -- conformance --------------------------------------------------------------------------------


def _conformance(name: str) -> Path:
    path = CONFORMANCE / name
    if not path.is_file():
        pytest.skip("conformance corpus not present")
    return path


def test_conformance_msg_07_multipart_mixed_with_gif(tmp_path: Path) -> None:
    path = _conformance("cpython_msg_07.eml")
    assert Eml().sniff(path, path.read_bytes()[:4096]) >= 0.85
    records, warnings = _parse(Eml(), path, tmp_path)
    assert warnings == []
    conversation = records[0]
    assert isinstance(conversation, ParsedConversation)
    assert conversation.title == "Here is your dingus fish"
    [message] = _messages(records)
    assert message.sender == AccountRef("email", "barry@digicool.com", "Barry")
    assert message.attachments == (ParsedAttachment("dingusfish.gif", "image/gif"),)
    assert message.body == "Subject: Here is your dingus fish\n\nHi there,\n\nThis is the dingus fish."
    assert message.sent_at == datetime(2001, 4, 20, 23, 35, 2, tzinfo=UTC)
    assert message.kind is MessageKind.TEXT


def test_conformance_mailbox_01_unescaped_from_line_is_one_message(tmp_path: Path) -> None:
    path = _conformance("cpython_mailbox_01.mbox")
    assert Mbox().sniff(path, path.read_bytes()[:4096]) >= 0.9
    records, warnings = _parse(Mbox(), path, tmp_path)
    [message] = _messages(records)
    assert message.body == (
        "Subject: unquoted From in body; extra info on From line\n\nHello\n\nFrom time to time"
    )
    assert message.sender == AccountRef("email", "foo", None)
    assert (message.sent_at, message.assumed_zone) == (
        datetime(2022, 8, 7, 9, 40, 37, tzinfo=UTC),
        "Europe/Oslo",
    )
    assert [text for _, text in warnings] == [
        "no Date header: message time unknown",
        "time taken from the From_ line (Aug  7 11:40:37 2022), read in Europe/Oslo",
    ]
