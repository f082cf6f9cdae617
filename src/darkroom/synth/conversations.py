"""Who chats with whom, and the messages of each chat as a deterministic stream.

Only chats a seized owner takes part in are planned (no other chat can reach the evidence).
Messages are bland everyday small talk between adults; a chat exported from two seized phones
carries the same messages because both copies stream from the conversation's own seed.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from darkroom.synth.accounts import AccountBook
from darkroom.synth.population import Population
from darkroom.synth.records import Account, Conversation, TieKind
from darkroom.synth.rng import derive_seed
from darkroom.synth.vocab import DAYS, GROUP_NAMES_NETWORK, SECOND_LINES, SMALL_TALK, TEAMS

CHATS_BEGIN = datetime(2024, 1, 1, tzinfo=UTC)
CHATS_END = datetime(2026, 2, 28, tzinfo=UTC)
_PAIR_CHAT_CHANCE: dict[TieKind, float] = {
    "network": 0.9,
    "family": 0.75,
    "colleague": 0.45,
    "friend": 0.6,
    "acquaintance": 0.3,
}


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message as sent: UTC time, sender account key, text (may hold a line break)."""

    sent_at: datetime
    sender: str
    text: str


@dataclass(frozen=True, slots=True)
class ScriptedConversation(Conversation):
    """A conversation with planted lines (`synth/events.py`) merged into its small talk.

    `script_seed` is the seed the script belongs to: a copy of the conversation re-seeded for
    another platform (a Messenger thread of the same people) does not carry it. `planted` holds
    the truth.json records of what was planted.
    """

    script: tuple[ChatMessage, ...] = ()
    script_seed: int = 0
    planted: tuple[Mapping[str, object], ...] = ()


SCRIPT_QUIET = timedelta(hours=14)  # no small talk this close to a planted line: it stands alone


def plan_conversations(
    population: Population, accounts: AccountBook, seed: int, rng: random.Random
) -> list[Conversation]:
    """WhatsApp chats for ties touching a seized owner, plus network, family and work groups."""
    seized = set(population.seized)
    planned: list[tuple[tuple[str, ...], str | None]] = []
    for tie in population.ties:
        if (tie.a in seized or tie.b in seized) and rng.random() < _PAIR_CHAT_CHANCE[tie.kind]:
            first = _chat_account(accounts, tie.a, tie.kind, rng)
            second = _chat_account(accounts, tie.b, tie.kind, rng)
            if first is not None and second is not None:
                planned.append(((first.key, second.key), None))
    planned.extend(_group_chats(population, accounts, rng))
    conversations: list[Conversation] = []
    for number, (members, group_name) in enumerate(planned, start=1):
        start = CHATS_BEGIN + timedelta(days=rng.randrange(640))
        end = min(start + timedelta(days=rng.randrange(20, 700)), CHATS_END)
        conversation_id = f"C{number:05d}"
        weight = rng.lognormvariate(0.0, 0.9) * (2.0 if group_name else 1.0)
        conversations.append(
            Conversation(
                id=conversation_id,
                platform="whatsapp",
                accounts=members,
                group_name=group_name,
                start_utc=start,
                end_utc=end,
                weight=weight,
                seed=derive_seed(seed, "conversation", conversation_id),
            )
        )
    return conversations


def _chat_account(accounts: AccountBook, person: str, kind: TieKind, rng: random.Random) -> Account | None:
    """The WhatsApp account used with this contact: network business often on the second phone."""
    options = accounts.on_platform(person, "whatsapp")
    if not options:
        return None
    if kind == "network" and len(options) > 1 and rng.random() < 0.6:
        return options[1]
    return options[0]


