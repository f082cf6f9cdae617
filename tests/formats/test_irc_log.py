"""supybot IRC logs: a generated ChannelLogger file, malformed variants, the conformance file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from darkroom.errors import WrongFormat
from darkroom.formats.base import AccountRef, ParseContext, ParsedConversation, ParsedMessage, Record
from darkroom.formats.irc_log import IrcLog
from darkroom.model import MessageKind

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO.parent / "shared" / "conformance" / "xmpp_irc"


def _ctx(tmp_path: Path) -> ParseContext:
    return ParseContext(
        exhibit_ref="EX-1", display_path="x", region="NO", zone_name="Europe/Oslo", work_dir=tmp_path
    )


def _parse(path: Path, tmp_path: Path) -> tuple[list[Record], list[tuple[str, str]]]:
    ctx = _ctx(tmp_path)
    return list(IrcLog().parse(path, ctx)), ctx.warnings


def _messages(records: list[Record]) -> list[ParsedMessage]:
    return [record for record in records if isinstance(record, ParsedMessage)]


def test_channel_logger_file_kinds_senders_and_local_times(tmp_path: Path) -> None:
    folder = tmp_path / "logs" / "ChannelLogger" / "examplenet" / "#fivealside"
    folder.mkdir(parents=True)
    path = folder / "#fivealside.2026-01-15.log"
    path.write_text(
        "2026-01-15T20:00:05  *** tom_f has joined #fivealside\n"
        "2026-01-15T20:00:30  <tom_f> Pitch 3 tonight?\n"
        "2026-01-15T20:01:00  * ann_l nods\n"
        "2026-01-15T20:01:10  -ChanServ- Welcome to #fivealside\n"
        "garbage without a stamp\n"
        "2026-01-15T20:02:00  *** ann_l is now known as ann_lee\n"
        "\n",
        encoding="utf-8",
    )
    assert IrcLog().sniff(path, path.read_bytes()) == 0.85
    records, warnings = _parse(path, tmp_path)
    assert records[0] == ParsedConversation(
        key=path.name, platform="irc", title="#fivealside", is_group=True, locator="line 1"
    )
    assert [(m.locator, m.sender, m.body, m.kind) for m in _messages(records)] == [
        ("line 1", AccountRef("irc", "tom_f", "tom_f"), "tom_f has joined #fivealside", MessageKind.SYSTEM),
        ("line 2", AccountRef("irc", "tom_f", "tom_f"), "Pitch 3 tonight?", MessageKind.TEXT),
        ("line 3", AccountRef("irc", "ann_l", "ann_l"), "ann_l nods", MessageKind.TEXT),
        ("line 4", AccountRef("irc", "ChanServ", "ChanServ"), "Welcome to #fivealside", MessageKind.TEXT),
        ("line 6", AccountRef("irc", "ann_l", "ann_l"), "ann_l is now known as ann_lee", MessageKind.SYSTEM),
    ]
    first = _messages(records)[0]
    assert (first.sent_at, first.sent_at_raw, first.assumed_zone) == (
        datetime(2026, 1, 15, 19, 0, 5, tzinfo=UTC),
        "2026-01-15T20:00:05",
        "Europe/Oslo",
    )
    assert warnings == [("line 5", "not a log line: 'garbage without a stamp'; skipped")]


def test_bad_stamp_and_bad_bytes_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "x.log"
    path.write_bytes(b"2026-01-15T20:00:05  <tom_f> caf\xe9\n2026-13-45T20:00:05  <tom_f> odd\n")
    records, warnings = _parse(path, tmp_path)
    first, second = _messages(records)
    assert first.body == "caf\ufffd" and second.sent_at is None
    assert [text for _, text in warnings] == [
        "not valid UTF-8 (invalid continuation byte); bad bytes read as U+FFFD",
        "timestamp '2026-13-45T20:00:05' is not a date-time: message time unknown",
    ]


def test_not_an_irc_log_is_wrong_format(tmp_path: Path) -> None:
    path = tmp_path / "notes.log"
    path.write_bytes(b"Buy light bulbs\n2026-01-15 did stuff\n")
    assert IrcLog().sniff(path, path.read_bytes()) == 0.0
    with pytest.raises(WrongFormat):
        list(IrcLog().parse(path, _ctx(tmp_path)))


def test_conformance_irclog2html_supybot_log(tmp_path: Path) -> None:
    path = CONFORMANCE / "irclog2html_2005-01-08-test1.log"
    if not path.is_file():
        pytest.skip("conformance corpus not present")
    assert IrcLog().sniff(path, path.read_bytes()[:4096]) == 0.85
    records, warnings = _parse(path, tmp_path)
    assert warnings == []
    conversation = records[0]
    assert isinstance(conversation, ParsedConversation) and conversation.title == "#pov"
    messages = _messages(records)
    assert len(messages) == 8
    spoken = [m for m in messages if m.kind is MessageKind.TEXT]
    joins = [m for m in messages if m.kind is MessageKind.SYSTEM]
    assert len(spoken) == 6 and len(joins) == 2
    assert {m.sender.handle for m in spoken if m.sender} == {"mgedmin", "povbot"}
    assert [m.body for m in joins] == ["povbot has joined #pov", "povbot has joined #pov"]
    assert (messages[0].sent_at_raw, messages[-1].sent_at_raw) == (
        "2005-01-08T23:33:54",
        "2005-01-08T23:47:54",
    )
    assert messages[0].sent_at == datetime(2005, 1, 8, 22, 33, 54, tzinfo=UTC)
