"""The whole synthetic case as a plan, before a byte is written.

Each component draws from its own derived random stream, so the plan is a pure function of
(scale, seed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from darkroom.synth.accounts import AccountBook, build_accounts
from darkroom.synth.artefacts.base import WriteContext
from darkroom.synth.contacts import AddressBook, build_address_books
from darkroom.synth.conversations import plan_conversations, with_message_counts
from darkroom.synth.exhibits import ExhibitPlan, owner_patterns, plan_exhibits
from darkroom.synth.fictional import PhoneAllocator
from darkroom.synth.media import MediaPlan
from darkroom.synth.media_plan import plan_media
from darkroom.synth.population import Population, build_population
from darkroom.synth.records import Conversation
from darkroom.synth.rng import derive_rng
from darkroom.synth.scales import ScaleProfile
from darkroom.synth.vocab import CASE_WORDS


@dataclass(frozen=True, slots=True)
class CasePlan:
    """Everything the writers need: people, accounts, address books, chats, exhibits, media."""

    seed: int
    profile: ScaleProfile
    case_name: str
    population: Population
    accounts: AccountBook
    address_books: Mapping[str, AddressBook]
    conversations: Mapping[str, Conversation]
    exhibits: tuple[ExhibitPlan, ...]
    media: MediaPlan

    def write_context(self) -> WriteContext:
        """What every artefact writer reads of the plan."""
        return WriteContext(
            seed=self.seed,
            population=self.population,
            accounts=self.accounts,
            conversations=self.conversations,
            address_books=self.address_books,
            attachments=self.media.attachments,
        )


def plan_case(profile: ScaleProfile, seed: int) -> CasePlan:
    """Plan people, accounts, chats, exhibits and media for one scale and seed."""
    patterns = owner_patterns(profile.exhibits)
    phones = PhoneAllocator.create(derive_rng(seed, "phones"))
    population = build_population(profile, len(patterns), phones, derive_rng(seed, "population"))
    accounts = build_accounts(population, phones, derive_rng(seed, "accounts"))
    books = build_address_books(population, accounts, derive_rng(seed, "contacts"))
    drafts = plan_conversations(population, accounts, seed, derive_rng(seed, "conversations"))
    exhibits = plan_exhibits(population, accounts, drafts, patterns, derive_rng(seed, "exhibits"))
    copies = Counter(cid for e in exhibits for ids in e.chats.values() for cid in ids)
    conversations = {c.id: c for c in with_message_counts(drafts, dict(copies), profile.messages)}
    owner_of = {account.key: account.person for account in accounts.accounts}
    media_rng = derive_rng(seed, "media")
    media = plan_media(population, exhibits, conversations, owner_of, profile.images, seed, media_rng)
    return CasePlan(
        seed=seed,
        profile=profile,
        case_name=f"Operation {derive_rng(seed, 'case').choice(CASE_WORDS)}",
        population=population,
        accounts=accounts,
        address_books=books,
        conversations=conversations,
        exhibits=tuple(exhibits),
        media=media,
    )
