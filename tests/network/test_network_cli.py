"""The network commands end to end through the real CLI on the written story case."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from tests.conftest import CliRunner
from tests.network.story import write_story


def test_build_summary_expand_export_and_leads(tmp_path: Path, cli: CliRunner) -> None:
    story = write_story(tmp_path)
    case = story.store.root
    story.store.close()
    built = cli("network", "build", "--case", case, "--actor", "analyst")
    assert built.code == 0, built.err
    assert "communities" in built.out and "leads:" in built.out

    summary = cli("network", "summary", "--case", case, "--json").jsonl()[0]
    assert summary["nodes"] == 7 and summary["edges_by_kind"]["same-group"] == 3
    assert sum(c["size"] for c in summary["communities"]) == summary["connected_nodes"]

    alice = f"account:{story.accounts['alice']}"
    reached = cli("network", "expand", "--from", alice, "--depth", "1", "--case", case, "--json").jsonl()
    assert reached[0]["node_key"] == alice and reached[0]["depth"] == 0
    carol = next(r for r in reached if r["node_key"] == f"account:{story.accounts['carol']}")
    assert carol["via"] == alice and "in-contacts-of" in carol["via_kinds"]
    assert f"account:{story.accounts['erin']}" not in {r["node_key"] for r in reached}  # two steps away
    by_handle = cli(
        "network", "expand", "--from", "whatsapp:+447700900101", "--depth", "2", "--case", case, "--json"
    )
    assert f"account:{story.accounts['erin']}" in {r["node_key"] for r in by_handle.jsonl()}
    only_groups = cli(
        "network", "expand", "--from", alice, "--kind", "same-group", "--case", case, "--json"
    ).jsonl()
    assert {r["node_key"] for r in only_groups} == {
        alice,
        carol["node_key"],
        f"account:{story.accounts['bob']}",
    }

    exported = cli("network", "export", "--format", "gexf", "--out", tmp_path / "n.gexf", "--case", case)
    assert exported.code == 0, exported.err
    assert len(nx.read_gexf(tmp_path / "n.gexf").nodes) == 7

    leads = cli("leads", "--case", case, "--json", "--limit", "3").jsonl()
    assert leads[0]["lead_key"] == carol["node_key"] and leads[0]["rank"] == 1
    shown = cli("lead", "show", str(leads[0]["lead_id"]), "--case", case)
    assert shown.code == 0 and "contacts.vcf" in shown.out

    dismissed = cli(
        "lead", "dismiss", carol["node_key"], "--reason", "cleared", "--case", case, "--actor", "dc"
    )
    assert dismissed.code == 0, dismissed.err
    assert "audit head" in dismissed.err
    assert carol["node_key"] not in {r["lead_key"] for r in cli("leads", "--case", case, "--json").jsonl()}
    closed = cli("leads", "--all", "--case", case, "--json").jsonl()
    assert {r["status"] for r in closed if r["lead_key"] == carol["node_key"]} == {"dismissed"}


def test_user_errors_are_one_line(tmp_path: Path, cli: CliRunner) -> None:
    story = write_story(tmp_path)
    case = story.store.root
    story.store.close()
    before = cli("network", "summary", "--case", case)
    assert before.code == 2 and "network build" in before.err
    cli("network", "build", "--case", case)
    assert cli("network", "expand", "--from", "nobody", "--case", case).code == 2
    assert cli("network", "expand", "--from", "1", "--kind", "telepathy", "--case", case).code == 2
    assert cli("network", "export", "--format", "pdf", "--out", tmp_path / "x", "--case", case).code == 2
    assert cli("lead", "identify", "999", "--reason", "x", "--case", case).code == 2