def _group_chats(
    population: Population, accounts: AccountBook, rng: random.Random
) -> list[tuple[tuple[str, ...], str | None]]:
    seized = set(population.seized)
    groups: list[tuple[tuple[str, ...], str | None]] = []
    sources: list[tuple[tuple[str, ...], str, TieKind]] = []
    for network in population.networks:
        name = GROUP_NAMES_NETWORK[int(network.id[1:]) % len(GROUP_NAMES_NETWORK)]
        sources.append((network.members, name, "network"))
    for household in population.households:
        surname = population.by_id[household.members[0]].last_name
        sources.append((household.members, f"{surname} family", "family"))
    for employer in population.employers:
        sources.append((employer.members[:12], f"{employer.name} team", "colleague"))
    for members, name, kind in sources:
        if not seized.intersection(members):
            continue
        keys = [_chat_account(accounts, member, kind, rng) for member in members]
        present = tuple(account.key for account in keys if account is not None)
        if len(present) >= 3:
            groups.append((present, name))
    return groups


def with_message_counts(
    conversations: list[Conversation], copies: dict[str, int], target: int
) -> list[Conversation]:
    """Scale weights so the messages summed over every exported copy come near `target`."""
    exported = [c for c in conversations if copies.get(c.id, 0) > 0]
    total_weight = sum(c.weight * copies[c.id] for c in exported) or 1.0
    counted: list[Conversation] = []
    for conversation in conversations:
        count = max(3, round(target * conversation.weight / total_weight))
        counted.append(replace(conversation, message_count=count))
    return counted


def iter_messages(conversation: Conversation) -> Iterator[ChatMessage]:
    """The conversation's messages in time order: small talk, and any planted script merged in."""
    if not isinstance(conversation, ScriptedConversation) or conversation.seed != conversation.script_seed:
        yield from _small_talk_stream(conversation)
        return
    script = conversation.script
    quiet = [(line.sent_at - SCRIPT_QUIET, line.sent_at + SCRIPT_QUIET) for line in script]
    talk = (m for m in _small_talk_stream(conversation) if not any(a <= m.sent_at <= b for a, b in quiet))
    yield from heapq.merge(talk, sorted(script, key=lambda line: line.sent_at), key=lambda m: m.sent_at)


def _small_talk_stream(conversation: Conversation) -> Iterator[ChatMessage]:
    """Sessions of a few quick replies, days apart, as a pure function of the conversation's seed."""
    rng = random.Random(conversation.seed)  # noqa: S311 - synthetic data
    count = conversation.message_count
    days = max(1, (conversation.end_utc - conversation.start_utc).days)
    sessions = max(1, count // 6)
    # Sessions start in the waking hours (07-21 UTC is 08-23 in Oslo) of random days.
    starts = sorted(
        rng.randrange(days) * 86_400 + rng.randrange(7 * 3600, 21 * 3600) for _ in range(sessions)
    )
    sizes = [count // sessions + (1 if i < count % sessions else 0) for i in range(sessions)]
    members = conversation.accounts
    sender = rng.randrange(len(members))
    last = -1.0
    for session_start, size in zip(starts, sizes, strict=True):
        moment = max(session_start, last + 1)
        for _ in range(size):
            yield ChatMessage(
                conversation.start_utc + timedelta(seconds=int(moment)),
                members[sender],
                _small_talk(rng),
            )
            last = moment
            moment += rng.uniform(8, 900)
            sender = _next_sender(rng, sender, len(members))


def _next_sender(rng: random.Random, current: int, member_count: int) -> int:
    if member_count == 2:
        return 1 - current if rng.random() < 0.65 else current
    return current if rng.random() < 0.3 else rng.randrange(member_count)


def _small_talk(rng: random.Random) -> str:
    template = rng.choice(SMALL_TALK)
    if "{" in template:
        template = template.format(
            day=rng.choice(DAYS),
            team=rng.choice(TEAMS),
            n=rng.randint(5, 40),
            time=f"{rng.randint(9, 21)}:{rng.choice(('00', '15', '30', '45'))}",
        )
    if rng.random() < 0.03:
        template += "\n" + rng.choice(SECOND_LINES)
    return template
