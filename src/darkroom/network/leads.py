"""Leads: accounts, persons and identifiers tied to no identified person, ranked by evidence.

Known suspects are the nodes owning a seized exhibit (and accounts with the same phone number or
email address as their handle on another platform: the owner's own), plus every node an
investigator marked identified. Every other node, and every identifier seen on seized contact
cards or in messages that no account holds and no resolved card explains, is a candidate. Its
score is the sum of weighted features (darkroom.network.settings.LeadWeights), each shown as a
reason with its points; the contact cards, conversations and messages behind them are kept.
Dismissed candidates keep their row (status 'dismissed') but no rank.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, text

from darkroom.media.queries import pertinent_files
from darkroom.network.edges import conversation_members, distinct_groups, listed_contacts
from darkroom.network.nodes import NodeMap, load_nodes
from darkroom.network.owners import ExhibitOwner
from darkroom.network.settings import LeadWeights
from darkroom.store import CaseStore
from darkroom.store.case import execute_many
from darkroom.timeutil import from_iso, to_iso, utc_now

LeadStatus = Literal["open", "identified", "dismissed"]
PERSON_IDENTIFIER_KINDS = ("phone", "email", "handle", "onion", "bitcoin", "ethereum", "monero")
_MESSAGE_KINDS = ("messaged", "group-messaged")


@dataclass(frozen=True, slots=True)
class Reason:
    """One scored feature of a lead."""

    feature: str
    value: float
    points: float
    text: str


@dataclass(frozen=True, slots=True)
class LeadEvidence:
    """A store row behind a reason: a contact card, conversation or message."""

    reason: str
    ref_kind: str
    ref_id: int


@dataclass(frozen=True, slots=True)
class ScoredLead:
    """A candidate with its score, reasons and evidence."""

    lead_key: str
    node_key: str | None
    identifier_id: int | None
    label: str
    score: float
    status: LeadStatus
    reasons: tuple[Reason, ...]
    evidence: tuple[LeadEvidence, ...]


@dataclass(frozen=True, slots=True)
class LeadSummary:
    """Counts of one ranking."""

    ranked: int
    dismissed: int
    known_suspects: int


@dataclass(slots=True)
class _Features:
    """A candidate's evidence while it is gathered (mutable on purpose; local to one ranking)."""

    owners_listing: set[str] = field(default_factory=set)
    devices_listing: set[int] = field(default_factory=set)
    suspects_reached: set[str] = field(default_factory=set)
    messages_with_suspects: int = 0
    last_with_suspects: str | None = None
    groups_with_suspects: int = 0
    suspects_in_groups: int = 0
    communities: set[int] = field(default_factory=set)
    message_mentions: int = 0
    pertinent_media_sent: set[int] = field(default_factory=set)  # file ids
    evidence: set[LeadEvidence] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Context:
    node_map: NodeMap
    community: dict[str, int | None]
    suspects: frozenset[str]
    marks: dict[str, tuple[LeadStatus, int]]  # subject key -> (status, decision id)


def refresh_leads(store: CaseStore, weights: LeadWeights) -> LeadSummary:
    """Re-rank every lead from the stored graph and the investigators' marks."""
    with store.read() as conn:
        context = _load_context(conn)
        features = _node_features(conn, context)
        identifier_features, labels = _identifier_features(conn, context)
        newest = conn.execute(text("SELECT MAX(last_at_utc) FROM network_edges")).scalar_one()
    leads = [
        _scored(key, key, None, context.node_map.nodes[key].label, f, weights, newest, context)
        for key, f in features.items()
    ]
    leads.extend(
        _scored(f"identifier:{iid}", None, iid, labels[iid], f, weights, newest, context)
        for iid, f in identifier_features.items()
    )
    marked = (
        key for key in context.suspects - features.keys() if key not in context.node_map.seized_owner_keys
    )
    leads.extend(
        _scored(key, key, None, context.node_map.nodes[key].label, _Features(), weights, newest, context)
        for key in sorted(marked)
    )
    leads = [lead for lead in leads if lead.score > 0 or lead.status != "open"]
    with store.write() as conn:
        _write(conn, leads)
    return LeadSummary(
        ranked=sum(1 for lead in leads if lead.status == "open"),
        dismissed=sum(1 for lead in leads if lead.status == "dismissed"),
        known_suspects=len(context.suspects),
    )


