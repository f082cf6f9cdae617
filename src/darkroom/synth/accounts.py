"""Accounts (profiles) of every person on several platforms, sharing identifiers realistically.

One phone number carries a phone account and a WhatsApp account; handles on Telegram and the
forum are variants of one idea; email local parts look like handles. Traps: a household's
landline and an office switchboard number appear on accounts of several different people.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from darkroom.synth.fictional import EMAIL_DOMAINS, PhoneAllocator
from darkroom.synth.handles import HandleStyle, email_local_part, handle_variant, pick_style
from darkroom.synth.population import Population
from darkroom.synth.records import Account, Employer, Identifier, IdentifierKind, Person, Trap, TrapKind

PHONE_PLATFORMS = frozenset({"phone", "whatsapp"})


@dataclass(frozen=True, slots=True)
class SharedIdentifier:
    """An identifier value found on more than one account, and why it is shared."""

    kind: IdentifierKind
    value: str
    accounts: tuple[str, ...]
    persons: tuple[str, ...]
    why: str


@dataclass(frozen=True, slots=True)
class AccountBook:
    """All accounts, indexed; `mobiles` lists each person's own numbers, main number first."""

    accounts: tuple[Account, ...]
    by_key: Mapping[str, Account]
    by_person: Mapping[str, tuple[Account, ...]]
    mobiles: Mapping[str, tuple[str, ...]]
    shared: tuple[SharedIdentifier, ...]
    traps: tuple[Trap, ...]

    def on_platform(self, person_id: str, platform: str) -> tuple[Account, ...]:
        """The person's accounts on one platform, in creation order (main account first)."""
        return tuple(a for a in self.by_person.get(person_id, ()) if a.platform == platform)


def account_key(platform: str, handle: str) -> str:
    """`account:PLATFORM:HANDLE` with the handle normalized (E.164 stays, others lower-case)."""
    normalized = handle if platform in PHONE_PLATFORMS else handle.lower().lstrip("@")
    return f"account:{platform}:{normalized}"


@dataclass(slots=True)
class _Builder:
    """Collects accounts while keeping every account key unique."""

    rng: random.Random
    accounts: list[Account] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def add(
        self, person: Person, platform: str, handle: str, display: str, extra: tuple[Identifier, ...]
    ) -> Account:
        """Add an account; a taken handle gets digits appended, as a real sign-up would force."""
        while account_key(platform, handle) in self.keys:
            handle = f"{handle}{self.rng.randrange(10)}"
        kind: IdentifierKind = "phone" if platform in PHONE_PLATFORMS else "handle"
        if platform == "email":
            kind = "email"
        own = Identifier(kind, handle if kind == "phone" else handle.lower())
        account = Account(account_key(platform, handle), platform, handle, display, person.id, (own, *extra))
        self.keys.add(account.key)
        self.accounts.append(account)
        return account


def build_accounts(population: Population, phones: PhoneAllocator, rng: random.Random) -> AccountBook:
    """Give every person their accounts, then find shared identifiers and the traps they form."""
    builder = _Builder(rng)
    mobiles: dict[str, tuple[str, ...]] = {}
    landlines = {h.id: h.landline for h in population.households}
    offices = {e.id: e for e in population.employers}
    lookalikes = {p for trap in population.traps if trap.kind == "similar-handles" for p in trap.persons}
    seized = set(population.seized)
    for person in population.persons:
        numbers = _phone_accounts(builder, person, phones, person.id in seized)
        mobiles[person.id] = numbers
        _handle_accounts(builder, person, numbers[0], person.id in lookalikes)
        _email_accounts(builder, person, numbers[0], landlines, offices)
    by_person: dict[str, list[Account]] = defaultdict(list)
    for account in builder.accounts:
        by_person[account.person].append(account)
    shared = _shared_identifiers(builder.accounts, population)
    return AccountBook(
        accounts=tuple(builder.accounts),
        by_key={account.key: account for account in builder.accounts},
        by_person={person: tuple(accounts) for person, accounts in by_person.items()},
        mobiles=mobiles,
        shared=shared,
        traps=_traps(population, shared, builder.accounts),
    )


def _suspect_like(person: Person) -> bool:
    return person.role != "bystander"


