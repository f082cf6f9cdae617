"""Typed, weighted edges between nodes, each with the store rows it rests on.

- messaged / group-messaged: a sender to every other node of the conversation (group-messaged
  when the conversation is a group or has more than two nodes); count = messages, first/last =
  their times; weight = kind weight x log2(1 + messages).
- in-contacts-of: from the owner node(s) of a seized exhibit to every node a contact card on it
  resolves to: the accounts holding the card's identifiers (shared identifiers skipped) and the
  accounts the parser named at the card's own locator; one unit per exhibit, split over the
  exhibit's owner nodes.
- shared-identifier: two nodes whose accounts hold the same identifier (shared ones at a fraction).
- same-group: two nodes in the same group chat; copies of a group (same platform and members) on
  several exhibits count once; each group adds 1 / (members - 1) to each of its pairs.
- shared-media: two nodes holding files of one media series or one hash-set entry (a node holds a
  file when it owns the exhibit or sent a message carrying it), 1 / (holders - 1) per group.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import Connection, text

from darkroom.network.nodes import NodeMap
from darkroom.network.settings import (
    DIRECTED_KINDS,
    EDGE_WEIGHTS,
    MAX_ACCOUNTS_PER_IDENTIFIER,
    MAX_GROUP_MEMBERS,
    SHARED_IDENTIFIER_FACTOR,
    EdgeKind,
)

EvidenceRef = tuple[str, int]  # (ref_kind, row id): 'conversation' | 'contact' | 'identifier' | 'file'
MAX_FILES_PER_EDGE = 20  # media evidence kept per edge (the rest is found through the series)
_MESSAGE_KINDS: frozenset[EdgeKind] = frozenset({"messaged", "group-messaged"})

_SENT_SQL = text(
    "SELECT m.conversation_id, m.sender_account_id, COUNT(*) AS n, MIN(m.sent_at_utc) AS first_at, "
    "MAX(m.sent_at_utc) AS last_at FROM messages m "
    "WHERE m.sender_account_id IS NOT NULL AND m.kind != 'system' GROUP BY 1, 2"
)
_PARTICIPANTS_SQL = text(
    "SELECT c.id, c.platform, c.is_group, p.account_id FROM conversations c "
    "JOIN conversation_participants p ON p.conversation_id = c.id"
)
_CONTACT_ACCOUNTS_SQL = text(
    "SELECT DISTINCT c.id AS contact_id, c.exhibit_id, c.owner_account_id, ai.account_id "
    "FROM contacts c JOIN identifier_occurrences o ON o.contact_id = c.id "
    "JOIN identifiers i ON i.id = o.identifier_id AND i.is_shared = 0 "
    "JOIN account_identifiers ai ON ai.identifier_id = i.id "
    "JOIN (SELECT identifier_id, COUNT(*) AS holders FROM account_identifiers GROUP BY identifier_id) h "
    "ON h.identifier_id = i.id AND h.holders <= :max_holders "
    # A card's own accounts (a Telegram handle, a WhatsApp entry) are named at the card's locator.
    "UNION SELECT c.id, c.exhibit_id, c.owner_account_id, n.account_id FROM contacts c "
    "JOIN account_names n ON n.file_id = c.file_id AND n.locator = c.locator "
    # A card identity resolution put in a person (on names, birthday, address when it holds no
    # number or email) lists that person.
    "UNION SELECT c.id, c.exhibit_id, c.owner_account_id, l.account_id FROM contacts c "
    "JOIN person_contacts k ON k.contact_id = c.id JOIN person_links l ON l.person_id = k.person_id"
)
_ACCOUNT_IDENTIFIERS_SQL = text(
    "SELECT ai.identifier_id, ai.account_id, i.is_shared FROM account_identifiers ai "
    "JOIN identifiers i ON i.id = ai.identifier_id"
)
_SERIES_FILES_SQL = text(
    "SELECT 'series:' || s.series_id AS group_key, f.id AS file_id, f.exhibit_id "
    "FROM media_series_members s JOIN media_series ms ON ms.id = s.series_id AND ms.file_count > 1 "
    "JOIN files f ON f.id = s.file_id "
    "UNION ALL SELECT 'entry:' || m.entry_id, f.id, f.exhibit_id FROM media_matches m "
    "JOIN hashset_entries e ON e.id = m.entry_id JOIN hashsets h ON h.id = e.hashset_id AND h.known_good = 0 "
    "JOIN files f ON f.id = m.file_id"
)
_MEDIA_SENDERS_SQL = text(
    "SELECT l.file_id, m.sender_account_id FROM media_message_links l "
    "JOIN messages m ON m.id = l.message_id WHERE m.sender_account_id IS NOT NULL"
)


@dataclass(slots=True)
class EdgeTally:
    """One edge while it is being accumulated (mutable on purpose; it lives inside one build)."""

    units: float = 0.0
    count: int = 0
    first_at_utc: str | None = None
    last_at_utc: str | None = None
    evidence: Counter[EvidenceRef] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class Edge:
    """A finished edge."""

    source: str
    target: str
    kind: EdgeKind
    count: int
    weight: float
    first_at_utc: str | None
    last_at_utc: str | None
    evidence: tuple[tuple[str, int, int], ...]  # (ref_kind, ref_id, count)

    @property
    def directed(self) -> bool:
        return self.kind in DIRECTED_KINDS


class EdgeSet:
    """Edges keyed by (source, target, kind); undirected kinds keep the smaller key first."""

    def __init__(self) -> None:
        self.tallies: dict[tuple[str, str, EdgeKind], EdgeTally] = {}

    def add(
        self,
        source: str,
        target: str,
        kind: EdgeKind,
        units: float,
        evidence: Iterable[EvidenceRef] = (),
        count: int = 1,
        times: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Add units (and evidence) to one edge; a node's edge to itself is ignored."""
        if source == target:
            return
        if kind not in DIRECTED_KINDS and target < source:
            source, target = target, source
        tally = self.tallies.setdefault((source, target, kind), EdgeTally())
        tally.units += units
        tally.count += count
        tally.evidence.update(evidence)
        first, last = times
        if first is not None and (tally.first_at_utc is None or first < tally.first_at_utc):
            tally.first_at_utc = first
        if last is not None and (tally.last_at_utc is None or last > tally.last_at_utc):
            tally.last_at_utc = last

    def finish(self) -> list[Edge]:
        """The edges with their weights, in a stable order."""
        edges = []
        for (source, target, kind), tally in sorted(self.tallies.items()):
            if kind in _MESSAGE_KINDS:
                weight = EDGE_WEIGHTS[kind] * math.log2(1 + tally.units)
            else:
                weight = EDGE_WEIGHTS[kind] * tally.units
            refs = sorted(tally.evidence.items())
            if kind == "shared-media":  # a series can hold hundreds of files; the first few show it
                refs = refs[:MAX_FILES_PER_EDGE]
            evidence = tuple((ref_kind, ref_id, n) for (ref_kind, ref_id), n in refs)
            edges.append(
                Edge(
                    source, target, kind, tally.count, weight, tally.first_at_utc, tally.last_at_utc, evidence
                )
            )
        return edges


