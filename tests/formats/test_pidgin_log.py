"""Pidgin logs: generated TXT and HTML logs in the `.purple/logs` layout, malformed variants, conformance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkroom.errors import WrongFormat
from darkroom.formats.base import (
    AccountRef,
    ParseContext,
    ParsedAccount,
    ParsedConversation,
    ParsedMessage,
    Record,
)
from darkroom.formats.pidgin_log import PidginLog
from darkroom.model import MessageKind

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "xmpp_irc"
ME_JID = "tom.field@jabber.example.org"
PARTNER_JID = "ann.lee@xmpp.example.net"
HEADER = f"Conversation with {PARTNER_JID} at Thu 15 Jan 2026 10:15:00 AM CET on {ME_JID}/Home (jabber)"
TOM = AccountRef("xmpp", ME_JID, "tom.field")
ANN = AccountRef("xmpp", PARTNER_JID, "Ann")


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _log(tmp_path: Path, lines: list[str], partner: str = PARTNER_JID, name: str = "") -> Path:
    folder = tmp_path / ".purple" / "logs" / "jabber" / ME_JID / partner
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or "2026-01-15.101500+0100CET.txt")
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return path


def _parse(path: Path, tmp_path: Path) -> tuple[list[Record], list[tuple[str, str]]]:
    ctx = _ctx(tmp_path)
    return list(PidginLog().parse(path, ctx)), ctx.warnings


def _messages(records: list[Record]) -> list[ParsedMessage]:
    return [record for record in records if isinstance(record, ParsedMessage)]


def _at(day: int, hour: int, minute: int, second: int) -> datetime:
    """A wall-clock time at +01:00 in January 2026, as UTC."""
    return datetime(2026, 1, day, hour, minute, second, tzinfo=UTC) - timedelta(hours=1)


def test_text_log_senders_times_rollover_and_kinds(tmp_path: Path) -> None:
    path = _log(
        tmp_path,
        [
            HEADER,
            "(10:15:02) tom.field: Fancy a coffee on Friday?",
            "(10:15:40) Ann: Sure, 10:15 works",
            "for me",
            "(10:16:05) Ann <AUTO-REPLY>: I'm away from my desk",
            "(10:20:00) ***tom.field waves",
            "(23:59:58) tom.field: late one",
            "(00:00:03) Ann: good night",
            f"(00:05:00) {PARTNER_JID} has signed off.",
            "(01/16/2026 09:00:00) Ann: offline message",
        ],
    )
    records, warnings = _parse(path, tmp_path)
    assert warnings == []
    owner, conversation, *_ = records
    assert owner == ParsedAccount(AccountRef("xmpp", ME_JID), "line 1", is_owner=True)
    assert conversation == ParsedConversation(
        key=path.name,
        platform="xmpp",
        title=PARTNER_JID,
        is_group=False,
        locator="line 1",
        external_id=PARTNER_JID,
        participants=(AccountRef("xmpp", ME_JID), AccountRef("xmpp", PARTNER_JID)),
    )
    messages = _messages(records)
    assert [(m.locator, m.sender, m.body, m.kind) for m in messages] == [
        ("line 2", TOM, "Fancy a coffee on Friday?", MessageKind.TEXT),
        ("line 3", ANN, "Sure, 10:15 works\nfor me", MessageKind.TEXT),
        ("line 5", ANN, "[auto-reply] I'm away from my desk", MessageKind.TEXT),
        ("line 6", TOM, "tom.field waves", MessageKind.TEXT),
        ("line 7", TOM, "late one", MessageKind.TEXT),
        ("line 8", ANN, "good night", MessageKind.TEXT),
        ("line 9", AccountRef("xmpp", PARTNER_JID), f"{PARTNER_JID} has signed off.", MessageKind.SYSTEM),
        ("line 10", ANN, "offline message", MessageKind.TEXT),
    ]
    assert [m.sent_at for m in messages] == [
        _at(15, 10, 15, 2),
        _at(15, 10, 15, 40),
        _at(15, 10, 16, 5),
        _at(15, 10, 20, 0),
        _at(15, 23, 59, 58),
        _at(16, 0, 0, 3),  # midnight rollover
        _at(16, 0, 5, 0),
        _at(16, 9, 0, 0),
    ]
    assert {m.assumed_zone for m in messages} == {None}  # the file name's +0100 makes times absolute
    assert messages[0].sent_at_raw == "10:15:02" and messages[-1].sent_at_raw == "01/16/2026 09:00:00"


def test_html_log_bold_alias_links_entities_actions_and_status(tmp_path: Path) -> None:
    title = HEADER
    path = _log(
        tmp_path,
        [
            '<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8">'
            f"<title>{title}</title></head><body><h3>{title}</h3>",
            '<font color="#16569E"><font size="2">(10:15:02)</font> <b>tom.field:</b></font> '
            "Fancy a coffee &amp; cake?<br/>",
            '<font color="#A82F2F"><font size="2">(10:15:40)</font> <b>Ann:</b></font> '
            "<span style='color: #000000;'>See <a href=\"https://example.org/menu\">the menu</a></span><br/>",
            '<font color="#062585"><font size="2">(10:16:00)</font> <b>***tom.field</b></font> nods<br/>',
            '<font color="#A82F2F"><font size="2">(10:17:00)</font> <b>Ann:</b></font> '
            "line one<br/>line two<br/>",
            '<font size="2">(10:20:00)</font><b> Ann has signed off.</b><br/>',
            '<font color="#A82F2F"><font size="2">(2026-01-15 10:25:00)</font> '
            "<b>Ann &lt;AUTO-REPLY&gt;:</b></font> Back soon<br/>",
            "</body></html>",
        ],
        name="2026-01-15.101500+0100CET.html",
    )
    assert PidginLog().sniff(path, path.read_bytes()[:4096]) == 0.9
    records, warnings = _parse(path, tmp_path)
    assert warnings == []
    assert [(m.locator, m.sender, m.body, m.kind, m.sent_at) for m in _messages(records)] == [
        ("line 2", TOM, "Fancy a coffee & cake?", MessageKind.TEXT, _at(15, 10, 15, 2)),
        ("line 3", ANN, "See the menu (https://example.org/menu)", MessageKind.TEXT, _at(15, 10, 15, 40)),
        ("line 4", TOM, "tom.field nods", MessageKind.TEXT, _at(15, 10, 16, 0)),
        ("line 5", ANN, "line one\nline two", MessageKind.TEXT, _at(15, 10, 17, 0)),
        ("line 6", ANN, "Ann has signed off.", MessageKind.SYSTEM, _at(15, 10, 20, 0)),
        ("line 7", ANN, "[auto-reply] Back soon", MessageKind.TEXT, _at(15, 10, 25, 0)),
    ]


def test_aim_log_without_offset_is_local_time_and_partner_alias_identifies_me(tmp_path: Path) -> None:
    folder = tmp_path / ".purple" / "logs" / "aim" / "mysn" / "buddy42"
    folder.mkdir(parents=True)
    path = folder / "2006-12-21.223606.txt"
    path.write_text(
        "Conversation with buddy42 at 2006-12-21 22:36:06 on My SN (aim)\n"
        "(22:36:11) Buddy 42: what are you doing tomorrow?\n"
        "(10:37:00 PM) Gabe: football\n",
        encoding="utf-8",
    )
    records, warnings = _parse(path, tmp_path)
    assert warnings == []
    first, second = _messages(records)
    assert first.sender == AccountRef("aim", "buddy42")  # "Buddy 42" is the same screen name
    assert second.sender == AccountRef("aim", "My SN", "Gabe")  # the only other speaker is ME
    assert (first.sent_at, first.assumed_zone) == (
        datetime(2006, 12, 21, 21, 36, 11, tzinfo=UTC),
        "Europe/Oslo",
    )
    assert second.sent_at == datetime(2006, 12, 21, 21, 37, tzinfo=UTC)


def test_group_chat_aliases_are_occupant_jids(tmp_path: Path) -> None:
    path = _log(
        tmp_path,
        [
            f"Conversation with quiz@conference.example.org at 2026-01-15 20:00:00 on {ME_JID}/Home (jabber)",
            "(20:00:05) Tom: Quiz starts at 20:30",
            "(20:01:00) ann: We came third again",
            "(20:02:00) ann left the room.",
        ],
        partner="quiz@conference.example.org.chat",
        name="2026-01-15.200000+0100CET.txt",
    )
    records, warnings = _parse(path, tmp_path)
    assert warnings == []
    conversation = next(r for r in records if isinstance(r, ParsedConversation))
    assert (conversation.is_group, conversation.title) == (True, "quiz@conference.example.org")
    assert conversation.participants == (AccountRef("xmpp", ME_JID),)
    senders = [m.sender for m in _messages(records)]
    assert senders == [
        AccountRef("xmpp", "quiz@conference.example.org/Tom", "Tom"),
        AccountRef("xmpp", "quiz@conference.example.org/ann", "ann"),
        AccountRef("xmpp", "quiz@conference.example.org/ann", "ann"),
    ]


def test_malformed_lines_become_warnings(tmp_path: Path) -> None:
    path = _log(tmp_path, [HEADER, "stray text", "(25:61:00) Ann: bad clock", "(10:16:00) Ann: fine"])
    path.write_bytes(path.read_bytes().replace(b"fine", b"fi\xffne"))
    records, warnings = _parse(path, tmp_path)
    bad, fine = _messages(records)
    assert (bad.sent_at, bad.body) == (None, "bad clock")
    assert fine.body == "fi\ufffdne" and fine.sent_at == _at(15, 10, 16, 0)
    assert warnings == [
        ("byte 179", "not valid UTF-8 (invalid start byte); bad bytes read as U+FFFD"),
        ("line 2", "text before the first timestamped line; skipped"),
        ("line 3", "timestamp '25:61:00' is not a time of day: message time unknown"),
    ]


def test_unreadable_start_without_a_dated_file_name_leaves_times_unknown(tmp_path: Path) -> None:
    path = _log(
        tmp_path,
        [f"Conversation with {PARTNER_JID} at sometime on {ME_JID} (jabber)", "(10:15:02) Ann: hi"],
        name="log.txt",
    )
    records, warnings = _parse(path, tmp_path)
    [message] = _messages(records)
    assert (message.sent_at, message.sent_at_raw, message.assumed_zone) == (None, "10:15:02", None)
    assert warnings == [("line 1", "start time 'sometime' unreadable and not in the file name")]


def test_truncated_html_log_keeps_the_complete_lines(tmp_path: Path) -> None:
    path = _log(
        tmp_path,
        [
            f"<html><head><title>{HEADER}</title></head><body><h3>{HEADER}</h3>",
            '<font color="#A82F2F"><font size="2">(10:15:40)</font> <b>Ann:</b></font> Hi<br/>',
            '<font color="#A82F2F"><font size="2">(10:15:50)</font> <b>Ann',
        ],
        name="2026-01-15.101500+0100CET.html",
    )
    records, _ = _parse(path, tmp_path)
    messages = _messages(records)
    assert [m.body for m in messages] == ["Hi", "Ann"]
    assert messages[1].kind is MessageKind.SYSTEM


@pytest.mark.parametrize(
    "payload",
    [b"", b"Buy light bulbs\n", b"<html><body><p>Hello</p></body></html>", b"\x00\xff\xfe binary"],
)
def test_not_a_pidgin_log_is_wrong_format(tmp_path: Path, payload: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(payload)
    assert PidginLog().sniff(path, payload) == 0.0
    with pytest.raises(WrongFormat):
        list(PidginLog().parse(path, _ctx(tmp_path)))


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda text: text == text.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.tuples(st.booleans(), _TEXT, st.integers(min_value=1, max_value=5 * 3600)), min_size=1, max_size=12
    )
)
def test_any_text_round_trips_with_sender_and_time(
    tmp_path: Path, lines: list[tuple[bool, str, int]]
) -> None:
    start = datetime(2026, 1, 15, 10, 15, 0)
    moment, written, expected = start, [HEADER], []
    for from_me, text, gap in lines:
        moment += timedelta(seconds=gap)
        alias = "tom.field" if from_me else PARTNER_JID
        written.append(f"({moment:%H:%M:%S}) {alias}: {text}")
        sender = AccountRef("xmpp", ME_JID, "tom.field") if from_me else AccountRef("xmpp", PARTNER_JID)
        expected.append((sender, text, moment.replace(tzinfo=UTC) - timedelta(hours=1)))
    path = _log(tmp_path, written)
    records, warnings = _parse(path, tmp_path)
    assert warnings == []
    assert [(m.sender, m.body, m.sent_at) for m in _messages(records)] == expected


_LINE_PIECES = st.sampled_from(
    ["(10:15:02) ", "(25:00:00) ", "(1/16/2026 9:00:00 PM) ", "Ann: ", "***", ": ", "(", ")"]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.lists(st.one_of(_LINE_PIECES, st.text(max_size=12)), max_size=5), max_size=10),
    as_html=st.booleans(),
)
def test_arbitrary_lines_never_crash(tmp_path: Path, lines: list[list[str]], as_html: bool) -> None:
    body = ["".join(pieces).replace("\n", " ").replace("\r", " ") for pieces in lines]
    if as_html:
        body = [f'<font size="2">{line}</font> <b>{line}</b><br/>' for line in body]
        header = f"<html><head><title>{HEADER}</title></head><body>"
    else:
        header = HEADER
    path = _log(tmp_path, [header, *body], name="2026-01-15.101500+0100CET." + ("html" if as_html else "txt"))
    records, _ = _parse(path, tmp_path)
    assert len(_messages(records)) <= len(body)


def test_conformance_pidgin2adium_text_log(tmp_path: Path) -> None:
    path = CONFORMANCE / "pidgin2adium_2006-12-21.223606.txt"
    if not path.is_file():
        pytest.skip("conformance corpus not present")
    assert PidginLog().sniff(path, path.read_bytes()[:4096]) == 0.9
    records, warnings = _parse(path, tmp_path)
    assert warnings == []
    conversation = next(r for r in records if isinstance(r, ParsedConversation))
    assert (conversation.title, conversation.platform) == ("BUDDY_PERSON", "aim")
    assert conversation.participants == (AccountRef("aim", "awesome SN"), AccountRef("aim", "BUDDY_PERSON"))
    message, status = _messages(records)
    assert (message.kind, message.body, message.sent_at_raw) == (
        MessageKind.TEXT,
        "what are you doing tomorrow?",
        "22:36:11",
    )
    # Neither alias matches a header name and both are unmapped: they stay aliases.
    assert message.sender == AccountRef("aim", "Gabe B-W", "Gabe B-W")
    assert message.sent_at == datetime(2006, 12, 21, 21, 36, 11, tzinfo=UTC)  # 22:36:11 in Oslo
    assert message.assumed_zone == "Europe/Oslo"
    assert (status.kind, status.body, status.sent_at_raw) == (
        MessageKind.SYSTEM,
        "Leola Farber III logged out.",
        "23:06:06",
    )
    assert status.sender == AccountRef("aim", "Leola Farber III", "Leola Farber III")
    assert status.sent_at == datetime(2006, 12, 21, 22, 6, 6, tzinfo=UTC)
