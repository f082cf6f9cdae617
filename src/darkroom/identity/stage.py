"""The identity stage (`darkroom identity resolve`, part of `analyse`): accounts and contact cards
resolved into persons. Investigators' decisions first, then deterministic links on identifiers
that are not shared and between the accounts an exhibit states to be its own (unless it is a shared
device), then the model's links at p >= 0.99 that agree on more than handles; pairs
between 0.5 and 0.99 are kept for review. Re-running rebuilds everything and keeps person ids
where membership carries over."""

from __future__ import annotations

import json
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from sqlalchemy import Connection, text

from darkroom.errors import CaseError
from darkroom.evidence import audit
from darkroom.identity.clusters import METHOD_STRENGTH, Clusters, Link
from darkroom.identity.decisions import Constraints, load_constraints
from darkroom.identity.deterministic import alignment_links, identifier_links, saved_name_links
from darkroom.identity.device import (
    SharedDevice,
    device_owner_links,
    load_owner_statements,
    person_first_names,
)
from darkroom.identity.entities import Entity, build_entity, full_name_cores
from darkroom.identity.model import ModelResult, ModelUnavailable, ScoredPair, score_entities
from darkroom.identity.persist import (
    Candidate,
    MemberLink,
    PersonPlan,
    persist_candidates,
    persist_persons,
    persist_shared,
    restrict_accounts_of_restricted_persons,
)
from darkroom.identity.records import ResolutionRecord, identifier_key, load_records
from darkroom.identity.shared import SharedVerdict, find_shared
from darkroom.store import CaseStore
from darkroom.timeutil import to_iso, utc_now

AUTO_MERGE_PROBABILITY = 0.99
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class IdentitySummary:
    """What one run did, for the CLI and the run log."""

    run_id: int
    mode: str  # model | deterministic-only
    note: str
    records: int
    persons: int
    persons_kept: int
    persons_created: int
    persons_retired: int
    deterministic_links: int
    model_links: int
    investigator_links: int
    candidates: int
    shared_identifiers: int
    shared_devices: int  # exhibits whose stated owners were left unlinked (see identity.device)
    seconds: float


def _require_identity_tables(conn: Connection) -> None:
    """A case made while migration 0005 was still a placeholder lacks the identity tables."""
    found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'identity_runs'"))
    if found.first() is None:
        msg = (
            "this case has no identity tables: it was created while migration 0005 was a placeholder; "
            "create the case again (or apply src/darkroom/store/migrations/0005_identity.sql by hand)"
        )
        raise CaseError(msg)


def _externally_shared(conn: Connection) -> set[str]:
    """Identifiers someone else marked shared (no reason row of this stage): they never link."""
    rows = conn.execute(
        text(
            "SELECT kind, value_norm FROM identifiers i WHERE is_shared = 1 AND NOT EXISTS "
            "(SELECT 1 FROM identifier_shared_reasons r WHERE r.identifier_id = i.id)"
        )
    )
    return {identifier_key(row.kind, row.value_norm) for row in rows}


@dataclass(slots=True)
class _Resolution:
    """The working state of one run."""

    records: list[ResolutionRecord]
    verdicts: Mapping[str, SharedVerdict]
    shared: set[str]
    constraints: Constraints
    clusters: Clusters
    shared_devices: list[SharedDevice] = field(default_factory=list)


def _deterministic(conn: Connection, state: _Resolution) -> None:
    for link in state.constraints.must_link:
        state.clusters.join(link)
    for link in identifier_links(state.records, state.shared):
        state.clusters.join(link)
    # An exhibit's stated owner accounts are its owner's, unless it looks like a shared device.
    owner_links, state.shared_devices = device_owner_links(
        load_owner_statements(conn), state.records, person_first_names(state.records)
    )
    for link in owner_links:
        state.clusters.join(link)
    # A name-only chat participant joins a group only when all its evidence (message copies,
    # saved names) points at that one group: a name two exhibits use for two people links nobody.
    by_label: dict[str, list[Link]] = defaultdict(list)
    for link in [*alignment_links(conn, state.records), *saved_name_links(state.records, state.clusters)]:
        by_label[link.left].append(link)
    for links in by_label.values():
        if len({state.clusters.find(link.right) for link in links}) == 1:
            for link in links:
                state.clusters.join(link)


