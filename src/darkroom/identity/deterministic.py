"""Deterministic links: records holding the same strong identifier (an E.164 number, an email, a
wallet, a platform handle) that is not shared, and a chat export's name-only participant tied to
the numbered account that sent the same messages in another copy of the conversation."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence

from sqlalchemy import Connection, text

from darkroom.identity.clusters import Clusters, Link
from darkroom.identity.features import fold_text
from darkroom.identity.records import NAME_PLATFORMS, ResolutionRecord

# A name-only sender and a numbered one are the same person when at least this many messages,
# and this share of the name-only sender's messages, sit in both copies (same minute, same text),
# and nearly all of the aligned messages point at that one account.
ALIGN_MIN_MESSAGES = 5
ALIGN_MIN_SHARE = 0.2
ALIGN_MIN_DOMINANCE = 0.9

# For each name-only sender and each other sender: how many messages (same minute, same text)
# both sent, in different files (two copies of one conversation).
_ALIGNED_SQL = text(
    "WITH keyed AS MATERIALIZED (SELECT substr(sent_at_utc, 1, 16) AS minute, body, "
    " sender_account_id AS sender, file_id FROM messages "
    " WHERE kind = 'text' AND sender_account_id IS NOT NULL AND sent_at_utc IS NOT NULL), "
    "named AS MATERIALIZED (SELECT * FROM keyed WHERE sender IN (SELECT value FROM json_each(:ids))) "
    "SELECT n.sender AS account, k.sender AS other, "
    "COUNT(DISTINCT n.minute || char(31) || n.body) AS messages "
    "FROM named n JOIN keyed k ON k.minute = n.minute AND k.body = n.body "
    "AND k.sender != n.sender AND k.file_id != n.file_id GROUP BY n.sender, k.sender"
)
_SENT_SQL = text(
    "SELECT sender_account_id, COUNT(*) AS sent FROM messages "
    "WHERE kind = 'text' AND sender_account_id IS NOT NULL GROUP BY sender_account_id"
)


def identifier_links(records: Sequence[ResolutionRecord], shared: Collection[str]) -> Iterator[Link]:
    """A star of links per strong identifier that is not shared: its first holder to each other."""
    holders: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for key in sorted(record.identifiers):
            if key not in shared:
                holders[key].append(record.ref)
    for key in sorted(holders):
        first, *others = holders[key]
        for other in others:
            yield Link(first, other, "deterministic", 1.0, {"rule": "same identifier", "identifier": key})


def _aligned_pairs(conn: Connection, name_only: Collection[int]) -> Counter[tuple[int, int]]:
    """(name-only sender, other sender) -> messages both sent in different files, same minute."""
    rows = conn.execute(_ALIGNED_SQL, {"ids": json.dumps(sorted(name_only))})
    return Counter({(int(row.account), int(row.other)): int(row.messages) for row in rows})


def alignment_links(conn: Connection, records: Sequence[ResolutionRecord]) -> Iterator[Link]:
    """Name-only chat participants tied to the account that sent the same messages elsewhere."""
    name_only = {r.record_id for r in records if r.kind == "account" and r.name_label}
    if not name_only:
        return
    pairs = _aligned_pairs(conn, name_only)
    sent: Mapping[int, int] = {int(row.sender_account_id): int(row.sent) for row in conn.execute(_SENT_SQL)}
    partners: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (account, other), count in pairs.items():
        partners[account].append((count, other))
    for account in sorted(partners):
        ranked = sorted(partners[account], key=lambda item: (-item[0], item[1]))
        count, other = ranked[0]
        total = sum(n for n, _ in ranked)
        if count < ALIGN_MIN_MESSAGES or count < ALIGN_MIN_SHARE * sent.get(account, 0):
            continue
        if count < ALIGN_MIN_DOMINANCE * total:
            continue
        reasons = {
            "rule": "same messages in two copies of a conversation",
            "messages": count,
            "sent_by_name_only_account": sent.get(account, 0),
        }
        yield Link(f"account:{account}", f"account:{other}", "deterministic", 1.0, reasons)


def saved_name_links(records: Sequence[ResolutionRecord], clusters: Clusters) -> Iterator[Link]:
    """A chat export's name-only participant tied to the card its exhibit's address book saves
    under that very name (chat apps show the saved name), when the name picks out one group."""
    cards_by_name: dict[tuple[int, str], list[ResolutionRecord]] = defaultdict(list)
    for record in records:
        if record.kind == "contact" and record.names:
            for exhibit in record.exhibits:
                for name in {fold_text(n) for n in record.names[:1]} - {None}:
                    cards_by_name[(exhibit, str(name))].append(record)
    for record in records:
        if record.kind != "account" or not record.name_label or record.platform in NAME_PLATFORMS:
            continue
        # the saved name itself (a name-only handle carries its exhibit: "Jan W (EX-011)")
        label = fold_text(record.names[0] if record.names else record.handle or "")
        if label is None:
            continue
        found = [
            card for exhibit in sorted(record.exhibits) for card in cards_by_name.get((exhibit, label), [])
        ]
        groups = {clusters.find(card.ref) for card in found}
        if len(groups) != 1:
            continue
        card = min(found, key=lambda c: c.record_id)
        reasons = {
            "rule": "the exhibit's address book saves this contact under the name the chat shows",
            "name": record.handle,
            "cards": len(found),
        }
        yield Link(record.ref, card.ref, "deterministic", 1.0, reasons)
