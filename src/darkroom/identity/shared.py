"""The shared-identifier guard: a household landline, an office switchboard or a shop's number
seen on the records of several different people must not merge them.

An identifier is marked shared when its holders fall into groups that name different people:
records joined by another identifier of their own (each family member's mobile) whose first
names have nothing in common. Names count when they look like a person's name: a first name this
case also holds with a surname ("Ingrid" of "Ingrid Berg"), not a nickname ("Panda"). A
nickname group conflicts too when the identifier covers little of either group's records (a
landline on a few of each person's cards, where a person's own mobile is on nearly all of them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from darkroom.identity.features import name_tokens
from darkroom.identity.records import ResolutionRecord

# A person's own number is on nearly every card that holds their other numbers; a shared line
# is on a few. Below this share a group counts as merely touching the identifier.
LOW_COVERAGE = 0.75


@dataclass(frozen=True, slots=True)
class HolderGroup:
    """Holders of an identifier joined by other identifiers of their own, and their names."""

    refs: tuple[str, ...]
    names: tuple[str, ...]
    anchors: tuple[str, ...]  # the group's other identifiers (empty: a record holding only this one)
    coverage: float  # share of the cards holding an anchor that also hold the identifier


@dataclass(frozen=True, slots=True)
class SharedVerdict:
    """Why an identifier was judged shared: the two groups whose names conflict."""

    key: str
    holders: int
    conflict: tuple[HolderGroup, HolderGroup]
    rule: str

    @property
    def reason(self) -> str:
        """One line for `identifier_shared_reasons.reason` and the person page."""
        first, second = self.conflict
        return (
            f"held by {self.holders} records naming different people ({self.rule}): "
            f"{_shown(first)} and {_shown(second)}"
        )

    def details(self) -> dict[str, Any]:
        """The conflicting groups, for `details_json`."""
        return {
            "rule": self.rule,
            "groups": [
                {
                    "records": list(g.refs),
                    "names": list(g.names),
                    "anchors": list(g.anchors),
                    "coverage": round(g.coverage, 3),
                }
                for g in self.conflict
            ],
        }


def _shown(group: HolderGroup) -> str:
    names = ", ".join(repr(n) for n in group.names[:3]) or "no name"
    anchor = f" with {group.anchors[0]}" if group.anchors else ""
    return f"{names}{anchor}"


def name_lexicon(records: Iterable[ResolutionRecord]) -> frozenset[str]:
    """First names this case holds with a surname: words that name people, not nicknames."""
    found: set[str] = set()
    for record in records:
        for name in record.names:
            tokens = name_tokens(name)
            if len(tokens) >= 2 and len(tokens[-1]) > 1:
                found.add(tokens[0])
    return frozenset(found)


class SharedGuard:
    """Judges every identifier held by more than one record."""

    def __init__(self, records: Sequence[ResolutionRecord]) -> None:
        self.holders: dict[str, list[ResolutionRecord]] = defaultdict(list)
        for record in records:
            for key in record.identifiers:
                self.holders[key].append(record)
        self.lexicon = name_lexicon(records)

    def judge_all(self) -> dict[str, SharedVerdict]:
        """Every identifier judged shared, keyed `kind:value`."""
        verdicts: dict[str, SharedVerdict] = {}
        for key in sorted(self.holders):
            if len(self.holders[key]) > 1:
                verdict = self.judge(key)
                if verdict is not None:
                    verdicts[key] = verdict
        return verdicts

    def judge(self, key: str) -> SharedVerdict | None:
        """A verdict when the identifier's holders name different people, else None."""
        holders = [r for r in self.holders[key] if not (r.kind == "account" and r.identifiers == {key})]
        anchored, loose = self._groups(key, holders)
        named = [g for g in [*anchored, *loose] if self._person_names(g)]
        for first, second in combinations(named, 2):
            if not self._person_names(first) & self._person_names(second):
                return SharedVerdict(key, len(self.holders[key]), (first, second), "different first names")
        touching = [g for g in anchored if g.coverage < LOW_COVERAGE]
        for first, second in combinations(touching, 2):
            if not _firsts(first) & _firsts(second):
                return SharedVerdict(
                    key, len(self.holders[key]), (first, second), "different names, each with its own number"
                )
        return None

    def _person_names(self, group: HolderGroup) -> frozenset[str]:
        return _firsts(group) & self.lexicon

    def _groups(
        self, key: str, holders: list[ResolutionRecord]
    ) -> tuple[list[HolderGroup], list[HolderGroup]]:
        """Holders joined by their other identifiers; records holding only this one stand alone."""
        parent = list(range(len(holders)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        by_other: dict[str, list[int]] = defaultdict(list)
        for index, record in enumerate(holders):
            for other in record.identifiers - {key}:
                by_other[other].append(index)
        for members in by_other.values():
            for index in members[1:]:
                parent[find(index)] = find(members[0])
        grouped: dict[int, list[ResolutionRecord]] = defaultdict(list)
        for index, record in enumerate(holders):
            grouped[find(index)].append(record)
        anchored: list[HolderGroup] = []
        loose: list[HolderGroup] = []
        for group in grouped.values():
            anchors = sorted({a for r in group for a in r.identifiers} - {key})
            if anchors:
                anchored.append(self._group(key, group, anchors))
            else:
                loose.extend(self._group(key, [r], []) for r in group)
        return anchored, loose

    def _group(self, key: str, members: list[ResolutionRecord], anchors: list[str]) -> HolderGroup:
        cards = {h.ref: h for a in anchors for h in self.holders[a] if h.kind == "contact"}
        coverage = sum(key in h.identifiers for h in cards.values()) / len(cards) if cards else 1.0
        names = tuple(dict.fromkeys(n for r in members for n in r.names))
        return HolderGroup(tuple(r.ref for r in members), names, tuple(anchors), coverage)


def _firsts(group: HolderGroup) -> frozenset[str]:
    found: set[str] = set()
    for name in group.names:
        tokens = name_tokens(name)
        if tokens:
            found.add(tokens[0])
    return frozenset(found)


def find_shared(records: Sequence[ResolutionRecord]) -> Mapping[str, SharedVerdict]:
    """Every identifier the records hold that is shared between different people."""
    return SharedGuard(records).judge_all()