def _load_context(conn: Connection) -> _Context:
    owners = [
        ExhibitOwner(int(r.exhibit_id), int(r.account_id), str(r.reason))
        for r in conn.execute(text("SELECT exhibit_id, account_id, reason FROM network_exhibit_owners"))
    ]
    node_map = load_nodes(conn, owners)
    community = {
        str(r.node_key): r.community
        for r in conn.execute(text("SELECT node_key, community FROM network_nodes"))
    }
    marks = {
        str(r.subject_key): (r.status, int(r.decision_id))
        for r in conn.execute(text("SELECT subject_key, status, decision_id FROM lead_marks"))
    }
    suspects = set(node_map.seized_owner_keys) | _same_handle_as_owner(conn, node_map, owners)
    for key, node in node_map.nodes.items():
        if _node_mark(node.account_ids, marks) == "identified":
            suspects.add(key)
    return _Context(node_map, community, frozenset(suspects), marks)


def _same_handle_as_owner(conn: Connection, node_map: NodeMap, owners: list[ExhibitOwner]) -> set[str]:
    """Nodes of accounts whose handle is an owner account's phone number or email on another platform."""
    owner_ids = {o.account_id for o in owners}
    handles: dict[str, set[int]] = defaultdict(set)
    for row in conn.execute(text("SELECT id, handle_norm FROM accounts")):
        handle = str(row.handle_norm)
        if handle.startswith("+") or "@" in handle:
            handles[handle].add(int(row.id))
    same: set[str] = set()
    for account_ids in handles.values():
        if account_ids & owner_ids:
            same |= node_map.node_keys(account_ids)
    return same


def _node_mark(account_ids: tuple[int, ...], marks: dict[str, tuple[LeadStatus, int]]) -> LeadStatus:
    """The newest mark on any of a node's accounts wins; 'open' when none is marked."""
    found = [marks[f"account:{a}"] for a in account_ids if f"account:{a}" in marks]
    return max(found, key=lambda mark: mark[1])[0] if found else "open"


def _node_features(conn: Connection, context: _Context) -> dict[str, _Features]:
    features: dict[str, _Features] = defaultdict(_Features)
    suspects = context.suspects
    for contact in listed_contacts(conn, context.node_map):
        if contact.target in suspects:
            continue
        f = features[contact.target]
        f.owners_listing.update(o for o in contact.owners if o in suspects)
        f.devices_listing.add(contact.exhibit_id)
        f.evidence.add(LeadEvidence("contacts", "contact", contact.contact_id))
    edges = text("SELECT id, source_key, target_key, kind, count AS n, last_at_utc FROM network_edges")
    message_edges: dict[int, str] = {}
    for row in conn.execute(edges):
        for me, other in ((row.source_key, row.target_key), (row.target_key, row.source_key)):
            if me in suspects:
                continue
            f = features[me]
            if context.community.get(other) is not None:
                f.communities.add(context.community[other])  # type: ignore[arg-type]
            if other not in suspects:
                continue
            f.suspects_reached.add(other)
            if row.kind in _MESSAGE_KINDS:
                f.messages_with_suspects += int(row.n)
                if row.last_at_utc and (
                    f.last_with_suspects is None or row.last_at_utc > f.last_with_suspects
                ):
                    f.last_with_suspects = row.last_at_utc
                message_edges[int(row.id)] = me
    _message_evidence(conn, message_edges, features)
    _group_features(conn, context, features)
    _media_features(conn, context, features)
    return features


def _message_evidence(
    conn: Connection, message_edges: dict[int, str], features: dict[str, _Features]
) -> None:
    if not message_edges:
        return
    rows = conn.execute(
        text("SELECT edge_id, ref_id FROM network_edge_evidence WHERE ref_kind = 'conversation'")
    )
    for row in rows:
        me = message_edges.get(int(row.edge_id))
        if me is not None:
            features[me].evidence.add(LeadEvidence("messages", "conversation", int(row.ref_id)))


def _group_features(conn: Connection, context: _Context, features: dict[str, _Features]) -> None:
    for members, conversation_ids in distinct_groups(conversation_members(conn, context.node_map)):
        present = members & context.suspects
        if not present:
            continue
        for member in members - context.suspects:
            f = features[member]
            f.groups_with_suspects += 1
            f.suspects_in_groups = max(f.suspects_in_groups, len(present))
            f.evidence.update(LeadEvidence("groups", "conversation", cid) for cid in conversation_ids)


