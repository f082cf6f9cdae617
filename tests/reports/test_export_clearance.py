"""Need-to-know in `darkroom export`: without clearance no export names the undercover officer ("Per
Undercover", account user333) anywhere, yet the graphs keep his node and edges; with clearance
everything is written; the audit row says which; exporters that cannot redact need clearance."""

from __future__ import annotations

import csv
import json
from collections import Counter
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import cast

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from darkroom.clearance import clearance_of
from darkroom.errors import ExportUnavailable, InvalidInput
from darkroom.evidence import audit
from darkroom.network.build import run_network
from darkroom.reports.exporters import base
from darkroom.reports.exporters.base import ExportSummary, accepts_clearance, run_export
from darkroom.reports.exporters.redaction import Restricted, load_restricted
from darkroom.reports.scope import REDACTED, Clearance
from darkroom.store import CaseStore
from tests.conftest import CliRunner
from tests.reports.conftest import PER, BuiltCase

SECRETS = (PER, "Per Undercover")  # the restricted account's handle, the restricted person's label


def _run(case: BuiltCase, name: str, out: Path, clearance: Clearance) -> tuple[str, dict[str, int], dict]:
    """Export; returns every written file's text joined, the counts and the audit row's details."""
    store = CaseStore.open(case.root)
    try:
        result = run_export(store, name, out, "examiner1", clearance)
        with store.read() as conn:
            entry = next(e for e in audit.entries(conn, f"export.{name}") if e.seq == result.audit_seq)
    finally:
        store.close()
    written = "\n".join(path.read_text(encoding="utf-8") for path, _ in result.files)
    return written, dict(result.counts), entry.details


def _with_network(case: BuiltCase) -> BuiltCase:
    store = CaseStore.open(case.root)
    try:
        run_network(store, "analyst1")
    finally:
        store.close()
    return case


def _graph(name: str, out: Path) -> nx.MultiDiGraph:
    """The written graph read back (CSV through csv, the others through networkx's readers)."""
    if name == "graphml":
        return nx.read_graphml(out)
    if name == "gexf":
        return nx.read_gexf(out)
    graph = nx.MultiDiGraph()
    with (out / "nodes.csv").open(encoding="utf-8") as source:
        for row in csv.DictReader(source):
            graph.add_node(row["node_key"], **row)
    with (out / "edges.csv").open(encoding="utf-8") as source:
        for row in csv.DictReader(source):
            graph.add_edge(row["source"], row["target"], key=row["kind"], **row)
    return graph


def _shape(graph: nx.MultiDiGraph) -> tuple[Counter[str], Counter[tuple[int, int, str]]]:
    """What the graph looks like with the node keys forgotten: kinds and degree-labelled edges."""
    kinds = Counter(str(data["node_kind"]) for _, data in graph.nodes(data=True))
    edges = Counter(
        (graph.degree(u), graph.degree(v), str(data["kind"])) for u, v, data in graph.edges(data=True)
    )
    return kinds, edges


@pytest.mark.parametrize("name", ["graphml", "gexf", "csv"])
def test_graph_exports_redact_restricted_nodes_but_keep_their_place(
    case_copy: BuiltCase, tmp_path: Path, name: str
) -> None:
    case = _with_network(case_copy)
    hidden_out, cleared_out = tmp_path / f"hidden.{name}", tmp_path / f"cleared.{name}"
    hidden, hidden_counts, hidden_audit = _run(case, name, hidden_out, "standard")
    cleared, cleared_counts, cleared_audit = _run(case, name, cleared_out, "restricted")
    for secret in SECRETS[1:]:  # the graph labels a person node by the person's label
        assert secret not in hidden and secret in cleared
    assert PER not in hidden and "person:3" not in hidden  # neither handle nor the person's key
    assert REDACTED in hidden and REDACTED not in cleared
    assert hidden_audit["clearance"] == "standard" and cleared_audit["clearance"] == "restricted"
    assert (
        hidden_counts["nodes"] == cleared_counts["nodes"]
        and hidden_counts["edges"] == cleared_counts["edges"]
    )
    assert (
        hidden_counts["restricted nodes redacted"] == 1 and "restricted nodes redacted" not in cleared_counts
    )
    shown, full = _graph(name, hidden_out), _graph(name, cleared_out)
    assert (shown.number_of_nodes(), shown.number_of_edges()) == (
        full.number_of_nodes(),
        full.number_of_edges(),
    )
    assert _shape(shown) == _shape(full)
    assert shown.nodes["restricted:1"]["label"] == REDACTED
    assert shown.degree("restricted:1") == full.degree("person:3") > 0
    assert "person_id" not in shown.nodes["restricted:1"] or shown.nodes["restricted:1"]["person_id"] == ""


