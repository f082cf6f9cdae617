"""Planned events: indicator windows of a conversation whose categories co-occur (access to a
child and planning, ...) and which name a date after the message that is not marked as past.

A window is every indicator message within `window_hours` of another in one conversation;
windows that satisfy a rule of the profile merge into clusters. The cluster's messages, and
their `date_neighbours` on each side, are searched for date expressions (rules and dateparser,
`dates.find_dates`), each against its own message's local time. The chosen date is the one
written closest to the indicator messages.

One event however many messages or copies raised it: events with the same days and either
the same subjects or a raising message in common (the same text at the same minute, as in a
chat exported from two seized phones) are one event. It is urgent when its last day is not
before the earliest seizure of the exhibits that hold its messages.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from darkroom.timeutil import from_iso, to_iso
from darkroom.triage.dates import DateFind, find_dates, future_finds
from darkroom.triage.normalize import normalize
from darkroom.triage.profile import EventSettings
from darkroom.triage.subjects import SubjectIndex

_HITS_SQL = text(
    """
    SELECT h.conversation_id, h.message_id, h.category, h.language, m.sent_at_utc, m.sender_account_id,
           m.exhibit_id
    FROM indicator_hits h JOIN messages m ON m.id = h.message_id
    WHERE m.sent_at_utc IS NOT NULL AND h.category IN (SELECT value FROM json_each(:categories))
    ORDER BY h.conversation_id, m.sent_at_utc, h.message_id
    """
)
_AROUND_SQL = text(
    "SELECT id, body, sent_at_utc, sender_account_id, exhibit_id FROM messages "
    "WHERE conversation_id = :c AND sent_at_utc BETWEEN :a AND :b AND kind IN ('text', 'media') "
    "ORDER BY sent_at_utc, id"
)
_MARGIN = timedelta(hours=12)
_MAX_AROUND = 400


@dataclass(slots=True)
class HitMessage:
    """One message with indicator hits in the categories events are made of."""

    message_id: int
    conversation_id: int
    sent_at: datetime
    sender_account_id: int | None
    exhibit_id: int
    categories: Counter[str] = field(default_factory=Counter)
    languages: set[str] = field(default_factory=set)


@dataclass(slots=True)
class PlannedEvent:
    """A plan with a date, from one or more clusters (and copies of a conversation)."""

    find: DateFind
    date_message_id: int
    subjects: set[str]
    leads: set[str]  # subjects who wrote lines of a lead category
    conversations: set[int]
    categories: Counter[str]
    roles: dict[int, str]  # message id -> indicator | date | indicator+date
    fingerprints: set[tuple[str, str]]  # (minute, normalized-body digest) of the raising messages
    first_at: datetime
    last_at: datetime
    exhibit_ids: set[int]
    reference_seized_at: datetime | None = None
    urgent: bool = False
    event_key: str = ""

    @property
    def days(self) -> tuple[date, date]:
        return self.find.first_day, self.find.last_day


def load_hit_messages(conn: Connection, categories: Iterable[str]) -> dict[int, list[HitMessage]]:
    """Per conversation, its messages with hits in `categories`, in time order."""
    by_conversation: dict[int, list[HitMessage]] = defaultdict(list)
    current: HitMessage | None = None
    for row in conn.execute(_HITS_SQL, {"categories": json.dumps(sorted(categories))}):
        if current is None or current.message_id != row.message_id:
            current = HitMessage(
                int(row.message_id),
                int(row.conversation_id),
                from_iso(row.sent_at_utc),
                row.sender_account_id,
                int(row.exhibit_id),
            )
            by_conversation[current.conversation_id].append(current)
        current.categories[row.category] += 1
        current.languages.add(row.language)
    return by_conversation


def clusters(messages: list[HitMessage], settings: EventSettings) -> list[list[HitMessage]]:
    """Runs of messages whose windows satisfy a rule, merged where windows overlap."""
    window = timedelta(hours=settings.window_hours)
    ranges: list[tuple[int, int]] = []
    low = high = 0
    for index, anchor in enumerate(messages):
        while messages[low].sent_at < anchor.sent_at - window:
            low += 1
        high = max(high, index)
        while high + 1 < len(messages) and messages[high + 1].sent_at <= anchor.sent_at + window:
            high += 1
        present = {category for m in messages[low : high + 1] for category in m.categories}
        if any(rule <= present for rule in settings.rules):
            if ranges and low <= ranges[-1][1]:
                ranges[-1] = (ranges[-1][0], max(ranges[-1][1], high))
            else:
                ranges.append((low, high))
    return [messages[first : last + 1] for first, last in ranges]


@dataclass(frozen=True, slots=True)
class EventContext:
    """What event detection needs besides the hits."""

    settings: EventSettings
    subjects: SubjectIndex
    zone: ZoneInfo
    participants: dict[int, set[int]]  # conversation -> account ids
    seizures: dict[int, datetime]  # exhibit id -> seized at (UTC)


def load_context(
    conn: Connection, settings: EventSettings, subjects: SubjectIndex, zone: ZoneInfo
) -> EventContext:
    participants: dict[int, set[int]] = defaultdict(set)
    for row in conn.execute(text("SELECT conversation_id, account_id FROM conversation_participants")):
        participants[int(row.conversation_id)].add(int(row.account_id))
    seizures = {
        int(row.id): from_iso(row.seized_at_utc)
        for row in conn.execute(text("SELECT id, seized_at_utc FROM exhibits"))
    }
    return EventContext(settings, subjects, zone, dict(participants), seizures)


def _fingerprint(sent_at: datetime, body: str) -> tuple[str, str]:
    minute = sent_at.replace(second=0, microsecond=0).isoformat()
    return minute, hashlib.sha256(normalize(body).encode()).hexdigest()[:16]


def event_of(conn: Connection, cluster: list[HitMessage], ctx: EventContext) -> PlannedEvent | None:
    """The planned event a cluster names, or None when it names no future date."""
    conversation = cluster[0].conversation_id
    rows = conn.execute(
        _AROUND_SQL,
        {
            "c": conversation,
            "a": to_iso(cluster[0].sent_at - _MARGIN),
            "b": to_iso(cluster[-1].sent_at + _MARGIN),
        },
    ).all()
    around = list(rows[:_MAX_AROUND])
    position = {int(row.id): index for index, row in enumerate(around)}
    hit_positions = [position[m.message_id] for m in cluster if m.message_id in position]
    if not hit_positions:
        return None
    languages = sorted({language for m in cluster for language in m.languages})
    best: tuple[tuple[int, date], DateFind, Any] | None = None
    for index, row in enumerate(around):
        distance = min(abs(index - hit) for hit in hit_positions)
        if distance > ctx.settings.date_neighbours:
            continue
        sent_local = from_iso(row.sent_at_utc).astimezone(ctx.zone)
        for find in future_finds(find_dates(row.body, sent_local, languages), sent_local.date()):
            rank = (distance, find.first_day)
            if best is None or rank < best[0]:
                best = (rank, find, row)
    if best is None:
        return None
    _, find, date_row = best
    return _assemble(cluster, around, position, find, date_row, ctx)


def _assemble(
    cluster: list[HitMessage],
    around: list[Any],
    position: dict[int, int],
    find: DateFind,
    date_row: Any,
    ctx: EventContext,
) -> PlannedEvent:
    conversation = cluster[0].conversation_id
    accounts = ctx.participants.get(conversation) or {
        int(row.sender_account_id) for row in around if row.sender_account_id is not None
    }
    roles = {m.message_id: "indicator" for m in cluster}
    date_id = int(date_row.id)
    roles[date_id] = "indicator+date" if date_id in roles else "date"
    raising = [around[position[mid]] for mid in roles if mid in position]
    times = [from_iso(row.sent_at_utc) for row in raising]
    categories: Counter[str] = Counter()
    for message in cluster:
        categories.update(message.categories)
    lead = ctx.settings.leads.intersection(categories)
    return PlannedEvent(
        find=find,
        date_message_id=date_id,
        subjects={ctx.subjects.key(account) for account in accounts},
        leads={
            ctx.subjects.key(m.sender_account_id)
            for m in cluster
            if m.sender_account_id is not None and lead.intersection(m.categories)
        },
        conversations={conversation},
        categories=categories,
        roles=roles,
        fingerprints={_fingerprint(from_iso(row.sent_at_utc), row.body) for row in raising},
        first_at=min(times),
        last_at=max(times),
        exhibit_ids={int(row.exhibit_id) for row in raising},
    )


def merge_events(
    events: list[PlannedEvent], seizures: dict[int, datetime], zone: ZoneInfo
) -> list[PlannedEvent]:
    """One event per plan: same days and same subjects, or a raising message in common."""
    parent = list(range(len(events)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[Any, int] = {}
    for index, event in enumerate(events):
        keys: list[Any] = [(event.days, tuple(sorted(event.subjects)))]
        keys.extend((event.days, fingerprint) for fingerprint in event.fingerprints)
        for key in keys:
            if key in owner:
                parent[root(index)] = root(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[PlannedEvent]] = defaultdict(list)
    for index, event in enumerate(events):
        groups[root(index)].append(event)
    merged = [_combine(group) for group in groups.values()]
    for event in merged:
        _finish(event, seizures, zone)
    return merged


def _combine(group: list[PlannedEvent]) -> PlannedEvent:
    first = min(group, key=lambda e: (e.first_at, e.date_message_id))
    combined = PlannedEvent(
        find=first.find,
        date_message_id=first.date_message_id,
        subjects=set().union(*(e.subjects for e in group)),
        leads=set().union(*(e.leads for e in group)),
        conversations=set().union(*(e.conversations for e in group)),
        categories=Counter(),
        roles={},
        fingerprints=set().union(*(e.fingerprints for e in group)),
        first_at=min(e.first_at for e in group),
        last_at=max(e.last_at for e in group),
        exhibit_ids=set().union(*(e.exhibit_ids for e in group)),
    )
    for event in group:
        for category, count in event.categories.items():  # copies repeat hits: count the largest
            combined.categories[category] = max(combined.categories[category], count)
        combined.roles.update(event.roles)
    return combined


def _finish(event: PlannedEvent, seizures: dict[int, datetime], zone: ZoneInfo) -> None:
    """The reference seizure, urgency and the stable key (days + earliest raising message)."""
    seized = [seizures[e] for e in event.exhibit_ids if e in seizures]
    if seized:
        event.reference_seized_at = min(seized)
        event.urgent = event.find.last_day >= event.reference_seized_at.astimezone(zone).date()
    else:  # no seizure known: nothing says the day has passed
        event.urgent = True
    anchor = min(event.fingerprints)
    payload = json.dumps([event.find.first_day.isoformat(), event.find.last_day.isoformat(), *anchor])
    event.event_key = hashlib.sha256(payload.encode()).hexdigest()[:24]


def detect_events(
    conn: Connection, ctx: EventContext, progress: Callable[[int, int], None] | None = None
) -> list[PlannedEvent]:
    """Every planned event in the case, merged and with urgency decided."""
    categories = set().union(*ctx.settings.rules)
    by_conversation = load_hit_messages(conn, categories)
    found: list[PlannedEvent] = []
    for number, messages in enumerate(by_conversation.values(), start=1):
        present = {category for m in messages for category in m.categories}
        if any(rule <= present for rule in ctx.settings.rules):
            for cluster in clusters(messages, ctx.settings):
                event = event_of(conn, cluster, ctx)
                if event is not None:
                    found.append(event)
        if progress and number % 200 == 0:
            progress(number, len(by_conversation))
    if progress:
        progress(len(by_conversation), len(by_conversation))
    return merge_events(found, ctx.seizures, ctx.zone)
