"""Scoring resolution and communities against labelled truth, and a unit's own truth file.

Resolution: pairwise precision, recall and F1 over the labelled records (a pair counts when
both records share a person), and B-cubed precision, recall and F1 (per record, the share of
its predicted cluster that truly belongs with it, and of its true cluster that was found).
Communities: adjusted Rand index and NMI (igraph) between the truth labels and the network
community of each record's node.

The truth file (`darkroom eval --truth FILE`) is JSON: `{"persons": {KEY: LABEL},
"communities": {KEY: LABEL}}`, either part optional; KEY is `account:PLATFORM:HANDLE` (the
normalized handle) or `file:EXHIBIT_REF:PATH` (every account and card parsed from that file).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.identifiers.normalize import normalize_handle


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True, slots=True)
class ResolutionScore:
    """Pairwise and B-cubed scores of predicted persons against true ones."""

    records: int
    true_persons: int
    predicted_clusters: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    bcubed_precision: float | None
    bcubed_recall: float | None

    @property
    def precision(self) -> float | None:
        return _ratio(self.correct_pairs, self.predicted_pairs)

    @property
    def recall(self) -> float | None:
        return _ratio(self.correct_pairs, self.true_pairs)

    @property
    def f1(self) -> float | None:
        return _f1(self.precision, self.recall)

    @property
    def bcubed_f1(self) -> float | None:
        return _f1(self.bcubed_precision, self.bcubed_recall)

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "bcubed_f1": self.bcubed_f1,
        }


def score_resolution(truth: Mapping[str, str], predicted: Mapping[str, str]) -> ResolutionScore:
    """Score the records labelled in `truth`; a record missing from `predicted` stands alone."""
    refs = sorted(truth)
    cluster = {ref: predicted.get(ref, f"alone:{ref}") for ref in refs}
    cells = Counter((cluster[ref], truth[ref]) for ref in refs)
    by_cluster = Counter(cluster[ref] for ref in refs)
    by_truth = Counter(truth[ref] for ref in refs)
    precision_sum = sum(cells[(cluster[r], truth[r])] / by_cluster[cluster[r]] for r in refs)
    recall_sum = sum(cells[(cluster[r], truth[r])] / by_truth[truth[r]] for r in refs)
    return ResolutionScore(
        records=len(refs),
        true_persons=len(by_truth),
        predicted_clusters=len(by_cluster),
        true_pairs=sum(math.comb(n, 2) for n in by_truth.values()),
        predicted_pairs=sum(math.comb(n, 2) for n in by_cluster.values()),
        correct_pairs=sum(math.comb(n, 2) for n in cells.values()),
        bcubed_precision=_ratio(precision_sum, len(refs)),
        bcubed_recall=_ratio(recall_sum, len(refs)),
    )


@dataclass(frozen=True, slots=True)
class CommunityScore:
    """Agreement of network communities with the truth labels (None when not computed)."""

    records: int
    without_node: int  # labelled records no network node stands for (cards of no person)
    true_communities: int
    predicted_communities: int
    adjusted_rand: float | None
    nmi: float | None
    note: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_communities(truth: Mapping[str, str], predicted: Mapping[str, int]) -> CommunityScore:
    """ARI and NMI over the labelled records that have a community."""
    if not predicted:
        return CommunityScore(
            len(truth),
            len(truth),
            len(set(truth.values())),
            0,
            None,
            None,
            "communities were not computed (run `darkroom network build` first)",
        )
    import igraph  # noqa: PLC0415 - heavy; only this score needs it

    scored = sorted(ref for ref in truth if ref in predicted)
    if len(scored) < 2:
        return CommunityScore(
            len(truth),
            len(truth) - len(scored),
            len(set(truth.values())),
            0,
            None,
            None,
            "fewer than two labelled records have a community",
        )
    true_ids = _numbered(truth[ref] for ref in scored)
    found_ids = _numbered(str(predicted[ref]) for ref in scored)
    return CommunityScore(
        records=len(truth),
        without_node=len(truth) - len(scored),
        true_communities=len(set(true_ids)),
        predicted_communities=len(set(found_ids)),
        adjusted_rand=float(igraph.compare_communities(true_ids, found_ids, method="adjusted_rand")),
        nmi=float(igraph.compare_communities(true_ids, found_ids, method="nmi")),
        note="",
    )


def _numbered(labels: Iterable[str]) -> list[int]:
    numbers: dict[str, int] = {}
    return [numbers.setdefault(label, len(numbers)) for label in labels]


_PERSON_OF_SQL = text(
    "SELECT 'account:' || l.account_id AS ref, l.person_id FROM person_links l "
    "JOIN persons p ON p.id = l.person_id AND p.retired_at_utc IS NULL UNION ALL "
    "SELECT 'contact:' || c.contact_id, c.person_id FROM person_contacts c "
    "JOIN persons p ON p.id = c.person_id AND p.retired_at_utc IS NULL"
)


def predicted_persons(conn: Connection) -> dict[str, str]:
    """Record ref -> `person:ID` for every record a person holds."""
    return {str(row[0]): f"person:{row[1]}" for row in conn.execute(_PERSON_OF_SQL)}


def predicted_communities(conn: Connection) -> dict[str, int]:
    """Record ref -> community of its network node (the person's, else the account's)."""
    persons = {ref: int(label.removeprefix("person:")) for ref, label in predicted_persons(conn).items()}
    by_person: dict[int, int] = {}
    by_account: dict[int, int] = {}
    for row in conn.execute(
        text("SELECT person_id, account_id, community FROM network_nodes WHERE community IS NOT NULL")
    ):
        if row.person_id is not None:
            by_person[int(row.person_id)] = int(row.community)
        elif row.account_id is not None:
            by_account[int(row.account_id)] = int(row.community)
    found: dict[str, int] = {}
    for ref, person in persons.items():
        if person in by_person:
            found[ref] = by_person[person]
    for account, community in by_account.items():
        found.setdefault(f"account:{account}", community)
    return found


@dataclass(frozen=True, slots=True)
class KeyedLabels:
    """Truth labels per record, from a unit's truth keys, with what could not be used."""

    labels: dict[str, str]
    keys: int
    keys_not_found: tuple[str, ...]
    conflicting_records: int