_SENT_MEDIA_SQL = text(
    "SELECT l.file_id, l.message_id, m.sender_account_id FROM media_message_links l "
    "JOIN messages m ON m.id = l.message_id WHERE m.sender_account_id IS NOT NULL"
)
_MEDIA_BATCH = 500


def _media_features(conn: Connection, context: _Context, features: dict[str, _Features]) -> None:
    """Pictures and videos a candidate sent (a chat or mail attachment found on a seized device) that
    a hash set or an examiner's decision puts in an illegal or exploitative category."""
    sent: dict[int, list[tuple[int, str]]] = defaultdict(list)  # file -> (message, sender node)
    for row in conn.execute(_SENT_MEDIA_SQL):
        node = context.node_map.node_of_account.get(int(row.sender_account_id))
        if node is not None and node not in context.suspects:
            sent[int(row.file_id)].append((int(row.message_id), node))
    file_ids = sorted(sent)
    for start in range(0, len(file_ids), _MEDIA_BATCH):
        for file_id in pertinent_files(conn, file_ids[start : start + _MEDIA_BATCH]):
            for message_id, node in sent[file_id]:
                f = features[node]
                f.pertinent_media_sent.add(file_id)
                f.evidence.add(LeadEvidence("media", "message", message_id))


_IDENTIFIER_SQL = text(
    "SELECT o.identifier_id, i.kind, i.value_norm, o.contact_id, o.message_id, o.exhibit_id, "
    "m.sender_account_id FROM identifier_occurrences o JOIN identifiers i ON i.id = o.identifier_id "
    "LEFT JOIN messages m ON m.id = o.message_id "
    "WHERE o.account_id IS NULL AND i.is_shared = 0 AND i.kind IN "
    f"({', '.join(repr(kind) for kind in PERSON_IDENTIFIER_KINDS)}) "
    "AND NOT EXISTS (SELECT 1 FROM account_identifiers ai WHERE ai.identifier_id = o.identifier_id)"
)


def _identifier_features(conn: Connection, context: _Context) -> tuple[dict[int, _Features], dict[int, str]]:
    """Identifiers no account holds, from cards that resolve to no node and from message text."""
    resolved_cards = {c.contact_id for c in listed_contacts(conn, context.node_map)}
    features: dict[int, _Features] = defaultdict(_Features)
    labels: dict[int, str] = {}
    for row in conn.execute(_IDENTIFIER_SQL):
        if row.contact_id is not None and int(row.contact_id) in resolved_cards:
            continue
        identifier_id = int(row.identifier_id)
        f = features[identifier_id]
        labels[identifier_id] = f"{row.kind}:{row.value_norm}"
        if row.contact_id is not None:
            owners = context.node_map.owners_of_exhibit.get(int(row.exhibit_id), ())
            f.owners_listing.update(owners)
            f.suspects_reached.update(owners)
            f.devices_listing.add(int(row.exhibit_id))
            f.evidence.add(LeadEvidence("contacts", "contact", int(row.contact_id)))
        elif row.message_id is not None:
            f.message_mentions += 1
            sender = context.node_map.node_of_account.get(int(row.sender_account_id or 0))
            if sender in context.suspects:
                f.suspects_reached.add(sender)
            f.evidence.add(LeadEvidence("mentions", "message", int(row.message_id)))
    return features, labels


def _scored(
    lead_key: str,
    node_key: str | None,
    identifier_id: int | None,
    label: str,
    f: _Features,
    weights: LeadWeights,
    newest: str | None,
    context: _Context,
) -> ScoredLead:
    reasons = _reasons(f, weights, newest)
    if node_key is not None:
        status = _node_mark(context.node_map.nodes[node_key].account_ids, context.marks)
    else:
        status = context.marks.get(lead_key, ("open", 0))[0]
    return ScoredLead(
        lead_key=lead_key,
        node_key=node_key,
        identifier_id=identifier_id,
        label=label,
        score=round(sum(r.points for r in reasons), 4),
        status=status,
        reasons=tuple(reasons),
        evidence=tuple(sorted(f.evidence, key=lambda e: (e.reason, e.ref_kind, e.ref_id))),
    )


