"""Planted triage material: planned events, decoys and high-risk suspects (issue 6).

Into exported one-to-one chats between suspects the generator writes short, bland scripts
between two adults (`vocab.EVENT_SCRIPTS`): one names looking after a child, the other
arranges a visit, with a date expression rendered from the message day: relative ("next
Saturday", "neste lørdag", "in two weeks", "neste måned") or absolute ("on 14.04", "3. april",
"when she is born in May"). An event is *urgent* when its last day is not before the earliest
seizure of the exhibits holding the chat; *past* planned events name a day before it. Decoys
look alike but must raise no alert: a plan without a child, a child with a past date, and a
negated plan. High-risk suspects write two urgent events each, plus chatter about deleting
chats and paying. Everything planted is recorded for truth.json (`planted_records`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from darkroom.synth.conversations import ChatMessage, ScriptedConversation
from darkroom.synth.exhibits import CASE_TIMEZONE
from darkroom.synth.plan import CasePlan
from darkroom.synth.records import Conversation
from darkroom.synth.rng import derive_rng
from darkroom.synth.vocab import BIRTH_SCRIPTS, CHATTER_LINES, DAYS, DECOY_SCRIPTS, EVENT_SCRIPTS

Record = dict[str, object]
LOCAL = ZoneInfo(CASE_TIMEZONE)
# per scale: high-risk suspects, urgent events, past planned events, decoys of each kind
PLANTED_COUNTS: dict[str, tuple[int, int, int, int]] = {
    "small": (1, 3, 2, 2),
    "medium": (3, 6, 4, 4),
    "dark-room": (5, 12, 6, 8),
}
FORMS = ("weekday", "numeric", "birth", "in-days", "next-month", "day-month", "next-weekend")
DECOY_KINDS = ("no-child", "past-date", "negation")
_DAYS_NB = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")  # fmt: skip
_MONTHS_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
              "oktober", "november", "desember")  # fmt: skip
_PAST = {
    "en": ("last Saturday", "last weekend", "yesterday"),
    "nb": ("forrige lørdag", "forrige helg", "i går"),
}


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _shift_month(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def render_date(  # noqa: PLR0911 - one return per date form reads best
    form: str, language: str, sent: date, rng: random.Random, target: date
) -> tuple[str, date, date]:
    """The expression for `form` written on day `sent`, and the days it names (first, last).

    `target` steers forms that can name any day (numeric, day-month, birth month); the relative
    forms name what they name from `sent`.
    """
    en = language == "en"
    if form == "weekday":
        ahead = max(1, min(6, (target - sent).days))
        day = sent + timedelta(days=ahead)
        name = DAYS[day.weekday()] if en else _DAYS_NB[day.weekday()]
        modifier = rng.choice(("next", "on", "this") if en else ("neste", "på"))
        return f"{modifier} {name}", day, day
    if form == "in-days":
        days = rng.choice((10, 14))
        day = sent + timedelta(days=days)
        words = {10: ("ten days", "ti dager"), 14: ("two weeks", "to uker")}[days]
        return (f"in {words[0]}" if en else f"om {words[1]}"), day, day
    if form == "next-weekend":
        saturday = sent + timedelta(days=7 - sent.weekday() + 5)
        return ("next weekend" if en else "neste helg"), saturday, saturday + timedelta(days=1)
    if form == "next-month":
        year, month = _shift_month(sent, 1)
        return ("next month" if en else "neste måned"), date(year, month, 1), _month_end(year, month)
    if form == "birth":
        year, month = target.year, target.month
        label = _MONTHS_EN[month - 1] if en else _MONTHS_NB[month - 1]
        return (f"in {label}" if en else f"i {label}"), date(year, month, 1), _month_end(year, month)
    if form == "numeric":
        return (
            (f"on {target.day:02d}.{target.month:02d}" if en else f"den {target.day:02d}.{target.month:02d}"),
            target,
            target,
        )
    label = _MONTHS_EN[target.month - 1] if en else _MONTHS_NB[target.month - 1]
    return (f"on {target.day} {label}" if en else f"{target.day}. {label}"), target, target


def _sent_day_and_target(form: str, urgent: bool, seized: date, rng: random.Random) -> tuple[date, date]:
    """The message day and the day the plan should name, so the event lands where it must."""
    if urgent:
        lead = {"weekday": (1, 3), "in-days": (1, 8), "next-weekend": (1, 5)}.get(form, (1, 20))
        sent = seized - timedelta(days=rng.randint(*lead))
        if form == "weekday":
            return sent, seized + timedelta(days=rng.randint(1, 6 - (seized - sent).days))
        if form == "birth":
            year, month = _shift_month(seized, rng.randint(1, 4))
            return sent, date(year, month, 10)
        return sent, seized + timedelta(days=rng.randint(2, 45))
    sent = seized - timedelta(days=rng.randint(100, 200))
    if form == "birth":
        year, month = _shift_month(sent, rng.randint(1, 2))
        return sent, date(year, month, 10)
    return sent, sent + timedelta(days=rng.randint(1, 6) if form == "weekday" else rng.randint(2, 20))


def _at(day: date, rng: random.Random) -> datetime:
    """A waking-hours moment of a local day, in UTC."""
    local = datetime.combine(day, time(rng.randint(10, 19), rng.randrange(60)), tzinfo=LOCAL)
    return local.astimezone(UTC)


def _lines(
    script: tuple[tuple[str, str], ...],
    speakers: Mapping[str, str],
    start: datetime,
    rng: random.Random,
    **values: str,
) -> list[ChatMessage]:
    lines: list[ChatMessage] = []
    moment = start
    for who, template in script:
        lines.append(ChatMessage(moment, speakers[who], template.format(**values)))
        moment += timedelta(minutes=rng.randint(2, 9), seconds=rng.randrange(60))
    return lines


class _Planter:
    """Chooses conversations and writes scripts into them, collecting truth records."""

    def __init__(self, plan: CasePlan) -> None:
        self.plan = plan
        self.rng = derive_rng(plan.seed, "triage-events")
        self.seizure: dict[str, datetime] = {}
        self.exhibits: dict[str, list[str]] = {}
        for exhibit in plan.exhibits:
            for conversation_id in {c for ids in exhibit.chats.values() for c in ids}:
                self.exhibits.setdefault(conversation_id, []).append(exhibit.ref)
                current = self.seizure.get(conversation_id)
                self.seizure[conversation_id] = (
                    min(current, exhibit.seized_at) if current else exhibit.seized_at
                )
        self.scripts: dict[str, list[ChatMessage]] = {}
        self.records: dict[str, list[Record]] = {}
        self.used: set[str] = set()
        self.count = 0

    def owner(self, account_key: str) -> str:
        return self.plan.accounts.by_key[account_key].person

    def candidates(self, suspects_only: bool) -> list[Conversation]:
        found = []
        for conversation in sorted(self.plan.conversations.values(), key=lambda c: c.id):
            if conversation.group_name is not None or conversation.id not in self.seizure:
                continue
            people = [self.owner(key) for key in conversation.accounts]
            if len(set(people)) != 2:
                continue
            roles = {self.plan.population.by_id[p].role for p in people}
            if not suspects_only or "bystander" not in roles:
                found.append(conversation)
        return found

    def free(self, pool: list[Conversation]) -> list[Conversation]:
        return [c for c in pool if c.id not in self.used]

    def plant(self, conversation: Conversation, speaker_person: str, kind: str, **facts: object) -> Record:
        """Write one script into a conversation; `facts` must hold lines, language and texts."""
        self.used.add(conversation.id)
        self.count += 1
        lines: list[ChatMessage] = facts.pop("lines")  # type: ignore[assignment]
        self.scripts.setdefault(conversation.id, []).extend(lines)
        speaker = next(k for k in conversation.accounts if self.owner(k) == speaker_person)
        partner = next(k for k in conversation.accounts if k != speaker)
        record: Record = {
            "id": f"T{self.count:03d}",
            "kind": kind,
            "conversation": conversation.id,
            "speaker": speaker_person,
            "speaker_account": speaker,
            "partner": self.owner(partner),
            "partner_account": partner,
            "exhibits": sorted(self.exhibits[conversation.id]),
            "reference_seized_at": self.seizure[conversation.id].isoformat(),
            "messages": [
                {"sent_at": m.sent_at.isoformat(), "sender": m.sender, "text": m.text} for m in lines
            ],
            **facts,
        }
        self.records.setdefault(conversation.id, []).append(record)
        return record


def _plant_event(
    planter: _Planter, conversation: Conversation, speaker: str, urgent: bool, number: int, high_risk: bool
) -> Record:
    """A planned event: a form and a language in turn, dated so its urgency is as asked."""
    rng = planter.rng
    form = FORMS[number % len(FORMS)]
    language = ("en", "nb")[(number // len(FORMS) + number % len(FORMS)) % 2]  # each form in both
    seized = planter.seizure[conversation.id].astimezone(LOCAL).date()
    sent_day, target = _sent_day_and_target(form, urgent, seized, rng)
    text, first, last = render_date(form, language, sent_day, rng, target)
    if form == "birth":
        script = BIRTH_SCRIPTS[language]
    else:
        script = EVENT_SCRIPTS[language][rng.randrange(len(EVENT_SCRIPTS[language]))]
    partner = next(planter.owner(k) for k in conversation.accounts if planter.owner(k) != speaker)
    speakers = {
        "A": _account_of(planter, conversation, speaker),
        "B": _account_of(planter, conversation, partner),
    }
    lines = _lines(script, speakers, _at(sent_day, rng), rng, when=text)
    return planter.plant(
        conversation, speaker, "planned-event", lines=lines, language=language, date_form=form,
        date_text=text, event_first_day=first.isoformat(), event_last_day=last.isoformat(), urgent=urgent,
        expected_alert=True, high_risk=high_risk,
    )  # fmt: skip


def _account_of(planter: _Planter, conversation: Conversation, person: str) -> str:
    return next(k for k in conversation.accounts if planter.owner(k) == person)


def _plant_decoy(planter: _Planter, conversation: Conversation, kind: str, number: int) -> Record:
    """A look-alike that must raise no alert; dated well before the seizure."""
    rng = planter.rng
    language = ("en", "nb")[number % 2]
    first_person, second_person = (planter.owner(k) for k in conversation.accounts)
    seized = planter.seizure[conversation.id].astimezone(LOCAL).date()
    sent_day = seized - timedelta(days=rng.randint(3, 60))
    when, _, _ = render_date("weekday", language, sent_day, rng, sent_day + timedelta(days=rng.randint(1, 6)))
    past = rng.choice(_PAST[language])
    speakers = {"A": conversation.accounts[0], "B": conversation.accounts[1]}
    lines = _lines(DECOY_SCRIPTS[kind][language], speakers, _at(sent_day, rng), rng, when=when, past=past)
    return planter.plant(
        conversation, first_person, f"decoy-{kind}", lines=lines, language=language, expected_alert=False,
        urgent=False, high_risk=False, partner_person=second_person,
    )  # fmt: skip


def _plant_chatter(planter: _Planter, conversation: Conversation, speaker: str, before: datetime) -> None:
    """Two lines about deleting chats or paying from a high-risk suspect, days before an event."""
    rng = planter.rng
    language = rng.choice(("en", "nb"))
    day = (before - timedelta(days=rng.randint(4, 9))).astimezone(LOCAL).date()
    account = _account_of(planter, conversation, speaker)
    picked = rng.sample(CHATTER_LINES[language], 2)
    lines = _lines(tuple(("A", line) for line in picked), {"A": account}, _at(day, rng), rng)
    planter.plant(conversation, speaker, "chatter", lines=lines, language=language, expected_alert=False,
                  urgent=False, high_risk=True)  # fmt: skip


def _high_risk(
    planter: _Planter, pool: list[Conversation], wanted: int
) -> list[tuple[str, list[Conversation]]]:
    """Suspects with at least two exported chats with other suspects, drawn at random."""
    by_person: dict[str, list[Conversation]] = {}
    for conversation in pool:
        for key in conversation.accounts:
            person = planter.owner(key)
            if planter.plan.population.by_id[person].role == "suspect":
                by_person.setdefault(person, []).append(conversation)
    eligible = sorted(person for person, chats in by_person.items() if len(chats) >= 2)
    chosen = planter.rng.sample(eligible, min(wanted, len(eligible)))
    return [(person, by_person[person]) for person in sorted(chosen)]


def _spread(planter: _Planter, pool: list[Conversation], count: int, avoid: set[str]) -> list[Conversation]:
    """`count` free chats at random, people not yet involved first, each person in one of them."""
    free = planter.free(pool)
    planter.rng.shuffle(free)
    chosen: list[Conversation] = []
    for conversation in free:
        people = {planter.owner(key) for key in conversation.accounts}
        if len(chosen) < count and not people & avoid:
            chosen.append(conversation)
            avoid |= people
    chosen.extend(c for c in free if c not in chosen and len(chosen) < count)
    return chosen[:count]


def plant_events(plan: CasePlan) -> CasePlan:
    """The plan with triage material planted into some of its exported chats: high-risk suspects
    lead two urgent events each; other events and decoys go to people not yet involved."""
    high_risk_count, urgent_count, past_count, decoys_each = PLANTED_COUNTS[plan.profile.name]
    planter = _Planter(plan)
    pool = planter.candidates(suspects_only=True)
    chosen = _high_risk(planter, pool, high_risk_count)
    involved = {person for person, _ in chosen}
    number = 0
    for person, chats in chosen:
        mine = _spread(planter, chats, 2, involved - {person})
        involved.update(planter.owner(key) for conversation in mine for key in conversation.accounts)
        for conversation in mine:
            _plant_event(planter, conversation, person, True, number, True)
            number += 1
            urgent_count -= 1
        if mine:
            first = planter.records[mine[0].id][0]["messages"]
            first_sent = datetime.fromisoformat(str(first[0]["sent_at"]))  # type: ignore[index]
            _plant_chatter(planter, mine[0], person, first_sent)
    for urgent, count in ((True, max(0, urgent_count)), (False, past_count)):
        for conversation in _spread(planter, pool, count, involved):
            speaker = planter.rng.choice(sorted(planter.owner(k) for k in conversation.accounts))
            _plant_event(planter, conversation, speaker, urgent, number, False)
            number += 1
    others = _spread(
        planter, planter.candidates(suspects_only=False), decoys_each * len(DECOY_KINDS), involved
    )
    for index, conversation in enumerate(others):
        _plant_decoy(planter, conversation, DECOY_KINDS[index % len(DECOY_KINDS)], index)
    return replace(plan, conversations=_scripted(plan, planter))


def _scripted(plan: CasePlan, planter: _Planter) -> dict[str, Conversation]:
    updated: dict[str, Conversation] = dict(plan.conversations)
    for conversation_id, lines in planter.scripts.items():
        base = plan.conversations[conversation_id]
        values = {f.name: getattr(base, f.name) for f in fields(Conversation)}
        updated[conversation_id] = ScriptedConversation(
            **values,
            script=tuple(sorted(lines, key=lambda line: line.sent_at)),
            script_seed=base.seed,
            planted=tuple(planter.records[conversation_id]),
        )
    return updated


def planted_records(plan: CasePlan) -> list[Mapping[str, object]]:
    """Every planted script's truth record, in id order."""
    found = [
        record
        for conversation in plan.conversations.values()
        if isinstance(conversation, ScriptedConversation)
        for record in conversation.planted
    ]
    return sorted(found, key=lambda record: str(record["id"]))


def high_risk_records(plan: CasePlan) -> list[Record]:
    """The planted high-risk suspects and the urgent events they wrote."""
    people: dict[str, list[str]] = {}
    for record in planted_records(plan):
        if record.get("high_risk") and record["kind"] == "planned-event":
            people.setdefault(str(record["speaker"]), []).append(str(record["id"]))
    return [
        {"person": person, "name": plan.population.by_id[person].name, "events": events}
        for person, events in sorted(people.items())
    ]
