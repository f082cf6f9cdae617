"""Scoring the network stage against a synthetic `truth.json`: communities and leads.

Accounts are tied to truth persons by (1) their key `account:PLATFORM:HANDLE` (sms and imessage
read as truth's `phone`), else (2) an identifier they hold that only one truth person has, else
(3) the participant labels truth records for the chat files the account takes part in (a
WhatsApp export names people by display name), by majority. Unmatched accounts are not scored.

Communities: the items are the case's accounts whose person belongs to a planted network.
Bystanders belong to no network and are left out (their placement is not scored). A member of
several networks is right in any of them: they are labelled with the network that dominates the
community darkroom put them in (the majority among its single-network members) when that is one
of theirs, else with their primary network (the one holding most of their `network` ties, ties
broken by network id). The scores are also given over single-network members only. An account
whose node has no community (no edge) is a community of its own. NMI is arithmetic-mean
normalised.

Leads: a hidden suspect counts as found at rank r when an open lead at rank r is one of their
accounts, a person node whose accounts are mostly theirs, or an identifier only they hold.
recall@k = found in the top k / hidden suspects present in the case (an account or identifier
of theirs is in it); capped recall@k divides by min(k, present) instead, so that a case with
more hidden suspects than k can still reach 1.0; R-precision is recall@k at k = present.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from darkroom.store import CaseStore
from darkroom.synth.evaluate import _display_path

PLATFORM_ALIASES = {"sms": "phone", "imessage": "phone"}
Truth = Mapping[str, Any]


def nmi(truth_labels: Sequence[Hashable], found_labels: Sequence[Hashable]) -> float | None:
    """Normalised mutual information (arithmetic mean of the entropies); None for no items."""
    n = len(truth_labels)
    if n == 0:
        return None
    joint = Counter(zip(truth_labels, found_labels, strict=True))
    truth_sizes, found_sizes = Counter(truth_labels), Counter(found_labels)
    mutual = sum(c / n * math.log(c * n / (truth_sizes[a] * found_sizes[b])) for (a, b), c in joint.items())
    h_truth = -sum(c / n * math.log(c / n) for c in truth_sizes.values())
    h_found = -sum(c / n * math.log(c / n) for c in found_sizes.values())
    if h_truth + h_found == 0:
        return 1.0
    return max(0.0, 2 * mutual / (h_truth + h_found))


def adjusted_rand(truth_labels: Sequence[Hashable], found_labels: Sequence[Hashable]) -> float | None:
    """Hubert-Arabie adjusted Rand index; None for no items."""
    n = len(truth_labels)
    if n == 0:
        return None

    def pairs(count: int) -> float:
        return count * (count - 1) / 2

    index = sum(pairs(c) for c in Counter(zip(truth_labels, found_labels, strict=True)).values())
    truth_sum = sum(pairs(c) for c in Counter(truth_labels).values())
    found_sum = sum(pairs(c) for c in Counter(found_labels).values())
    expected = truth_sum * found_sum / pairs(n) if n > 1 else 0.0
    maximum = (truth_sum + found_sum) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


@dataclass(frozen=True, slots=True)
class CommunityScore:
    """Agreement of darkroom's communities with the planted networks."""

    accounts_scored: int
    persons_scored: int
    networks: int
    communities_found: int
    nmi: float | None
    adjusted_rand: float | None
    single_network_accounts: int
    nmi_single_network: float | None
    adjusted_rand_single_network: float | None
    accounts_unmatched: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class LeadScore:
    """How high the hidden suspects rank among the leads."""

    hidden_suspects: int
    present: int
    found_ranks: tuple[int, ...]
    open_leads: int

    def recall_at(self, k: int) -> float | None:
        return len([r for r in self.found_ranks if r <= k]) / self.present if self.present else None

    def capped_recall_at(self, k: int) -> float | None:
        found = len([r for r in self.found_ranks if r <= k])
        return found / min(k, self.present) if self.present else None

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "hidden_suspects": self.hidden_suspects,
            "present": self.present,
            "found": len(self.found_ranks),
            "open_leads": self.open_leads,
            "median_rank": sorted(self.found_ranks)[len(self.found_ranks) // 2] if self.found_ranks else None,
        }
        for k in (10, 50):
            row[f"recall_at_{k}"] = self.recall_at(k)
            row[f"capped_recall_at_{k}"] = self.capped_recall_at(k)
        row["r_precision"] = self.recall_at(self.present)
        return row


