"""Every tunable of the network stage in one place: edge weights, Leiden, roles, lead weights.

Chosen on synthetic cases (two `medium` cases, seeds 7 and 11, and the `dark-room` case, seed 1)
against their planted networks, with persons from a perfect identity stage (truth links): NMI
averaged over 5 Leiden seeds for a grid of edge weights and resolutions. Group conversations
carry the networks: weighting group messages 4x a direct message and a shared group 3 units
raised the mean NMI from 0.83 (all kinds equal, resolution 1) to 0.95. The modularity objective
under-splits at resolution 1 on the larger case (the resolution limit: dark-room 0.90 at 1.0,
0.975 at 1.5) and over-splits from 2 up (0.94 at 2, 0.90 at 3). With the persons the real
identity stage resolves (several nodes remain for some people), the same dark-room case gives
0.77/0.73 at 1.0, 0.79/0.81 at 1.5 and 0.83/0.83 at 2.0 (Leiden seeds 5/11): 2.0 is the best
worst case over both, so it is the default; CPM (0.05-0.2) broke the
networks into hundreds of pieces (NMI <= 0.49 on accounts). Leads: a logistic fit on the two
medium cases ranked group-based features first and contact-list features last (bystander
acquaintances sit in several owners' address books); the weights below keep every feature the
issue names, rounded and ordered by that fit. Every build stores these settings with its row in
`network_builds`, so a figure can be traced to what produced it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal

EdgeKind = Literal[
    "messaged", "group-messaged", "in-contacts-of", "shared-identifier", "same-group", "shared-media"
]
EDGE_KINDS: Final[tuple[EdgeKind, ...]] = (
    "messaged",
    "group-messaged",
    "in-contacts-of",
    "shared-identifier",
    "same-group",
    "shared-media",
)
DIRECTED_KINDS: Final[frozenset[EdgeKind]] = frozenset({"messaged", "in-contacts-of"})

# How much one unit of each kind weighs in community detection. A unit is: one message-carrying
# conversation pair (scaled by log2(1 + messages)); one exhibit listing a contact; one shared
# identifier; one group shared (split over its members); one media series or hash-set entry held.
EDGE_WEIGHTS: Final[dict[EdgeKind, float]] = {
    "messaged": 1.0,
    "group-messaged": 4.0,
    "in-contacts-of": 1.0,
    "shared-identifier": 2.0,
    "same-group": 3.0,
    "shared-media": 0.5,
}
# An identifier investigators or the identity stage marked shared (a family landline, an office
# switchboard) still links, but at this fraction of the weight.
SHARED_IDENTIFIER_FACTOR: Final = 0.1
# Identifiers held by more accounts than this are treated as shared whatever their flag says.
MAX_ACCOUNTS_PER_IDENTIFIER: Final = 12
# Groups (and media series) with more members than this add no pairwise edges: a 500-member
# channel says little about who knows whom, and its clique would swamp the graph.
MAX_GROUP_MEMBERS: Final = 60

Objective = Literal["modularity", "CPM"]


@dataclass(frozen=True, slots=True)
class CommunitySettings:
    """igraph `community_leiden` arguments. `resolution` > 1 splits more (see research §2)."""

    objective: Objective = "modularity"
    resolution: float = 2.0
    beta: float = 0.01
    iterations: int = -1  # until stable
    seed: int = 5  # Leiden is randomised; a fixed seed makes builds repeatable

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class RoleSettings:
    """The role rule (darkroom.network.roles): percentiles over nodes with at least one edge."""

    hub_percentile: float = 0.95
    hub_min_degree: int = 5
    broker_percentile: float = 0.95
    broker_min_communities: int = 2  # neighbours in at least this many communities besides its own
    peripheral_max_degree: int = 1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Exact betweenness up to this many nodes; above it, paths longer than BETWEENNESS_CUTOFF steps
# are not counted (igraph's range-limited betweenness), and the summary says so.
EXACT_BETWEENNESS_MAX_NODES: Final = 50_000
BETWEENNESS_CUTOFF: Final = 4


@dataclass(frozen=True, slots=True)
class LeadWeights:
    """Weights of the lead score: score = sum(weight x feature), features on log2(1 + count)
    scales except `recency` (1.0 for a message on the newest day, halving every half-life)."""

    owners_listing: float = 1.0  # distinct seized owners whose devices list them in contacts
    devices_listing: float = 0.25  # distinct seized devices listing them
    suspects_reached: float = 0.5  # distinct known suspects linked by any edge
    messages_with_suspects: float = 0.5
    recency: float = 0.5
    groups_with_suspects: float = 2.0  # distinct group chats shared with known suspects
    suspects_in_groups: float = 3.0  # most known suspects in one of those groups
    communities: float = 0.5  # distinct communities among neighbours, beyond the first
    message_mentions: float = 1.0  # messages that mention an identifier (identifier leads)
    # distinct pictures/videos they sent in chats or mail that a hash set or an examiner puts in an
    # illegal or exploitative category: distribution, the strongest sign of involvement there is.
    # 2.0 (as for shared groups) lifted hidden-suspect recall@50 on dark-room from 0.725 to 0.90;
    # 1.0 and 3.0 gave the same in an offline re-ranking, so the ranking does not hang on this value.
    pertinent_media_sent: float = 2.0
    recency_half_life_days: float = 180.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """All settings of one build."""

    communities: CommunitySettings = field(default_factory=CommunitySettings)
    roles: RoleSettings = field(default_factory=RoleSettings)
    leads: LeadWeights = field(default_factory=LeadWeights)

    def as_dict(self) -> dict[str, Any]:
        return {
            "edge_weights": dict(EDGE_WEIGHTS),
            "shared_identifier_factor": SHARED_IDENTIFIER_FACTOR,
            "max_accounts_per_identifier": MAX_ACCOUNTS_PER_IDENTIFIER,
            "max_group_members": MAX_GROUP_MEMBERS,
            "communities": self.communities.as_dict(),
            "roles": self.roles.as_dict(),
            "leads": self.leads.as_dict(),
        }
