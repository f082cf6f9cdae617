"""`darkroom identifiers` (every identifier, how widely seen) and `darkroom identifier show VALUE`."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlalchemy import Connection, text

from darkroom.cli.common import CaseOption, JsonOption, emit_jsonl, opened_case, out
from darkroom.errors import InvalidInput

app = typer.Typer(help="Identifiers found in accounts, contact lists and messages.", no_args_is_help=True)

_LIST_SQL = """
SELECT i.kind, i.value_norm, i.is_shared, COUNT(o.id) AS occurrences,
       COUNT(DISTINCT o.exhibit_id) AS exhibits, COUNT(DISTINCT o.contact_id) AS contact_cards,
       COUNT(DISTINCT o.message_id) AS messages, COUNT(DISTINCT o.account_id) AS accounts
FROM identifiers i JOIN identifier_occurrences o ON o.identifier_id = i.id
{where}
GROUP BY i.id HAVING COUNT(DISTINCT o.exhibit_id) >= :min
ORDER BY exhibits DESC, occurrences DESC, i.kind, i.value_norm LIMIT :limit
"""

_SHOW_SQL = """
SELECT o.raw_value, o.locator, e.ref, f.display_path,
       CASE WHEN o.contact_id IS NOT NULL THEN 'contact card'
            WHEN o.message_id IS NOT NULL THEN 'message text' ELSE 'account' END AS seen_as,
       c.display_name AS contact_name, m.sent_at_utc, conv.title AS conversation, conv.platform,
       a.platform AS account_platform, a.handle_norm AS account_handle
FROM identifier_occurrences o
JOIN exhibits e ON e.id = o.exhibit_id JOIN files f ON f.id = o.file_id
LEFT JOIN contacts c ON c.id = o.contact_id
LEFT JOIN messages m ON m.id = o.message_id LEFT JOIN conversations conv ON conv.id = m.conversation_id
LEFT JOIN accounts a ON a.id = o.account_id
WHERE o.identifier_id = :id ORDER BY e.ref, f.display_path, o.id
"""

_CONVERSATIONS_SQL = """
SELECT DISTINCT conv.platform, conv.title, e.ref, f.display_path
FROM account_identifiers ai JOIN conversation_participants p ON p.account_id = ai.account_id
JOIN conversations conv ON conv.id = p.conversation_id
JOIN exhibits e ON e.id = conv.exhibit_id JOIN files f ON f.id = conv.file_id
WHERE ai.identifier_id = :id ORDER BY e.ref, f.display_path
"""


@app.command("list")
def list_identifiers(
    case: CaseOption = None,
    kind: Annotated[str | None, typer.Option("--kind", help="phone, email, handle, onion, bitcoin …")] = None,
    min_exhibits: Annotated[int, typer.Option("--min-exhibits", help="Seen on at least this many.")] = 1,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 100,
    json_output: JsonOption = False,
) -> None:
    """Identifiers by how many exhibits hold them: the start of every lead."""
    where = "WHERE i.kind = :kind" if kind else ""
    sql = text(_LIST_SQL.format(where=where))
    with opened_case(case) as store, store.read() as conn:
        rows = [
            dict(row._mapping)
            for row in conn.execute(sql, {"kind": kind, "min": min_exhibits, "limit": limit})
        ]
    if json_output:
        emit_jsonl(rows)
        return
    for row in rows:
        typer.echo(
            f"{row['kind']}\t{row['value_norm']}\t{row['exhibits']} exhibits\t{row['contact_cards']} cards\t"
            f"{row['messages']} messages\t{row['accounts']} accounts"
        )


def _lookup(conn: Connection, value: str, region: str) -> list[Any]:
    from darkroom.identifiers.normalize import normalize_email, normalize_phone  # noqa: PLC0415 - start-up

    candidates = {value.strip(), value.strip().casefold()}
    for normalized in (normalize_phone(value, region), normalize_email(value)):
        if normalized:
            candidates.add(normalized)
    params = {f"v{n}": c for n, c in enumerate(sorted(candidates))}
    placeholders = ", ".join(f":{name}" for name in params)
    sql = text(f"SELECT id, kind, value_norm FROM identifiers WHERE value_norm IN ({placeholders})")
    return list(conn.execute(sql, params))


@app.command("show")
def show(
    value: Annotated[str, typer.Argument(help="A phone number (any format), email, handle, wallet …")],
    case: CaseOption = None,
    json_output: JsonOption = False,
) -> None:
    """Every occurrence of an identifier across exhibits: contact lists, conversations, messages."""
    with opened_case(case) as store, store.read() as conn:
        matches = _lookup(conn, value, store.info().region)
        if not matches:
            raise InvalidInput(f"{value!r} was not found in this case's identifiers")
        report = []
        for match in matches:
            report.append(
                {
                    "kind": match.kind,
                    "value": match.value_norm,
                    "occurrences": [
                        dict(r._mapping) for r in conn.execute(text(_SHOW_SQL), {"id": match.id})
                    ],
                    "conversations": [
                        dict(r._mapping) for r in conn.execute(text(_CONVERSATIONS_SQL), {"id": match.id})
                    ],
                }
            )
    if json_output:
        emit_jsonl(report)
        return
    console = out()
    for item in report:
        console.print(f"[bold]{item['kind']} {item['value']}[/]: {len(item['occurrences'])} occurrences")
        for occ in item["occurrences"]:
            where = f"{occ['ref']}:{occ['display_path']}:{occ['locator']}"
            label = occ["contact_name"] or occ["conversation"] or occ["account_handle"] or ""
            console.print(
                f"  {occ['seen_as']:<13} {label:<30} as {occ['raw_value']!r:<24} [{where}]", markup=False
            )
        for conv in item["conversations"]:
            where = f"{conv['ref']}:{conv['display_path']}"
            console.print(
                f"  takes part in {conv['platform']} chat {conv['title']!r} [{where}]", markup=False
            )
