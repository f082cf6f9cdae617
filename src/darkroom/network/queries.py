"""Reading the stored network: summary, the snowball from a seed, leads and one lead in full."""

from __future__ import annotations

import json
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.network.marks import LeadRef, find_lead, lead_subjects
from darkroom.network.settings import EDGE_KINDS


@dataclass(frozen=True, slots=True)
class CommunitySummary:
    """One community: its size, how many seized owners it holds, its best-connected members."""

    community: int
    size: int
    seized_owners: int
    top_members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    """The last build at a glance."""

    built_at_utc: str
    nodes: int
    connected_nodes: int
    edges_by_kind: dict[str, int]
    roles: dict[str, int]
    communities: tuple[CommunitySummary, ...]
    community_count: int
    settings: dict[str, Any]


def _require_build(conn: Connection) -> Any:
    build = conn.execute(text("SELECT * FROM network_builds ORDER BY id DESC LIMIT 1")).first()
    if build is None:
        raise InvalidInput(
            "the case has no network yet; run `darkroom network build` (or `darkroom analyse`)"
        )
    return build


def network_summary(conn: Connection, top: int = 5, max_communities: int = 20) -> NetworkSummary:
    """Nodes, edges by kind, roles and the largest communities with their top members."""
    build = _require_build(conn)
    by_kind: dict[str, int] = dict.fromkeys(EDGE_KINDS, 0)
    for row in conn.execute(text("SELECT kind, COUNT(*) AS n FROM network_edges GROUP BY kind")):
        by_kind[str(row.kind)] = int(row.n)
    roles = Counter[str]()
    members: dict[int, list[tuple[float, str, int]]] = defaultdict(list)
    nodes = connected = 0
    rows = conn.execute(
        text("SELECT label, community, degree, weighted_degree, role, seized_owner FROM network_nodes")
    )
    for row in rows:
        nodes += 1
        connected += int(row.degree > 0)
        roles[str(row.role or "member")] += int(row.degree > 0)
        if row.community is not None:
            members[int(row.community)].append(
                (-float(row.weighted_degree), str(row.label), int(row.seized_owner))
            )
    communities = tuple(
        CommunitySummary(
            community=number,
            size=len(entries),
            seized_owners=sum(seized for _, _, seized in entries),
            top_members=tuple(label for _, label, _ in sorted(entries)[:top]),
        )
        for number, entries in sorted(members.items())[:max_communities]
    )
    return NetworkSummary(
        built_at_utc=str(build.built_at_utc),
        nodes=nodes,
        connected_nodes=connected,
        edges_by_kind=by_kind,
        roles=dict(sorted(roles.items())),
        communities=communities,
        community_count=len(members),
        settings=json.loads(build.settings_json),
    )


@dataclass(frozen=True, slots=True)
class Reached:
    """A node the snowball reached: how far, from which node, over which edge kinds."""

    node_key: str
    label: str
    depth: int
    via: str | None
    via_kinds: tuple[str, ...]
    community: int | None
    role: str | None
    seized_owner: bool


def resolve_node(conn: Connection, ref: str) -> str:
    """A node key from what an examiner types: a node key, a person number, or PLATFORM:HANDLE."""
    value = ref.strip()
    candidates = [value] if value.partition(":")[0] in ("person", "account") else []
    if value.isdigit():
        candidates.append(f"person:{value}")
    platform, _, handle = value.partition(":")
    if handle:
        rows = conn.execute(
            text(
                "SELECT CASE WHEN pl.person_id IS NULL THEN 'account:' || a.id "
                "ELSE 'person:' || pl.person_id END AS node_key "
                "FROM accounts a LEFT JOIN person_links pl ON pl.account_id = a.id "
                "WHERE a.platform = :platform AND (a.handle_norm = :handle OR a.handle = :handle)"
            ),
            {"platform": platform, "handle": handle},
        )
        candidates.extend(str(row.node_key) for row in rows)
    for key in candidates:
        found = conn.execute(text("SELECT 1 FROM network_nodes WHERE node_key = :key"), {"key": key}).first()
        if found is not None:
            return key
    msg = (
        f"{ref!r} is not a node of the network; use person:ID, account:ID, a person number or PLATFORM:HANDLE"
    )
    raise InvalidInput(msg)