def _entities(written: str) -> list[dict]:
    return [json.loads(line) for line in written.splitlines() if line]


def test_ftm_leaves_restricted_records_out_without_clearance_and_writes_them_with_it(
    case_copy: BuiltCase, tmp_path: Path
) -> None:
    hidden, hidden_counts, hidden_audit = _run(case_copy, "ftm", tmp_path / "hidden.json", "standard")
    cleared, cleared_counts, cleared_audit = _run(case_copy, "ftm", tmp_path / "cleared.json", "restricted")
    for secret in SECRETS:
        assert secret.casefold() not in hidden.casefold() and secret in cleared
    assert '"Per"' not in hidden and '"Per"' in cleared  # the chat's title names him
    assert "/per/" not in hidden and "EX-1/Telegram/[restricted]/result.json" in hidden  # its folder too
    assert "EX-1/Telegram/per/result.json" in cleared
    assert (hidden_counts["Message"], cleared_counts["Message"]) == (20, 22)
    assert hidden_counts["Document"] == cleared_counts["Document"]  # provenance stays; names go
    people = {e["properties"]["name"][0] for e in _entities(cleared) if e["schema"] == "Person"}
    assert people == {"Ola Berg", "Kari Nilsen", "Per Undercover"}
    assert (hidden_audit["clearance"], cleared_audit["clearance"]) == ("standard", "restricted")


def test_vics_records_the_clearance_and_masks_no_unrelated_path(case_copy: BuiltCase, tmp_path: Path) -> None:
    hidden, counts, details = _run(case_copy, "vics", tmp_path / "hidden.json", "standard")
    cleared, _, cleared_details = _run(case_copy, "vics", tmp_path / "cleared.json", "restricted")
    assert counts == {"media": 1} and "EX-1/photo.jpg" in hidden and REDACTED not in hidden
    assert hidden == cleared  # nothing restricted about the picture: the same file either way
    assert (details["clearance"], cleared_details["clearance"]) == ("standard", "restricted")


def test_vics_masks_a_folder_that_names_a_restricted_participant(
    case_copy: BuiltCase, tmp_path: Path
) -> None:
    store = CaseStore.open(case_copy.root)
    try:
        with store.write() as conn:  # as if the picture came with the chat export of the restricted chat
            conn.execute(
                text("UPDATE files SET display_path = 'Telegram/per/photos/photo_1.jpg' WHERE id = :f"),
                {"f": case_copy.photo_file_id},
            )
    finally:
        store.close()
    hidden, _, _ = _run(case_copy, "vics", tmp_path / "hidden.json", "standard")
    cleared, _, _ = _run(case_copy, "vics", tmp_path / "cleared.json", "restricted")
    assert "EX-1/Telegram/[restricted]/photos/photo_1.jpg" in hidden and "/per/" not in hidden
    assert "EX-1/Telegram/per/photos/photo_1.jpg" in cleared
    hashes = [(m["MD5"], m["SHA1"]) for m in json.loads(hidden)["value"][0]["Media"]]
    assert hashes == [(m["MD5"], m["SHA1"]) for m in json.loads(cleared)["value"][0]["Media"]]


