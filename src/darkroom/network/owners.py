"""Which accounts a seized exhibit belongs to: the device's own accounts.

First what the parsers stated (`ParsedAccount(is_owner=True)`, kept in `stated_owners` with the file
and locator: a msgstore.db's own number, a UFDR's IsPhoneOwner party). Where a source states nothing
(a folder of chat exports, a mailbox), the owner is read from its conversations: among those one
parser read for one platform on one exhibit, the owner takes part in nearly all and every other
account in few. An account is an owner when it is in at least `OWNER_SHARE` of them and in at least
two, and no other account is in as many. A lone conversation (one exported chat) says nothing.

The inference is skipped for a parser on an exhibit where that parser stated an owner: the statement
is about the same source and wins (a phone whose owner texts in few of its SMS threads). Other parsers'
conversations on that exhibit are still read: a laptop's Pidgin logs name their account, its WhatsApp
exports do not, and both accounts are the laptop owner's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Connection, text

OWNER_SHARE: Final = 0.6

_PARTICIPATION_SQL = text(
    "SELECT c.exhibit_id, c.platform, COALESCE(fp.parser, '') AS parser, c.id AS conversation_id, "
    "p.account_id FROM conversations c "
    "JOIN conversation_participants p ON p.conversation_id = c.id "
    "LEFT JOIN file_parses fp ON fp.file_id = c.file_id"
)
_STATED_SQL = text(
    "SELECT s.exhibit_id, s.account_id, s.locator, f.display_path, COALESCE(fp.parser, '') AS parser "
    "FROM stated_owners s JOIN files f ON f.id = s.file_id "
    "LEFT JOIN file_parses fp ON fp.file_id = s.file_id "
    "ORDER BY s.exhibit_id, s.account_id, s.file_id"
)


@dataclass(frozen=True, slots=True)
class ExhibitOwner:
    """One account found to be an exhibit's own, with what shows it (a statement or the counts)."""

    exhibit_id: int
    account_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class _Statement:
    parser: str
    display_path: str
    locator: str


def infer_exhibit_owners(conn: Connection) -> list[ExhibitOwner]:
    """The own accounts of every exhibit: those its parsers stated, else read from its conversations."""
    stated = _statements(conn)
    found = {key: _stated_reason(statements) for key, statements in stated.items()}
    stating = {(exhibit, s.parser) for (exhibit, _), statements in stated.items() for s in statements}
    for owner in conversation_owners(conn, skip=stating):
        found.setdefault((owner.exhibit_id, owner.account_id), owner.reason)
    return [ExhibitOwner(exhibit, account, reason) for (exhibit, account), reason in sorted(found.items())]


def stated_exhibit_owners(conn: Connection) -> list[ExhibitOwner]:
    """Only the owners parsers stated, each with the first file and locator that says so."""
    return [
        ExhibitOwner(exhibit, account, _stated_reason(statements))
        for (exhibit, account), statements in sorted(_statements(conn).items())
    ]


def conversation_owners(
    conn: Connection, skip: AbstractSet[tuple[int, str]] = frozenset()
) -> list[ExhibitOwner]:
    """Owners read from how conversations look, leaving out the (exhibit id, parser) pairs in `skip`."""
    groups: dict[tuple[int, str, str], dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for row in conn.execute(_PARTICIPATION_SQL):
        if (int(row.exhibit_id), str(row.parser)) in skip:
            continue
        groups[(int(row.exhibit_id), str(row.platform), str(row.parser))][int(row.account_id)].add(
            int(row.conversation_id)
        )
    found: dict[tuple[int, int], str] = {}
    for (exhibit_id, platform, parser), by_account in sorted(groups.items()):
        conversations = set().union(*by_account.values())
        owner = _group_owner(
            {account: len(convs) for account, convs in by_account.items()}, len(conversations)
        )
        if owner is None:
            continue
        account_id, count = owner
        reason = (
            f"in {count} of {len(conversations)} {platform} conversations "
            f"read by {parser or 'a parser'} on this exhibit"
        )
        found.setdefault((exhibit_id, account_id), reason)
    return [ExhibitOwner(exhibit, account, reason) for (exhibit, account), reason in sorted(found.items())]


def _statements(conn: Connection) -> dict[tuple[int, int], list[_Statement]]:
    """Every owner statement by (exhibit, account), in file order."""
    stated: dict[tuple[int, int], list[_Statement]] = defaultdict(list)
    for row in conn.execute(_STATED_SQL):
        statement = _Statement(str(row.parser), str(row.display_path), str(row.locator))
        stated[(int(row.exhibit_id), int(row.account_id))].append(statement)
    return stated


def _stated_reason(statements: list[_Statement]) -> str:
    """`stated by PARSER in FILE (LOCATOR)`, then how many other files (and which parsers) say it too."""
    first = statements[0]
    reason = f"stated by {first.parser or 'a parser'} in {first.display_path} ({first.locator})"
    others = {s.display_path: s.parser for s in statements if s.display_path != first.display_path}
    if others:
        parsers = ", ".join(sorted({parser or "a parser" for parser in others.values()}))
        reason += f", and in {len(others)} other file{'s' if len(others) > 1 else ''} ({parsers})"
    return reason


def _group_owner(counts: dict[int, int], conversations: int) -> tuple[int, int] | None:
    """The one account in most of a group's conversations, if it stands out enough."""
    ranked = Counter(counts).most_common(2)
    if not ranked:
        return None
    account_id, count = ranked[0]
    if count < 2 or count < OWNER_SHARE * conversations:
        return None
    if len(ranked) > 1 and ranked[1][1] == count:
        return None
    return account_id, count
