"""Scoring identity resolution against a synthetic `truth.json`.

Every account and contact card in the case that the truth can name is labelled with its
person: accounts by their key `account:PLATFORM:HANDLE` (a number on any platform by the
phone's owner; a chat export's name-only participant by the label the truth lists for that
platform, when the label names one person), cards by their file and saved name (and their
numbers, when two cards of one file share a name). Records the truth cannot name (a household
landline's own "account", a label two people share) are counted and left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import text

from darkroom.identity.features import fold_text
from darkroom.identity.scoring import ResolutionScore, predicted_persons, score_resolution
from darkroom.store import CaseStore
from darkroom.synth.evaluate import _display_path

_E164 = re.compile(r"\+\d{6,15}")


@dataclass(frozen=True, slots=True)
class IdentityEval:
    """Resolution scores and how many records the truth could label."""

    score: ResolutionScore
    accounts: int
    accounts_labelled: int
    accounts_ambiguous: int
    contacts: int
    contacts_labelled: int
    run_mode: str | None
    run_note: str | None

    def as_dict(self) -> dict[str, Any]:
        fields = {k: v for k, v in asdict(self).items() if k != "score"}
        return {**self.score.as_dict(), **fields}


def _walk(content: Any, platform: str | None = None) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Every dict in a file's truth content, with the platform of its nearest enclosing record."""
    if isinstance(content, dict):
        platform = content.get("platform", platform) if isinstance(content.get("platform"), str) else platform
        yield content, platform
        for value in content.values():
            yield from _walk(value, platform)
    elif isinstance(content, list):
        for item in content:
            yield from _walk(item, platform)


def _account_truth(truth: Mapping[str, Any]) -> tuple[dict[str, str], dict[tuple[str, str], set[str]]]:
    """Account key -> person, and (platform, folded label) -> persons for name-only participants."""
    keys = {str(a["key"]): str(a["person"]) for a in truth["accounts"]}
    for planted in truth["files"]:
        for item, _ in _walk(planted.get("content")):
            key = item.get("key")
            if isinstance(key, str) and key.startswith("account:") and isinstance(item.get("person"), str):
                keys.setdefault(key, item["person"])
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    for planted in truth["files"]:
        for item, platform in _walk(planted.get("content")):
            label = item.get("label")
            person = item.get("person") or keys.get(str(item.get("account")))
            folded = fold_text(label) if isinstance(label, str) else None
            if platform and folded and isinstance(person, str):
                labels[(platform, folded)].add(person)
    return keys, labels


def _account_person(
    platform: str, handle: str, keys: Mapping[str, str], labels: Mapping[tuple[str, str], set[str]]
) -> tuple[str | None, bool]:
    """(person, ambiguous) of one store account."""
    if f"account:{platform}:{handle}" in keys:
        return keys[f"account:{platform}:{handle}"], False
    if _E164.fullmatch(handle):
        person = keys.get(f"account:phone:{handle}") or keys.get(f"account:whatsapp:{handle}")
        return person, False
    folded = fold_text(handle)
    persons = labels.get((platform, folded or ""), set())
    if len(persons) == 1:
        return next(iter(persons)), False
    return None, len(persons) > 1


def _cards(
    truth: Mapping[str, Any], keys: Mapping[str, str]
) -> dict[tuple[str, str], list[tuple[str, set[str], str]]]:
    """(exhibit, display path) -> [(folded saved name, identifier values, person)]."""
    exhibits = {e["ref"]: e for e in truth["exhibits"]}
    cards: dict[tuple[str, str], list[tuple[str, set[str], str]]] = defaultdict(list)
    for planted in truth["files"]:
        content = planted.get("content") or {}
        where = (planted["exhibit"], _display_path(exhibits[planted["exhibit"]], planted["path"]))
        for card in content.get("cards", []) or []:
            values = {str(i["value"]) for i in card.get("identifiers", [])}
            cards[where].append((fold_text(str(card["name"])) or "", values, str(card["person"])))
        for entry in content.get("contacts", []) or []:
            if not isinstance(entry, dict) or "name" not in entry:
                continue
            person = keys.get(str(entry.get("whatsapp_account"))) or keys.get(
                f"account:phone:{entry.get('phone')}"
            )
            if person:
                cards[where].append((fold_text(str(entry["name"])) or "", {str(entry.get("phone"))}, person))
    return cards


_CONTACTS_SQL = text(
    "SELECT c.id, c.display_name, e.ref, f.display_path FROM contacts c "
    "JOIN exhibits e ON e.id = c.exhibit_id JOIN files f ON f.id = c.file_id"
)
_CONTACT_VALUES_SQL = text(
    "SELECT o.contact_id, i.value_norm FROM identifier_occurrences o "
    "JOIN identifiers i ON i.id = o.identifier_id WHERE o.contact_id IS NOT NULL"
)


def synthetic_labels(store: CaseStore, truth: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, int]]:
    """Record ref -> true person for every record the truth names, and counts of what was labelled."""
    keys, labels = _account_truth(truth)
    cards = _cards(truth, keys)
    found: dict[str, str] = {}
    counts = dict.fromkeys(
        ("accounts", "accounts_labelled", "accounts_ambiguous", "contacts", "contacts_labelled"), 0
    )
    with store.read() as conn:
        for row in conn.execute(text("SELECT id, platform, handle_norm FROM accounts")):
            counts["accounts"] += 1
            person, ambiguous = _account_person(row.platform, row.handle_norm, keys, labels)
            counts["accounts_ambiguous"] += int(ambiguous)
            if person:
                found[f"account:{row.id}"] = person
                counts["accounts_labelled"] += 1
        values: dict[int, set[str]] = defaultdict(set)
        for row in conn.execute(_CONTACT_VALUES_SQL):
            values[int(row.contact_id)].add(str(row.value_norm))
        for row in conn.execute(_CONTACTS_SQL):
            counts["contacts"] += 1
            name = fold_text(row.display_name or "") or ""
            same_name = [c for c in cards.get((row.ref, row.display_path), []) if c[0] == name]
            narrowed = [c for c in same_name if c[1] & values[int(row.id)]] or same_name
            persons = {c[2] for c in narrowed}
            if len(persons) == 1:
                found[f"contact:{row.id}"] = persons.pop()
                counts["contacts_labelled"] += 1
    return found, counts


def score_identity(store: CaseStore, truth: Mapping[str, Any]) -> IdentityEval:
    """Pairwise and B-cubed resolution scores over the records the truth names."""
    labels, counts = synthetic_labels(store, truth)
    with store.read() as conn:
        predicted = predicted_persons(conn)
        run = conn.execute(text("SELECT mode, note FROM identity_runs ORDER BY id DESC LIMIT 1")).first()
    return IdentityEval(
        score=score_resolution(labels, predicted),
        run_mode=None if run is None else str(run.mode),
        run_note=None if run is None else str(run.note),
        **counts,
    )


def has_identity(store: CaseStore) -> bool:
    """Whether identity resolution has run on the case."""
    with store.read() as conn:
        return conn.execute(text("SELECT 1 FROM identity_runs LIMIT 1")).first() is not None
