"""Scoring: each kind of evidence weighed by the profile, with diminishing returns and caps."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from darkroom.errors import TriageConfigError
from darkroom.triage.priority import category_reasons, event_reasons, production_reasons
from darkroom.triage.profile import load_profile, parse_profile
from darkroom.triage.signals import EventRole, HitTally, ProductionSigns

WEIGHTS = load_profile(None).weights


def test_category_points_grow_with_the_log_of_the_weighed_hits() -> None:
    (reason,) = category_reasons(
        {"access": HitTally(Counter({"babysit*": 2, "the little one": 1}), 3.0)}, WEIGHTS
    )
    assert reason.points == pytest.approx(WEIGHTS.categories["access"] * math.log2(4))
    assert reason.evidence["hits"] == 3 and "babysit* x2" in reason.label
    (other,) = category_reasons({"custom": HitTally(Counter({"x": 1}), 1.0)}, WEIGHTS)
    assert other.points == pytest.approx(WEIGHTS.other_category)


@given(st.floats(0.1, 500), st.floats(0.1, 500))
def test_more_weighed_hits_never_score_less(low: float, extra: float) -> None:
    def points(weight: float) -> float:
        return category_reasons({"secrecy": HitTally(Counter({"t": 1}), weight)}, WEIGHTS)[0].points

    assert points(low + extra) >= points(low)


def test_leading_an_urgent_event_weighs_most() -> None:
    roles = [
        EventRole(1, True, True, "2026-03-07", "next Saturday"),
        EventRole(2, True, False, "2026-03-08", "x"),
        EventRole(3, False, True, "2025-10-01", "next month"),
    ]
    points = [reason.points for reason in event_reasons(roles, WEIGHTS)]
    assert points == [
        WEIGHTS.urgent_event,
        WEIGHTS.urgent_event * WEIGHTS.participant_share,
        WEIGHTS.planned_event,
    ]


def test_production_signs_are_capped() -> None:
    signs = ProductionSigns(set(range(40)), {"SN1", "SN2", "SN3", "SN4"})
    series, cameras = production_reasons(signs, WEIGHTS)
    assert series.points == WEIGHTS.new_series * WEIGHTS.new_series_cap
    assert cameras.points == WEIGHTS.shared_camera * WEIGHTS.shared_camera_cap
    assert production_reasons(ProductionSigns(), WEIGHTS) == []
    lighter = replace(WEIGHTS, new_series=1.0)
    assert production_reasons(signs, lighter)[0].points == WEIGHTS.new_series_cap


def test_a_profile_must_say_everything_and_say_it_well() -> None:
    events = "events: {window_hours: 24, date_neighbours: 3, rules: [[%s]]}\n"
    with pytest.raises(TriageConfigError, match=r"p.yaml:3: weights needs"):
        parse_profile("profile: p\n" + events % "a, b" + "weights: {}\n", "p.yaml")
    with pytest.raises(TriageConfigError, match="at least two different categories"):
        parse_profile("profile: p\n" + events % "a, a" + "weights: {}\n", "p.yaml")
    shipped = load_profile(None)
    assert shipped.events.leads == frozenset({"access", "age", "contact_claims"})
