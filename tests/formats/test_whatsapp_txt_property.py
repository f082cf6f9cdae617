"""Property: any chat rendered in a supported WhatsApp layout parses back to the same senders,
bodies and times (minute-accurate, second-accurate where the layout prints seconds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from darkroom.formats.base import ParseContext, ParsedMessage
from darkroom.formats.whatsapp_txt import WhatsAppText

OSLO = ZoneInfo("Europe/Oslo")
NARROW_SPACE = "\u202f"  # iOS and newer Android print it before AM/PM
MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Any printable text (ZWJ U+200D included) but line breaks, control characters and the
# direction marks the parser strips; tabs are allowed.
_CHARACTERS = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs"),
    exclude_characters=MARKS + "\ufeff",
    include_characters="\t",
)


def _is_sender(name: str) -> bool:
    # a sender never holds ": " (the split point); an unbalanced '"' marks a quoted group subject
    return bool(name) and ": " not in name and '"' not in name


senders = st.text(_CHARACTERS, min_size=1, max_size=20).map(str.strip).filter(_is_sender)
body_lines = st.one_of(
    st.text(_CHARACTERS, max_size=40),
    st.sampled_from(
        ["Score : 2-1", "kick-off: 18:00", "a : b : c", "", "  indented", "emoji 👨\u200d👩\u200d👧"]
    ),
)


def _is_body(lines: list[str]) -> bool:
    # a continuation line that starts like a header would be one (no parser can tell them
    # apart), and blank lines at the end of a body are file layout, not text
    continuation = lines[1:]
    if continuation and continuation[-1] == "":
        return False
    return not any(line[:1].isdigit() or line[:1] == "[" for line in continuation)


bodies = st.lists(body_lines, min_size=1, max_size=4).filter(_is_body)


@dataclass(frozen=True)
class Layout:
    name: str
    header: Callable[[datetime], str]
    newline: str
    has_seconds: bool


def _twelve_hour(moment: datetime, spacer: str, am: str, pm: str) -> str:
    hour = moment.hour % 12 or 12
    return (
        f"{moment.month}/{moment.day}/{moment:%y}, {hour}:{moment:%M}{spacer}{am if moment.hour < 12 else pm}"
    )


LAYOUTS = [
    Layout("android-24h-dmy", lambda t: f"{t:%d/%m/%Y, %H:%M} - ", "\n", False),
    Layout("android-12h-mdy", lambda t: f"{_twelve_hour(t, ' ', 'AM', 'PM')} - ", "\n", False),
    Layout(
        "android-12h-narrow", lambda t: f"{_twelve_hour(t, NARROW_SPACE, 'a. m.', 'p. m.')} - ", "\n", False
    ),
    Layout("ios-dotted-seconds", lambda t: f"[{t:%d.%m.%y, %H:%M:%S}] ", "\r\n", True),
    Layout("nb-NO", lambda t: f"{t:%d.%m.%Y, %H:%M} - ", "\n", False),
    Layout("de-DE", lambda t: f"{t:%d.%m.%y, %H:%M} - ", "\n", False),
]


def _unambiguous_in_oslo(moment: datetime) -> bool:
    """Wall-clock times that exist exactly once in Oslo (not in a DST gap or repeated hour):
    the others have no single true UTC reading, so a round trip cannot be asserted on them."""
    for minute_time in (moment.replace(second=0), moment):
        local = minute_time.replace(tzinfo=OSLO, fold=0)
        back = local.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None)
        if back != minute_time or local.utcoffset() != minute_time.replace(tzinfo=OSLO, fold=1).utcoffset():
            return False
    return True


# Hypothesis also draws fold=1 datetimes; a chat export's text has no fold, so neither do these.
times = (
    st.datetimes(min_value=datetime(2010, 1, 1), max_value=datetime(2035, 12, 31, 23, 59, 59))
    .map(lambda moment: moment.replace(fold=0))
    .filter(_unambiguous_in_oslo)
)
chats = st.lists(st.tuples(times, senders, bodies), min_size=1, max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=st.sampled_from(LAYOUTS), chat=chats)
def test_round_trip(tmp_path: Path, layout: Layout, chat: list[tuple[datetime, str, list[str]]]) -> None:
    rows = sorted(
        (moment.replace(microsecond=0, second=moment.second if layout.has_seconds else 0), sender, lines)
        for moment, sender, lines in chat
    )
    text = layout.newline.join(
        f"{layout.header(moment)}{sender}: {layout.newline.join(lines)}" for moment, sender, lines in rows
    )
    path = tmp_path / "chat.txt"
    path.write_bytes((text + layout.newline).encode("utf-8"))
    ctx = ParseContext("EX-1", "x", "NO", "Europe/Oslo", tmp_path)
    records = list(WhatsAppText().parse(path, ctx))
    messages = [r for r in records if isinstance(r, ParsedMessage)]
    assert [(_handle(m), m.body, m.sent_at) for m in messages] == [
        (sender, "\n".join(lines), moment.replace(tzinfo=OSLO).astimezone(UTC))
        for moment, sender, lines in rows
    ]
    assert all(locator == "file" for locator, _ in ctx.warnings)  # at most the day/month note


def _handle(message: ParsedMessage) -> str | None:
    return message.sender.handle if message.sender else None
