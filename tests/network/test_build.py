"""The network stage over a small written case: owners, nodes, typed edges, evidence, idempotence."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from darkroom.network.build import run_network
from darkroom.store import CaseStore
from tests.network.story import Story, write_story


def _edges(story: Story) -> dict[tuple[str, str, str], tuple[int, float]]:
    with story.store.read() as conn:
        rows = conn.execute(text("SELECT source_key, target_key, kind, count, weight FROM network_edges"))
        return {(r.source_key, r.target_key, r.kind): (r.count, r.weight) for r in rows}


def test_owners_are_read_from_the_conversations(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        owners = {
            (r.exhibit_id, r.account_id) for r in conn.execute(text("SELECT * FROM network_exhibit_owners"))
        }
        seized = {
            r.node_key
            for r in conn.execute(text("SELECT node_key FROM network_nodes WHERE seized_owner = 1"))
        }
    assert owners == {
        (story.exhibits["EX-001"], story.accounts["alice"]),
        (story.exhibits["EX-002"], story.accounts["bob"]),
    }
    assert seized == {f"account:{story.accounts['alice']}", f"account:{story.accounts['bob']}"}


def test_typed_edges_with_counts_direction_and_evidence(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    summary = run_network(story.store, "analyst")
    a, b, c, d = (f"account:{story.accounts[n]}" for n in ("alice", "bob", "carol", "dave"))
    edges = _edges(story)
    # Carol sent Alice two messages in their one-to-one chat; Alice sent her one.
    assert edges[(c, a, "messaged")][0] == 2
    assert edges[(a, c, "messaged")][0] == 1
    # Both seized owners hold Carol's card; only Alice holds Dave's.
    assert (a, c, "in-contacts-of") in edges and (b, c, "in-contacts-of") in edges
    assert (a, d, "in-contacts-of") in edges and (b, d, "in-contacts-of") not in edges
    # The club group is on both phones but counts once: three members, each pair 1/(3-1) units.
    same_group = [key for key in edges if key[2] == "same-group"]
    assert len(same_group) == 3
    assert edges[(min(a, c), max(a, c), "same-group")][1] == 3.0 * 0.5
    # Every account holds only its own number or address: no shared-identifier edge.
    assert not [key for key in edges if key[2] == "shared-identifier"]
    assert summary.edges == len(edges)
    with story.store.read() as conn:
        evidence = conn.execute(
            text(
                "SELECT v.ref_kind, v.ref_id FROM network_edge_evidence v "
                "JOIN network_edges e ON e.id = v.edge_id "
                "WHERE e.source_key = :a AND e.target_key = :c AND e.kind = 'in-contacts-of'"
            ),
            {"a": a, "c": c},
        ).all()
    assert [(r.ref_kind, r.ref_id) for r in evidence] == [("contact", story.contacts["carol-on-1"])]


def test_a_build_is_idempotent(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        first_nodes = conn.execute(text("SELECT * FROM network_nodes ORDER BY node_key")).all()
        first_leads = conn.execute(text("SELECT id, lead_key, rank FROM leads ORDER BY id")).all()
    first_edges = _edges(story)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        assert conn.execute(text("SELECT * FROM network_nodes ORDER BY node_key")).all() == first_nodes
        assert conn.execute(text("SELECT id, lead_key, rank FROM leads ORDER BY id")).all() == first_leads
        builds = conn.execute(text("SELECT COUNT(*) FROM network_builds")).scalar_one()
        audited = conn.execute(
            text("SELECT COUNT(*) FROM audit_log WHERE action = 'network.build'")
        ).scalar_one()
    assert _edges(story) == first_edges
    assert builds == 2 and audited == 2


def test_linked_accounts_become_one_person_node(tmp_path: Path) -> None:
    story = write_story(tmp_path, with_persons=True)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        nodes = {r.node_key: r for r in conn.execute(text("SELECT * FROM network_nodes"))}
        carol = conn.execute(text("SELECT id FROM persons WHERE label = 'Carol'")).scalar_one()
    assert all(key.startswith("person:") for key in nodes)
    assert nodes[f"person:{carol}"].label == "Carol"
    # Bob's card for Carol lists her number and her email: one person, so one edge, not two.
    edges = _edges(story)
    bob = next(k for k, n in nodes.items() if n.label == "Bob")
    assert [k for k in edges if k[0] == bob and k[1] == f"person:{carol}" and k[2] == "in-contacts-of"]


def test_isolated_account_has_no_community(tmp_path: Path) -> None:
    story = write_story(tmp_path)
    run_network(story.store, "analyst")
    with story.store.read() as conn:
        frank = conn.execute(
            text("SELECT community, degree, role FROM network_nodes WHERE node_key = :key"),
            {"key": f"account:{story.accounts['frank']}"},
        ).one()
    assert frank.community is None and frank.degree == 0 and frank.role == "peripheral"


def test_an_empty_case_builds_an_empty_network(tmp_path: Path) -> None:
    store = CaseStore.create(tmp_path / "empty", "Op Empty", "GB", "Europe/London")
    summary = run_network(store, "analyst")
    assert summary.nodes == 0 and summary.edges == 0 and summary.communities == 0
    assert summary.leads.ranked == 0