def test_the_case_s_restricted_names_mask_paths_that_name_them(built_case: BuiltCase) -> None:
    store = CaseStore.open(built_case.root)
    try:
        with store.read() as conn:
            restricted = load_restricted(conn, "standard")
            cleared = load_restricted(conn, "restricted")
            per = int(
                conn.execute(text("SELECT id FROM accounts WHERE handle = :h"), {"h": PER}).scalar_one()
            )
    finally:
        store.close()
    assert restricted.account_ids == frozenset({per}) and restricted.hides_title({per, 1})
    assert not cleared.hides_title({per}) and not restricted.hides_title(set())
    assert restricted.path("Telegram/per/result.json") == f"Telegram/{REDACTED}/result.json"
    assert restricted.path("WhatsApp Chat with Per Undercover.txt") == REDACTED
    assert restricted.path(f"exports/{PER}_photos/1.jpg") == f"exports/{REDACTED}/1.jpg"
    assert restricted.path("Telegram/kari/result.json") == "Telegram/kari/result.json"
    assert restricted.path("Telegram/person/superuser.json") == "Telegram/person/superuser.json"
    assert cleared.path("Telegram/per/result.json") == "Telegram/per/result.json"


def test_a_chat_title_names_the_restricted_party_only_where_no_other_chat_bears_it(
    case_copy: BuiltCase,
) -> None:
    store = CaseStore.open(case_copy.root)
    try:
        with store.write() as conn:
            per, kari = (
                int(conn.execute(text("SELECT id FROM accounts WHERE handle = :h"), {"h": h}).scalar_one())
                for h in (PER, "user111")
            )
            source = conn.execute(text("SELECT exhibit_id, file_id FROM conversations LIMIT 1")).one()
            for n, (title, member) in enumerate(
                [("Bike Seller", per), ("Quiz Master", per), ("Quiz Master", kari)]
            ):
                conversation = conn.execute(
                    text("INSERT INTO conversations (platform, title, is_group, exhibit_id, file_id, "
                         "locator) VALUES ('telegram', :t, 0, :e, :f, :l) RETURNING id"),
                    {"t": title, "e": source.exhibit_id, "f": source.file_id, "l": f"planted[{n}]"},
                ).scalar_one()  # fmt: skip
                conn.execute(
                    text(
                        "INSERT INTO conversation_participants (conversation_id, account_id) VALUES (:c, :a)"
                    ),
                    {"c": conversation, "a": member},
                )
        with store.read() as conn:
            restricted = load_restricted(conn, "standard")
    finally:
        store.close()
    assert restricted.path("WhatsApp Chat with Bike Seller.txt") == REDACTED
    assert restricted.path("WhatsApp Chat with Quiz Master.txt") == "WhatsApp Chat with Quiz Master.txt"


def test_phone_numbers_in_paths_match_in_any_written_form() -> None:
    restricted = Restricted.of({7}, ["per", "+447700900333"])
    assert restricted.path("WhatsApp Chat with +44 7700 900333.txt") == REDACTED
    assert restricted.path("chats/07700-900333/msgstore.db") == f"chats/{REDACTED}/msgstore.db"
    assert restricted.path("chats/07700-900123/msgstore.db") == "chats/07700-900123/msgstore.db"


_SEGMENT = st.text(alphabet="abcdefghijklmnoqrstuvwxyz0123456 ._-", min_size=1, max_size=12)


@given(st.lists(_SEGMENT, min_size=1, max_size=6))
def test_masking_keeps_the_path_s_shape_and_leaves_no_restricted_word(segments: list[str]) -> None:
    restricted = Restricted.of({1}, ["per", "Per Undercover"])
    path = "/".join([*segments, "Per", "x Per Undercover y"])
    masked = restricted.path(path).split("/")
    assert len(masked) == len(segments) + 2 and masked[-2:] == [REDACTED, REDACTED]
    for before, after in zip(segments, masked, strict=False):  # no "p" in the alphabet: never "per"
        assert after == before