@dataclass(frozen=True, slots=True)
class NetworkScores:
    """Both parts of the network evaluation."""

    communities: CommunityScore
    leads: LeadScore


def has_network(store: CaseStore) -> bool:
    """Whether a network build has run on the case."""
    with store.read() as conn:
        return bool(conn.execute(text("SELECT COUNT(*) FROM network_builds")).scalar_one())


def score_network(store: CaseStore, truth: Truth) -> NetworkScores:
    """Communities against the planted networks and hidden-suspect recall in the leads."""
    with store.read() as conn:
        person_of = account_persons(conn, truth)
        communities = _score_communities(conn, truth, person_of)
        leads = _score_leads(conn, truth, person_of)
    return NetworkScores(communities, leads)


# -- accounts to truth persons ------------------------------------------------------------------


def account_persons(conn: Connection, truth: Truth) -> dict[int, str]:
    """Each case account's truth person, where truth tells (see the module docstring)."""
    by_key = {str(a["key"]): str(a["person"]) for a in truth["accounts"]}
    by_identifier = _unique_identifier_persons(truth)
    mapped: dict[int, str] = {}
    accounts = list(conn.execute(text("SELECT id, platform, handle_norm FROM accounts")))
    for row in accounts:
        platform = PLATFORM_ALIASES.get(str(row.platform), str(row.platform))
        person = by_key.get(f"account:{row.platform}:{row.handle_norm}") or by_key.get(
            f"account:{platform}:{row.handle_norm}"
        )
        if person is not None:
            mapped[int(row.id)] = person
    held = text(
        "SELECT ai.account_id, i.kind, i.value_norm FROM account_identifiers ai "
        "JOIN identifiers i ON i.id = ai.identifier_id"
    )
    for row in conn.execute(held):
        person = by_identifier.get((str(row.kind), str(row.value_norm)))
        if person is not None:
            mapped.setdefault(int(row.account_id), person)
    for account_id, person in _label_votes(conn, truth).items():
        mapped.setdefault(account_id, person)
    return mapped


def _unique_identifier_persons(truth: Truth) -> dict[tuple[str, str], str]:
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for account in truth["accounts"]:
        for identifier in account["identifiers"]:
            owners[(str(identifier["kind"]), str(identifier["value"]))].add(str(account["person"]))
    return {key: next(iter(persons)) for key, persons in owners.items() if len(persons) == 1}


def _label_votes(conn: Connection, truth: Truth) -> dict[int, str]:
    """Accounts named by a participant label in the truth of a chat file they take part in."""
    exhibits = {e["ref"]: e for e in truth["exhibits"]}
    by_key = {str(a["key"]): str(a["person"]) for a in truth["accounts"]}
    labels: dict[tuple[str, str], dict[str, str]] = {}
    for planted in truth["files"]:
        participants = (planted.get("content") or {}).get("participants")
        if not isinstance(participants, list):
            continue
        named = {}
        for participant in participants:
            person = participant.get("person") or by_key.get(str(participant.get("account")))
            if person and participant.get("label"):
                named[str(participant["label"]).strip().casefold()] = str(person)
        where = (planted["exhibit"], _display_path(exhibits[planted["exhibit"]], planted["path"]))
        labels[where] = named
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    rows = conn.execute(
        text(
            "SELECT p.account_id, a.handle_norm, e.ref, f.display_path FROM conversation_participants p "
            "JOIN accounts a ON a.id = p.account_id JOIN conversations c ON c.id = p.conversation_id "
            "JOIN files f ON f.id = c.file_id JOIN exhibits e ON e.id = c.exhibit_id"
        )
    )
    for row in rows:
        person = labels.get((row.ref, row.display_path), {}).get(str(row.handle_norm).strip().casefold())
        if person is not None:
            votes[int(row.account_id)][person] += 1
    return {account: counter.most_common(1)[0][0] for account, counter in votes.items()}


