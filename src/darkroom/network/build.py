"""`network build`: read the store, build the graph, write nodes, edges and evidence, rank leads.

Idempotent: every build replaces the previous graph whole (nodes, edges, evidence, exhibit
owners) in one write transaction, so a reader never sees half a graph; leads keep their ids.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from darkroom.evidence import audit
from darkroom.network.edges import Edge, build_edges
from darkroom.network.graph import GraphAnalysis, analyse_graph
from darkroom.network.leads import LeadSummary, refresh_leads
from darkroom.network.nodes import NodeMap, load_nodes
from darkroom.network.owners import ExhibitOwner, infer_exhibit_owners
from darkroom.network.settings import EDGE_KINDS, NetworkSettings
from darkroom.store import CaseStore
from darkroom.store.case import execute_many
from darkroom.timeutil import to_iso, utc_now

_CLEAR = (
    "DELETE FROM network_edge_evidence",
    "DELETE FROM network_edges",
    "DELETE FROM network_nodes",
    "DELETE FROM network_exhibit_owners",
)
_INSERT_NODE = (
    "INSERT INTO network_nodes (node_key, person_id, account_id, community, degree, weighted_degree, "
    "betweenness, role, label, seized_owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_EDGE = (
    "INSERT INTO network_edges (id, source_key, target_key, kind, directed, count, weight, "
    "first_at_utc, last_at_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_EVIDENCE = "INSERT INTO network_edge_evidence (edge_id, ref_kind, ref_id, count) VALUES (?, ?, ?, ?)"
_INSERT_OWNER = "INSERT INTO network_exhibit_owners (exhibit_id, account_id, reason) VALUES (?, ?, ?)"


@dataclass(frozen=True, slots=True)
class BuildSummary:
    """What one build found and wrote."""

    nodes: int
    connected_nodes: int
    edges: int
    edges_by_kind: dict[str, int]
    communities: int
    exhibits_with_owner: int
    exhibits: int
    betweenness_exact: bool
    seconds: float
    leads: LeadSummary
    settings: dict[str, object] = field(default_factory=dict)


def run_network(store: CaseStore, actor: str, settings: NetworkSettings | None = None) -> BuildSummary:
    """Build the graph from the store as it is now and replace the stored one; then rank leads."""
    settings = settings or NetworkSettings()
    started = time.perf_counter()
    with store.read() as conn:
        owners = infer_exhibit_owners(conn)
        node_map = load_nodes(conn, owners)
        edges = build_edges(conn, node_map)
        exhibits = int(conn.execute(text("SELECT COUNT(*) FROM exhibits")).scalar_one())
    analysis = analyse_graph(list(node_map.nodes), edges, settings.communities, settings.roles)
    by_kind = Counter(edge.kind for edge in edges)
    with store.write() as conn:
        _write_graph(conn, owners, node_map, edges, analysis)
        conn.execute(
            text(
                "INSERT INTO network_builds (built_at_utc, node_count, edge_count, community_count, "
                "settings_json) VALUES (:at, :nodes, :edges, :communities, :settings)"
            ),
            {
                "at": to_iso(utc_now()),
                "nodes": len(node_map.nodes),
                "edges": len(edges),
                "communities": analysis.community_count,
                "settings": json.dumps(settings.as_dict(), sort_keys=True),
            },
        )
        details = {"nodes": len(node_map.nodes), "edges": len(edges), "communities": analysis.community_count}
        audit.append(conn, actor, "network.build", "network", details)
    leads = refresh_leads(store, settings.leads)
    return BuildSummary(
        nodes=len(node_map.nodes),
        connected_nodes=sum(1 for m in analysis.metrics.values() if m.degree > 0),
        edges=len(edges),
        edges_by_kind={kind: by_kind.get(kind, 0) for kind in EDGE_KINDS},
        communities=analysis.community_count,
        exhibits_with_owner=len(node_map.owners_of_exhibit),
        exhibits=exhibits,
        betweenness_exact=analysis.betweenness_exact,
        seconds=time.perf_counter() - started,
        leads=leads,
        settings=settings.as_dict(),
    )


def _write_graph(
    conn: Connection,
    owners: list[ExhibitOwner],
    node_map: NodeMap,
    edges: list[Edge],
    analysis: GraphAnalysis,
) -> None:
    for statement in _CLEAR:
        conn.exec_driver_sql(statement)
    seized = node_map.seized_owner_keys
    node_rows = []
    for key, node in node_map.nodes.items():
        m = analysis.metrics[key]
        node_rows.append(
            (
                key,
                node.person_id,
                node.account_id,
                m.community,
                m.degree,
                m.weighted_degree,
                m.betweenness,
                m.role,
                node.label,
                int(key in seized),
            )
        )
    execute_many(conn, _INSERT_NODE, node_rows)
    execute_many(conn, _INSERT_OWNER, [(o.exhibit_id, o.account_id, o.reason) for o in owners])
    edge_rows: list[tuple[object, ...]] = []
    evidence_rows: list[tuple[int, str, int, int]] = []
    for edge_id, edge in enumerate(edges, start=1):
        edge_rows.append(
            (
                edge_id,
                edge.source,
                edge.target,
                edge.kind,
                int(edge.directed),
                edge.count,
                edge.weight,
                edge.first_at_utc,
                edge.last_at_utc,
            )
        )
        evidence_rows.extend((edge_id, ref_kind, ref_id, n) for ref_kind, ref_id, n in edge.evidence)
    execute_many(conn, _INSERT_EDGE, edge_rows)
    execute_many(conn, _INSERT_EVIDENCE, evidence_rows)
