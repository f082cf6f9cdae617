"""FollowTheMoney entities as JSON lines, loadable into Aleph (`ftm` tools, `alephclient write-entities`).

Persons become `Person`; accounts `UserAccount` (username, service, the phones and emails darkroom
found on them, owner); an account no person holds is owned by a `LegalEntity` standing for its
unidentified holder, because FtM requires every message to have a sender. Messages become `Message`
(body, date, sender and recipient accounts and their holders, thread, reply) with their provenance:
`proof` points at the `Document` of the source file (name, path, SHA-1 as Aleph's content hash, size,
type) and `description` names exhibit, path and locator.

Without clearance, restricted persons and accounts (and accounts a restricted person holds), their
messages, and the titles of conversations they take part in, are left out (counted), and paths that
name them are masked (`redaction`). They are left out rather than written as "[restricted]"
stand-ins: Aleph cross-references entities by name, and every stand-in would match every other one,
across collections. With clearance "restricted" everything is written.

FtM drops values its types reject (a phone number phonenumbers deems invalid, such as the reserved
drama ranges): those are kept in the account's `notes` and counted. An entity missing a property
FtM requires is skipped and counted, never written.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, text

from darkroom.clearance import Clearance
from darkroom.errors import InvalidInput
from darkroom.reports.exporters.base import ExportSummary
from darkroom.reports.exporters.redaction import Restricted, load_restricted
from darkroom.reports.outputs import partial_path
from darkroom.store import CaseStore

BATCH = 5000
_IDENTIFIER_PROPERTY = {"phone": "phone", "email": "email"}


def _entity_id(case_id: str, *parts: object) -> str:
    from followthemoney.util import make_entity_id  # noqa: PLC0415 - heavy; only this export needs it

    entity_id = make_entity_id("darkroom", case_id, *parts)
    if entity_id is None:
        msg = f"no FtM id for {parts!r}"
        raise InvalidInput(msg)
    return entity_id


class _Writer:
    """Validates and writes entities, one JSON line each, counting what was written and left out."""

    def __init__(self, target: IO[str], case_id: str, restricted: Restricted) -> None:
        from followthemoney import model  # noqa: PLC0415 - heavy; only this export needs it

        self.model = model
        self.target = target
        self.case_id = case_id
        self.restricted = restricted
        self.counts: Counter[str] = Counter()

    def make(self, schema: str, *id_parts: object) -> Any:
        entity = self.model.make_entity(schema)
        entity.id = _entity_id(self.case_id, *id_parts)
        return entity

    def write(self, entity: Any) -> bool:
        missing = [name for name in entity.schema.required if not entity.has(name)]
        if missing:
            self.counts[f"skipped {entity.schema.name} (no {', '.join(missing)})"] += 1
            return False
        self.target.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
        self.counts[entity.schema.name] += 1
        return True

    def add_checked(self, entity: Any, prop: str, value: str, refused: list[str]) -> None:
        """Add a value; one FtM's type rejects is noted (and counted) instead of silently lost."""
        before = len(entity.get(prop))
        entity.add(prop, value)
        if len(entity.get(prop)) == before:
            refused.append(f"{prop} {value}")
            self.counts[f"{prop} values FtM refused (kept in notes)"] += 1


def _persons(conn: Connection, out: _Writer) -> dict[int, str]:
    ids: dict[int, str] = {}
    for row in conn.execute(text("SELECT id, label, restricted FROM persons ORDER BY id")):
        if row.restricted and not out.restricted.cleared:
            out.counts["restricted persons left out"] += 1
            continue
        person = out.make("Person", "person", row.id)
        person.add("name", row.label)
        if out.write(person):
            ids[int(row.id)] = person.id
    return ids


_ACCOUNTS_SQL = text(
    """
    SELECT a.id, a.platform, a.handle, a.restricted, l.person_id,
           (SELECT json_group_array(json_array(i.kind, i.value_norm)) FROM account_identifiers ai
            JOIN identifiers i ON i.id = ai.identifier_id WHERE ai.account_id = a.id) AS identifiers
    FROM accounts a LEFT JOIN person_links l ON l.account_id = a.id ORDER BY a.id
    """
)


def _accounts(conn: Connection, out: _Writer, persons: dict[int, str]) -> dict[int, tuple[str, str]]:
    """account id -> (UserAccount entity id, holder entity id)."""
    found: dict[int, tuple[str, str]] = {}
    for row in conn.execute(_ACCOUNTS_SQL).all():
        hidden = row.id in out.restricted.account_ids and not out.restricted.cleared
        if hidden or (row.person_id is not None and row.person_id not in persons):
            out.counts["restricted accounts left out"] += 1
            continue
        holder = persons.get(row.person_id) if row.person_id is not None else None
        if holder is None:
            unknown = out.make("LegalEntity", "holder", row.id)
            unknown.add("name", f"unidentified holder of {row.platform}:{row.handle}")
            out.write(unknown)
            holder = unknown.id
        account = out.make("UserAccount", "account", row.id)
        account.add("username", row.handle)
        account.add("service", row.platform)
        account.add("owner", holder)
        refused: list[str] = []
        for kind, value in json.loads(row.identifiers or "[]"):
            if kind in _IDENTIFIER_PROPERTY:
                out.add_checked(account, _IDENTIFIER_PROPERTY[kind], value, refused)
        if refused:
            account.add("notes", "identifiers FtM could not validate: " + "; ".join(refused))
        if out.write(account):
            found[int(row.id)] = (account.id, str(holder))
    return found


