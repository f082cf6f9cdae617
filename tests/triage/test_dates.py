"""Date expressions resolved against the message's own time: a labelled English and Norwegian set,
and properties that hold for any message day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.triage.daterules import find_rule_dates
from darkroom.triage.dates import find_dates, future_finds

WEDNESDAY = datetime(2026, 2, 18, 20, 15)  # a Wednesday evening, local time
D = date.fromisoformat

LABELLED = [
    # (text, expression, first day, last day, past)
    ("I'm looking after her next Saturday, come over", "next Saturday", "2026-02-21", "2026-02-21", False),
    ("Jeg passer henne neste lørdag, kom innom", "neste lørdag", "2026-02-21", "2026-02-21", False),
    ("på lørdag da", "på lørdag", "2026-02-21", "2026-02-21", False),
    ("lordag kveld?", "lordag", "2026-02-21", "2026-02-21", False),
    ("on Wednesday", "on Wednesday", "2026-02-25", "2026-02-25", False),  # said on a Wednesday: a week on
    ("Saturday after next", "Saturday after next", "2026-02-28", "2026-02-28", False),
    ("lørdagen etter neste", "lørdagen etter neste", "2026-02-28", "2026-02-28", False),
    ("we met last Saturday", "last Saturday", "2026-02-14", "2026-02-14", True),
    ("forrige lørdag", "forrige lørdag", "2026-02-14", "2026-02-14", True),
    ("when she is born in March", "in March", "2026-03-01", "2026-03-31", False),
    ("når hun blir født i mars", "i mars", "2026-03-01", "2026-03-31", False),
    ("termin i mai", "i mai", "2026-05-01", "2026-05-31", False),
    ("i juni i fjor", "i juni i fjor", "2026-06-01", "2026-06-30", True),
    ("Her mum is away on 14.03", "14.03", "2026-03-14", "2026-03-14", False),
    ("hun er hos meg 14.03.2026", "14.03.2026", "2026-03-14", "2026-03-14", False),
    ("on 14/03", "14/03", "2026-03-14", "2026-03-14", False),
    ("the 3rd of April", "the 3rd of April", "2026-04-03", "2026-04-03", False),
    ("den 3. april", "3. april", "2026-04-03", "2026-04-03", False),
    ("on Friday 3 April", "on Friday 3 April", "2026-04-03", "2026-04-03", False),
    ("see you on the 14th", "on the 14th", "2026-03-14", "2026-03-14", False),
    ("14.02 it was", "14.02", "2027-02-14", "2027-02-14", True),  # next 14.02 is beyond the horizon
    ("in two weeks then", "in two weeks", "2026-03-04", "2026-03-04", False),
    ("om to uker", "om to uker", "2026-03-04", "2026-03-04", False),
    ("om 3 dager", "om 3 dager", "2026-02-21", "2026-02-21", False),
    ("for to uker siden", "for to uker siden", "2026-02-04", "2026-02-04", True),
    ("two weeks ago", "two weeks ago", "2026-02-04", "2026-02-04", True),
    ("next month", "next month", "2026-03-01", "2026-03-31", False),
    ("neste måned", "neste måned", "2026-03-01", "2026-03-31", False),
    ("this weekend", "this weekend", "2026-02-21", "2026-02-22", False),
    ("i helga", "i helga", "2026-02-21", "2026-02-22", False),
    ("next weekend", "next weekend", "2026-02-28", "2026-03-01", False),
    ("neste helg", "neste helg", "2026-02-28", "2026-03-01", False),
    ("the weekend after next", "the weekend after next", "2026-02-28", "2026-03-01", False),
    ("next week", "next week", "2026-02-23", "2026-03-01", False),
    ("neste uke", "neste uke", "2026-02-23", "2026-03-01", False),
    ("tomorrow at 8", "tomorrow", "2026-02-19", "2026-02-19", False),
    ("i morgen kveld", "i morgen", "2026-02-19", "2026-02-19", False),
    ("i går", "i går", "2026-02-17", "2026-02-17", True),
    ("tonight", "tonight", "2026-02-18", "2026-02-18", False),
    ("2026-04-14", "2026-04-14", "2026-04-14", "2026-04-14", False),
]


@pytest.mark.parametrize(("text", "expression", "first", "last", "past"), LABELLED)
def test_labelled_expressions(text: str, expression: str, first: str, last: str, past: bool) -> None:
    finds = find_dates(text, WEDNESDAY)
    assert [(f.text, f.first_day, f.last_day, f.past) for f in finds] == [
        (expression, D(first), D(last), past)
    ]
    assert text[finds[0].start : finds[0].end] == expression


@pytest.mark.parametrize(
    "text",
    ["Sounds good, we will see", "I may come", "kl 14.30", "i morges", "at 10.45", "version 2.0 works"],
)
def test_words_that_are_not_dates(text: str) -> None:
    assert future_finds(find_dates(text, WEDNESDAY), WEDNESDAY.date()) == []


def test_dateparser_reads_what_the_rules_do_not() -> None:
    finds = find_dates("vi sees 25 februar 2026", WEDNESDAY, ["nb"])
    assert [(f.first_day, f.method) for f in finds] == [(D("2026-02-25"), "rule:day-month")]
    finds = find_dates("wir sehen uns am Samstag", WEDNESDAY, ["de"])  # German: dateparser's part
    assert [(f.first_day, f.method, f.past) for f in finds] == [(D("2026-02-21"), "dateparser", False)]


DAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAYS_NB = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
MESSAGE_DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@given(MESSAGE_DAYS, st.integers(0, 6), st.sampled_from(["next", "on", "neste", "på"]))
def test_a_weekday_is_the_first_one_after_the_message_day(sent: date, weekday: int, modifier: str) -> None:
    name = (DAYS_EN if modifier in {"next", "on"} else DAYS_NB)[weekday]
    (find,) = find_rule_dates(f"{modifier} {name}", sent)
    assert find.first_day.weekday() == weekday
    assert 1 <= (find.first_day - sent).days <= 7
    assert not find.past


@given(
    MESSAGE_DAYS,
    st.integers(1, 12),
    st.sampled_from(["in {n} days", "om {n} dager", "in {n} weeks", "om {n} uker"]),
)
def test_in_n_units_counts_from_the_message_day(sent: date, n: int, form: str) -> None:
    (find,) = find_rule_dates(form.format(n=n), sent)
    step = 7 if "week" in form or "uke" in form else 1
    assert find.first_day == sent + timedelta(days=n * step)


@given(MESSAGE_DAYS, st.integers(1, 28), st.integers(1, 12))
def test_a_day_and_month_is_its_next_occurrence(sent: date, day: int, month: int) -> None:
    (find,) = find_rule_dates(f"den {day:02d}.{month:02d}", sent)
    assert (find.first_day.day, find.first_day.month) == (day, month)
    assert 0 <= (find.first_day - sent).days <= 366
    assert find.past == ((find.first_day - sent).days > 240)
