"""Static factors an investigator records about a subject, inspired by the items of CPORT
(Seto & Eke 2015), CASIC (Seto & Eke 2017) and KIRAT-2 (Long et al. 2016).

They are facts from records and interviews, never inferred from messages: an investigator
enters them (`darkroom triage factors`), every change is audited, and the latest value of a
factor wins. The priority profile gives each a weight.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.timeutil import to_iso, utc_now

FactorKind = Literal["yes-no", "years"]
YES = frozenset({"yes", "y", "true", "1", "ja"})
NO = frozenset({"no", "n", "false", "0", "nei"})
YOUNGER_AGE = 35  # CPORT item 1 counts offenders under 35


@dataclass(frozen=True, slots=True)
class FactorSpec:
    """One recordable factor: its kind and where it comes from."""

    name: str
    kind: FactorKind
    source: str


FACTORS: dict[str, FactorSpec] = {
    spec.name: spec
    for spec in (
        FactorSpec("age_years", "years", "CPORT 1 (younger age: under 35 scores)"),
        FactorSpec("prior_criminal_history", "yes-no", "CPORT 2; KIRAT step 1"),
        FactorSpec("contact_offence_history", "yes-no", "CPORT 3 (any contact sexual offence)"),
        FactorSpec("prior_sexual_offence", "yes-no", "KIRAT step 1 (previous convictions or allegations)"),
        FactorSpec("conditional_release_failure", "yes-no", "CPORT 4"),
        FactorSpec("interest_in_children_indicated", "yes-no", "CPORT 5"),
        FactorSpec("access_to_children", "yes-no", "KIRAT step 2; CASIC 5 (work or volunteering)"),
        FactorSpec("online_contact_with_minor", "yes-no", "CASIC 6 (with a minor or a decoy)"),
        FactorSpec("domestic_abuse_history", "yes-no", "KIRAT step 4"),
        FactorSpec("substance_misuse", "yes-no", "KIRAT step 4"),
    )
}


def parse_setting(setting: str) -> tuple[str, str]:
    """`name=value` as typed on the command line, checked and canonical ('yes'/'no', whole years)."""
    name, sep, raw = setting.partition("=")
    name, raw = name.strip(), raw.strip().lower()
    if not sep or name not in FACTORS:
        known = ", ".join(FACTORS)
        raise InvalidInput(f"cannot read {setting!r}: use NAME=VALUE with NAME one of {known}")
    spec = FACTORS[name]
    if spec.kind == "yes-no":
        if raw in YES:
            return name, "yes"
        if raw in NO:
            return name, "no"
        raise InvalidInput(f"{name} takes yes or no, not {raw!r}")
    if not raw.isdigit() or not 10 <= int(raw) <= 110:
        raise InvalidInput(f"{name} takes whole years between 10 and 110, not {raw!r}")
    return name, str(int(raw))


def record_factors(
    conn: Connection, subject_key: str, settings: dict[str, str], reason: str, actor: str
) -> None:
    """Record factor values for a subject (inside a write transaction), audited."""
    if not reason.strip():
        raise InvalidInput(
            "say why (--reason): the source of the facts, e.g. a record or interview reference"
        )
    entry = audit.append(conn, actor, "triage.factors", subject_key, {"set": settings, "reason": reason})
    now = to_iso(utc_now())
    for name, value in settings.items():
        conn.execute(
            text(
                "INSERT OR REPLACE INTO subject_factors (subject_key, factor, value, reason, actor, at_utc, "
                "audit_seq) VALUES (:s, :f, :v, :r, :a, :t, :q)"
            ),
            {"s": subject_key, "f": name, "v": value, "r": reason, "a": actor, "t": now, "q": entry.seq},
        )


def clear_factors(conn: Connection, subject_key: str, names: list[str], reason: str, actor: str) -> None:
    """Remove recorded factors (inside a write transaction), audited."""
    unknown = [name for name in names if name not in FACTORS]
    if unknown:
        raise InvalidInput(f"unknown factor {unknown[0]!r}; known: {', '.join(FACTORS)}")
    if not reason.strip():
        raise InvalidInput("say why (--reason)")
    audit.append(conn, actor, "triage.factors-cleared", subject_key, {"cleared": names, "reason": reason})
    for name in names:
        conn.execute(
            text("DELETE FROM subject_factors WHERE subject_key = :s AND factor = :f"),
            {"s": subject_key, "f": name},
        )


def factors_of(conn: Connection, subject_keys: list[str]) -> dict[str, dict[str, Any]]:
    """factor -> {value, reason, actor, at_utc, recorded_on} over the given keys (latest wins)."""
    rows = conn.execute(
        text(
            "SELECT subject_key, factor, value, reason, actor, at_utc FROM subject_factors "
            "WHERE subject_key IN (SELECT value FROM json_each(:keys)) ORDER BY at_utc"
        ),
        {"keys": json.dumps(subject_keys)},
    )
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        found[row.factor] = {
            "value": row.value,
            "reason": row.reason,
            "actor": row.actor,
            "at_utc": row.at_utc,
            "recorded_on": row.subject_key,
        }
    return found


def scoring_flags(values: dict[str, dict[str, Any]]) -> list[str]:
    """The profile weights that apply: every factor recorded 'yes', and age_under_35 from the age."""
    flags = [name for name, fact in values.items() if fact["value"] == "yes"]
    age = values.get("age_years")
    if age is not None and int(age["value"]) < YOUNGER_AGE:
        flags.append("age_under_35")
    return flags
