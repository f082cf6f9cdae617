"""The synthetic population: suspects in overlapping networks, hidden suspects, bystanders.

Seized suspects own the exhibits; hidden suspects own none and surface only in seized contact
lists and chats; bystanders (family, colleagues, acquaintances) are the noise around them.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from darkroom.synth.fictional import PhoneAllocator
from darkroom.synth.records import Employer, Household, Network, Person, Role, Tie, TieKind, Trap
from darkroom.synth.scales import ScaleProfile
from darkroom.synth.vocab import (
    EMPLOYERS,
    FIRST_NAMES,
    HANDLE_ADJECTIVES,
    HANDLE_NOUNS,
    LAST_NAMES,
)

_TIE_STRENGTH: dict[TieKind, int] = {
    "network": 5,
    "family": 4,
    "colleague": 3,
    "friend": 2,
    "acquaintance": 1,
}


@dataclass(frozen=True, slots=True)
class Population:
    """Everyone in the case and how they relate; `seized` lists owners in seizure order."""

    persons: tuple[Person, ...]
    by_id: Mapping[str, Person]
    networks: tuple[Network, ...]
    households: tuple[Household, ...]
    employers: tuple[Employer, ...]
    ties: tuple[Tie, ...]
    traps: tuple[Trap, ...]
    seized: tuple[str, ...]


@dataclass(slots=True)
class _Draft:
    """A person while the population is being assembled (before ids are assigned)."""

    first_name: str
    last_name: str
    role: Role
    birthday: str
    handle_words: tuple[str, ...]
    handle_digits: str
    networks: list[str] = field(default_factory=list)
    household: int | None = None
    employer: int | None = None


def build_population(
    profile: ScaleProfile, seized_count: int, phones: PhoneAllocator, rng: random.Random
) -> Population:
    """Draw people, group them into networks, households and workplaces, tie them, plant traps."""
    drafts = _draft_people(profile, seized_count, rng)
    network_members = _assign_networks(drafts, profile.networks, seized_count, rng)
    households = _assign_households(drafts, rng)
    employers = _assign_employers(drafts, rng)
    trap_pairs = _plant_traps(drafts, rng, max(1, len(drafts) // 250))
    ties = _build_ties(drafts, network_members, households, employers, seized_count, profile, rng)
    order = list(range(len(drafts)))
    rng.shuffle(order)
    ids = {index: f"P{rank + 1:04d}" for rank, index in enumerate(order)}
    persons = tuple(
        _freeze(drafts[index], ids[index]) for index in sorted(order, key=lambda index: ids[index])
    )
    return Population(
        persons=persons,
        by_id={person.id: person for person in persons},
        networks=tuple(
            Network(f"N{n + 1}", tuple(sorted(ids[i] for i in members)))
            for n, members in enumerate(network_members)
        ),
        households=tuple(
            Household(f"H{h + 1:04d}", tuple(sorted(ids[i] for i in members)), phones.landline())
            for h, members in enumerate(households)
        ),
        employers=tuple(
            Employer(
                f"E{e + 1:03d}",
                name,
                _domain(name),
                phones.landline(),
                tuple(sorted(ids[i] for i in members)),
            )
            for e, (name, members) in enumerate(employers)
        ),
        ties=tuple(Tie(ids[a], ids[b], kind) for (a, b), kind in sorted(ties.items())),
        traps=tuple(_person_trap(kind, pair, drafts, ids) for kind, pair in trap_pairs),
        seized=tuple(ids[i] for i in range(seized_count)),
    )


def _freeze(draft: _Draft, person_id: str) -> Person:
    return Person(
        id=person_id,
        first_name=draft.first_name,
        last_name=draft.last_name,
        role=draft.role,
        networks=tuple(sorted(draft.networks)),
        birthday=draft.birthday,
        household=None if draft.household is None else f"H{draft.household + 1:04d}",
        employer=None if draft.employer is None else f"E{draft.employer + 1:03d}",
        handle_words=draft.handle_words,
        handle_digits=draft.handle_digits,
    )


def _domain(employer_name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", employer_name.lower()).strip("-") + ".test"


def _draft_people(profile: ScaleProfile, seized_count: int, rng: random.Random) -> list[_Draft]:
    drafts: list[_Draft] = []
    for index in range(profile.persons):
        role: Role = "bystander"
        if index < seized_count:
            role = "suspect"
        elif index < seized_count + profile.hidden_suspects:
            role = "hidden-suspect"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        born = date(1962, 1, 1) + timedelta(days=rng.randrange(365 * 40))
        if role == "bystander":
            words: tuple[str, ...] = (first.lower(), last.lower())
        else:
            words = (rng.choice(HANDLE_ADJECTIVES), rng.choice(HANDLE_NOUNS))
        digits = rng.choice(("", f"{born.year % 100:02d}", str(rng.randrange(1, 100))))
        drafts.append(_Draft(first, last, role, born.isoformat(), words, digits))
    return drafts


def _rename(draft: _Draft, first_name: str, last_name: str) -> None:
    """Change a name; a bystander's handles follow their name, so they change with it."""
    draft.first_name, draft.last_name = first_name, last_name
    if draft.role == "bystander":
        draft.handle_words = (first_name.lower(), last_name.lower())


