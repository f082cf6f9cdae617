"""The advisory priority of every subject: a score that is the sum of weighed reasons, each
reason kept with its evidence so the queue explains itself. The score orders the team's work;
it is never a decision and never goes into a prosecution package."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, text

from darkroom.store.case import execute_many
from darkroom.timeutil import to_iso, utc_now
from darkroom.triage.factors import factors_of, scoring_flags
from darkroom.triage.profile import TriageProfile, Weights
from darkroom.triage.signals import (
    EventRole,
    HitTally,
    ProductionSigns,
    event_roles,
    hit_tallies,
    network_roles,
    production_signs,
)
from darkroom.triage.subjects import SubjectIndex, account_id_of, person_id_of


@dataclass(frozen=True, slots=True)
class Reason:
    """One weighed piece of a score: what kind, what it says, and the points it adds."""

    kind: str  # indicators | planned-event | production | network-role | factor
    label: str
    points: float
    evidence: dict[str, Any]


def category_reasons(tallies: dict[str, HitTally], weights: Weights) -> list[Reason]:
    reasons = []
    for category, tally in sorted(tallies.items()):
        points = weights.category(category) * math.log2(1 + tally.weight)
        hits = sum(tally.terms.values())
        top = ", ".join(f"{term} x{count}" for term, count in tally.terms.most_common(4))
        reasons.append(
            Reason("indicators", f"{category}: {hits} hits ({top})", points, {"category": category,
                   "hits": hits, "terms": dict(tally.terms)})
        )  # fmt: skip
    return reasons


def event_reasons(roles: list[EventRole], weights: Weights) -> list[Reason]:
    reasons = []
    for role in roles:
        base = weights.urgent_event if role.urgent else weights.planned_event
        points = base if role.led else base * weights.participant_share
        kind = "urgent planned event" if role.urgent else "planned event (date passed before seizure)"
        part = "led it" if role.led else "took part"
        reasons.append(
            Reason("planned-event", f"{kind} on {role.event_date} ({role.date_text!r}), {part}", points,
                   {"alert_id": role.alert_id, "urgent": role.urgent, "led": role.led})
        )  # fmt: skip
    return reasons


def production_reasons(signs: ProductionSigns, weights: Weights) -> list[Reason]:
    reasons = []
    if signs.new_series:
        counted = min(len(signs.new_series), weights.new_series_cap)
        reasons.append(
            Reason("production", f"{len(signs.new_series)} new (unmatched) media series from their devices "
                   "or sends", weights.new_series * counted, {"series": sorted(signs.new_series)})
        )  # fmt: skip
    serials = signs.shared_serials
    if serials:
        reasons.append(
            Reason("production", f"camera serials shared with new series: {', '.join(sorted(serials))}",
                   weights.shared_camera * min(len(serials), weights.shared_camera_cap),
                   {"serials": sorted(serials)})
        )  # fmt: skip
    return reasons


@dataclass(frozen=True, slots=True)
class ScoredSubject:
    """One subject's score and its reasons (as plain dicts, highest points first)."""

    subject: str
    score: float
    reasons: list[dict[str, Any]]


def score_subjects(conn: Connection, subjects: SubjectIndex, profile: TriageProfile) -> list[ScoredSubject]:
    """Every subject with any signal, scored, highest first (rows for `priority_scores`)."""
    weights = profile.weights
    tallies = hit_tallies(conn, subjects)
    events = event_roles(conn)
    signs = production_signs(conn, subjects)
    roles = network_roles(conn, subjects)
    recorded = {str(row[0]) for row in conn.execute(text("SELECT DISTINCT subject_key FROM subject_factors"))}
    candidates = set(tallies) | set(events) | set(signs) | set(roles)
    candidates |= {
        subjects.key(int(k.partition(":")[2])) if k.startswith("account:") else k for k in recorded
    }
    scored: list[ScoredSubject] = []
    for subject in sorted(candidates - subjects.restricted):
        reasons = [
            *category_reasons(tallies.get(subject, {}), weights),
            *event_reasons(events.get(subject, []), weights),
            *production_reasons(signs.get(subject, ProductionSigns()), weights),
        ]
        role = roles.get(subject)
        if role and weights.network_role.get(role, 0) > 0:
            reasons.append(
                Reason("network-role", f"network role: {role}", weights.network_role[role], {"role": role})
            )
        keys = subjects.keys_of(subject)
        facts = factors_of(conn, keys) if recorded.intersection(keys) else {}
        for flag in scoring_flags(facts):
            if weights.factors.get(flag, 0) > 0:
                reasons.append(
                    Reason("factor", f"recorded factor: {flag}", weights.factors[flag], {"factor": flag})
                )
        score = round(sum(reason.points for reason in reasons), 3)
        if score > 0:
            ordered = sorted(reasons, key=lambda r: -r.points)
            scored.append(ScoredSubject(subject, score, [asdict(r) for r in ordered]))
    scored.sort(key=lambda item: (-item.score, item.subject))
    return scored


def write_scores(
    conn: Connection, subjects: SubjectIndex, profile: TriageProfile, scored: list[ScoredSubject]
) -> None:
    """Replace the queue with this run's scores."""
    now = to_iso(utc_now())
    conn.execute(text("DELETE FROM priority_scores"))
    execute_many(
        conn,
        "INSERT INTO priority_scores (subject_key, person_id, account_id, label, score, queue_rank, "
        "reasons_json, profile, computed_at_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (item.subject, person_id_of(item.subject), account_id_of(item.subject),
             subjects.labels.get(item.subject, item.subject), item.score, rank,
             json.dumps(item.reasons, ensure_ascii=False), profile.name, now)
            for rank, item in enumerate(scored, start=1)
        ],
    )  # fmt: skip
