"""The device-owner rule: accounts a parser STATES to be one exhibit's own (the phone's number in its
SMS store, its WhatsApp number in msgstore.db, the Google account its address book syncs) are one
person, linked deterministically with the exhibit and the files that say so.

The guard, in the spirit of the shared-identifier guard: a shared device (a family tablet syncing
two Google accounts) links nobody. An exhibit counts as shared when it states two accounts on one
platform that no single statement ties together (a Telegram export's own id and number come from one
file and locator: one statement, one person), or when two of its owner accounts carry first names
that name different people (names this case also holds with a surname; nicknames and handle-like
display names such as `sunny_raven` do not count).
Inferred owners (read from conversations) never link: they are a guess, not a statement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import Connection, text

from darkroom.identity.clusters import Link
from darkroom.identity.features import name_tokens
from darkroom.identity.records import ResolutionRecord

DEVICE_OWNER_RULE = "same device owner"

_STATED_SQL = text(
    "SELECT e.ref AS exhibit_ref, s.exhibit_id, s.account_id, a.platform, s.file_id, f.display_path, "
    "s.locator FROM stated_owners s JOIN exhibits e ON e.id = s.exhibit_id "
    "JOIN accounts a ON a.id = s.account_id JOIN files f ON f.id = s.file_id "
    "ORDER BY s.exhibit_id, s.account_id, s.file_id, s.locator"
)


@dataclass(frozen=True, slots=True)
class OwnerStatement:
    """One parser's statement that an account is its exhibit's own, with its provenance."""

    exhibit_id: int
    exhibit_ref: str
    account_id: int
    platform: str
    file_id: int
    display_path: str
    locator: str

    @property
    def shown(self) -> str:
        """`FILE (LOCATOR)`, as link reasons name it."""
        return f"{self.display_path} ({self.locator})"


@dataclass(frozen=True, slots=True)
class SharedDevice:
    """An exhibit whose stated owners were left unlinked, and why."""

    exhibit_ref: str
    reason: str


def load_owner_statements(conn: Connection) -> list[OwnerStatement]:
    """Every stated owner of every exhibit (opening a case applies migration 0009, so the table is there)."""
    return [
        OwnerStatement(
            int(row.exhibit_id),
            str(row.exhibit_ref),
            int(row.account_id),
            str(row.platform),
            int(row.file_id),
            str(row.display_path),
            str(row.locator),
        )
        for row in conn.execute(_STATED_SQL)
    ]


def _by_exhibit(statements: Sequence[OwnerStatement]) -> dict[int, dict[int, list[OwnerStatement]]]:
    """exhibit id -> account id -> its statements, in file order."""
    found: dict[int, dict[int, list[OwnerStatement]]] = defaultdict(lambda: defaultdict(list))
    for statement in statements:
        found[statement.exhibit_id][statement.account_id].append(statement)
    return found


def _tied(left: list[OwnerStatement], right: list[OwnerStatement]) -> bool:
    """Whether one statement (same file, same locator) names both accounts: one owner, not two."""
    return bool({(s.file_id, s.locator) for s in left} & {(s.file_id, s.locator) for s in right})


def _platform_clash(accounts: Mapping[int, list[OwnerStatement]]) -> str | None:
    """Two accounts on one platform that no single statement ties: two owners' apps, one device."""
    for (a, left), (b, right) in combinations(sorted(accounts.items()), 2):
        if left[0].platform == right[0].platform and not _tied(left, right):
            return f"states two {left[0].platform} accounts (account:{a}, account:{b})"
    return None


def _written_names(record: ResolutionRecord) -> Iterator[tuple[str, ...]]:
    """The record's names that are written as names, folded into words: an XMPP account's display
    name `sunny_raven` is its handle, and `sunny` is nobody's first name."""
    for name in record.names:
        word = name.strip()
        if " " not in word and any(c in "_.@" or c.isdigit() for c in word):
            continue
        tokens = name_tokens(word)
        if tokens:
            yield tokens


def person_first_names(records: Sequence[ResolutionRecord]) -> frozenset[str]:
    """First names this case holds with a surname, from names written as names (not handles)."""
    return frozenset(
        tokens[0]
        for record in records
        for tokens in _written_names(record)
        if len(tokens) >= 2 and len(tokens[-1]) > 1
    )


def _name_clash(
    accounts: Collection[int], by_ref: Mapping[str, ResolutionRecord], lexicon: Collection[str]
) -> str | None:
    """Two owner accounts whose own names are people's first names with nothing in common."""
    firsts: dict[int, set[str]] = {}
    for account in sorted(accounts):
        record = by_ref[f"account:{account}"]
        firsts[account] = {tokens[0] for tokens in _written_names(record) if tokens[0] in lexicon}
    for a, b in combinations(sorted(firsts), 2):
        if firsts[a] and firsts[b] and not firsts[a] & firsts[b]:
            shown = sorted(firsts[a])[0], sorted(firsts[b])[0]
            return f"its owner accounts name different people ({shown[0]!r} and {shown[1]!r})"
    return None


def _links(accounts: Mapping[int, list[OwnerStatement]]) -> Iterator[Link]:
    """A star from the exhibit's first owner account to each other one."""
    first, *others = sorted(accounts)
    for other in others:
        left, right = accounts[first], accounts[other]
        reasons = {
            "rule": DEVICE_OWNER_RULE,
            "exhibit": left[0].exhibit_ref,
            "stated_in": "; ".join(dict.fromkeys(s.shown for s in [left[0], right[0]])),
            "statements": len(left) + len(right),
        }
        yield Link(f"account:{first}", f"account:{other}", "deterministic", 1.0, reasons)


def device_owner_links(
    statements: Sequence[OwnerStatement], records: Sequence[ResolutionRecord], lexicon: Collection[str]
) -> tuple[list[Link], list[SharedDevice]]:
    """Links between each exhibit's stated owner accounts, and the exhibits judged shared devices."""
    by_ref = {r.ref: r for r in records}
    links: list[Link] = []
    shared: list[SharedDevice] = []
    for accounts in _by_exhibit(statements).values():
        known = {a: s for a, s in accounts.items() if f"account:{a}" in by_ref}
        if len(known) < 2:
            continue
        clash = _platform_clash(known) or _name_clash(known, by_ref, lexicon)
        if clash is not None:
            shared.append(SharedDevice(next(iter(known.values()))[0].exhibit_ref, clash))
            continue
        links.extend(_links(known))
    return links, shared
