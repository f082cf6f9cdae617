"""Each seized owner's address book: how they saved the people they know.

Saved names differ from owner to owner ("Tom Berg", "Tom work", "Fox"), numbers are typed in
several formats, and a household landline sits on several family members' cards.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from darkroom.synth.accounts import AccountBook
from darkroom.synth.fictional import format_phone
from darkroom.synth.handles import handle_variant
from darkroom.synth.population import Population
from darkroom.synth.records import Employer, Household, Person, TieKind

PhoneLabel = Literal["CELL", "HOME", "WORK"]


@dataclass(frozen=True, slots=True)
class PhoneEntry:
    """A number on a card: its E.164 value and the form the owner typed it in."""

    e164: str
    written: str
    label: PhoneLabel


@dataclass(frozen=True, slots=True)
class ContactEntry:
    """One card in an owner's address book and the person it really refers to."""

    person: str
    saved_name: str
    phones: tuple[PhoneEntry, ...]
    emails: tuple[str, ...]
    nickname: str | None
    telegram: str | None
    org: str | None
    birthday: str | None


@dataclass(frozen=True, slots=True)
class AddressBook:
    """An owner's cards; `label_by_phone` is the name a chat app shows for a saved number."""

    owner: str
    entries: tuple[ContactEntry, ...]
    label_by_phone: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class _Places:
    """Households and workplaces by id (their numbers go on cards)."""

    households: Mapping[str, Household]
    employers: Mapping[str, Employer]


def build_address_books(
    population: Population, accounts: AccountBook, rng: random.Random
) -> dict[str, AddressBook]:
    """An address book for every seized owner, holding everyone they have a tie to."""
    partners: dict[str, list[tuple[str, TieKind]]] = {owner: [] for owner in population.seized}
    for tie in population.ties:
        if tie.a in partners:
            partners[tie.a].append((tie.b, tie.kind))
        if tie.b in partners:
            partners[tie.b].append((tie.a, tie.kind))
    places = _Places(
        households={h.id: h for h in population.households},
        employers={e.id: e for e in population.employers},
    )
    books: dict[str, AddressBook] = {}
    for owner in population.seized:
        entries = tuple(
            _entry(population.by_id[other], kind, places, accounts, rng)
            for other, kind in sorted(partners[owner])
        )
        labels: dict[str, str] = {}
        for entry in entries:
            for phone in entry.phones:
                labels.setdefault(phone.e164, entry.saved_name)
        books[owner] = AddressBook(owner, entries, labels)
    return books


def _saved_name(person: Person, kind: TieKind, employer: str | None, rng: random.Random) -> str:
    first, last = person.first_name, person.last_name
    options = [person.name, first, f"{first} {last[0]}"]
    if kind == "network":
        options += [
            person.handle_words[-1].capitalize(),
            handle_variant(person.handle_words, "", "camel"),
        ]
    elif kind == "family":
        options += [f"{first} home"]
    elif kind == "colleague":
        options += [f"{first} work", f"{first} {(employer or 'work').split()[0]}"]
    else:
        options += [f"{first} gym", f"{first} football"]
    return rng.choice(options)


def _phones(
    person: Person, kind: TieKind, places: _Places, accounts: AccountBook, rng: random.Random
) -> list[tuple[str, PhoneLabel]]:
    mobiles = accounts.mobiles[person.id]
    numbers: list[tuple[str, PhoneLabel]] = []
    if rng.random() < 0.92:
        numbers.append((mobiles[0], "CELL"))
    if len(mobiles) > 1 and kind == "network" and rng.random() < 0.7:
        numbers.append((mobiles[1], "CELL"))
    household = places.households.get(person.household or "")
    if household is not None and rng.random() < (0.5 if kind == "family" else 0.1):
        numbers.append((household.landline, "HOME"))
    employer = places.employers.get(person.employer or "")
    if employer is not None and kind == "colleague" and rng.random() < 0.4:
        numbers.append((employer.office_number, "WORK"))
    return numbers


def _entry(
    person: Person, kind: TieKind, places: _Places, accounts: AccountBook, rng: random.Random
) -> ContactEntry:
    workplace = places.employers.get(person.employer or "")
    employer = workplace.name if workplace is not None else None
    numbers = _phones(person, kind, places, accounts, rng)
    emails = [a.handle for a in accounts.on_platform(person.id, "email") if rng.random() < 0.35]
    if not numbers and not emails:
        numbers.append((accounts.mobiles[person.id][0], "CELL"))
    styles = ("international", "national", "compact", "00")
    phones = tuple(PhoneEntry(e164, format_phone(e164, rng.choice(styles)), label) for e164, label in numbers)
    telegram = accounts.on_platform(person.id, "telegram")
    return ContactEntry(
        person=person.id,
        saved_name=_saved_name(person, kind, employer, rng),
        phones=phones,
        emails=tuple(emails),
        nickname=person.handle_words[-1].capitalize() if kind == "network" and rng.random() < 0.3 else None,
        telegram=telegram[0].handle
        if telegram and rng.random() < (0.5 if kind == "network" else 0.2)
        else None,
        org=employer if kind == "colleague" else None,
        birthday=person.birthday if rng.random() < 0.15 else None,
    )
