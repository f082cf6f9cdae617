"""`darkroom accounts` (the profile registry) and `darkroom search` (full text over messages)."""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

import typer
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from darkroom.cli.common import CaseOption, JsonOption, emit_jsonl, opened_case
from darkroom.errors import InvalidInput
from darkroom.timeutil import parse_user_time, to_iso

# An account appears on an exhibit where it is named (a contact card, a sender's name) or takes
# part in a conversation found there.
_ACCOUNTS_SQL = """
WITH seen (account_id, exhibit_id) AS (
    SELECT account_id, exhibit_id FROM account_names
    UNION SELECT p.account_id, c.exhibit_id
    FROM conversation_participants p JOIN conversations c ON c.id = p.conversation_id
)
SELECT a.id, a.platform, a.handle_norm, a.handle, a.first_seen_utc, a.last_seen_utc,
       (SELECT COUNT(*) FROM messages m WHERE m.sender_account_id = a.id) AS messages,
       (SELECT COUNT(DISTINCT s.exhibit_id) FROM seen s WHERE s.account_id = a.id) AS exhibits,
       (SELECT GROUP_CONCAT(DISTINCT e.ref) FROM seen s JOIN exhibits e ON e.id = s.exhibit_id
        WHERE s.account_id = a.id) AS exhibit_refs,
       (SELECT GROUP_CONCAT(DISTINCT n.display_name) FROM account_names n WHERE n.account_id = a.id) AS names
FROM accounts a {where}
ORDER BY {order}, a.platform, a.handle_norm
LIMIT :limit
"""


def accounts(
    case: CaseOption = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Only this platform.")] = None,
    sort: Annotated[Literal["messages", "exhibits"], typer.Option("--sort", help="Order by.")] = "messages",
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 100,
    json_output: JsonOption = False,
) -> None:
    """The profile registry: every account with display names, message count and exhibits."""
    where = "WHERE a.platform = :platform" if platform else ""
    sql = _ACCOUNTS_SQL.format(where=where, order=f"{sort} DESC")
    with opened_case(case) as store, store.read() as conn:
        rows = [
            {
                "platform": r.platform,
                "handle": r.handle_norm,
                "as_written": r.handle,
                "display_names": sorted(set((r.names or "").split(","))) if r.names else [],
                "messages": r.messages,
                "exhibits": r.exhibits,
                "exhibit_refs": sorted((r.exhibit_refs or "").split(",")) if r.exhibit_refs else [],
                "first_seen_utc": r.first_seen_utc,
                "last_seen_utc": r.last_seen_utc,
            }
            for r in conn.execute(text(sql), {"platform": platform, "limit": limit})
        ]
    if json_output:
        emit_jsonl(rows)
        return
    for row in rows:
        names = ", ".join(row["display_names"])
        typer.echo(
            f"{row['platform']}\t{row['handle']}\t{row['messages']} msgs\t{row['exhibits']} exhibits\t{names}"
        )


def _search_filters(
    platform: str | None,
    exhibit: str | None,
    account: str | None,
    since: str | None,
    until: str | None,
    zone_name: str,
) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if platform:
        clauses.append("c.platform = :platform")
        params["platform"] = platform
    if exhibit:
        clauses.append("e.ref = :exhibit")
        params["exhibit"] = exhibit
    if account:
        clauses.append("a.handle_norm = :account")
        params["account"] = account
    if since:
        clauses.append("m.sent_at_utc >= :since")
        params["since"] = to_iso(parse_user_time(since, zone_name))
    if until:
        clauses.append("m.sent_at_utc <= :until")
        params["until"] = to_iso(parse_user_time(until, zone_name))
    return "".join(f" AND {c}" for c in clauses), params


def _folded(text: str) -> str:
    """Case and diacritics folded for matching names (`Kåre` matches `kare`, `ø` stays a letter)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_NAMES_SQL = text(
    "SELECT a.id, a.platform, a.handle_norm, a.handle, GROUP_CONCAT(DISTINCT n.display_name) AS names, "
    "(SELECT COUNT(*) FROM messages m WHERE m.sender_account_id = a.id) AS messages "
    "FROM accounts a LEFT JOIN account_names n ON n.account_id = a.id GROUP BY a.id"
)


def _search_names(conn: Any, query: str, platform: str | None, limit: int) -> list[dict[str, Any]]:
    """Accounts whose handle or any display name holds every word of the query."""
    words = [_folded(word) for word in query.split()]
    hits: list[dict[str, Any]] = []
    for row in conn.execute(_NAMES_SQL):
        if platform and row.platform != platform:
            continue
        names = sorted(set((row.names or "").split(","))) if row.names else []
        haystack = _folded(" ".join([row.handle_norm, row.handle, *names]))
        if all(word in haystack for word in words):
            hits.append(
                {
                    "platform": row.platform,
                    "handle": row.handle_norm,
                    "display_names": names,
                    "messages": row.messages,
                }
            )
    hits.sort(key=lambda hit: (-hit["messages"], hit["platform"], hit["handle"]))
    return hits[:limit]


def search(
    query: Annotated[
        str, typer.Argument(help="Words to find (FTS5 syntax: phrases in quotes, OR, NOT, prefix*).")
    ],
    case: CaseOption = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Only this platform.")] = None,
    exhibit: Annotated[str | None, typer.Option("--exhibit", help="Only this exhibit.")] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="Only messages sent by this handle.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date/time (case zone).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date/time (case zone).")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 50,
    names: Annotated[
        bool, typer.Option("--names", help="Search account handles and display names instead of messages.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Full-text search over message text (or, with --names, over handles and names)."""
    if names:
        with opened_case(case) as store, store.read() as conn:
            accounts_found = _search_names(conn, query, platform, limit)
        if json_output:
            emit_jsonl(accounts_found)
        for hit in accounts_found if not json_output else []:
            shown = ", ".join(hit["display_names"])
            typer.echo(f"{hit['platform']}\t{hit['handle']}\t{shown}\t{hit['messages']} msgs")
        return
    with opened_case(case) as store, store.read() as conn:
        extra, params = _search_filters(platform, exhibit, account, since, until, store.info().timezone)
        sql = text(
            "SELECT m.id, m.sent_at_utc, m.locator, c.platform, c.title, e.ref, f.display_path, "
            "a.handle_norm AS sender, snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet "
            "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
            "JOIN conversations c ON c.id = m.conversation_id JOIN exhibits e ON e.id = m.exhibit_id "
            "JOIN files f ON f.id = m.file_id LEFT JOIN accounts a ON a.id = m.sender_account_id "
            f"WHERE messages_fts MATCH :query{extra} ORDER BY rank LIMIT :limit"
        )
        try:
            rows = list(conn.execute(sql, {"query": query, "limit": limit, **params}))
        except OperationalError as err:
            raise InvalidInput(f"cannot search for {query!r}: {err.orig}") from err
    for row in rows:
        hit = {
            "message_id": row.id,
            "sent_at_utc": row.sent_at_utc,
            "platform": row.platform,
            "conversation": row.title,
            "sender": row.sender,
            "snippet": row.snippet,
            "exhibit": row.ref,
            "file": row.display_path,
            "locator": row.locator,
        }
        if json_output:
            emit_jsonl([hit])
        else:
            typer.echo(
                f"{row.sent_at_utc or '-'}\t{row.platform}\t{row.sender or '-'}\t{row.snippet}\t"
                f"[{row.ref}:{row.display_path}:{row.locator}]"
            )