def expand(conn: Connection, seed: str, depth: int, kinds: set[str] | None = None) -> list[Reached]:
    """Breadth-first from the seed up to `depth` steps over edges of the given kinds (all by default)."""
    _require_build(conn)
    if depth < 0:
        raise InvalidInput("--depth must be 0 or more")
    unknown = (kinds or set()) - set(EDGE_KINDS)
    if unknown:
        raise InvalidInput(f"unknown edge kind(s) {sorted(unknown)}; use {', '.join(EDGE_KINDS)}")
    start = resolve_node(conn, seed)
    adjacency: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in conn.execute(text("SELECT source_key, target_key, kind FROM network_edges")):
        if kinds is None or row.kind in kinds:
            adjacency[row.source_key][row.target_key].add(row.kind)
            adjacency[row.target_key][row.source_key].add(row.kind)
    found: dict[str, tuple[int, str | None, tuple[str, ...]]] = {start: (0, None, ())}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        level = found[node][0]
        if level >= depth:
            continue
        for other, edge_kinds in sorted(adjacency[node].items()):
            if other not in found:
                found[other] = (level + 1, node, tuple(sorted(edge_kinds)))
                queue.append(other)
    facts = {
        str(r.node_key): r
        for r in conn.execute(
            text("SELECT node_key, label, community, role, seized_owner FROM network_nodes")
        )
    }
    reached = [
        Reached(
            key,
            str(facts[key].label),
            level,
            via,
            via_kinds,
            facts[key].community,
            facts[key].role,
            bool(facts[key].seized_owner),
        )
        for key, (level, via, via_kinds) in found.items()
    ]
    return sorted(reached, key=lambda r: (r.depth, r.node_key))


@dataclass(frozen=True, slots=True)
class LeadRow:
    """One line of `darkroom leads`."""

    lead_id: int
    rank: int | None
    lead_key: str
    label: str
    score: float
    status: str
    reasons: tuple[dict[str, Any], ...]


def list_leads(conn: Connection, limit: int, include_closed: bool = False, offset: int = 0) -> list[LeadRow]:
    """Open leads by rank (closed ones after them with `include_closed`), from `offset`."""
    _require_build(conn)
    where = "" if include_closed else "WHERE rank IS NOT NULL"
    rows = conn.execute(
        text(
            f"SELECT id, rank, lead_key, label, score, status, reasons_json FROM leads {where} "
            "ORDER BY rank IS NULL, rank, score DESC, lead_key LIMIT :limit OFFSET :offset"
        ),
        {"limit": limit, "offset": offset},
    )
    return [
        LeadRow(
            int(r.id),
            r.rank,
            str(r.lead_key),
            str(r.label),
            float(r.score),
            str(r.status),
            tuple(json.loads(r.reasons_json)),
        )
        for r in rows
    ]


_CONTACT_SQL = text(
    "SELECT c.id, c.display_name, e.ref, f.display_path, c.locator FROM contacts c "
    "JOIN exhibits e ON e.id = c.exhibit_id JOIN files f ON f.id = c.file_id WHERE c.id = :id"
)
_CONVERSATION_SQL = text(
    "SELECT c.id, c.platform, c.title, c.is_group, e.ref, f.display_path, c.locator, "
    "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id) AS messages "
    "FROM conversations c JOIN exhibits e ON e.id = c.exhibit_id JOIN files f ON f.id = c.file_id "
    "WHERE c.id = :id"
)
_MESSAGE_SQL = text(
    "SELECT m.id, m.sent_at_utc, e.ref, f.display_path, m.locator, m.conversation_id FROM messages m "
    "JOIN exhibits e ON e.id = m.exhibit_id JOIN files f ON f.id = m.file_id WHERE m.id = :id"
)
_IDENTIFIERS_SQL = text(
    "SELECT DISTINCT i.kind, i.value_norm, i.is_shared FROM account_identifiers ai "
    "JOIN identifiers i ON i.id = ai.identifier_id WHERE ai.account_id = :account "
    "ORDER BY i.kind, i.value_norm"
)