_SOURCES_SQL = text(
    """
    SELECT f.id, f.display_path, f.sha1, f.size, f.mime_type, e.ref FROM files f
    JOIN exhibits e ON e.id = f.exhibit_id WHERE f.id IN (SELECT DISTINCT file_id FROM messages) ORDER BY f.id
    """
)


def _documents(conn: Connection, out: _Writer) -> dict[int, tuple[str, str]]:
    """file id -> (Document entity id, "exhibit · path") for every file messages were read from."""
    found: dict[int, tuple[str, str]] = {}
    for row in conn.execute(_SOURCES_SQL):
        display_path = out.restricted.path(str(row.display_path))
        document = out.make("Document", "file", row.id)
        document.add("fileName", display_path.rsplit("/", 1)[-1])
        document.add("title", f"{row.ref}/{display_path}")
        document.add("contentHash", row.sha1)
        document.add("fileSize", row.size)
        document.add("mimeType", row.mime_type)
        if out.write(document):
            found[int(row.id)] = (document.id, f"{row.ref} · {display_path}")
    return found


def _conversations(
    conn: Connection, restricted: Restricted
) -> tuple[dict[int, list[int]], dict[int, str | None]]:
    """Participants of every conversation, and titles (None where a participant is restricted)."""
    members: dict[int, list[int]] = defaultdict(list)
    for row in conn.execute(text("SELECT conversation_id, account_id FROM conversation_participants")):
        members[int(row.conversation_id)].append(int(row.account_id))
    titles: dict[int, str | None] = {}
    for row in conn.execute(text("SELECT id, title FROM conversations")):
        hidden = restricted.hides_title(set(members.get(int(row.id), ())))
        titles[int(row.id)] = None if hidden else row.title
    return members, titles


_MESSAGES_SQL = text(
    "SELECT id, conversation_id, sender_account_id, sent_at_utc, body, kind, parent_message_id, file_id, "
    "locator FROM messages ORDER BY id"
)


def _messages(
    conn: Connection,
    out: _Writer,
    accounts: dict[int, tuple[str, str]],
    documents: dict[int, tuple[str, str]],
) -> None:
    members, titles = _conversations(conn, out.restricted)
    result = conn.execute(_MESSAGES_SQL)
    while rows := result.fetchmany(BATCH):
        for row in rows:
            sender = accounts.get(row.sender_account_id) if row.sender_account_id is not None else None
            if sender is None:
                reason = "no sender" if row.sender_account_id is None else "restricted sender"
                out.counts[f"messages left out ({reason})"] += 1
                continue
            message = out.make("Message", "message", row.id)
            message.add("bodyText", row.body or f"[{row.kind}]")
            message.add("date", row.sent_at_utc)
            message.add("senderAccount", sender[0])
            message.add("sender", sender[1])
            for account_id in members.get(int(row.conversation_id), []):
                if account_id != row.sender_account_id and account_id in accounts:
                    message.add("recipientAccount", accounts[account_id][0])
                    message.add("recipients", accounts[account_id][1])
            message.add("threadTopic", titles.get(int(row.conversation_id)))
            if row.parent_message_id is not None:
                message.add("inReplyToMessage", _entity_id(out.case_id, "message", row.parent_message_id))
            document_id, where = documents[int(row.file_id)]
            message.add("proof", document_id)
            message.add("description", f"{where} · {out.restricted.path(str(row.locator))}")
            out.write(message)


def write_ftm(conn: Connection, case_id: str, out_path: Path, clearance: Clearance) -> dict[str, int]:
    """Stream every entity (restricted ones as `clearance` allows) to `<out>.partial`, then rename
    into place; returns the counts."""
    partial = partial_path(out_path)
    restricted = load_restricted(conn, clearance)
    try:
        with partial.open("w", encoding="utf-8") as target:
            out = _Writer(target, case_id, restricted)
            persons = _persons(conn, out)
            accounts = _accounts(conn, out, persons)
            documents = _documents(conn, out)
            _messages(conn, out, accounts, documents)
            target.flush()
            os.fsync(target.fileno())
        partial.replace(out_path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        msg = f"cannot write {out_path}: {err.strerror or err}"
        raise InvalidInput(msg) from err
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dict(sorted(out.counts.items()))


class FtmExporter:
    """Persons, accounts, messages and their source files as FollowTheMoney entities (Aleph)."""

    name = "ftm"
    description = "persons, accounts, messages and source files as FollowTheMoney JSON lines (Aleph)"

    def export(self, store: CaseStore, out_path: Path, *, clearance: Clearance = "standard") -> ExportSummary:
        case_id = store.info().case_id
        with store.read() as conn:
            counts = write_ftm(conn, case_id, out_path, clearance)
        return ExportSummary((out_path,), tuple(counts.items()))
