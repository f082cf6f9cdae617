"""Probabilistic links with Splink (DuckDB backend), trained unsupervised on this case.

Entities (groups of deterministically linked records) are compared on names, handle variants,
handles that spell the other side's name, birthdays, organisations, addresses, numbers and the
exhibits they appear on. u comes from random sampling, m from expectation maximisation, the
prior from pairs that share a rare full name. Every scored pair keeps its probability and the
comparison level each field reached, with its match weight: the reasons an analyst reads.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from darkroom.identity.entities import Entity, model_rows

# Below this many entities EM has too little to learn from: deterministic links only.
MIN_ENTITIES = 150
REVIEW_PROBABILITY = 0.5
U_SAMPLE_PAIRS = 2_000_000
SEED = 5
EM_BLOCKS = ("full_names", "birthdays", "handles", "main_key")
MIN_EM_PAIRS = 20
# Fields whose agreement lets a pair merge; handles alone never do (`user1` is not `user12`).
IDENTITY_FIELDS = frozenset({"name", "birthday", "organisation", "address"})
HANDLE_FIELDS = frozenset({"handle", "handle_spells_name"})


class ModelUnavailable(Exception):
    """The model cannot be trained on this case; the caller falls back to deterministic links."""


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison level: its label, the SQL condition (None: the else level) and the m
    probability EM starts from (a guess of how often one person's records reach this level)."""

    label: str
    sql: str | None
    m_start: float = 0.0
    null: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    """One compared field: the columns it needs and its levels, most specific first."""

    name: str
    columns: tuple[str, ...]
    levels: tuple[Level, ...]


def _intersect(left: str, right: str | None = None) -> str:
    """SQL: the left record's `left` list and the right record's `right` list share a value."""
    return f"len(list_intersect({left}_l, {right or left}_r)) >= 1"


def _null(*columns: str) -> str:
    return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)


_CROSS_NULL = (
    "(handle_cores_l IS NULL OR name_cores_r IS NULL) AND (name_cores_l IS NULL OR handle_cores_r IS NULL)"
)
_NUMBERS_NULL = _null("own_numbers")