# -- communities ---------------------------------------------------------------------------------


def primary_networks(truth: Truth) -> dict[str, str]:
    """Each network member's network; members of several get the one most of their ties are in."""
    networks_of: dict[str, list[str]] = defaultdict(list)
    members_of: dict[str, set[str]] = {}
    for network in truth["networks"]:
        members_of[network["id"]] = set(network["members"])
        for member in network["members"]:
            networks_of[member].append(network["id"])
    ties: dict[str, list[str]] = defaultdict(list)
    for tie in truth["ties"]:
        if tie["kind"] == "network":
            ties[tie["a"]].append(tie["b"])
            ties[tie["b"]].append(tie["a"])
    primary = {}
    for person, networks in networks_of.items():
        primary[person] = max(
            sorted(networks, key=_network_order),
            key=lambda net: sum(1 for peer in ties[person] if peer in members_of[net]),
        )
    return primary


def _network_order(network_id: str) -> tuple[int, str]:
    digits = "".join(ch for ch in network_id if ch.isdigit())
    return (int(digits) if digits else 0, network_id)


def _score_communities(conn: Connection, truth: Truth, person_of: dict[int, str]) -> CommunityScore:
    primary = primary_networks(truth)
    networks_of: dict[str, set[str]] = defaultdict(set)
    for network in truth["networks"]:
        for member in network["members"]:
            networks_of[member].add(network["id"])
    found = _community_of_accounts(conn)
    items: list[tuple[str, Hashable]] = []  # (person, found community)
    unmatched = 0
    for account_id, community in found.items():
        person = person_of.get(account_id)
        if person is None:
            unmatched += 1
        elif person in primary:
            items.append((person, community if community is not None else f"alone:{account_id}"))
    single = [(primary[p], c) for p, c in items if len(networks_of[p]) == 1]
    majority = _majority_network(single)
    labelled = [(_label(p, c, primary, networks_of, majority), c) for p, c in items]
    return CommunityScore(
        accounts_scored=len(items),
        persons_scored=len({p for p, _ in items}),
        networks=len({t for t, _ in labelled}),
        communities_found=len({c for _, c in items}),
        nmi=nmi([t for t, _ in labelled], [c for _, c in labelled]),
        adjusted_rand=adjusted_rand([t for t, _ in labelled], [c for _, c in labelled]),
        single_network_accounts=len(single),
        nmi_single_network=nmi([t for t, _ in single], [c for _, c in single]),
        adjusted_rand_single_network=adjusted_rand([t for t, _ in single], [c for _, c in single]),
        accounts_unmatched=unmatched,
    )


def _majority_network(items: list[tuple[str, Hashable]]) -> dict[Hashable, str]:
    """Per found community, the network most of its single-network members belong to."""
    votes: dict[Hashable, Counter[str]] = defaultdict(Counter)
    for network, community in items:
        votes[community][network] += 1
    return {community: counter.most_common(1)[0][0] for community, counter in votes.items()}


def _label(
    person: str,
    community: Hashable,
    primary: dict[str, str],
    networks_of: dict[str, set[str]],
    majority: dict[Hashable, str],
) -> str:
    """A member of several networks is right in any of them: the community's network if it is
    one of theirs, else their primary network."""
    dominant = majority.get(community)
    if len(networks_of[person]) > 1 and dominant in networks_of[person]:
        return str(dominant)
    return primary[person]