def build_edges(conn: Connection, node_map: NodeMap) -> list[Edge]:
    """Every edge of the graph, from the store as it is now."""
    edges = EdgeSet()
    conversations = conversation_members(conn, node_map)
    _add_messages(conn, node_map, conversations, edges)
    _add_groups(conversations, edges)
    _add_contacts(conn, node_map, edges)
    _add_shared_identifiers(conn, node_map, edges)
    _add_shared_media(conn, node_map, edges)
    return edges.finish()


@dataclass(frozen=True, slots=True)
class ConversationNodes:
    """A conversation's platform, whether it is a group, and its participants' nodes."""

    platform: str
    is_group: bool
    nodes: frozenset[str]


def conversation_members(conn: Connection, node_map: NodeMap) -> dict[int, ConversationNodes]:
    """Every conversation with its participants as nodes."""
    accounts: dict[int, set[int]] = defaultdict(set)
    facts: dict[int, tuple[str, bool]] = {}
    for row in conn.execute(_PARTICIPANTS_SQL):
        accounts[int(row.id)].add(int(row.account_id))
        facts[int(row.id)] = (str(row.platform), bool(row.is_group))
    return {
        cid: ConversationNodes(facts[cid][0], facts[cid][1], frozenset(node_map.node_keys(members)))
        for cid, members in accounts.items()
    }


def _add_messages(
    conn: Connection, node_map: NodeMap, conversations: dict[int, ConversationNodes], edges: EdgeSet
) -> None:
    for row in conn.execute(_SENT_SQL):
        sender = node_map.node_of_account.get(int(row.sender_account_id))
        conversation = conversations.get(int(row.conversation_id))
        if sender is None or conversation is None:
            continue
        others = conversation.nodes - {sender}
        kind: EdgeKind = "group-messaged" if conversation.is_group or len(others) > 1 else "messaged"
        if kind == "group-messaged" and len(conversation.nodes) > MAX_GROUP_MEMBERS:
            continue
        count = int(row.n)
        for other in sorted(others):
            edges.add(
                sender,
                other,
                kind,
                count,
                [("conversation", int(row.conversation_id))],
                count,
                (row.first_at, row.last_at),
            )


