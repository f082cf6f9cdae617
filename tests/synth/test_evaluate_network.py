"""The network evaluation: NMI and adjusted Rand, the truth mapping, and lead recall on a small case."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import igraph
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from darkroom.network.build import run_network
from darkroom.synth.evaluate_network import (
    adjusted_rand,
    nmi,
    plant_truth_identity,
    primary_networks,
    score_network,
)
from tests.network.story import PHONES, write_story

labelings = st.integers(min_value=2, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 4), min_size=n, max_size=n),
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
    )
)


@given(labelings)
def test_nmi_and_adjusted_rand_agree_with_igraph(pair: tuple[list[int], list[int]]) -> None:
    truth, found = pair
    assert nmi(truth, found) == pytest.approx(
        igraph.compare_communities(truth, found, method="nmi"), abs=1e-9
    )
    expected = igraph.compare_communities(truth, found, method="adjusted_rand")
    if math.isnan(expected):  # igraph leaves 0/0 open (both all-singletons); we call agreement 1.0
        assert adjusted_rand(truth, found) == 1.0
    else:
        assert adjusted_rand(truth, found) == pytest.approx(expected, abs=1e-9)


@given(st.lists(st.integers(0, 5), min_size=1, max_size=30))
def test_a_relabelled_partition_scores_one(labels: list[int]) -> None:
    renamed = [f"community {9 - label}" for label in labels]
    assert nmi(labels, renamed) == pytest.approx(1.0)
    assert adjusted_rand(labels, renamed) == pytest.approx(1.0)


def test_no_items_no_score() -> None:
    assert nmi([], []) is None and adjusted_rand([], []) is None


def test_a_member_of_two_networks_takes_the_one_most_of_their_ties_are_in() -> None:
    truth = {
        "networks": [
            {"id": "N1", "members": ["P1", "P2", "P3"]},
            {"id": "N2", "members": ["P1", "P4", "P5"]},
        ],
        "ties": [
            {"a": "P1", "b": "P4", "kind": "network"},
            {"a": "P5", "b": "P1", "kind": "network"},
            {"a": "P1", "b": "P2", "kind": "network"},
            {"a": "P1", "b": "P3", "kind": "family"},
        ],
    }
    assert primary_networks(truth) == {"P1": "N2", "P2": "N1", "P3": "N1", "P4": "N2", "P5": "N2"}


def _truth() -> dict[str, Any]:
    people = {"alice": "suspect", "bob": "suspect", "carol": "hidden-suspect", "dave": "bystander"}
    people |= {"erin": "bystander", "frank": "hidden-suspect"}
    ids = {name: f"P{n}" for n, name in enumerate(people, start=1)}
    accounts = [
        {
            "key": f"account:whatsapp:{PHONES[name]}",
            "person": ids[name],
            "identifiers": [{"kind": "phone", "value": PHONES[name]}],
        }
        for name in people
    ]
    accounts.append({"key": "account:email:carol@example.org", "person": ids["carol"], "identifiers": []})
    return {
        "persons": [{"id": ids[name], "name": name.title(), "role": role} for name, role in people.items()],
        "networks": [{"id": "N1", "members": [ids["alice"], ids["bob"], ids["carol"], ids["frank"]]}],
        "ties": [],
        "accounts": accounts,
        "exhibits": [],
        "files": [],
    }


def test_scores_on_a_small_case(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    scores = score_network(story.store, _truth())
    communities, leads = scores.communities, scores.leads
    # Alice, Bob and Carol are one network: the group chat and both address books tie them.
    assert communities.accounts_scored == 5  # network members' accounts: 4 WhatsApp + Carol's email
    assert communities.accounts_unmatched == 0
    assert leads.hidden_suspects == 2 and leads.present == 2  # Frank's account is in the case, unlinked
    assert leads.found_ranks == (1,)  # Carol first; Frank has no evidence of involvement, so no lead
    assert leads.recall_at(10) == 0.5
    assert leads.capped_recall_at(1) == 1.0


def test_a_planted_identity_makes_one_node_per_person(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    persons = plant_truth_identity(story.store, _truth())
    assert persons == 6
    run_network(story.store, "analyst")
    scores = score_network(story.store, _truth())
    with story.store.read() as conn:
        nodes = conn.execute(text("SELECT COUNT(*) FROM network_nodes")).scalar_one()
    assert nodes == 6
    assert scores.leads.found_ranks == (1,)
