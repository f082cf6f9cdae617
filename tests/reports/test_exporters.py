"""`darkroom export`: the registry's contract, FollowTheMoney lines valid in the FtM model, VICS that
re-imports into darkroom with the same entries, the network hand-over's clear error, and the audit."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from followthemoney import model
from sqlalchemy import text

from darkroom.errors import ExportUnavailable, InvalidInput
from darkroom.evidence import audit
from darkroom.media.hashsets.importer import import_hashset
from darkroom.reports.exporters.base import Exporter, exporter_named, load_exporters, run_export
from darkroom.reports.scope import Clearance
from darkroom.store import CaseStore
from tests.conftest import CliRunner
from tests.reports.conftest import BuiltCase


@pytest.mark.parametrize("name", sorted(load_exporters()))
def test_every_registered_exporter_keeps_the_contract(name: str) -> None:
    exporter = load_exporters()[name]
    assert isinstance(exporter, Exporter)
    assert exporter.name == name and exporter.description.strip()


def test_the_formats_the_issue_asks_for_are_registered() -> None:
    assert {"graphml", "gexf", "csv", "ftm", "vics"} <= set(load_exporters())
    with pytest.raises(InvalidInput, match="unknown export format 'xlsx'"):
        exporter_named("xlsx")


def _export(
    case: BuiltCase, name: str, out: Path, clearance: Clearance = "standard"
) -> tuple[list[tuple[Path, str]], dict[str, int]]:
    store = CaseStore.open(case.root)
    try:
        result = run_export(store, name, out, "examiner1", clearance)
        with store.read() as conn:
            (entry,) = list(audit.entries(conn, f"export.{name}"))
    finally:
        store.close()
    assert entry.seq == result.audit_seq
    for path, sha256_hex in result.files:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256_hex
    recorded = {(Path(f["path"]), f["sha256"]) for f in entry.details["files"]}
    assert recorded == set(result.files)
    if len(result.files) == 1:
        assert entry.details["sha256"] == result.files[0][1]
    assert entry.details["clearance"] == clearance
    return list(result.files), dict(result.counts)


def _entities(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_ftm_lines_validate_against_the_followthemoney_model(case_copy: BuiltCase, tmp_path: Path) -> None:
    out = tmp_path / "case.ftm.json"
    _export(case_copy, "ftm", out)
    entities = _entities(out)
    for data in entities:
        schema = model[data["schema"]]
        assert schema.validate(data) is None
        proxy = model.get_proxy(data, cleaned=False)
        assert proxy.id == data["id"]
        assert all(proxy.has(name) for name in schema.required), data
    assert len({e["id"] for e in entities}) == len(entities)
    by_schema: dict[str, list[dict]] = {}
    for data in entities:
        by_schema.setdefault(data["schema"], []).append(data)
    assert {"Person", "UserAccount", "LegalEntity", "Document", "Message"} <= set(by_schema)


def test_ftm_links_messages_to_accounts_holders_and_source_files(
    case_copy: BuiltCase, tmp_path: Path
) -> None:
    out = tmp_path / "case.ftm.json"
    _, counts = _export(case_copy, "ftm", out)
    entities = {e["id"]: e for e in _entities(out)}
    ola = next(
        e for e in entities.values() if e["schema"] == "Person" and e["properties"]["name"] == ["Ola Berg"]
    )
    accounts = [
        e
        for e in entities.values()
        if e["schema"] == "UserAccount" and e["properties"]["owner"] == [ola["id"]]
    ]
    assert sorted(a["properties"]["username"][0] for a in accounts) == ["user222", "user999"]
    message = next(
        e for e in entities.values()
        if e["schema"] == "Message" and e["properties"]["bodyText"] == ["take the bus then"]
    )  # fmt: skip
    props = message["properties"]
    assert props["date"] == ["2026-01-11T17:49:00"]
    assert entities[props["senderAccount"][0]]["properties"]["username"] == ["user111"]
    document = entities[props["proof"][0]]
    assert document["schema"] == "Document" and document["properties"]["title"] == [
        "EX-1/Telegram/kari/result.json"
    ]
    assert len(document["properties"]["contentHash"][0]) == 40  # SHA-1, Aleph's content hash
    assert props["description"] == ["EX-1 · Telegram/kari/result.json · messages[7]"]
    assert ola["id"] in props["recipients"]
    assert counts["Message"] == 20  # 22 messages, 2 from the restricted account left out
    assert counts["messages left out (restricted sender)"] == 2


def test_ftm_leaves_restricted_records_out(case_copy: BuiltCase, tmp_path: Path) -> None:
    out = tmp_path / "case.ftm.json"
    _, counts = _export(case_copy, "ftm", out)
    written = out.read_text(encoding="utf-8")
    assert "user333" not in written and "Per Undercover" not in written
    assert '"Per"' not in written  # the conversation's title names him
    assert counts["restricted persons left out"] == 1 and counts["restricted accounts left out"] == 1


def test_vics_export_reimports_with_the_same_entries(case_copy: BuiltCase, tmp_path: Path) -> None:
    out = tmp_path / "case-vics.json"
    _, counts = _export(case_copy, "vics", out)
    assert counts == {"media": 1}
    store = CaseStore.open(case_copy.root)
    try:
        result = import_hashset(store, out, "vics", "reimported", "examiner1")
        with store.read() as conn:
            entries = conn.execute(
                text("SELECT e.md5, e.sha1, e.sha256, e.category FROM hashset_entries e "
                     "JOIN hashsets s ON s.id = e.hashset_id WHERE s.name = 'reimported'")
            ).all()  # fmt: skip
            photo = conn.execute(
                text("SELECT md5, sha1, sha256 FROM files WHERE id = :f"), {"f": case_copy.photo_file_id}
            ).one()
    finally:
        store.close()
    assert result.entry_count == 1
    assert [tuple(e) for e in entries] == [(photo.md5, photo.sha1, photo.sha256, "1")]  # illegal = VICS 1


def test_graph_exports_need_a_built_network(case_copy: BuiltCase, tmp_path: Path) -> None:
    store = CaseStore.open(case_copy.root)
    try:
        for name in ("graphml", "gexf", "csv"):
            with pytest.raises(ExportUnavailable, match=r"no network yet; run `darkroom network build`"):
                run_export(store, name, tmp_path / f"graph.{name}", "examiner1")
        with store.read() as conn:
            assert not list(audit.entries(conn, "export."))  # nothing written, nothing recorded
    finally:
        store.close()
    assert not list(tmp_path.glob("graph.*"))


def test_graph_exports_load_back_with_the_same_nodes_and_edges(case_copy: BuiltCase, tmp_path: Path) -> None:
    import networkx as nx  # noqa: PLC0415 - only this test needs it

    from darkroom.network.build import run_network  # noqa: PLC0415

    store = CaseStore.open(case_copy.root)
    try:
        run_network(store, "analyst1")
        with store.read() as conn:
            nodes = {row[0] for row in conn.execute(text("SELECT node_key FROM network_nodes"))}
            edges = sorted(
                (row[0], row[1], row[2])
                for row in conn.execute(text("SELECT source_key, target_key, kind FROM network_edges"))
            )
        assert nodes and edges
        for name, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
            files, counts = _export(case_copy, name, tmp_path / f"graph.{name}", "restricted")
            assert counts == {"nodes": len(nodes), "edges": len(edges)}
            graph = reader(files[0][0])
            assert set(graph.nodes) == nodes
            assert sorted((u, v, data["kind"]) for u, v, data in graph.edges(data=True)) == edges
        files, _ = _export(case_copy, "csv", tmp_path / "graph-csv")
        assert sorted(path.name for path, _ in files) == ["edges.csv", "nodes.csv"]
    finally:
        store.close()


def test_export_cli_prints_the_sha256_and_refuses_clearly(
    case_copy: BuiltCase, tmp_path: Path, cli: CliRunner
) -> None:
    out = tmp_path / "case.ftm.json"
    result = cli("export", "--format", "ftm", "--out", out, "--case", case_copy.root, "--json")
    assert result.code == 0, result.err
    (line,) = result.jsonl()
    assert line["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert "audit head: row" in result.err
    missing = cli("export", "--format", "graphml", "--out", tmp_path / "g.graphml", "--case", case_copy.root)
    assert missing.code == 2 and "network build" in missing.err and "Traceback" not in missing.err
    nowhere = cli("export", "--format", "ftm", "--out", tmp_path / "no" / "x.json", "--case", case_copy.root)
    assert nowhere.code == 2 and "does not exist" in nowhere.err
