"""Communities (Leiden), degrees, betweenness and roles over the collapsed undirected graph.

Every edge between two nodes, of any kind and direction, is summed into one undirected weight
for these measures; the typed edges stay in the store for views and exports. Betweenness treats
a strong tie as a short one (distance = 1 / weight) and is normalised to 0..1.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from darkroom.network.edges import Edge
from darkroom.network.roles import Role, assign_roles
from darkroom.network.settings import (
    BETWEENNESS_CUTOFF,
    EXACT_BETWEENNESS_MAX_NODES,
    CommunitySettings,
    RoleSettings,
)


@dataclass(frozen=True, slots=True)
class NodeMetrics:
    """What the network stage stores per node."""

    community: int | None  # 1 = the largest community; None for a node with no edge
    degree: int
    weighted_degree: float
    betweenness: float
    role: Role | None


@dataclass(frozen=True, slots=True)
class GraphAnalysis:
    """Per-node metrics and how they were computed."""

    metrics: dict[str, NodeMetrics]
    community_count: int
    betweenness_exact: bool
    quality: float


def collapse(edges: Iterable[Edge]) -> dict[tuple[str, str], float]:
    """One undirected weight per node pair: the sum of every edge between them."""
    pairs: dict[tuple[str, str], float] = defaultdict(float)
    for edge in edges:
        first, second = sorted((edge.source, edge.target))
        pairs[(first, second)] += edge.weight
    return dict(pairs)


def leiden_membership(
    vertex_count: int, pairs: Sequence[tuple[int, int]], weights: Sequence[float], settings: CommunitySettings
) -> tuple[list[int], float]:
    """Leiden membership (one community id per vertex) and the quality reached; repeatable."""
    import igraph  # noqa: PLC0415 - heavy import, only the network stage needs it

    graph = igraph.Graph(n=vertex_count, edges=list(pairs), directed=False)
    igraph.set_random_number_generator(random.Random(settings.seed))  # noqa: S311 - not for secrets
    try:
        clustering = graph.community_leiden(
            objective_function=settings.objective,
            weights=list(weights),
            resolution=settings.resolution,
            beta=settings.beta,
            n_iterations=settings.iterations,
        )
    finally:
        igraph.set_random_number_generator(random)
    return list(clustering.membership), float(clustering.quality)


def analyse_graph(
    node_keys: Sequence[str], edges: Iterable[Edge], communities: CommunitySettings, roles: RoleSettings
) -> GraphAnalysis:
    """Communities, degree, weighted degree, betweenness and role of every node."""
    import igraph  # noqa: PLC0415 - heavy import, only the network stage needs it

    index = {key: n for n, key in enumerate(node_keys)}
    collapsed = collapse(edges)
    pairs = [(index[a], index[b]) for a, b in collapsed]
    weights = list(collapsed.values())
    membership, quality = leiden_membership(len(node_keys), pairs, weights, communities)
    graph = igraph.Graph(n=len(node_keys), edges=pairs, directed=False)
    degree = graph.degree()
    strength = graph.strength(weights=weights) if pairs else [0.0] * len(node_keys)
    exact = len(node_keys) <= EXACT_BETWEENNESS_MAX_NODES
    betweenness = _betweenness(graph, weights, exact)
    community_of = _renumber(membership, degree)
    other = _other_communities(len(node_keys), pairs, community_of)
    role_list = assign_roles(degree, strength, betweenness, other, roles)
    metrics = {
        key: NodeMetrics(community_of[n], degree[n], float(strength[n]), betweenness[n], role_list[n])
        for key, n in index.items()
    }
    count = len({c for c in community_of if c is not None})
    return GraphAnalysis(metrics, count, exact, quality)


def _betweenness(graph: Any, weights: list[float], exact: bool) -> list[float]:
    vertex_count = int(graph.vcount())
    if vertex_count < 3 or not weights:
        return [0.0] * vertex_count
    distances = [1.0 / w if w > 0 else 1e9 for w in weights]
    cutoff = None if exact else BETWEENNESS_CUTOFF
    raw = graph.betweenness(directed=False, weights=distances, cutoff=cutoff)
    scale = 2.0 / ((vertex_count - 1) * (vertex_count - 2))
    return [float(value) * scale for value in raw]


def _renumber(membership: Sequence[int], degree: Sequence[int]) -> list[int | None]:
    """Communities numbered 1.. by size (largest first); nodes without edges get none."""
    members: dict[int, list[int]] = defaultdict(list)
    for vertex, community in enumerate(membership):
        if degree[vertex] > 0:
            members[community].append(vertex)
    ordered = sorted(members.values(), key=lambda vs: (-len(vs), vs[0]))
    number = {vs[0]: rank for rank, vs in enumerate(ordered, start=1)}
    renumbered: dict[int, int] = {}
    for community, vertices in members.items():
        renumbered[community] = number[vertices[0]]
    return [renumbered.get(c) if degree[v] > 0 else None for v, c in enumerate(membership)]


def _other_communities(
    vertex_count: int, pairs: Sequence[tuple[int, int]], community_of: Sequence[int | None]
) -> list[int]:
    """How many communities besides its own a node's neighbours belong to."""
    seen: list[set[int]] = [set() for _ in range(vertex_count)]
    for a, b in pairs:
        if community_of[b] is not None and community_of[b] != community_of[a]:
            seen[a].add(community_of[b])  # type: ignore[arg-type]
        if community_of[a] is not None and community_of[a] != community_of[b]:
            seen[b].add(community_of[a])  # type: ignore[arg-type]
    return [len(s) for s in seen]
