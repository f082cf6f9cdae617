"""Triage profiles: how planned events are recognised and how priority is weighed (YAML).

The shipped `profiles/default.yaml` documents every key; an agency copies it and passes
`--profile PATH`. Loading validates every value and names the file and line of a problem.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from darkroom.errors import TriageConfigError
from darkroom.triage.factors import FACTORS
from darkroom.triage.yamlnodes import Where, compose_document, mapping, number_value, text_list, text_value

ROLES = ("hub", "broker", "peripheral")
FACTOR_WEIGHTS = (*(name for name in FACTORS if name != "age_years"), "age_under_35")
_TOP = frozenset({"profile", "description", "events", "weights"})
_EVENTS = frozenset({"window_hours", "date_neighbours", "rules"})
_WEIGHTS = frozenset(
    {
        "categories", "other_category", "urgent_event", "planned_event", "participant_share", "new_series",
        "new_series_cap", "shared_camera", "shared_camera_cap", "network_role", "factors",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class EventSettings:
    """How indicator windows become planned events."""

    window_hours: float
    date_neighbours: int
    rules: tuple[frozenset[str], ...]
    leads: frozenset[str]  # each rule's first category: who writes it leads the plan


@dataclass(frozen=True, slots=True)
class Weights:
    """The weight of every kind of evidence in a subject's priority."""

    categories: dict[str, float]
    other_category: float
    urgent_event: float
    planned_event: float
    participant_share: float
    new_series: float
    new_series_cap: int
    shared_camera: float
    shared_camera_cap: int
    network_role: dict[str, float]
    factors: dict[str, float]

    def category(self, name: str) -> float:
        return self.categories.get(name, self.other_category)


@dataclass(frozen=True, slots=True)
class TriageProfile:
    """One loaded profile."""

    name: str
    source: str
    sha256_hex: str
    events: EventSettings
    weights: Weights


def parse_profile(text: str, source: str) -> TriageProfile:
    """A profile from YAML text; every key is required, so a profile says all it means."""
    where = Where(source)
    root = compose_document(text, where)
    top = mapping(root, where, _TOP, "the profile")
    for key in ("profile", "events", "weights"):
        if key not in top:
            raise TriageConfigError(f"{source}: the profile needs a {key!r} key")
    return TriageProfile(
        name=text_value(top["profile"], where, "profile (its name)"),
        source=source,
        sha256_hex=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        events=_events(top["events"], where),
        weights=_weights(top["weights"], where),
    )


def _require(
    entries: dict[str, yaml.Node], keys: frozenset[str], node: yaml.Node, where: Where, what: str
) -> None:
    missing = sorted(keys - entries.keys())
    if missing:
        raise where.fail(node, f"{what} needs {', '.join(missing)}")


def _events(node: yaml.Node, where: Where) -> EventSettings:
    entries = mapping(node, where, _EVENTS, "events")
    _require(entries, _EVENTS, node, where, "events")
    rules_node = entries["rules"]
    if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
        raise where.fail(rules_node, "events.rules must be a list of category lists")
    rules = []
    leads = set()
    for rule in rules_node.value:
        written = [value for value, _ in text_list(rule, where, "an event rule")]
        if len(set(written)) < 2:
            raise where.fail(rule, "an event rule needs at least two different categories")
        rules.append(frozenset(written))
        leads.add(written[0])
    return EventSettings(
        window_hours=number_value(entries["window_hours"], where, "events.window_hours", 0.5, 24 * 30),
        date_neighbours=int(number_value(entries["date_neighbours"], where, "events.date_neighbours", 0, 50)),
        rules=tuple(rules),
        leads=frozenset(leads),
    )


def _number_map(node: yaml.Node, where: Where, what: str, allowed: frozenset[str] | None) -> dict[str, float]:
    entries = mapping(node, where, allowed, what)
    return {key: number_value(value, where, f"{what}.{key}", 0, 1000) for key, value in entries.items()}


def _weights(node: yaml.Node, where: Where) -> Weights:
    entries = mapping(node, where, _WEIGHTS, "weights")
    _require(entries, _WEIGHTS, node, where, "weights")

    def number(key: str, high: float = 1000) -> float:
        return number_value(entries[key], where, f"weights.{key}", 0, high)

    roles = _number_map(entries["network_role"], where, "weights.network_role", frozenset(ROLES))
    factors = _number_map(entries["factors"], where, "weights.factors", frozenset(FACTOR_WEIGHTS))
    return Weights(
        categories=_number_map(entries["categories"], where, "weights.categories", None),
        other_category=number("other_category"),
        urgent_event=number("urgent_event"),
        planned_event=number("planned_event"),
        participant_share=number("participant_share", 1),
        new_series=number("new_series"),
        new_series_cap=int(number("new_series_cap", 100)),
        shared_camera=number("shared_camera"),
        shared_camera_cap=int(number("shared_camera_cap", 100)),
        network_role={role: roles.get(role, 0.0) for role in ROLES},
        factors={name: factors.get(name, 0.0) for name in FACTOR_WEIGHTS},
    )


def load_profile(path: Path | None) -> TriageProfile:
    """A profile file, or the shipped default when `path` is None."""
    if path is None:
        resource = resources.files("darkroom.triage").joinpath("profiles", "default.yaml")
        return parse_profile(resource.read_text(encoding="utf-8"), "shipped:default")
    try:
        text = path.expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise TriageConfigError(f"cannot read the triage profile {path}: {err}") from err
    return parse_profile(text, str(path))