def distinct_groups(conversations: dict[int, ConversationNodes]) -> list[tuple[frozenset[str], list[int]]]:
    """Group chats of 3..MAX_GROUP_MEMBERS nodes, copies (same platform and members) merged:
    each group's nodes and the conversation ids of its copies, in a stable order."""
    copies: dict[tuple[str, frozenset[str]], list[int]] = defaultdict(list)
    for cid, conversation in conversations.items():
        if conversation.is_group and 3 <= len(conversation.nodes) <= MAX_GROUP_MEMBERS:
            copies[(conversation.platform, conversation.nodes)].append(cid)
    groups = [(members, sorted(cids)) for (_platform, members), cids in copies.items()]
    return sorted(groups, key=lambda group: group[1][0])


def _add_groups(conversations: dict[int, ConversationNodes], edges: EdgeSet) -> None:
    for members, conversation_ids in distinct_groups(conversations):
        share = 1.0 / (len(members) - 1)
        evidence = [("conversation", cid) for cid in conversation_ids]
        for first, second in combinations(sorted(members), 2):
            edges.add(first, second, "same-group", share, evidence)


@dataclass(frozen=True, slots=True)
class ListedContact:
    """A contact card on a seized exhibit resolved to a node, with the card's owner node(s)."""

    contact_id: int
    exhibit_id: int
    owners: tuple[str, ...]  # empty when the exhibit's owner is not known
    target: str


def listed_contacts(conn: Connection, node_map: NodeMap) -> list[ListedContact]:
    """Every (contact card, node it resolves to) through the card's unshared identifiers."""
    found: list[ListedContact] = []
    for row in conn.execute(_CONTACT_ACCOUNTS_SQL, {"max_holders": MAX_ACCOUNTS_PER_IDENTIFIER}):
        target = node_map.node_of_account.get(int(row.account_id))
        if target is None:
            continue
        if row.owner_account_id is not None and int(row.owner_account_id) in node_map.node_of_account:
            owners: tuple[str, ...] = (node_map.node_of_account[int(row.owner_account_id)],)
        else:
            owners = node_map.owners_of_exhibit.get(int(row.exhibit_id), ())
        found.append(ListedContact(int(row.contact_id), int(row.exhibit_id), owners, target))
    return sorted(set(found), key=lambda c: (c.contact_id, c.target))


def _add_contacts(conn: Connection, node_map: NodeMap, edges: EdgeSet) -> None:
    # (exhibit, owner nodes) -> target node -> contact ids; one unit per exhibit and target
    listed: dict[tuple[int, tuple[str, ...]], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for contact in listed_contacts(conn, node_map):
        if contact.owners and contact.target not in contact.owners:
            listed[(contact.exhibit_id, contact.owners)][contact.target].add(contact.contact_id)
    for (_exhibit, owners), targets in sorted(listed.items()):
        for target, contact_ids in sorted(targets.items()):
            evidence = [("contact", cid) for cid in sorted(contact_ids)]
            for owner in owners:
                edges.add(owner, target, "in-contacts-of", 1.0 / len(owners), evidence, len(contact_ids))


def _add_shared_identifiers(conn: Connection, node_map: NodeMap, edges: EdgeSet) -> None:
    holders: dict[int, set[int]] = defaultdict(set)
    shared: dict[int, bool] = {}
    for row in conn.execute(_ACCOUNT_IDENTIFIERS_SQL):
        holders[int(row.identifier_id)].add(int(row.account_id))
        shared[int(row.identifier_id)] = bool(row.is_shared)
    for identifier_id, account_ids in sorted(holders.items()):
        if len(account_ids) < 2:
            continue
        is_shared = shared[identifier_id] or len(account_ids) > MAX_ACCOUNTS_PER_IDENTIFIER
        units = SHARED_IDENTIFIER_FACTOR if is_shared else 1.0
        nodes = sorted(node_map.node_keys(account_ids))
        for first, second in combinations(nodes, 2):
            edges.add(first, second, "shared-identifier", units, [("identifier", identifier_id)])


def _add_shared_media(conn: Connection, node_map: NodeMap, edges: EdgeSet) -> None:
    senders: dict[int, set[str]] = defaultdict(set)
    for row in conn.execute(_MEDIA_SENDERS_SQL):
        node = node_map.node_of_account.get(int(row.sender_account_id))
        if node is not None:
            senders[int(row.file_id)].add(node)
    holders: dict[str, set[str]] = defaultdict(set)
    files: dict[str, set[int]] = defaultdict(set)
    for row in conn.execute(_SERIES_FILES_SQL):
        file_id = int(row.file_id)
        holders[row.group_key].update(node_map.owners_of_exhibit.get(int(row.exhibit_id), ()))
        holders[row.group_key].update(senders.get(file_id, ()))
        files[row.group_key].add(file_id)
    for group_key in sorted(holders):
        members = sorted(holders[group_key])
        if not 2 <= len(members) <= MAX_GROUP_MEMBERS:
            continue
        evidence = [("file", file_id) for file_id in sorted(files[group_key])[:MAX_FILES_PER_EDGE]]
        share = 1.0 / (len(members) - 1)
        for first, second in combinations(members, 2):
            edges.add(first, second, "shared-media", share, evidence)
