"""Communities, betweenness and the role rule on graphs whose answer is known."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from darkroom.network.edges import Edge
from darkroom.network.graph import analyse_graph
from darkroom.network.roles import assign_roles, percentile
from darkroom.network.settings import CommunitySettings, RoleSettings


def _edge(a: str, b: str, weight: float = 1.0) -> Edge:
    return Edge(a, b, "same-group", 1, weight, None, None, ())


def _two_cliques_and_a_bridge() -> tuple[list[str], list[Edge]]:
    left = [f"account:{n}" for n in range(1, 7)]
    right = [f"account:{n}" for n in range(7, 13)]
    edges = [_edge(a, b) for group in (left, right) for a, b in combinations(group, 2)]
    edges.append(_edge("account:1", "account:13", 0.5))
    edges.append(_edge("account:13", "account:7", 0.5))  # 13 is the only path between the groups
    edges.append(_edge("account:12", "account:14", 0.2))  # 14 hangs off the right group
    return [*left, *right, "account:13", "account:14", "account:15"], edges


def test_leiden_finds_the_two_groups_and_the_bridge_is_a_broker() -> None:
    nodes, edges = _two_cliques_and_a_bridge()
    result = analyse_graph(nodes, edges, CommunitySettings(), RoleSettings(broker_min_communities=1))
    m = result.metrics
    assert len({m[f"account:{n}"].community for n in range(1, 7)}) == 1
    assert len({m[f"account:{n}"].community for n in range(7, 13)}) == 1
    assert m["account:1"].community != m["account:7"].community
    assert m["account:13"].betweenness == max(x.betweenness for x in m.values())
    assert m["account:14"].role == "peripheral"
    assert m["account:15"].community is None and m["account:15"].degree == 0
    assert m["account:1"].degree == 6 and m["account:2"].degree == 5


def test_a_build_is_repeatable() -> None:
    nodes, edges = _two_cliques_and_a_bridge()
    first = analyse_graph(nodes, edges, CommunitySettings(), RoleSettings())
    again = analyse_graph(nodes, edges, CommunitySettings(), RoleSettings())
    assert first == again


def test_role_rule() -> None:
    settings = RoleSettings(
        hub_percentile=0.8, hub_min_degree=4, broker_percentile=0.8, broker_min_communities=2
    )
    degree = [8, 2, 1, 0, 3, 2]
    strength = [20.0, 2.0, 1.0, 0.0, 3.0, 2.5]
    betweenness = [0.5, 0.0, 0.0, 0.0, 0.4, 0.1]
    other = [3, 0, 0, 0, 2, 2]
    assert assign_roles(degree, strength, betweenness, other, settings) == [
        "hub",  # most connected
        None,
        "peripheral",
        "peripheral",
        "broker",  # not a hub (3 neighbours); high betweenness, neighbours in two other communities
        None,  # betweenness below the floor
    ]


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1), st.floats(min_value=0, max_value=1))
def test_percentile_is_one_of_the_values_and_monotone(values: list[float], share: float) -> None:
    value = percentile(values, share)
    assert value in values
    assert percentile(values, 0.0) <= value <= percentile(values, 1.0)