def test_clearance_option_values() -> None:
    assert (clearance_of("restricted"), clearance_of(" Restricted "), clearance_of("standard")) == (
        "restricted",
        "restricted",
        "standard",
    )
    # The CLI's former word for standard, and the option left out, still mean standard.
    assert (clearance_of("none"), clearance_of(" NONE "), clearance_of("")) == ("standard",) * 3
    with pytest.raises(InvalidInput, match=r"--clearance must be 'standard' .* or 'restricted'"):
        clearance_of("secret")


class OldExporter:
    """A third-party exporter written to the original contract: export(store, out_path)."""

    name = "oldstyle"
    description = "writes the case name (a stand-in for a partner's format)"

    def export(self, store: CaseStore, out_path: Path) -> ExportSummary:
        out_path.write_text(store.info().name, encoding="utf-8")
        return ExportSummary((out_path,), (("cases", 1),))


class NewExporter(OldExporter):
    """A third-party exporter that honours the clearance."""

    name = "newstyle"

    def export(self, store: CaseStore, out_path: Path, *, clearance: Clearance = "standard") -> ExportSummary:
        out_path.write_text(f"{store.info().name} {clearance}", encoding="utf-8")
        return ExportSummary((out_path,), (("cases", 1),))


def test_third_party_exporters_old_signature_runs_only_with_clearance(
    case_copy: BuiltCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    points = [
        EntryPoint(cls.name, f"{__name__}:{cls.__name__}", base.ENTRY_POINT_GROUP)
        for cls in (OldExporter, NewExporter)
    ]
    monkeypatch.setattr(base, "entry_points", lambda group: points if group == base.ENTRY_POINT_GROUP else [])
    assert not accepts_clearance(OldExporter()) and accepts_clearance(NewExporter())
    store = CaseStore.open(case_copy.root)
    try:
        with pytest.raises(ExportUnavailable, match="cannot redact restricted records"):
            run_export(store, "oldstyle", tmp_path / "old.txt", "examiner1")
        assert not (tmp_path / "old.txt").exists()
        with store.read() as conn:
            assert not list(audit.entries(conn, "export.oldstyle"))
    finally:
        store.close()
    written, _, details = _run(case_copy, "oldstyle", tmp_path / "old.txt", "restricted")
    assert written == "Operation Test" and details["clearance"] == "restricted"
    written, _, details = _run(case_copy, "newstyle", tmp_path / "new.txt", "standard")
    assert written == "Operation Test standard" and details["clearance"] == "standard"
    # A caller still passing the former word gets standard, recorded as such.
    written, _, details = _run(case_copy, "newstyle", tmp_path / "legacy.txt", cast(Clearance, "none"))
    assert written == "Operation Test standard" and details["clearance"] == "standard"


def test_export_cli_takes_the_clearance_and_refuses_a_bad_one(
    case_copy: BuiltCase, tmp_path: Path, cli: CliRunner
) -> None:
    _with_network(case_copy)
    root = case_copy.root
    hidden = cli("export", "--format", "graphml", "--out", tmp_path / "h.graphml", "--case", root, "--json")
    assert hidden.code == 0, hidden.err
    assert [line["clearance"] for line in hidden.jsonl()] == ["standard"]
    assert "Per Undercover" not in (tmp_path / "h.graphml").read_text(encoding="utf-8")
    cleared = cli(
        "export", "--format", "csv", "--out", tmp_path / "c", "--case", root, "--clearance", "restricted"
    )
    assert cleared.code == 0, cleared.err
    assert "clearance restricted" in cleared.out
    assert "Per Undercover" in (tmp_path / "c" / "nodes.csv").read_text(encoding="utf-8")
    bad = cli("export", "--format", "ftm", "--out", tmp_path / "x.json", "--case", root, "--clearance", "top")
    assert (
        bad.code == 2 and "--clearance must be 'standard'" in bad.err and not (tmp_path / "x.json").exists()
    )
    store = CaseStore.open(root)
    try:
        with store.read() as conn:
            recorded = [e.details["clearance"] for e in audit.entries(conn, "export.")]
    finally:
        store.close()
    assert recorded == ["standard", "restricted"]
