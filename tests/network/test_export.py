"""Exports load back: GraphML and GEXF through networkx's readers, CSV through csv; every one goes
through `run_export` and its audit row, and `network export` writes what `export --format` writes."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import networkx as nx
import pytest
from sqlalchemy import text

from darkroom.errors import ExportUnavailable, InvalidInput
from darkroom.evidence import audit
from darkroom.model import AuditEntry
from darkroom.network.build import run_network
from darkroom.network.export import write_network
from darkroom.reports.exporters.base import run_export
from darkroom.store import CaseStore
from tests.conftest import CliRunner
from tests.network.story import Story, write_story


def _stored(tmp_path: Path) -> tuple[CaseStore, set[str], set[tuple[str, str, str]]]:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        nodes = {r.node_key for r in conn.execute(text("SELECT node_key FROM network_nodes"))}
        edges = {
            (r.source_key, r.target_key, r.kind)
            for r in conn.execute(text("SELECT source_key, target_key, kind FROM network_edges"))
        }
    return story.store, nodes, edges


def _audited(store: CaseStore, action: str) -> list[AuditEntry]:
    with store.read() as conn:
        return list(audit.entries(conn, action))


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_formats_load_back_with_the_same_nodes_and_edges(
    tmp_path: Path, fmt: str, reader: object
) -> None:
    store, nodes, edges = _stored(tmp_path)
    result = run_export(store, fmt, tmp_path / f"network.{fmt}", "analyst")
    [(path, sha256_hex)] = result.files
    graph = reader(path)  # type: ignore[operator]
    assert set(graph.nodes) == nodes
    loaded = {(u, v, data["kind"]) for u, v, data in graph.edges(data=True)}
    assert loaded == edges
    assert len(graph.edges) == len(edges)  # parallel edges of different kinds are kept
    some = next(iter(nodes))
    assert "label" in graph.nodes[some]
    [entry] = _audited(store, f"export.{fmt}")
    assert entry.seq == result.audit_seq and entry.details["sha256"] == sha256_hex
    assert entry.details["counts"] == {"nodes": len(nodes), "edges": len(edges)}


def test_csv_writes_nodes_and_edges(tmp_path: Path) -> None:
    store, nodes, edges = _stored(tmp_path)
    result = run_export(store, "csv", tmp_path / "csv", "analyst")
    assert [path.name for path, _ in result.files] == ["nodes.csv", "edges.csv"]
    with result.files[0][0].open(encoding="utf-8") as source:
        assert {row["node_key"] for row in csv.DictReader(source)} == nodes
    with result.files[1][0].open(encoding="utf-8") as source:
        assert {(r["source"], r["target"], r["kind"]) for r in csv.DictReader(source)} == edges


def test_export_before_a_build_is_a_clear_error(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "case", "Op Empty", "GB", "Europe/London")
    with pytest.raises(InvalidInput, match="network build"):
        write_network(store, "graphml", tmp_path / "x.graphml", clearance="standard")
    with pytest.raises(ExportUnavailable, match="network build"):
        run_export(store, "graphml", tmp_path / "x.graphml", "analyst")
    assert not (tmp_path / "x.graphml").exists()


def _restricted_story(tmp_path: Path) -> Story:
    story = write_story(tmp_path, with_persons=True)
    with story.store.write() as conn:
        conn.execute(
            text("UPDATE accounts SET restricted = 1 WHERE id = :a"), {"a": story.accounts["carol-email"]}
        )
    run_network(story.store, "analyst")
    return story


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_a_person_holding_a_restricted_account_is_redacted_unless_cleared(tmp_path: Path, fmt: str) -> None:
    store = _restricted_story(tmp_path).store
    hidden = run_export(store, fmt, tmp_path / f"hidden.{fmt}", "analyst")
    cleared = run_export(store, fmt, tmp_path / f"cleared.{fmt}", "analyst", "restricted")
    hidden_text = "".join(path.read_text(encoding="utf-8") for path, _ in hidden.files)
    cleared_text = "".join(path.read_text(encoding="utf-8") for path, _ in cleared.files)
    assert "Carol" not in hidden_text and "restricted:1" in hidden_text and "[restricted]" in hidden_text
    assert "Carol" in cleared_text and "restricted:1" not in cleared_text
    recorded = [entry.details for entry in _audited(store, f"export.{fmt}")]
    assert [d["clearance"] for d in recorded] == ["standard", "restricted"]
    assert recorded[0]["counts"]["restricted nodes redacted"] == 1
    assert "restricted nodes redacted" not in recorded[1]["counts"]
    for key in ("nodes", "edges"):
        assert recorded[0]["counts"][key] == recorded[1]["counts"][key]


@pytest.mark.parametrize("clearance", ["standard", "restricted"])
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_network_export_writes_the_bytes_and_audit_row_of_export(
    tmp_path: Path, cli: CliRunner, fmt: str, clearance: str
) -> None:
    story = _restricted_story(tmp_path)
    case = story.store.root
    story.store.close()
    name = "net" if fmt == "csv" else f"net.{fmt}"
    for folder, command in (("alias", ["network", "export"]), ("direct", ["export"])):
        (tmp_path / folder).mkdir()
        args = ["--format", fmt, "--out", tmp_path / folder / name, "--clearance", clearance]
        ran = cli(*command, *args, "--case", case, "--actor", "analyst", "--json")
        assert ran.code == 0, ran.err
    alias_files = sorted((tmp_path / "alias").rglob("*.*"))
    direct_files = sorted((tmp_path / "direct").rglob("*.*"))
    assert [p.relative_to(tmp_path / "alias") for p in alias_files] == [
        p.relative_to(tmp_path / "direct") for p in direct_files
    ]
    assert alias_files and all(
        a.read_bytes() == d.read_bytes() for a, d in zip(alias_files, direct_files, strict=True)
    )
    store = CaseStore.open(case)
    try:
        alias, direct = _audited(store, f"export.{fmt}")
        assert _audited(store, "network.export") == []
    finally:
        store.close()
    assert (alias.actor, alias.action, alias.object_ref) == (direct.actor, direct.action, direct.object_ref)
    in_alias = json.dumps(alias.details, sort_keys=True).replace(str(tmp_path / "alias"), "OUT")
    assert in_alias == json.dumps(direct.details, sort_keys=True).replace(str(tmp_path / "direct"), "OUT")
    digests = {f["sha256"] for f in alias.details["files"]}
    assert digests == {hashlib.sha256(path.read_bytes()).hexdigest() for path in alias_files}
    assert alias.details["clearance"] == clearance


def test_network_export_keeps_its_formats_and_errors(tmp_path: Path, cli: CliRunner) -> None:
    story = write_story(tmp_path)
    case = story.store.root
    story.store.close()
    before = cli("network", "export", "--format", "graphml", "--out", tmp_path / "x.graphml", "--case", case)
    assert before.code == 2 and "network build" in before.err and "Traceback" not in before.err
    cli("network", "build", "--case", case)
    for other in ("ftm", "vics", "pdf"):
        refused = cli("network", "export", "--format", other, "--out", tmp_path / "x", "--case", case)
        assert refused.code == 2 and "graphml, gexf, csv" in refused.err
    wrong = cli(
        "network", "export", "--format", "csv", "--out", tmp_path / "c", "--clearance", "top", "--case", case
    )
    assert wrong.code == 2 and "--clearance" in wrong.err
    no_folder = cli(
        "network", "export", "--format", "gexf", "--out", tmp_path / "no" / "n.gexf", "--case", case
    )
    assert no_folder.code == 2 and "does not exist" in no_folder.err and not (tmp_path / "no").exists()
    written = cli("network", "export", "--format", "GraphML", "--out", tmp_path / "g.graphml", "--case", case)
    assert written.code == 0 and "sha256" in written.out and "clearance standard" in written.out
    assert len(nx.read_graphml(tmp_path / "g.graphml").nodes) == 7