def _entities(state: _Resolution) -> list[Entity]:
    """The groups the model compares; a shared line's own account (a landline the card parsers
    made an account of) is nobody's, so it is left out rather than bridging the people who share it."""
    by_ref = {r.ref: r for r in state.records}
    known = full_name_cores(state.records)
    return [
        build_entity(group, by_ref, state.shared, known)
        for group in state.clusters.groups()
        if not all(by_ref[ref].kind == "account" and by_ref[ref].identifiers <= state.shared for ref in group)
    ]


def _apply_model(state: _Resolution, result: ModelResult) -> list[Candidate]:
    """Merge the confident pairs that agree on more than handles; the rest go to review."""
    candidates: list[Candidate] = []
    for pair in result.pairs:
        status = _status(pair)
        link = Link(pair.left, pair.right, "model", pair.probability, pair.reasons())
        if status == "merge" and not state.clusters.join(link):
            status = "blocked"
        if status != "merge":
            candidates.append(Candidate(pair.left, pair.right, pair.probability, status, pair.reasons()))
    return candidates


def _status(pair: ScoredPair) -> str:
    if pair.probability < AUTO_MERGE_PROBABILITY:
        return "review"
    return "merge" if pair.identity_agrees else "handles-only"


def _member_links(clusters: Clusters, constraints: Constraints) -> list[PersonPlan]:
    """Per group, each record's link to the person: the weakest link on its path to the group's
    core (model beats investigator beats deterministic in what it says about certainty)."""
    tree: dict[str, list[tuple[str, Link]]] = defaultdict(list)
    for link in clusters.used:
        tree[link.left].append((link.right, link))
        tree[link.right].append((link.left, link))
    plans: list[PersonPlan] = []
    for group in clusters.groups():
        if len(group) < 2 and not (set(group) & constraints.pinned):
            continue
        root = _root(group, tree)
        paths = _paths(root, tree)
        members = tuple(_member(ref, paths.get(ref, []), constraints) for ref in group)
        plans.append(PersonPlan(members, pinned=bool(set(group) & constraints.pinned)))
    return plans


def _root(group: Sequence[str], tree: Mapping[str, list[tuple[str, Link]]]) -> str:
    """The group's core: a record of its largest part joined without model links."""
    seen: set[str] = set()
    parts: list[tuple[int, str]] = []
    for start in group:
        if start in seen:
            continue
        part = {start}
        queue = deque([start])
        while queue:
            ref = queue.popleft()
            for other, link in tree.get(ref, []):
                if link.method != "model" and other not in part:
                    part.add(other)
                    queue.append(other)
        seen |= part
        parts.append((-len(part), min(part)))
    return min(parts)[1]


def _paths(root: str, tree: Mapping[str, list[tuple[str, Link]]]) -> dict[str, list[Link]]:
    """The links from each record back to the root."""
    paths: dict[str, list[Link]] = {root: []}
    queue = deque([root])
    while queue:
        ref = queue.popleft()
        for other, link in tree.get(ref, []):
            if other not in paths:
                paths[other] = [link, *paths[ref]]
                queue.append(other)
    return paths


def _member(ref: str, path: list[Link], constraints: Constraints) -> MemberLink:
    confirmed = ref in constraints.confirmed
    if not path:
        return MemberLink(ref, "deterministic", 1.0, {"rule": "the person's core record"}, confirmed)
    weakest = min(
        path, key=lambda link: (link.method != "model", METHOD_STRENGTH[link.method], link.probability)
    )
    probability = min(link.probability for link in path)
    reasons: dict[str, object] = {"link": dict(path[0].reasons)}
    if weakest is not path[0]:
        reasons["weakest"] = dict(weakest.reasons)
    if len(path) > 1:
        reasons["steps"] = len(path)
    return MemberLink(
        ref, weakest.method, probability, reasons, confirmed or weakest.method == "investigator"
    )


