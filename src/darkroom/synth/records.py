"""Records of the synthetic case as planned: people, their accounts, ties, traps, conversations.

These are the ground truth the generator writes evidence from; `truth.py` turns them into JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Role = Literal["suspect", "hidden-suspect", "bystander"]
TieKind = Literal["network", "family", "colleague", "friend", "acquaintance"]
IdentifierKind = Literal["phone", "email", "handle"]
TrapKind = Literal["family-number", "office-number", "similar-handles", "same-name"]


@dataclass(frozen=True, slots=True)
class Person:
    """One synthetic person; `handle_words`/`handle_digits` seed every handle they choose."""

    id: str
    first_name: str
    last_name: str
    role: Role
    networks: tuple[str, ...]
    birthday: str  # ISO date
    household: str | None
    employer: str | None
    handle_words: tuple[str, ...]
    handle_digits: str

    @property
    def name(self) -> str:
        """Full name as on an identity document."""
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class Network:
    """An offender network: the suspects (seized or hidden) who cooperate."""

    id: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Household:
    """People living together; the landline is the shared 'family number' trap."""

    id: str
    members: tuple[str, ...]
    landline: str


@dataclass(frozen=True, slots=True)
class Employer:
    """A workplace; its switchboard number is shared by colleagues' work accounts."""

    id: str
    name: str
    domain: str
    office_number: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Tie:
    """Two people who know each other, and how."""

    a: str
    b: str
    kind: TieKind


@dataclass(frozen=True, slots=True)
class Trap:
    """A deliberate ambiguity an identity resolver must not fall for."""

    kind: TrapKind
    persons: tuple[str, ...]
    accounts: tuple[str, ...]
    value: str
    why: str


@dataclass(frozen=True, slots=True)
class Identifier:
    """A normalized identifier value attached to an account."""

    kind: IdentifierKind
    value: str


@dataclass(frozen=True, slots=True)
class Account:
    """A profile on one platform; `key` is `account:PLATFORM:NORMALIZED_HANDLE`."""

    key: str
    platform: str
    handle: str
    display_name: str
    person: str
    identifiers: tuple[Identifier, ...]


@dataclass(frozen=True, slots=True)
class Conversation:
    """A chat between accounts; its messages are a pure function of `seed` and `message_count`."""

    id: str
    platform: str
    accounts: tuple[str, ...]
    group_name: str | None
    start_utc: datetime
    end_utc: datetime
    weight: float  # relative size; turned into `message_count` once copies are known
    seed: int
    message_count: int = 0
