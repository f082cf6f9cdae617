"""Which accounts a seized exhibit belongs to: the device's own accounts.

Parsers know the owner (`ParsedAccount(is_owner=True)`), but the store does not keep that flag,
so it is read back from the conversations: on one exhibit, among the conversations one parser
read for one platform (a msgstore.db, a folder of chat exports, a mailbox), the owner takes part
in nearly all of them and every other account in few. An account is an owner of the exhibit
when it is in at least `OWNER_SHARE` of those conversations and in at least two, and no other
account is in as many. A lone conversation (one exported chat) says nothing on its own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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


@dataclass(frozen=True, slots=True)
class ExhibitOwner:
    """One account found to be an exhibit's own, with the counts that show it."""

    exhibit_id: int
    account_id: int
    reason: str


def infer_exhibit_owners(conn: Connection) -> list[ExhibitOwner]:
    """The own accounts of every exhibit, by how the exhibit's conversations look."""
    groups: dict[tuple[int, str, str], dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for row in conn.execute(_PARTICIPATION_SQL):
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