def run_identity(
    store: CaseStore, actor: str, use_model: bool = True, progress: Progress | None = None
) -> IdentitySummary:
    """Resolve every account and card of the case into persons; idempotent, decisions always win."""
    started = utc_now()
    clock = time.monotonic()
    say = progress or (lambda _message: None)
    with store.read() as conn:
        _require_identity_tables(conn)
        say("reading accounts and contact cards")
        records = load_records(conn)
        say("judging identifiers seen on several records")
        verdicts = find_shared(records)
        constraints = load_constraints(conn)
        shared = set(verdicts) | _externally_shared(conn)
        clusters = Clusters([r.ref for r in records], constraints.cannot_link)
        state = _Resolution(records, verdicts, shared, constraints, clusters)
        say("linking records on shared identifiers, device owners and message copies")
        _deterministic(conn, state)
    mode, note, candidates, parameters = "deterministic-only", "", [], {}
    if use_model:
        say("training the model and scoring pairs")
        try:
            result = score_entities(_entities(state))
            candidates = _apply_model(state, result)
            mode, parameters = "model", {"fields": result.fields, **result.parameters}
        except ModelUnavailable as why:
            note = f"deterministic links only: {why}"
    else:
        note = "deterministic links only: the model was not asked for"
    plans = _member_links(clusters, constraints)
    counts: dict[str, int] = defaultdict(int)
    for link in clusters.used:
        counts[link.method] += 1
    say("writing persons")
    with store.write() as conn:
        outcome = persist_persons(conn, plans)
        newly_restricted = restrict_accounts_of_restricted_persons(conn)
        if newly_restricted:
            propagated = {"accounts": newly_restricted, "reason": "linked to a restricted person"}
            audit.append(conn, actor, "restrict.propagate", "identity", propagated)
        candidate_count = persist_candidates(conn, candidates, outcome.person_of)
        shared_count = persist_shared(conn, verdicts)
        summary = IdentitySummary(
            run_id=0,
            mode=mode,
            note=note,
            records=len(records),
            persons=len([p for p in plans if len(p.members) >= 2 or p.pinned]),
            persons_kept=outcome.kept,
            persons_created=outcome.created,
            persons_retired=outcome.retired,
            deterministic_links=counts["deterministic"],
            model_links=counts["model"],
            investigator_links=counts["investigator"],
            candidates=candidate_count,
            shared_identifiers=shared_count,
            shared_devices=len(state.shared_devices),
            seconds=round(time.monotonic() - clock, 2),
        )
        run_id = _log_run(conn, summary, started, parameters)
        details = {k: v for k, v in _as_dict(summary).items() if k not in {"run_id", "seconds"}}
        details["shared_device_reasons"] = {d.exhibit_ref: d.reason for d in state.shared_devices}
        audit.append(conn, actor, "identity.resolve", f"identity_run:{run_id}", details)
    return replace(summary, run_id=run_id)


def _as_dict(summary: IdentitySummary) -> dict[str, object]:
    return asdict(summary)


def _log_run(
    conn: Connection, summary: IdentitySummary, started: datetime, parameters: Mapping[str, object]
) -> int:
    return int(
        conn.execute(
            text(
                "INSERT INTO identity_runs (started_at_utc, finished_at_utc, mode, note, records, persons, "
                "deterministic_links, model_links, candidates, shared_identifiers, model_json) VALUES "
                "(:started, :finished, :mode, :note, :records, :persons, :det, :model, :cand, :shared, "
                ":json) RETURNING id"
            ),
            {
                "started": to_iso(started),
                "finished": to_iso(utc_now()),
                "mode": summary.mode,
                "note": summary.note,
                "records": summary.records,
                "persons": summary.persons,
                "det": summary.deterministic_links,
                "model": summary.model_links,
                "cand": summary.candidates,
                "shared": summary.shared_identifiers,
                "json": json.dumps(parameters, sort_keys=True, default=str),
            },
        ).scalar_one()
    )
