"""Entities: the groups deterministic links made, each summarised as the sets of names, handles
and card fields its records carry. The model compares entities, so a nickname card ("Fox")
tied by its number to cards saying "Daniel Strand" brings that name along."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from darkroom.identity.features import domain_core, email_parts, name_core, name_tokens, org_core
from darkroom.identity.records import ResolutionRecord

# A name held by at most this many entities counts as rare (the model weighs it more).
RARE_NAME_ENTITIES = 3


@dataclass(frozen=True, slots=True)
class Entity:
    """One group of deterministically linked records."""

    key: str  # the group's first ref
    refs: tuple[str, ...]
    full_names: frozenset[str]  # letters of first + full surname (`danielstrand`), handles spelling one
    first_initials: frozenset[str]  # "daniel s"
    first_names: frozenset[str]
    name_cores: frozenset[str]
    handle_cores: frozenset[str]
    handles: frozenset[str]  # core + digits
    birthdays: frozenset[str]
    orgs: frozenset[str]
    addresses: frozenset[str]
    own_numbers: bool  # holds a phone or email nobody else shares
    shared_ids: frozenset[str]
    exhibits: frozenset[int]
    platforms: frozenset[str]
    main_first_name: str | None  # the commonest first name (a scalar for EM blocking)
    main_key: str | None  # the commonest name or handle core (likewise)


def _names(record: ResolutionRecord) -> tuple[set[str], set[str], set[str], set[str]]:
    full: set[str] = set()
    initials: set[str] = set()
    firsts: set[str] = set()
    cores: set[str] = set()
    for name in record.names:
        tokens = name_tokens(name)
        if not tokens:
            continue
        firsts.add(tokens[0])
        core = name_core(name)
        if core:
            cores.add(core)
        if len(tokens) >= 2:
            initials.add(f"{tokens[0]} {tokens[-1][0]}")
            if len(tokens[-1]) > 1:
                full.add(" ".join(tokens))
    return full, initials, firsts, cores


def _orgs(record: ResolutionRecord) -> set[str]:
    found: set[str] = set()
    if record.org:
        core = org_core(record.org)
        if core:
            found.add(core)
    if record.kind == "account" and record.platform == "email" and record.handle:
        parts = email_parts(record.handle)
        core = domain_core(parts[1]) if parts else None
        if core:
            found.add(core)
    return found


def full_name_cores(records: Iterable[ResolutionRecord]) -> frozenset[str]:
    """Letters of every full name in the case (`andrewkarlsen`): a handle spelling one is a name."""
    found: set[str] = set()
    for record in records:
        full, _, _, _ = _names(record)
        found.update(name.replace(" ", "") for name in full)
    return frozenset(found)


def build_entity(
    refs: Sequence[str],
    by_ref: Mapping[str, ResolutionRecord],
    shared: Collection[str],
    known_names: Collection[str] = frozenset(),
) -> Entity:
    """Summarise one group of records; handles spelling a known full name count as that name."""
    full: set[str] = set()
    initials: set[str] = set()
    firsts: set[str] = set()
    cores: set[str] = set()
    orgs: set[str] = set()
    members = [by_ref[ref] for ref in refs]
    for record in members:
        f, i, n, c = _names(record)
        full |= f
        initials |= i
        firsts |= n
        cores |= c
        orgs |= _orgs(record)
    identifiers = {key for r in members for key in r.identifiers}
    handles = [h for r in members for h in r.handles]
    pseudonyms = [h for h in handles if h.core not in known_names and h.core not in cores]
    spelled = {h.core for h in handles if h.core in known_names}
    cores |= spelled
    full = {name.replace(" ", "") for name in full} | spelled
    first_counts: Counter[str] = Counter()
    key_counts: Counter[str] = Counter()
    for record in members:
        _, _, record_firsts, record_cores = _names(record)
        first_counts.update(record_firsts)
        key_counts.update(record_cores | {h.core for h in record.handles})
    return Entity(
        key=refs[0],
        refs=tuple(refs),
        full_names=frozenset(full),
        first_initials=frozenset(initials),
        first_names=frozenset(firsts),
        name_cores=frozenset(cores),
        handle_cores=frozenset(h.core for h in pseudonyms),
        handles=frozenset(f"{h.core}{h.digits or ''}" for h in pseudonyms),
        birthdays=frozenset(r.birthday for r in members if r.birthday),
        orgs=frozenset(orgs),
        addresses=frozenset(r.address for r in members if r.address),
        own_numbers=any(k.startswith(("phone:", "email:")) and k not in shared for k in identifiers),
        shared_ids=frozenset(identifiers & set(shared)),
        exhibits=frozenset(e for r in members for e in r.exhibits),
        platforms=frozenset(r.platform for r in members),
        main_first_name=_commonest(first_counts),
        main_key=_commonest(key_counts),
    )


def _commonest(counts: Counter[str]) -> str | None:
    if not counts:
        return None
    return min(counts, key=lambda value: (-counts[value], value))


def _listed(values: Iterable[Any]) -> list[Any] | None:
    ordered = sorted(values)
    return ordered or None


def model_rows(entities: Sequence[Entity]) -> list[dict[str, Any]]:
    """One row per entity for Splink: sets become sorted lists (None when empty)."""
    holders: Counter[str] = Counter(name for e in entities for name in e.full_names)
    org_holders: Counter[str] = Counter(org for e in entities for org in e.orgs)
    rows: list[dict[str, Any]] = []
    for entity in entities:
        rare = {n for n in entity.full_names if holders[n] <= RARE_NAME_ENTITIES}
        rare_orgs = {o for o in entity.orgs if org_holders[o] <= RARE_NAME_ENTITIES * 4}
        rows.append(
            {
                "unique_id": entity.key,
                "full_names": _listed(entity.full_names),
                "rare_full_names": _listed(rare),
                "first_initials": _listed(entity.first_initials),
                "first_names": _listed(entity.first_names),
                "name_cores": _listed(entity.name_cores),
                "handle_cores": _listed(entity.handle_cores),
                "handles": _listed(entity.handles),
                "name_keys": _listed(entity.name_cores | entity.handle_cores),
                "birthdays": _listed(entity.birthdays),
                "orgs": _listed(rare_orgs),
                "addresses": _listed(entity.addresses),
                "own_numbers": 1 if entity.own_numbers else None,
                "shared_ids": _listed(entity.shared_ids),
                "exhibits": _listed(entity.exhibits),
                "main_first_name": entity.main_first_name,
                "main_key": entity.main_key,
            }
        )
    return rows
