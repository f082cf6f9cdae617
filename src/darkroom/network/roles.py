"""Role labels from a node's place in the graph; a label orders attention, it proves nothing.

Among nodes with at least one edge (percentiles taken over them):
- hub: weighted degree at or above the `hub_percentile` and at least `hub_min_degree` neighbours
  (the centre of a star: typically a seized phone's owner).
- broker: not a hub, betweenness above zero and at or above the `broker_percentile`, and
  neighbours in at least `broker_min_communities` communities other than its own (the one who
  connects groups that otherwise barely touch).
- peripheral: at most `peripheral_max_degree` neighbours.
- anyone else: no label (an ordinary member).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from darkroom.network.settings import RoleSettings

Role = Literal["hub", "broker", "peripheral"]


def percentile(values: Sequence[float], share: float) -> float:
    """The value at `share` (0..1) of the sorted values, nearest rank; 0.0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def assign_roles(
    degree: Sequence[int],
    strength: Sequence[float],
    betweenness: Sequence[float],
    other_communities: Sequence[int],
    settings: RoleSettings,
) -> list[Role | None]:
    """One role (or None) per node; the four sequences are aligned by node."""
    connected = [n for n, d in enumerate(degree) if d > 0]
    hub_floor = percentile([strength[n] for n in connected], settings.hub_percentile)
    broker_floor = percentile([betweenness[n] for n in connected], settings.broker_percentile)
    roles: list[Role | None] = []
    for n, neighbours in enumerate(degree):
        role: Role | None = None
        if neighbours >= settings.hub_min_degree and strength[n] >= hub_floor:
            role = "hub"
        elif (
            betweenness[n] > 0
            and betweenness[n] >= broker_floor
            and other_communities[n] >= settings.broker_min_communities
        ):
            role = "broker"
        elif neighbours <= settings.peripheral_max_degree:
            role = "peripheral"
        roles.append(role)
    return roles