def _file_records(conn: Connection, exhibit: str, path: str) -> list[str]:
    file_row = conn.execute(
        text(
            "SELECT f.id FROM files f JOIN exhibits e ON e.id = f.exhibit_id "
            "WHERE e.ref = :e AND f.display_path = :p"
        ),
        {"e": exhibit, "p": path},
    ).first()
    if file_row is None:
        return []
    params = {"f": int(file_row[0])}
    accounts = conn.execute(
        text(
            "SELECT account_id FROM account_names WHERE file_id = :f UNION SELECT p.account_id "
            "FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id "
            "WHERE c.file_id = :f"
        ),
        params,
    )
    contacts = conn.execute(text("SELECT id FROM contacts WHERE file_id = :f"), params)
    return [f"account:{r[0]}" for r in accounts] + [f"contact:{r[0]}" for r in contacts]


def key_records(conn: Connection, key: str, region: str) -> list[str]:
    """The records a truth key names (none when the case does not hold it)."""
    kind, _, rest = key.partition(":")
    if kind == "account":
        platform, _, handle = rest.partition(":")
        if not platform or not handle:
            raise InvalidInput(f"truth key {key!r} is not account:PLATFORM:HANDLE")
        norm = normalize_handle(platform, handle, region)
        row = conn.execute(
            text("SELECT id FROM accounts WHERE platform = :p AND handle_norm IN (:n, :h)"),
            {"p": platform, "n": norm, "h": handle},
        ).first()
        return [f"account:{row[0]}"] if row else []
    if kind == "file":
        exhibit, _, path = rest.partition(":")
        if not exhibit or not path:
            raise InvalidInput(f"truth key {key!r} is not file:EXHIBIT_REF:PATH")
        return _file_records(conn, exhibit, path)
    raise InvalidInput(f"truth key {key!r} must start with account: or file:")


def labels_from_keys(conn: Connection, keyed: Mapping[str, Any], region: str) -> KeyedLabels:
    """Record labels from `{KEY: LABEL}`; a record two keys label differently is left out."""
    found: dict[str, set[str]] = defaultdict(set)
    missing: list[str] = []
    for key, label in sorted(keyed.items()):
        refs = key_records(conn, str(key), region)
        if not refs:
            missing.append(str(key))
        for ref in refs:
            found[ref].add(str(label))
    labels = {ref: next(iter(values)) for ref, values in found.items() if len(values) == 1}
    return KeyedLabels(labels, len(keyed), tuple(missing), len(found) - len(labels))


@dataclass(frozen=True, slots=True)
class UnitTruthReport:
    """`darkroom eval --truth FILE` on a unit's labelled case."""

    persons: ResolutionScore | None
    persons_keys: KeyedLabels | None
    communities: CommunityScore | None
    communities_keys: KeyedLabels | None

    def as_dict(self) -> dict[str, Any]:
        def keys(k: KeyedLabels | None) -> dict[str, Any] | None:
            if k is None:
                return None
            return {
                "keys": k.keys,
                "records": len(k.labels),
                "keys_not_found": list(k.keys_not_found),
                "conflicting_records": k.conflicting_records,
            }

        return {
            "persons": None
            if self.persons is None
            else {**self.persons.as_dict(), **(keys(self.persons_keys) or {})},
            "communities": None
            if self.communities is None
            else {**self.communities.as_dict(), **(keys(self.communities_keys) or {})},
        }


def score_unit_truth(conn: Connection, truth: Mapping[str, Any], region: str) -> UnitTruthReport:
    """Score persons and communities against a unit's truth file (parsed JSON)."""
    if not isinstance(truth, Mapping) or not ({"persons", "communities"} & set(truth)):
        raise InvalidInput('a truth file needs "persons" and/or "communities": {KEY: LABEL}')
    persons = communities = None
    person_keys = community_keys = None
    if isinstance(truth.get("persons"), Mapping):
        person_keys = labels_from_keys(conn, truth["persons"], region)
        persons = score_resolution(person_keys.labels, predicted_persons(conn))
    if isinstance(truth.get("communities"), Mapping):
        community_keys = labels_from_keys(conn, truth["communities"], region)
        communities = score_communities(community_keys.labels, predicted_communities(conn))
    return UnitTruthReport(persons, person_keys, communities, community_keys)
