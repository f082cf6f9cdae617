"""The writers of the stored network: GraphML and GEXF (Gephi) through networkx, and CSV edge lists.

The graph is a directed multigraph: one edge per stored (source, target, kind), keyed by kind,
with `directed` telling whether the kind has a direction (undirected kinds run from the smaller
node key). The graphml, gexf and csv exporters (darkroom.reports.exporters.network) call them;
`run_export` audits what they wrote (`export.graphml` etc.), for `darkroom export` and its alias
`darkroom network export` alike.

Without clearance a restricted node (its person, its account or one of its person's accounts is
restricted: an undercover officer, a victim) keeps its place and its edges, but its label becomes
"[restricted]", its key an opaque "restricted:N" (numbered in key order) and its ids are left out.

The same case and options give the same bytes on any day: GEXF's `lastmodifieddate` (which networkx
fills with the day it writes) is the day the network was last built (`network_builds`), in UTC; the
other formats hold no time but the edges' own.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection, text

from darkroom.clearance import REDACTED, Clearance
from darkroom.errors import InvalidInput
from darkroom.store import CaseStore
from darkroom.timeutil import from_iso

ExportFormat = Literal["graphml", "gexf", "csv"]
NODE_COLUMNS = (
    "node_key",
    "label",
    "node_kind",
    "person_id",
    "account_id",
    "community",
    "degree",
    "weighted_degree",
    "betweenness",
    "role",
    "seized_owner",
)
EDGE_COLUMNS = ("source", "target", "kind", "directed", "count", "weight", "first_at_utc", "last_at_utc")
_NODES_SQL = text(
    "SELECT node_key, label, CASE WHEN person_id IS NULL THEN 'account' ELSE 'person' END AS node_kind, "
    "person_id, account_id, community, degree, weighted_degree, betweenness, role, seized_owner "
    "FROM network_nodes ORDER BY node_key"
)
_EDGES_SQL = text(
    "SELECT source_key AS source, target_key AS target, kind, directed, count, weight, first_at_utc, "
    "last_at_utc FROM network_edges ORDER BY id"
)


_RESTRICTED_NODES_SQL = text(
    """
    SELECT n.node_key FROM network_nodes n
    WHERE EXISTS (SELECT 1 FROM persons p WHERE p.id = n.person_id AND p.restricted = 1)
       OR EXISTS (SELECT 1 FROM accounts a WHERE a.id = n.account_id AND a.restricted = 1)
       OR EXISTS (SELECT 1 FROM person_links l JOIN accounts a ON a.id = l.account_id
                  WHERE l.person_id = n.person_id AND a.restricted = 1)
    ORDER BY n.node_key
    """
)


def _built_at_utc(conn: Connection) -> str:
    """When the stored network was last built (the graph's own modification time)."""
    built = conn.execute(text("SELECT built_at_utc FROM network_builds ORDER BY id DESC LIMIT 1")).first()
    if built is None:
        raise InvalidInput("the case has no network yet; run `darkroom network build` first")
    return str(built.built_at_utc)


def _rows(conn: Connection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = [dict(r._mapping) for r in conn.execute(_NODES_SQL)]
    edges = [dict(r._mapping) for r in conn.execute(_EDGES_SQL)]
    return nodes, edges


def restricted_node_keys(conn: Connection) -> dict[str, str]:
    """Each restricted node's key -> the opaque key it is exported under ("restricted:N")."""
    keys = [str(r.node_key) for r in conn.execute(_RESTRICTED_NODES_SQL)]
    return {key: f"restricted:{n}" for n, key in enumerate(keys, 1)}


def redact_rows(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], opaque: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The rows with every restricted node's key, label and ids replaced; structure is unchanged."""
    hidden = {"label": REDACTED, "person_id": None, "account_id": None}
    redacted_nodes = [
        {**node, **hidden, "node_key": opaque[node["node_key"]]} if node["node_key"] in opaque else node
        for node in nodes
    ]
    redacted_edges = [
        {**edge, "source": opaque.get(edge["source"], edge["source"]),
         "target": opaque.get(edge["target"], edge["target"])}
        for edge in edges
    ]  # fmt: skip
    return sorted(redacted_nodes, key=lambda n: str(n["node_key"])), redacted_edges


def to_networkx(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> Any:
    """A networkx MultiDiGraph of the rows; absent values are left out (the formats have no null)."""
    import networkx as nx  # noqa: PLC0415 - only exports need it

    graph = nx.MultiDiGraph(name="darkroom network")
    for node in nodes:
        attributes = {k: v for k, v in node.items() if k != "node_key" and v is not None}
        graph.add_node(node["node_key"], **attributes)
    for edge in edges:
        attributes = {k: v for k, v in edge.items() if k not in ("source", "target") and v is not None}
        graph.add_edge(edge["source"], edge["target"], key=edge["kind"], **attributes)
    return graph


@dataclass(frozen=True, slots=True)
class WrittenNetwork:
    """What one export wrote: the files (one, or nodes.csv + edges.csv) and the graph's size."""

    written: tuple[Path, ...]
    nodes: int
    edges: int
    redacted_nodes: int = 0


def write_network(store: CaseStore, fmt: ExportFormat, out: Path, *, clearance: Clearance) -> WrittenNetwork:
    """Write the network to `out` (a file, or a folder for CSV: nodes.csv + edges.csv), restricted
    nodes redacted unless `clearance` is "restricted"; the caller audits."""
    with store.read() as conn:
        built_at_utc = _built_at_utc(conn)
        nodes, edges = _rows(conn)
        opaque = {} if clearance == "restricted" else restricted_node_keys(conn)
    if opaque:
        nodes, edges = redact_rows(nodes, edges, opaque)
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        written = [
            _write_csv(out / "nodes.csv", NODE_COLUMNS, nodes),
            _write_csv(out / "edges.csv", EDGE_COLUMNS, edges),
        ]
    else:
        import networkx as nx  # noqa: PLC0415 - only exports need it

        out.parent.mkdir(parents=True, exist_ok=True)
        graph = to_networkx(nodes, edges)
        if fmt == "graphml":
            nx.write_graphml(graph, out)
        elif fmt == "gexf":
            _write_gexf(graph, out, built_at_utc)
        else:
            raise InvalidInput(f"unknown export format {fmt!r}; use graphml, gexf or csv")
        written = [out]
    return WrittenNetwork(tuple(written), len(nodes), len(edges), len(opaque))


def _write_gexf(graph: Any, out: Path, built_at_utc: str) -> None:
    """GEXF as `nx.write_gexf` writes it, but dated by the network's build, not by today."""
    from networkx.readwrite.gexf import GEXFWriter  # noqa: PLC0415 - only exports need it
    from networkx.utils import open_file  # noqa: PLC0415 - as write_gexf opens it (.gz, .bz2 compressed)

    writer = GEXFWriter()
    meta = writer.xml.find("meta")
    if meta is not None:  # networkx dates a <meta lastmodifieddate="YYYY-MM-DD"> element
        meta.set("lastmodifieddate", from_iso(built_at_utc).astimezone(UTC).strftime("%Y-%m-%d"))
    writer.add_graph(graph)
    open_file(0, mode="wb")(writer.write)(out)


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})
    return path