def _reasons(f: _Features, weights: LeadWeights, newest: str | None) -> list[Reason]:
    communities = len(f.communities)
    counted = [
        (
            "owners_listing",
            len(f.owners_listing),
            f"in the contact lists of {len(f.owners_listing)} seized owner(s)",
        ),
        (
            "devices_listing",
            len(f.devices_listing),
            f"on {len(f.devices_listing)} seized device(s)' contact lists",
        ),
        (
            "suspects_reached",
            len(f.suspects_reached),
            f"linked to {len(f.suspects_reached)} known suspect(s)",
        ),
        (
            "messages_with_suspects",
            f.messages_with_suspects,
            f"{f.messages_with_suspects} message(s) with known suspects",
        ),
        (
            "groups_with_suspects",
            f.groups_with_suspects,
            f"in {f.groups_with_suspects} group chat(s) with known suspects",
        ),
        (
            "suspects_in_groups",
            f.suspects_in_groups,
            f"up to {f.suspects_in_groups} known suspect(s) in one of those groups",
        ),
        ("communities", max(0, communities - 1), f"neighbours in {communities} communities"),
        ("message_mentions", f.message_mentions, f"mentioned in {f.message_mentions} message(s)"),
        (
            "pertinent_media_sent",
            len(f.pertinent_media_sent),
            f"sent {len(f.pertinent_media_sent)} picture(s) or video(s) a hash set or an examiner "
            "categorises illegal or exploitative",
        ),
    ]
    reasons = [
        Reason(name, value, round(getattr(weights, name) * math.log2(1 + value), 4), words)
        for name, value, words in counted
        if value > 0
    ]
    if f.last_with_suspects and newest:
        days = max(0.0, (from_iso(newest) - from_iso(f.last_with_suspects)).total_seconds() / 86400)
        points = weights.recency * 0.5 ** (days / weights.recency_half_life_days)
        when = from_iso(f.last_with_suspects).date().isoformat()
        words = f"last message with a known suspect on {when}, {days:.0f} days before the newest"
        reasons.append(Reason("recency", round(days, 1), round(points, 4), words))
    return sorted(reasons, key=lambda r: -r.points)


def _write(conn: Connection, leads: list[ScoredLead]) -> None:
    """Upsert by lead key (ids stay stable), drop leads that are gone, rewrite ranks and evidence."""
    now = to_iso(utc_now())
    conn.exec_driver_sql("DELETE FROM lead_evidence")
    conn.exec_driver_sql("UPDATE leads SET rank = NULL")
    open_leads = sorted(
        (lead for lead in leads if lead.status == "open"), key=lambda x: (-x.score, x.lead_key)
    )
    rank = {lead.lead_key: n for n, lead in enumerate(open_leads, start=1)}
    rows = [
        (
            lead.lead_key,
            lead.node_key,
            lead.identifier_id,
            lead.label,
            lead.score,
            rank.get(lead.lead_key),
            lead.status,
            json.dumps([_reason_dict(r) for r in lead.reasons], ensure_ascii=False),
            now,
        )
        for lead in leads
    ]
    execute_many(
        conn,
        "INSERT INTO leads (lead_key, node_key, identifier_id, label, score, rank, status, reasons_json, "
        "computed_at_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lead_key) DO UPDATE SET "
        "node_key = excluded.node_key, identifier_id = excluded.identifier_id, label = excluded.label, "
        "score = excluded.score, rank = excluded.rank, status = excluded.status, "
        "reasons_json = excluded.reasons_json, computed_at_utc = excluded.computed_at_utc",
        rows,
    )
    keep = {lead.lead_key for lead in leads}
    ids = {str(r.lead_key): int(r.id) for r in conn.execute(text("SELECT id, lead_key FROM leads"))}
    gone = [(lead_id,) for key, lead_id in ids.items() if key not in keep]
    execute_many(conn, "DELETE FROM leads WHERE id = ?", gone)
    evidence = [(ids[lead.lead_key], e.reason, e.ref_kind, e.ref_id) for lead in leads for e in lead.evidence]
    execute_many(
        conn, "INSERT INTO lead_evidence (lead_id, reason, ref_kind, ref_id) VALUES (?, ?, ?, ?)", evidence
    )


def _reason_dict(reason: Reason) -> dict[str, object]:
    return {"feature": reason.feature, "value": reason.value, "points": reason.points, "text": reason.text}
