"""Graph nodes: a person (every account identity resolution linked to it) or a lone account.

An account with a `person_links` row is that person's node ('person:ID'); an account without one
is its own node ('account:ID'). Until identity resolution has run, every account is its own node.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, text

from darkroom.network.owners import ExhibitOwner

_ACCOUNTS_SQL = text(
    "SELECT a.id, a.platform, a.handle, pl.person_id, p.label AS person_label "
    "FROM accounts a LEFT JOIN person_links pl ON pl.account_id = a.id "
    "LEFT JOIN persons p ON p.id = pl.person_id ORDER BY a.id"
)


def person_key(person_id: int) -> str:
    """The node key of a person."""
    return f"person:{person_id}"


def account_key(account_id: int) -> str:
    """The node key of an account no person holds."""
    return f"account:{account_id}"


@dataclass(frozen=True, slots=True)
class Node:
    """One graph node and the accounts it stands for."""

    key: str
    person_id: int | None
    account_id: int | None
    label: str
    account_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NodeMap:
    """Every node, which node each account belongs to, and the exhibits' owner nodes."""

    nodes: dict[str, Node]
    node_of_account: dict[int, str]
    owners_of_exhibit: dict[int, tuple[str, ...]]

    def node_keys(self, account_ids: set[int] | list[int] | tuple[int, ...]) -> set[str]:
        """The distinct nodes of some accounts (accounts unknown to the map are skipped)."""
        return {self.node_of_account[a] for a in account_ids if a in self.node_of_account}

    @property
    def seized_owner_keys(self) -> frozenset[str]:
        """Nodes that own at least one seized exhibit."""
        return frozenset(key for keys in self.owners_of_exhibit.values() for key in keys)


def load_nodes(conn: Connection, owners: list[ExhibitOwner]) -> NodeMap:
    """Read accounts and person links and group accounts into nodes."""
    person_accounts: dict[int, list[int]] = defaultdict(list)
    person_labels: dict[int, str] = {}
    nodes: dict[str, Node] = {}
    node_of_account: dict[int, str] = {}
    for row in conn.execute(_ACCOUNTS_SQL):
        account_id = int(row.id)
        if row.person_id is None:
            key = account_key(account_id)
            nodes[key] = Node(key, None, account_id, f"{row.platform}:{row.handle}", (account_id,))
            node_of_account[account_id] = key
        else:
            person_id = int(row.person_id)
            person_accounts[person_id].append(account_id)
            person_labels[person_id] = str(row.person_label or f"person {person_id}")
            node_of_account[account_id] = person_key(person_id)
    for person_id, account_ids in person_accounts.items():
        key = person_key(person_id)
        nodes[key] = Node(key, person_id, None, person_labels[person_id], tuple(sorted(account_ids)))
    owners_of_exhibit: dict[int, set[str]] = defaultdict(set)
    for owner in owners:
        if owner.account_id in node_of_account:
            owners_of_exhibit[owner.exhibit_id].add(node_of_account[owner.account_id])
    return NodeMap(
        nodes=dict(sorted(nodes.items())),
        node_of_account=node_of_account,
        owners_of_exhibit={e: tuple(sorted(keys)) for e, keys in owners_of_exhibit.items()},
    )