def _assign_networks(
    drafts: list[_Draft], count: int, seized_count: int, rng: random.Random
) -> list[list[int]]:
    """Seized suspects round-robin (every network gets one), hidden ones at random; some in two."""
    members: list[list[int]] = [[] for _ in range(count)]
    for index, draft in enumerate(drafts):
        if draft.role == "bystander":
            continue
        home = index % count if index < seized_count else rng.randrange(count)
        chosen = {home}
        if count > 1 and rng.random() < 0.25:
            chosen.add(rng.randrange(count))
        for network in sorted(chosen):
            members[network].append(index)
            draft.networks.append(f"N{network + 1}")
    return members


def _assign_households(drafts: list[_Draft], rng: random.Random) -> list[list[int]]:
    """Each suspect lives with 1-3 bystanders (mostly same surname); other bystanders pair up."""
    bystanders = [i for i, draft in enumerate(drafts) if draft.role == "bystander"]
    rng.shuffle(bystanders)
    households: list[list[int]] = []
    heads = [i for i, draft in enumerate(drafts) if draft.role != "bystander"]
    for head in heads:
        family = [bystanders.pop() for _ in range(rng.randint(1, 3)) if bystanders]
        households.append([head, *family])
    while len(bystanders) > 1 and rng.random() < 0.8:
        households.append([bystanders.pop() for _ in range(min(len(bystanders), rng.randint(2, 3)))])
    for number, members in enumerate(households):
        surname = drafts[members[0]].last_name
        for member in members:
            drafts[member].household = number
            if member != members[0] and rng.random() < 0.8:
                _rename(drafts[member], drafts[member].first_name, surname)
    return households


