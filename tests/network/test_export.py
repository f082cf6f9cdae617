"""Exports load back: GraphML and GEXF through networkx's readers, CSV through csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from sqlalchemy import text

from darkroom.errors import InvalidInput
from darkroom.network.build import run_network
from darkroom.network.export import export_network
from darkroom.store import CaseStore
from tests.network.story import write_story


def _stored(tmp_path: Path) -> tuple[object, set[str], set[tuple[str, str, str]]]:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        nodes = {r.node_key for r in conn.execute(text("SELECT node_key FROM network_nodes"))}
        edges = {
            (r.source_key, r.target_key, r.kind)
            for r in conn.execute(text("SELECT source_key, target_key, kind FROM network_edges"))
        }
    return story.store, nodes, edges


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_formats_load_back_with_the_same_nodes_and_edges(
    tmp_path: Path, fmt: str, reader: object
) -> None:
    store, nodes, edges = _stored(tmp_path)
    written = export_network(store, fmt, tmp_path / f"network.{fmt}", "analyst")  # type: ignore[arg-type]
    graph = reader(written[0])  # type: ignore[operator]
    assert set(graph.nodes) == nodes
    loaded = {(u, v, data["kind"]) for u, v, data in graph.edges(data=True)}
    assert loaded == edges
    assert len(graph.edges) == len(edges)  # parallel edges of different kinds are kept
    some = next(iter(nodes))
    assert "label" in graph.nodes[some]
    with store.read() as conn:
        audited = conn.execute(
            text("SELECT details_json FROM audit_log WHERE action = 'network.export'")
        ).one()
    assert fmt in audited.details_json


def test_csv_writes_nodes_and_edges(tmp_path: Path) -> None:
    store, nodes, edges = _stored(tmp_path)
    written = export_network(store, "csv", tmp_path / "csv", "analyst")
    assert [p.name for p in written] == ["nodes.csv", "edges.csv"]
    with written[0].open(encoding="utf-8") as source:
        assert {row["node_key"] for row in csv.DictReader(source)} == nodes
    with written[1].open(encoding="utf-8") as source:
        assert {(r["source"], r["target"], r["kind"]) for r in csv.DictReader(source)} == edges


def test_export_before_a_build_is_a_clear_error(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Empty", "GB", "Europe/London")
    with pytest.raises(InvalidInput, match="network build"):
        export_network(store, "graphml", tmp_path / "x.graphml", "analyst")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_a_person_holding_a_restricted_account_is_redacted_unless_cleared(tmp_path: Path, fmt: str) -> None:
    story = write_story(tmp_path, with_persons=True)
    with story.store.write() as conn:
        conn.execute(
            text("UPDATE accounts SET restricted = 1 WHERE id = :a"), {"a": story.accounts["carol-email"]}
        )
    run_network(story.store, "analyst")
    hidden = export_network(story.store, fmt, tmp_path / f"hidden.{fmt}", "analyst")  # type: ignore[arg-type]
    cleared = export_network(story.store, fmt, tmp_path / f"cleared.{fmt}", "analyst", "restricted")  # type: ignore[arg-type]
    hidden_text = "".join(path.read_text(encoding="utf-8") for path in hidden)
    cleared_text = "".join(path.read_text(encoding="utf-8") for path in cleared)
    assert "Carol" not in hidden_text and "restricted:1" in hidden_text and "[restricted]" in hidden_text
    assert "Carol" in cleared_text and "restricted:1" not in cleared_text
    with story.store.read() as conn:
        rows = conn.execute(text("SELECT details_json FROM audit_log WHERE action = 'network.export'")).all()
    recorded = [json.loads(row.details_json) for row in rows]
    assert [(d["clearance"], d["redacted_nodes"]) for d in recorded] == [("standard", 1), ("restricted", 0)]
    assert recorded[0]["nodes"] == recorded[1]["nodes"] and recorded[0]["edges"] == recorded[1]["edges"]