FIELDS: tuple[Field, ...] = (
    Field(
        "name",
        ("first_names",),
        (
            Level("no name", _null("first_names"), null=True),
            Level("same rare full name", _intersect("rare_full_names"), 0.35),
            Level("same full name", _intersect("full_names"), 0.25),
            Level("same first name and initial", _intersect("first_initials"), 0.1),
            Level("same first name", _intersect("first_names"), 0.2),
            Level("different names", None, 0.1),
        ),
    ),
    Field(
        "handle",
        ("handle_cores",),
        (
            Level("no handle", _null("handle_cores"), null=True),
            Level("same handle", _intersect("handles"), 0.5),
            Level("same handle, other digits", _intersect("handle_cores"), 0.2),
            Level("different handles", None, 0.3),
        ),
    ),
    Field(
        "handle_spells_name",
        ("handle_cores", "name_cores"),
        (
            Level("no handle and name to compare", _CROSS_NULL, null=True),
            Level(
                "a handle spells the other's name",
                f"{_intersect('handle_cores', 'name_cores')} OR {_intersect('name_cores', 'handle_cores')}",
                0.4,
            ),
            Level("no handle spells the other's name", None, 0.6),
        ),
    ),
    Field(
        "birthday",
        ("birthdays",),
        (
            Level("no birthday", _null("birthdays"), null=True),
            Level("same birthday", _intersect("birthdays"), 0.9),
            Level("different birthdays", None, 0.1),
        ),
    ),
    Field(
        "organisation",
        ("orgs",),
        (
            Level("no organisation", _null("orgs"), null=True),
            Level("same organisation", _intersect("orgs"), 0.7),
            Level("different organisations", None, 0.3),
        ),
    ),
    Field(
        "address",
        ("addresses",),
        (
            Level("no address", _null("addresses"), null=True),
            Level("same address", _intersect("addresses"), 0.8),
            Level("different addresses", None, 0.2),
        ),
    ),
    Field(
        "numbers",
        ("own_numbers",),
        (
            Level("no numbers to compare", _NUMBERS_NULL, null=True),
            Level("each has a number of its own", "own_numbers_l = 1 AND own_numbers_r = 1", 0.5),
            Level("numbers not comparable", None, 0.3),
        ),
    ),
    Field(
        "exhibits",
        ("exhibits",),
        (
            Level("no exhibit", _null("exhibits"), null=True),
            Level("seen on the same exhibit", _intersect("exhibits"), 0.6),
            Level("seen on different exhibits", None, 0.4),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """Two entities the model scored, with each field's level and match weight."""

    left: str
    right: str
    probability: float
    match_weight: float
    levels: dict[str, str]
    weights: dict[str, float]

    @property
    def identity_agrees(self) -> bool:
        """Whether a field other than the handles agrees (the condition for merging)."""
        return any(self.weights.get(name, 0.0) > 0 for name in IDENTITY_FIELDS)

    def reasons(self) -> dict[str, Any]:
        """The levels that moved the score, strongest first, for `reasons_json`."""
        moved = sorted(
            ((name, self.levels[name], round(self.weights.get(name, 0.0), 2)) for name in self.levels),
            key=lambda item: -abs(item[2]),
        )
        return {
            "rule": "model",
            "match_weight": round(self.match_weight, 2),
            "fields": [{"field": n, "level": lv, "weight": w} for n, lv, w in moved if w != 0.0],
        }


@dataclass(slots=True)
class ModelResult:
    """Pairs scored at or above the review threshold, and the trained parameters."""

    pairs: list[ScoredPair]
    fields: list[str]
    parameters: dict[str, Any] = field(default_factory=dict)


def _level_dict(level: Level) -> dict[str, Any]:
    entry: dict[str, Any] = {"sql_condition": level.sql or "ELSE", "label_for_charts": level.label}
    if level.null:
        entry["is_null_level"] = True
    else:
        entry["m_probability"] = level.m_start
    return entry


def _present(rows: Sequence[dict[str, Any]], spec: Field) -> bool:
    """A field is compared only when some entities hold it (untrainable otherwise)."""
    holding = sum(1 for row in rows if any(row[c] is not None for c in spec.columns))
    return holding >= 2


def _agreeing_pairs(rows: Sequence[dict[str, Any]], column: str) -> int:
    """Pairs of rows with the same non-empty value in a column (an EM session's pairs)."""
    counts = Counter(json.dumps(row[column], sort_keys=True) for row in rows if row[column] is not None)
    return sum(math.comb(n, 2) for n in counts.values())


def _prior(entities: Sequence[Entity]) -> float:
    """Share of entity pairs that match, from pairs sharing a rare full name (assumed half found)."""
    holders: Counter[str] = Counter(n for e in entities for n in e.full_names)
    pairs = sum(math.comb(count, 2) for count in holders.values() if 2 <= count <= 3)
    total = math.comb(len(entities), 2)
    return min(0.5, max(1e-6, 2 * pairs / total)) if total else 0.5


def score_entities(entities: Sequence[Entity]) -> ModelResult:
    """Train on the case's entities and score the blocked pairs; ModelUnavailable if it cannot."""
    if len(entities) < MIN_ENTITIES:
        msg = f"{len(entities)} groups of records are too few to train the model (needs {MIN_ENTITIES})"
        raise ModelUnavailable(msg)
    logging.getLogger("splink").setLevel(logging.ERROR)
    import splink.comparison_library as cl  # noqa: PLC0415 - heavy; only identity resolution needs it
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on  # noqa: PLC0415
    from splink.internals.comparison_creator import ComparisonCreator  # noqa: PLC0415
    from splink.internals.exceptions import SplinkException  # noqa: PLC0415

    rows = model_rows(entities)
    fields = [spec for spec in FIELDS if _present(rows, spec)]
    comparisons: list[ComparisonCreator | dict[str, Any]] = [
        cl.CustomComparison([_level_dict(level) for level in spec.levels], output_column_name=spec.name)
        for spec in fields
    ]
    explode = {"arrays_to_explode": ["name_keys"]}
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=_prior(entities),
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("name_keys", **explode),
            block_on("first_initials", arrays_to_explode=["first_initials"]),
            block_on("birthdays", arrays_to_explode=["birthdays"]),
            block_on("first_names", "exhibits", arrays_to_explode=["first_names", "exhibits"]),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
    )
    trained: list[str] = []
    try:
        linker = Linker(DuckDBAPI().register(rows), settings, log_level=None)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=SEED)
        # Each EM session blocks on one field (which it then leaves untrained) so that a good share
        # of its pairs are matches: identical full names, identical birthdays, identical handles.
        for column in EM_BLOCKS:
            if _agreeing_pairs(rows, column) >= MIN_EM_PAIRS:
                linker.training.estimate_parameters_using_expectation_maximisation(block_on(column))
                trained.append(column)
        if not trained:
            msg = f"no pairs agree on any of {', '.join(EM_BLOCKS)} to train on"
            raise ModelUnavailable(msg)
        predictions = linker.inference.predict(threshold_match_probability=REVIEW_PROBABILITY)
        records = predictions.as_record_list()
    except (SplinkException, ValueError, RuntimeError) as err:
        msg = f"the model could not be trained on this case ({err})"
        raise ModelUnavailable(msg) from err
    pairs = [_scored(record, fields) for record in records]
    pairs.sort(key=lambda p: (-p.probability, p.left, p.right))
    return ModelResult(pairs, [spec.name for spec in fields], {"em_blocks": trained, **_parameters(linker)})


def _scored(record: dict[str, Any], fields: Sequence[Field]) -> ScoredPair:
    levels: dict[str, str] = {}
    weights: dict[str, float] = {}
    for spec in fields:
        gamma = int(record[f"gamma_{spec.name}"])
        non_null = [level for level in spec.levels if not level.null]
        levels[spec.name] = spec.levels[0].label if gamma < 0 else non_null[len(non_null) - 1 - gamma].label
        weights[spec.name] = float(record.get(f"mw_{spec.name}") or 0.0)
    left, right = sorted((str(record["unique_id_l"]), str(record["unique_id_r"])))
    return ScoredPair(
        left, right, float(record["match_probability"]), float(record["match_weight"]), levels, weights
    )


def _parameters(linker: Any) -> dict[str, Any]:
    """The trained m and u of every level, for the run log (`identity_runs.model_json`)."""
    settings = linker.misc.save_model_to_json()
    found: dict[str, Any] = {"prior": settings.get("probability_two_random_records_match")}
    for comparison in settings.get("comparisons", []):
        found[comparison.get("output_column_name", "?")] = [
            {
                "level": level.get("label_for_charts"),
                "m": level.get("m_probability"),
                "u": level.get("u_probability"),
            }
            for level in comparison.get("comparison_levels", [])
            if not level.get("is_null_level")
        ]
    return found