def _community_of_accounts(conn: Connection) -> dict[int, int | None]:
    rows = conn.execute(
        text(
            "SELECT a.id AS account_id, n.community FROM accounts a "
            "LEFT JOIN person_links pl ON pl.account_id = a.id "
            "JOIN network_nodes n ON n.node_key = CASE WHEN pl.person_id IS NULL "
            "THEN 'account:' || a.id ELSE 'person:' || pl.person_id END"
        )
    )
    return {int(r.account_id): r.community for r in rows}


# -- leads ---------------------------------------------------------------------------------------


def _score_leads(conn: Connection, truth: Truth, person_of: dict[int, str]) -> LeadScore:
    hidden = {str(p["id"]) for p in truth["persons"] if p["role"] == "hidden-suspect"}
    by_identifier = _unique_identifier_persons(truth)
    identifier_person = {
        int(r.id): by_identifier.get((str(r.kind), str(r.value_norm)))
        for r in conn.execute(text("SELECT id, kind, value_norm FROM identifiers"))
    }
    present = {p for p in person_of.values() if p in hidden}
    present |= {p for p in identifier_person.values() if p in hidden}
    node_persons = _node_persons(conn, person_of)
    found: dict[str, int] = {}
    leads = conn.execute(
        text("SELECT rank, node_key, identifier_id FROM leads WHERE rank IS NOT NULL ORDER BY rank")
    )
    open_leads = 0
    for row in leads:
        open_leads += 1
        if row.node_key is not None:
            person = node_persons.get(str(row.node_key))
        else:
            person = identifier_person.get(int(row.identifier_id))
        if person in hidden and person not in found:
            found[person] = int(row.rank)
    return LeadScore(len(hidden), len(present), tuple(sorted(found.values())), open_leads)


def _node_persons(conn: Connection, person_of: dict[int, str]) -> dict[str, str]:
    """Each node's truth person: the one most of its matched accounts belong to."""
    rows = conn.execute(
        text(
            "SELECT a.id AS account_id, CASE WHEN pl.person_id IS NULL THEN 'account:' || a.id "
            "ELSE 'person:' || pl.person_id END AS node_key FROM accounts a "
            "LEFT JOIN person_links pl ON pl.account_id = a.id"
        )
    )
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        person = person_of.get(int(row.account_id))
        if person is not None:
            votes[str(row.node_key)][person] += 1
    return {node: counter.most_common(1)[0][0] for node, counter in votes.items()}


# -- a perfect identity stage, for measuring only ------------------------------------------------


def plant_truth_identity(store: CaseStore, truth: Truth) -> int:
    """Link every matched account to a person made from truth, as a perfect identity stage would.

    For measuring what the network stage gets once resolution exists: never run it on a real
    case. Replaces persons and person_links; returns the number of persons written.
    """
    with store.read() as conn:
        person_of = account_persons(conn, truth)
    names = {str(p["id"]): str(p["name"]) for p in truth["persons"]}
    accounts_of: dict[str, list[int]] = defaultdict(list)
    for account_id, person in sorted(person_of.items()):
        accounts_of[person].append(account_id)
    with store.write() as conn:
        conn.exec_driver_sql("DELETE FROM person_links")
        conn.exec_driver_sql("DELETE FROM persons")
        for number, (person, account_ids) in enumerate(sorted(accounts_of.items()), start=1):
            conn.execute(
                text("INSERT INTO persons (id, label, created_at_utc) VALUES (:id, :label, '2026-01-01')"),
                {"id": number, "label": f"{names.get(person, person)} ({person})"},
            )
            _link(conn, number, account_ids)
    return len(accounts_of)


def _link(conn: Connection, person_id: int, account_ids: Iterable[int]) -> None:
    conn.execute(
        text(
            "INSERT INTO person_links (person_id, account_id, method, probability, reasons_json, confirmed) "
            "VALUES (:person, :account, 'investigator', 1.0, '{\"source\": \"truth.json\"}', 1)"
        ),
        [{"person": person_id, "account": account_id} for account_id in account_ids],
    )
