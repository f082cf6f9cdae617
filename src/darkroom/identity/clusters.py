"""Links between records and the clusters they make: a union-find that refuses any union an
investigator's cannot-link forbids, so decisions win whatever the model says."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

LinkMethodName = Literal["deterministic", "model", "investigator"]
METHOD_STRENGTH: dict[LinkMethodName, int] = {"investigator": 3, "deterministic": 2, "model": 1}


@dataclass(frozen=True, slots=True)
class Link:
    """Evidence that two records are one person: how it was found, how sure, and why."""

    left: str
    right: str
    method: LinkMethodName
    probability: float
    reasons: Mapping[str, Any] = field(default_factory=dict)

    def strength(self) -> tuple[int, float]:
        """Investigator over deterministic over model; then probability."""
        return (METHOD_STRENGTH[self.method], self.probability)


class Clusters:
    """Union-find over record refs with cannot-link constraints between members."""

    def __init__(self, refs: Iterable[str], cannot_link: Iterable[tuple[str, str]] = ()) -> None:
        self._parent: dict[str, str] = {ref: ref for ref in refs}
        self._members: dict[str, set[str]] = {ref: {ref} for ref in self._parent}
        self._forbidden: dict[str, set[str]] = defaultdict(set)
        for left, right in cannot_link:
            if left in self._parent and right in self._parent:
                self._forbidden[left].add(right)
                self._forbidden[right].add(left)
        self.used: list[Link] = []
        self.blocked: list[Link] = []

    def find(self, ref: str) -> str:
        """The root of the ref's cluster."""
        root = ref
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[ref] != root:
            self._parent[ref], ref = root, self._parent[ref]
        return root

    def allowed(self, left: str, right: str) -> bool:
        """Whether joining the two clusters breaks no cannot-link."""
        a, b = self.find(left), self.find(right)
        if a == b:
            return True
        small, large = (a, b) if len(self._members[a]) <= len(self._members[b]) else (b, a)
        others = self._members[large]
        return not any(self._forbidden.get(ref, set()) & others for ref in self._members[small])

    def join(self, link: Link) -> bool:
        """Apply a link; False (and remembered as blocked) when a cannot-link forbids it."""
        if link.left not in self._parent or link.right not in self._parent:
            return False
        a, b = self.find(link.left), self.find(link.right)
        if a == b:
            return True
        if not self.allowed(a, b):
            self.blocked.append(link)
            return False
        if len(self._members[a]) < len(self._members[b]):
            a, b = b, a
        self._parent[b] = a
        self._members[a] |= self._members.pop(b)
        self.used.append(link)
        return True

    def same(self, left: str, right: str) -> bool:
        """Whether two refs are in one cluster."""
        return self.find(left) == self.find(right)

    def groups(self) -> list[tuple[str, ...]]:
        """Every cluster's members, sorted, clusters in order of their first member."""
        found = [tuple(sorted(members)) for members in self._members.values()]
        return sorted(found)