def lead_detail(conn: Connection, lead: str) -> dict[str, Any]:
    """One lead with its reasons, the evidence rows (exhibit, file, locator) and the marks on it."""
    _require_build(conn)
    found = find_lead(conn, lead)
    row = conn.execute(text("SELECT * FROM leads WHERE id = :id"), {"id": found.lead_id}).one()
    accounts = _accounts(conn, found)
    account_ids = [int(account["id"]) for account in accounts]
    evidence: list[dict[str, Any]] = []
    for ref in conn.execute(
        text(
            "SELECT reason, ref_kind, ref_id FROM lead_evidence WHERE lead_id = :id ORDER BY reason, ref_id"
        ),
        {"id": found.lead_id},
    ):
        item = _evidence_row(conn, str(ref.ref_kind), int(ref.ref_id))
        if item["kind"] == "conversation" and not item.get("missing"):
            item["sent_by_lead"] = _sent_by(conn, int(ref.ref_id), account_ids)
        evidence.append({"reason": ref.reason, **item})
    return {
        "id": found.lead_id,
        "lead_key": found.lead_key,
        "label": found.label,
        "rank": row.rank,
        "score": row.score,
        "status": row.status,
        "reasons": json.loads(row.reasons_json),
        "accounts": accounts,
        "evidence": evidence,
        "marks": _marks(conn, found),
    }


def _evidence_row(conn: Connection, ref_kind: str, ref_id: int) -> dict[str, Any]:
    sql = {"contact": _CONTACT_SQL, "conversation": _CONVERSATION_SQL, "message": _MESSAGE_SQL}.get(ref_kind)
    row = None if sql is None else conn.execute(sql, {"id": ref_id}).first()
    if row is None:
        return {"kind": ref_kind, "id": ref_id, "missing": True}
    values = dict(row._mapping)
    values["exhibit"] = values.pop("ref")
    values["file"] = values.pop("display_path")
    return {"kind": ref_kind, **values}


def _sent_by(conn: Connection, conversation_id: int, account_ids: list[int]) -> list[dict[str, Any]]:
    """The lead's first and last message in a conversation, with their locators."""
    if not account_ids:
        return []
    marks = ", ".join(str(a) for a in account_ids)
    found: list[dict[str, Any]] = []
    for order in ("ASC", "DESC"):
        row = conn.execute(
            text(
                "SELECT m.id, m.sent_at_utc, e.ref AS exhibit, f.display_path AS file, m.locator "
                "FROM messages m JOIN exhibits e ON e.id = m.exhibit_id JOIN files f ON f.id = m.file_id "
                f"WHERE m.conversation_id = :c AND m.sender_account_id IN ({marks}) "
                f"ORDER BY m.sent_at_utc {order}, m.id {order} LIMIT 1"
            ),
            {"c": conversation_id},
        ).first()
        if row is not None and all(row.id != seen["id"] for seen in found):
            found.append(dict(row._mapping))
    return found


def _accounts(conn: Connection, lead: LeadRef) -> list[dict[str, Any]]:
    if lead.node_key is None:
        return []
    accounts = []
    for subject in lead_subjects(conn, lead):
        account_id = int(subject.partition(":")[2])
        account = conn.execute(
            text("SELECT id, platform, handle FROM accounts WHERE id = :id"), {"id": account_id}
        ).one()
        identifiers = [dict(r._mapping) for r in conn.execute(_IDENTIFIERS_SQL, {"account": account_id})]
        accounts.append(
            {
                "id": account.id,
                "platform": account.platform,
                "handle": account.handle,
                "identifiers": identifiers,
            }
        )
    return accounts


def _marks(conn: Connection, lead: LeadRef) -> list[dict[str, Any]]:
    """Every mark on this lead or on any account (identifier) it stands for, oldest first."""
    subjects = set(lead_subjects(conn, lead))
    rows = conn.execute(
        text(
            "SELECT id, kind, subject, reason, actor, at_utc, audit_seq, object_ref FROM decisions "
            "WHERE kind IN ('lead-identify', 'lead-dismiss') ORDER BY id"
        )
    )
    return [
        dict(r._mapping)
        for r in rows
        if r.subject == lead.lead_key or subjects & set(str(r.object_ref or "").split(","))
    ]
