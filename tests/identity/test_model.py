"""The Splink model on generated entities: it trains unsupervised, keeps its reasons, merges only
with agreement beyond handles, and says when a case is too small to train on."""

from __future__ import annotations

import random

import pytest

from darkroom.identity.entities import Entity
from darkroom.identity.model import MIN_ENTITIES, ModelUnavailable, ScoredPair, score_entities
from darkroom.identity.stage import _status

FIRST = ("ada", "bo", "cyril", "dagny", "eirik", "frida", "gorm", "hedda", "ivar", "jorunn", "kjell", "liv")
LAST = ("aune", "bakken", "dahle", "eide", "foss", "grande", "haugland", "isaksen", "juvik", "kvamme")
WORDS = ("amber", "birch", "cobalt", "dune", "ember", "fjord", "glacier", "heron", "iris", "juniper")


def _entity(key: str, **values: object) -> Entity:
    empty: frozenset[str] = frozenset()
    fields: dict[str, object] = {
        "key": key,
        "refs": (key,),
        "full_names": empty,
        "first_initials": empty,
        "first_names": empty,
        "name_cores": empty,
        "handle_cores": empty,
        "handles": empty,
        "birthdays": empty,
        "orgs": empty,
        "addresses": empty,
        "own_numbers": False,
        "shared_ids": empty,
        "exhibits": frozenset({1}),
        "platforms": empty,
        "main_first_name": None,
        "main_key": None,
    }
    fields.update(values)
    return Entity(**fields)  # type: ignore[arg-type]


def _population(rng: random.Random, people: int) -> tuple[list[Entity], dict[str, int]]:
    """Each person: a card group (full name, number, sometimes a birthday, half saved by their
    pseudonym), an alias group (the pseudonymous handle, the first name as display name), and for
    some a card with neither number nor email (name, birthday, address); names repeat across
    people, as they do."""
    entities: list[Entity] = []
    owner: dict[str, int] = {}
    for person in range(people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        handle = rng.choice(WORDS) + "".join(rng.choice("bcdfghjklmnpqrstvwz") for _ in range(4))
        digits = str(rng.randrange(10, 99))
        birthday = f"19{rng.randrange(60, 99)}-0{rng.randrange(1, 9)}-1{rng.randrange(0, 9)}"
        nickname = {handle} if rng.random() < 0.5 else set()
        card = _entity(
            f"contact:{person}",
            full_names=frozenset({first + last}),
            first_names=frozenset({first}),
            first_initials=frozenset({f"{first} {last[0]}"}),
            name_cores=frozenset({first + last, first, *nickname}),
            own_numbers=True,
            birthdays=frozenset({birthday}) if rng.random() < 0.5 else frozenset(),
            addresses=frozenset({f"{rng.randrange(1, 90)} {rng.choice(WORDS)} road"}),
            exhibits=frozenset({rng.randrange(6)}),
            main_first_name=first,
            main_key=first + last,
        )
        alias = _entity(
            f"account:{person}",
            first_names=frozenset({first}),
            name_cores=frozenset({first}),
            handle_cores=frozenset({handle}),
            handles=frozenset({handle + digits}),
            full_names=frozenset({first + last}) if rng.random() < 0.6 else frozenset(),
            exhibits=frozenset({rng.randrange(6)}),
            main_first_name=first,
            main_key=handle,
        )
        entities += [card, alias]
        owner[card.key] = owner[alias.key] = person
        if card.birthdays and rng.random() < 0.4:
            bare = _entity(
                f"contact:bare-{person}",
                full_names=card.full_names,
                first_names=card.first_names,
                first_initials=card.first_initials,
                name_cores=frozenset({first + last, first}),
                birthdays=card.birthdays,
                addresses=card.addresses,
                exhibits=frozenset({rng.randrange(6)}),
                main_first_name=first,
                main_key=first + last,
            )
            entities.append(bare)
            owner[bare.key] = person
    return entities, owner


def test_a_small_case_is_refused_with_a_reason() -> None:
    entities, _ = _population(random.Random(1), MIN_ENTITIES)
    with pytest.raises(ModelUnavailable, match="too few"):
        score_entities(entities[: MIN_ENTITIES - 1])


def test_the_model_trains_unsupervised_and_keeps_its_reasons() -> None:
    entities, owner = _population(random.Random(7), 240)
    result = score_entities(entities)
    assert {"name", "handle", "handle_spells_name", "exhibits"} <= set(result.fields)
    assert all(level["u"] is not None for level in result.parameters["exhibits"])
    assert result.parameters["prior"] > 0
    assert len(result.pairs) >= 40, "aliases and their card groups should score as candidates"
    right = sum(owner[p.left] == owner[p.right] for p in result.pairs)
    assert right / len(result.pairs) >= 0.9
    best = result.pairs[0]
    assert best.probability >= result.pairs[-1].probability >= 0.5
    reasons = best.reasons()
    assert reasons["rule"] == "model" and reasons["fields"]
    assert {f["field"] for f in reasons["fields"]} <= set(result.fields)


def test_a_card_with_no_number_or_email_resolves_on_name_birthday_and_address() -> None:
    entities, owner = _population(random.Random(11), 240)
    result = score_entities(entities)
    bare = [p for p in result.pairs if "bare" in p.left + p.right and _status(p) == "merge"]
    assert bare, "cards without numbers should merge on their other fields"
    assert all(owner[p.left] == owner[p.right] for p in bare)
    fields = {f["field"] for p in bare for f in p.reasons()["fields"] if f["weight"] > 0}
    assert {"name", "birthday"} <= fields


def test_handles_alone_never_merge() -> None:
    pair = ScoredPair(
        "account:1",
        "account:2",
        0.999,
        12.0,
        {"handle": "same handle", "name": "different names"},
        {"handle": 12.0, "name": -3.0},
    )
    assert not pair.identity_agrees
    assert _status(pair) == "handles-only"
    named = ScoredPair("account:1", "account:3", 0.999, 12.0, {"name": "same full name"}, {"name": 9.0})
    assert _status(named) == "merge"
    unsure = ScoredPair("account:1", "account:4", 0.9, 2.0, {"name": "same full name"}, {"name": 9.0})
    assert _status(unsure) == "review"