def _assign_employers(drafts: list[_Draft], rng: random.Random) -> list[tuple[str, list[int]]]:
    count = max(3, len(drafts) // 50)
    employers: list[tuple[str, list[int]]] = []
    for number in range(count):
        name = EMPLOYERS[number % len(EMPLOYERS)]
        if number >= len(EMPLOYERS):
            name = f"{name} {number // len(EMPLOYERS) + 1}"
        employers.append((name, []))
    for index, draft in enumerate(drafts):
        if rng.random() < 0.6:
            draft.employer = rng.randrange(count)
            employers[draft.employer][1].append(index)
    return employers


def _plant_traps(drafts: list[_Draft], rng: random.Random, pairs: int) -> list[tuple[str, tuple[int, int]]]:
    """Same name, different people; near-identical handles (`owl7`/`owl77`), different people."""
    suspects = [i for i, draft in enumerate(drafts) if draft.role != "bystander"]
    bystanders = [i for i, draft in enumerate(drafts) if draft.role == "bystander"]
    planted: list[tuple[str, tuple[int, int]]] = []
    for _ in range(pairs):
        original, double = rng.choice(suspects), rng.choice(bystanders)
        if drafts[original].household != drafts[double].household:
            _rename(drafts[double], drafts[original].first_name, drafts[original].last_name)
            planted.append(("same-name", (original, double)))
        original, lookalike = rng.choice(suspects), rng.choice(bystanders)
        if not drafts[original].handle_digits:
            drafts[original].handle_digits = str(rng.randrange(1, 10))
        drafts[lookalike].handle_words = drafts[original].handle_words
        drafts[lookalike].handle_digits = drafts[original].handle_digits + str(rng.randrange(10))
        planted.append(("similar-handles", (original, lookalike)))
    return planted


def _person_trap(kind: str, pair: tuple[int, int], drafts: list[_Draft], ids: Mapping[int, str]) -> Trap:
    first = drafts[pair[0]]
    if kind == "same-name":
        value, why = f"{first.first_name} {first.last_name}", "same name, different people"
        return Trap("same-name", (ids[pair[0]], ids[pair[1]]), (), value, why)
    value = "".join(first.handle_words) + first.handle_digits
    why = "look-alike handles, different people"
    return Trap("similar-handles", (ids[pair[0]], ids[pair[1]]), (), value, why)


class _TieSet:
    """Ties keyed by (lower index, higher index), keeping the strongest kind for a pair."""

    def __init__(self) -> None:
        self.kinds: dict[tuple[int, int], TieKind] = {}

    def add(self, a: int, b: int, kind: TieKind) -> None:
        """Tie a and b, upgrading an existing tie to the stronger kind."""
        if a == b:
            return
        pair = (min(a, b), max(a, b))
        if pair not in self.kinds or _TIE_STRENGTH[kind] > _TIE_STRENGTH[self.kinds[pair]]:
            self.kinds[pair] = kind

    def has(self, a: int, b: int) -> bool:
        """Whether a and b are tied at all."""
        return (min(a, b), max(a, b)) in self.kinds


def _build_ties(
    drafts: list[_Draft],
    network_members: list[list[int]],
    households: list[list[int]],
    employers: list[tuple[str, list[int]]],
    seized_count: int,
    profile: ScaleProfile,
    rng: random.Random,
) -> dict[tuple[int, int], TieKind]:
    """Who knows whom: network peers, families, colleagues, friends, owners' acquaintances."""
    ties = _TieSet()
    for members in network_members:
        _network_ties(ties, members, seized_count, rng)
    for members in households:
        for position, a in enumerate(members):
            for b in members[position + 1 :]:
                ties.add(a, b, "family")
    for _, members in employers:
        for member in members:
            for colleague in rng.sample(members, min(len(members), 3)):
                ties.add(member, colleague, "colleague")
    bystanders = [i for i, draft in enumerate(drafts) if draft.role == "bystander"]
    for index, draft in enumerate(drafts):
        if draft.role != "bystander":
            for friend in rng.sample(bystanders, min(len(bystanders), rng.randint(1, 3))):
                ties.add(index, friend, "friend")
    for owner in range(seized_count):
        count = min(len(bystanders), profile.acquaintances_per_owner)
        for other in rng.sample(bystanders, count):
            ties.add(owner, other, "acquaintance")
    return ties.kinds


def _network_ties(ties: _TieSet, members: list[int], seized_count: int, rng: random.Random) -> None:
    """Members know about six peers each; everyone knows at least one seized member."""
    density = min(1.0, 6 / max(1, len(members) - 1))
    for position, a in enumerate(members):
        for b in members[position + 1 :]:
            if rng.random() < density:
                ties.add(a, b, "network")
    seized_here = [member for member in members if member < seized_count]
    for member in members:
        if seized_here and not any(ties.has(member, seized) for seized in seized_here):
            ties.add(member, rng.choice(seized_here), "network")
