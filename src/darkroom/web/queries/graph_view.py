"""The network for the pages: a node's neighbourhood or a community, never the whole graph.

`darkroom.network.queries.expand` walks the whole edge table in memory (fine for the CLI, too slow
per request on a large case); here each view reads only the edges of the nodes it shows, through
the edge table's indexes, and stops at a node cap it reports. Restricted persons and accounts
are left out for viewers without clearance, with every edge that touches them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, text

from darkroom.network.settings import EDGE_KINDS
from darkroom.web.access import CaseView

MAX_NODES: Final = 150
# A dense group (everyone in a chat group with everyone) makes thousands of edges among 40 nodes;
# the strongest are drawn and the view says the rest were left out.
MAX_EDGES: Final = 600
_NODE_SQL = """
SELECT n.node_key, n.person_id, n.account_id, n.community, n.degree, n.weighted_degree, n.betweenness,
       n.role, n.label, n.seized_owner, COALESCE(p.restricted, a.restricted, 0) AS restricted
FROM network_nodes n LEFT JOIN persons p ON p.id = n.person_id LEFT JOIN accounts a ON a.id = n.account_id
"""


@dataclass(frozen=True, slots=True)
class GraphView:
    """Nodes and edges to draw; `capped` says nodes were left out to stay under the cap,
    `edges_capped` that the weakest edges among them were."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    capped: bool
    cap: int
    edges_capped: bool = False


def has_network(conn: Connection) -> bool:
    """A network was built for this case (a case made while migration 0006 was a placeholder has no
    network tables: it shows as not built rather than failing)."""
    if (
        conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'network_builds'")
        ).first()
        is None
    ):
        return False
    return conn.execute(text("SELECT 1 FROM network_builds LIMIT 1")).first() is not None


def _node_dict(row: Any) -> dict[str, Any]:
    item = dict(row._mapping)
    item["restricted"] = bool(item["restricted"])
    item["seized_owner"] = bool(item["seized_owner"])
    return item


def node(conn: Connection, view: CaseView, node_key: str) -> dict[str, Any] | None:
    """One node's facts; None when absent or restricted to this viewer."""
    row = conn.execute(text(_NODE_SQL + " WHERE n.node_key = :key"), {"key": node_key}).first()
    if row is None or not view.visible(row.restricted):
        return None
    return _node_dict(row)


def node_of_person(conn: Connection, person_id: int) -> dict[str, Any] | None:
    """The network facts (community, role, degree, betweenness) of a person, if the graph holds it."""
    row = conn.execute(text(_NODE_SQL + " WHERE n.node_key = :key"), {"key": f"person:{person_id}"}).first()
    return None if row is None else _node_dict(row)


def clean_kinds(kinds: list[str] | None) -> list[str]:
    """The edge kinds asked for that exist (all of them when none are asked for)."""
    known: list[str] = list(EDGE_KINDS)
    chosen = [k for k in (kinds or []) if k in known]
    return chosen or known


def _nodes(conn: Connection, view: CaseView, keys: list[str]) -> dict[str, dict[str, Any]]:
    rows = conn.execute(
        text(_NODE_SQL + " WHERE n.node_key IN (SELECT value FROM json_each(:keys))"),
        {"keys": json.dumps(keys)},
    )
    return {str(r.node_key): _node_dict(r) for r in rows if view.visible(r.restricted)}


def _edges_among(conn: Connection, keys: list[str], kinds: list[str]) -> tuple[list[dict[str, Any]], bool]:
    """The strongest edges (at most MAX_EDGES) among these nodes, and whether any were left out."""
    rows = conn.execute(
        text(
            "SELECT id, source_key, target_key, kind, directed, count, weight, first_at_utc, last_at_utc "
            "FROM network_edges WHERE source_key IN (SELECT value FROM json_each(:keys)) "
            "AND target_key IN (SELECT value FROM json_each(:keys)) "
            "AND kind IN (SELECT value FROM json_each(:kinds)) ORDER BY weight DESC, id LIMIT :limit"
        ),
        {"keys": json.dumps(keys), "kinds": json.dumps(kinds), "limit": MAX_EDGES + 1},
    )
    found = [dict(r._mapping) for r in rows]
    return found[:MAX_EDGES], len(found) > MAX_EDGES


def neighbourhood(
    conn: Connection, view: CaseView, node_key: str, kinds: list[str] | None = None, cap: int = MAX_NODES
) -> GraphView | None:
    """A node and its neighbours (strongest ties first, at most `cap` nodes) with the edges among them."""
    centre = node(conn, view, node_key)
    if centre is None:
        return None
    chosen = clean_kinds(kinds)
    ties: dict[str, float] = defaultdict(float)
    rows = conn.execute(
        text(
            "SELECT target_key AS other, weight FROM network_edges WHERE source_key = :key "
            "AND kind IN (SELECT value FROM json_each(:kinds)) UNION ALL "
            "SELECT source_key, weight FROM network_edges WHERE target_key = :key "
            "AND kind IN (SELECT value FROM json_each(:kinds))"
        ),
        {"key": node_key, "kinds": json.dumps(chosen)},
    )
    for row in rows:
        ties[str(row.other)] += float(row.weight)
    ranked = sorted(ties, key=lambda k: (-ties[k], k))
    found = _nodes(conn, view, ranked)
    visible = [k for k in ranked if k in found]
    kept = [node_key, *visible[: max(cap - 1, 0)]]
    found[node_key] = centre
    edges, edges_capped = _edges_among(conn, kept, chosen)
    return GraphView([found[k] for k in kept], edges, len(visible) > len(kept) - 1, cap, edges_capped)


def community(
    conn: Connection, view: CaseView, number: int, kinds: list[str] | None = None, cap: int = MAX_NODES
) -> GraphView:
    """The best-connected members of one community (at most `cap`) with the edges among them."""
    chosen = clean_kinds(kinds)
    rows = conn.execute(
        text(_NODE_SQL + " WHERE n.community = :c ORDER BY n.weighted_degree DESC, n.node_key LIMIT :limit"),
        {"c": number, "limit": cap + 1},
    )
    members = [_node_dict(r) for r in rows]
    capped = len(members) > cap
    shown = [m for m in members[:cap] if view.visible(m["restricted"])]
    edges, edges_capped = _edges_among(conn, [m["node_key"] for m in shown], chosen)
    return GraphView(shown, edges, capped, cap, edges_capped)


def communities(conn: Connection, view: CaseView, limit: int = 30) -> list[dict[str, Any]]:
    """The largest communities with their size and best-connected visible member."""
    rows = conn.execute(
        text(
            "SELECT community, COUNT(*) AS size, SUM(seized_owner) AS seized_owners FROM network_nodes "
            "WHERE community IS NOT NULL GROUP BY community ORDER BY size DESC, community LIMIT :limit"
        ),
        {"limit": limit},
    )
    found = [dict(r._mapping) for r in rows]
    for item in found:
        top = conn.execute(
            text(_NODE_SQL + " WHERE n.community = :c ORDER BY n.weighted_degree DESC LIMIT 5"),
            {"c": item["community"]},
        )
        item["top"] = [str(r.label) for r in top if view.visible(r.restricted)][:3]
    return found
