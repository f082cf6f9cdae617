"""Subjects of triage: a person identity has resolved, or an account no person holds yet.

Keys are those of `network_nodes.node_key` ('person:ID', 'account:ID'), so triage works before
identity has run (every account its own subject) and after (a person gathers its accounts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput


@dataclass(slots=True)
class SubjectIndex:
    """account id -> subject key, and what each subject is called and holds."""

    by_account: dict[int, str] = field(default_factory=dict)
    accounts_of: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[str, str] = field(default_factory=dict)
    restricted: set[str] = field(default_factory=set)  # undercover officers, victims: never queued

    def key(self, account_id: int) -> str:
        """The subject an account belongs to (itself when no person holds it)."""
        return self.by_account.get(account_id) or f"account:{account_id}"

    def keys_of(self, subject_key: str) -> list[str]:
        """The subject's own key and its accounts' keys (factors may be recorded on either)."""
        return [subject_key, *(f"account:{a}" for a in self.accounts_of.get(subject_key, []))]


def person_id_of(subject_key: str) -> int | None:
    kind, _, number = subject_key.partition(":")
    return int(number) if kind == "person" and number.isdigit() else None


def account_id_of(subject_key: str) -> int | None:
    kind, _, number = subject_key.partition(":")
    return int(number) if kind == "account" and number.isdigit() else None


def load_subjects(conn: Connection) -> SubjectIndex:
    """Every account's subject, with a label for each (person label, else name and handle)."""
    index = SubjectIndex()
    for row in conn.execute(
        text(
            "SELECT l.account_id, l.person_id, p.label, p.restricted FROM person_links l "
            "JOIN persons p ON p.id = l.person_id"
        )
    ):
        key = f"person:{row.person_id}"
        if row.restricted:
            index.restricted.add(key)
        index.by_account[int(row.account_id)] = key
        index.accounts_of[key].append(int(row.account_id))
        index.labels[key] = str(row.label)
    names = text(
        "SELECT a.id, a.platform, a.handle, a.restricted, (SELECT n.display_name FROM account_names n "
        "WHERE n.account_id = a.id ORDER BY n.display_name LIMIT 1) AS display_name FROM accounts a"
    )
    for row in conn.execute(names):
        key = f"account:{row.id}"
        if row.restricted:
            index.restricted.update({key, index.key(int(row.id))})
        if int(row.id) not in index.by_account:
            index.accounts_of[key].append(int(row.id))
        handle = f"{row.platform} {row.handle}"
        index.labels[key] = f"{row.display_name} ({handle})" if row.display_name else handle
    return index


def resolve_subject(conn: Connection, index: SubjectIndex, given: str) -> str:
    """A subject key from what an investigator typed: 'person:3', 'account:17', or a handle."""
    value = given.strip()
    if person_id_of(value) is not None:
        if value not in index.labels:
            raise InvalidInput(f"no person {value!r} in this case")
        return value
    if account_id_of(value) is not None:
        if value not in index.labels:
            raise InvalidInput(f"no account {value!r} in this case")
        return index.key(int(value.partition(":")[2]))
    rows = conn.execute(
        text("SELECT id FROM accounts WHERE handle = :v OR handle_norm = :n"),
        {"v": value, "n": value.lower()},
    ).all()
    subjects = sorted({index.key(int(row.id)) for row in rows})
    if not subjects:
        raise InvalidInput(f"no account with handle {value!r}; give person:ID or account:ID")
    if len(subjects) > 1:
        raise InvalidInput(f"{value!r} fits several subjects ({', '.join(subjects)}); give one of them")
    return subjects[0]
