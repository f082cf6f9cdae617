"""Who the package is about and what it may show: the suspect's accounts, conversations and
exhibits, the reader's clearance, and the helpers every section uses to redact and to print times.

The suspect's exhibits are those where one of his accounts appears: as a participant of a
conversation recorded there, as the sender of a message recorded there, as the owner of a
contact list recorded there, or with a display name recorded there. Exhibits the investigator
names as seized from him (`own_exhibits`) are added, and count their media in full.

Text investigators typed (decision and lead-mark reasons, bookmark labels, exhibits' descriptions and
seizure facts, custody details) is printed through need-to-know's one engine (`darkroom.redaction`):
without clearance a restricted record's name or number in it reads "[restricted]" (`scope.typed`).
Message text is evidence and is shown as recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, text

from darkroom.clearance import REDACTED, Clearance
from darkroom.errors import InvalidInput
from darkroom.redaction import NO_REDACTION, Redactor, case_redactor
from darkroom.timeutil import from_iso, zone


@dataclass(frozen=True, slots=True)
class SuspectScope:
    """The ids a package's queries are limited to, and how restricted records are shown."""

    person_id: int
    clearance: Clearance
    account_ids: tuple[int, ...]
    conversation_ids: tuple[int, ...]
    exhibit_ids: tuple[int, ...]
    own_exhibit_ids: tuple[int, ...]
    restricted_account_ids: frozenset[int]
    case_zone: str
    exhibit_zones: dict[int, str]
    redactor: Redactor = NO_REDACTION  # the case's restricted names, for a reader without clearance

    @property
    def cleared(self) -> bool:
        return self.clearance == "restricted"

    def shown(self, value: str, restricted: bool) -> str:
        """The value, or the redaction mark when it is restricted and the reader is not cleared."""
        return REDACTED if restricted and not self.cleared else value

    def typed(self, value: str) -> str:
        """Free text an investigator typed (a reason, a label), with restricted names and numbers
        redacted for a reader without clearance."""
        return self.redactor.redact(value)

    def zone_of(self, exhibit_id: int) -> str:
        """The local zone of an exhibit (its own, else the case's)."""
        return self.exhibit_zones.get(exhibit_id) or self.case_zone

    def ids_json(self, name: Literal["accounts", "conversations", "exhibits"]) -> str:
        """The ids as JSON, for `IN (SELECT value FROM json_each(:ids))` (no size limit)."""
        values = {
            "accounts": self.account_ids,
            "conversations": self.conversation_ids,
            "exhibits": self.exhibit_ids,
        }[name]
        return json.dumps(list(values))


def utc_text(stored: str | None) -> str:
    """A stored UTC time as a court reads it: `2026-03-14 06:10:00 UTC`."""
    if not stored:
        return "-"
    return from_iso(stored).strftime("%Y-%m-%d %H:%M:%S UTC")


def local_text(stored: str | None, zone_name: str, named: bool = True) -> str:
    """A stored UTC time in a local zone with its offset: `2026-03-14 07:10:00 +01:00 (Europe/Oslo)`
    (without the zone's name where a heading gives it)."""
    if not stored:
        return "-"
    moment: datetime = from_iso(stored).astimezone(zone(zone_name))
    offset = moment.strftime("%z")
    shown = f"{moment:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"
    return f"{shown} ({zone_name})" if named else shown


_ACCOUNTS_SQL = text(
    "SELECT a.id, a.restricted FROM person_links l JOIN accounts a ON a.id = l.account_id "
    "WHERE l.person_id = :p ORDER BY a.id"
)

_CONVERSATIONS_SQL = text(
    """
    SELECT conversation_id FROM conversation_participants
    WHERE account_id IN (SELECT value FROM json_each(:a))
    UNION SELECT DISTINCT conversation_id FROM messages
    WHERE sender_account_id IN (SELECT value FROM json_each(:a))
    """
)

_EXHIBITS_SQL = text(
    """
    SELECT exhibit_id FROM conversations WHERE id IN (SELECT value FROM json_each(:c))
    UNION SELECT exhibit_id FROM contacts WHERE owner_account_id IN (SELECT value FROM json_each(:a))
    UNION SELECT exhibit_id FROM account_names
          WHERE exhibit_id IS NOT NULL AND account_id IN (SELECT value FROM json_each(:a))
    """
)


def suspect_scope(
    conn: Connection, person_id: int, clearance: Clearance, own_exhibit_refs: tuple[str, ...] = ()
) -> SuspectScope:
    """Resolve a person into the ids the package covers; an unknown person or exhibit is an error."""
    person = conn.execute(text("SELECT id FROM persons WHERE id = :p"), {"p": person_id}).first()
    if person is None:
        msg = f"no person {person_id} in this case; identity resolution makes persons from accounts"
        raise InvalidInput(msg)
    accounts = conn.execute(_ACCOUNTS_SQL, {"p": person_id}).all()
    account_ids = tuple(int(r.id) for r in accounts)
    ids = json.dumps(list(account_ids))
    conversation_ids = tuple(sorted(int(r[0]) for r in conn.execute(_CONVERSATIONS_SQL, {"a": ids})))
    found = conn.execute(_EXHIBITS_SQL, {"c": json.dumps(list(conversation_ids)), "a": ids}).all()
    own_ids = _own_exhibits(conn, own_exhibit_refs)
    zones = {int(r.id): r.timezone for r in conn.execute(text("SELECT id, timezone FROM exhibits"))}
    case_zone = conn.execute(text("SELECT value FROM case_settings WHERE key = 'timezone'")).scalar_one()
    return SuspectScope(
        person_id=person_id,
        clearance=clearance,
        account_ids=account_ids,
        conversation_ids=conversation_ids,
        exhibit_ids=tuple(sorted({int(r[0]) for r in found} | set(own_ids))),
        own_exhibit_ids=own_ids,
        restricted_account_ids=frozenset(int(r.id) for r in accounts if r.restricted),
        case_zone=str(case_zone),
        exhibit_zones={k: v for k, v in zones.items() if v},
        redactor=NO_REDACTION if clearance == "restricted" else case_redactor(conn),
    )


def _own_exhibits(conn: Connection, refs: tuple[str, ...]) -> tuple[int, ...]:
    ids: list[int] = []
    for ref in refs:
        row = conn.execute(text("SELECT id FROM exhibits WHERE ref = :r"), {"r": ref}).first()
        if row is None:
            msg = f"no exhibit {ref!r} in this case; `darkroom evidence list` shows them"
            raise InvalidInput(msg)
        ids.append(int(row.id))
    return tuple(sorted(set(ids)))


def restricted_accounts(conn: Connection, account_ids: set[int]) -> frozenset[int]:
    """Which of the accounts are restricted (undercover officers, victims)."""
    rows = conn.execute(
        text("SELECT id FROM accounts WHERE restricted = 1 AND id IN (SELECT value FROM json_each(:ids))"),
        {"ids": json.dumps(sorted(account_ids))},
    )
    return frozenset(int(r.id) for r in rows)


def table_exists(conn: Connection, name: str) -> bool:
    """Whether a table exists (sections of later stages check before reading)."""
    row = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": name}
    ).first()
    return row is not None