def _phone_accounts(
    builder: _Builder, person: Person, phones: PhoneAllocator, seized: bool
) -> tuple[str, ...]:
    """A main mobile with phone + (usually) WhatsApp accounts; some suspects keep a second phone."""
    rng = builder.rng
    main = phones.mobile()
    builder.add(person, "phone", main, person.name, ())
    if seized or rng.random() < (0.95 if _suspect_like(person) else 0.8):
        push_name = rng.choice((person.first_name, f"{person.first_name} {person.last_name[0]}"))
        builder.add(person, "whatsapp", main, push_name, ())
    if not (_suspect_like(person) and rng.random() < 0.35):
        return (main,)
    second = phones.mobile()
    alias = handle_variant(person.handle_words, "", "camel")
    builder.add(person, "phone", second, alias, ())
    builder.add(person, "whatsapp", second, person.handle_words[-1].capitalize(), ())
    return (main, second)


def _handle_accounts(builder: _Builder, person: Person, main: str, lookalike: bool) -> None:
    """Telegram and forum aliases: spelling variants of the person's handle idea."""
    rng = builder.rng
    used: list[HandleStyle] = []
    wants_telegram = rng.random() < (0.9 if _suspect_like(person) else 0.15)
    if wants_telegram or lookalike:
        style: HandleStyle = "plain_digits" if lookalike else pick_style(rng)
        used.append(style)
        handle = handle_variant(person.handle_words, person.handle_digits, style)
        extra = (Identifier("phone", main),) if rng.random() < 0.5 else ()
        display = rng.choice((person.first_name, handle))
        builder.add(person, "telegram", handle, display, extra)
    if not _suspect_like(person):
        return
    for _ in range(1 if rng.random() < 0.6 else 2):
        style = pick_style(rng, tuple(used))
        used.append(style)
        handle = handle_variant(person.handle_words, person.handle_digits, style)
        builder.add(person, "forum", handle, handle, ())


def _email_accounts(
    builder: _Builder,
    person: Person,
    main: str,
    landlines: Mapping[str, str],
    offices: Mapping[str, Employer],
) -> None:
    """A personal address (recovery phone often the household landline) and maybe a work one."""
    rng = builder.rng
    if rng.random() < (0.7 if _suspect_like(person) else 0.35):
        local = email_local_part(person.handle_words, person.handle_digits, rng)
        recovery: tuple[Identifier, ...] = ()
        if person.household is not None and rng.random() < 0.6:
            recovery = (Identifier("phone", landlines[person.household]),)
        elif rng.random() < 0.3:
            recovery = (Identifier("phone", main),)
        builder.add(person, "email", f"{local}@{rng.choice(EMAIL_DOMAINS)}", person.name, recovery)
    employer = offices.get(person.employer or "")
    if employer is not None and rng.random() < 0.3:
        address = f"{person.first_name}.{person.last_name}@{employer.domain}".lower()
        extra = (Identifier("phone", employer.office_number),) if rng.random() < 0.7 else ()
        builder.add(person, "email", address, person.name, extra)


def _shared_identifiers(accounts: list[Account], population: Population) -> tuple[SharedIdentifier, ...]:
    owners: dict[tuple[IdentifierKind, str], list[Account]] = defaultdict(list)
    for account in accounts:
        for identifier in account.identifiers:
            owners[(identifier.kind, identifier.value)].append(account)
    landlines = {h.landline for h in population.households}
    offices = {e.office_number for e in population.employers}
    shared: list[SharedIdentifier] = []
    for (kind, value), holders in sorted(owners.items()):
        if len(holders) < 2:
            continue
        persons = tuple(sorted({a.person for a in holders}))
        why = "one person's identifier on several platforms"
        if value in landlines:
            why = "family number"
        elif value in offices:
            why = "office switchboard number"
        shared.append(SharedIdentifier(kind, value, tuple(a.key for a in holders), persons, why))
    return tuple(shared)


def _traps(
    population: Population, shared: tuple[SharedIdentifier, ...], accounts: list[Account]
) -> tuple[Trap, ...]:
    """Population traps with their accounts filled in, plus shared-number traps."""
    traps: list[Trap] = []
    for item in shared:
        if len(item.persons) > 1 and item.why in {"family number", "office switchboard number"}:
            kind: TrapKind = "family-number" if item.why == "family number" else "office-number"
            traps.append(Trap(kind, item.persons, item.accounts, item.value, item.why))
    for trap in population.traps:
        keys: tuple[str, ...] = ()
        if trap.kind == "similar-handles":
            keys = tuple(a.key for a in accounts if a.person in trap.persons and a.platform == "telegram")
        traps.append(Trap(trap.kind, trap.persons, keys, trap.value, trap.why))
    return tuple(traps)
