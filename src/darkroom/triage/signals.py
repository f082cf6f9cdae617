"""The evidence a subject's priority is weighed from, read from the case store per subject:
indicator hits they wrote, planned events, production signs in media, network role, and the
factors an investigator recorded. Each reader returns plain facts; `priority` weighs them.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from darkroom.network.owners import infer_exhibit_owners
from darkroom.triage.subjects import SubjectIndex

_HIT_COUNTS_SQL = text(
    """
    SELECT h.sender_account_id AS account_id, h.category, h.term, MAX(h.weight) AS weight,
           COUNT(DISTINCT COALESCE(m.sent_at_utc, h.message_id) || h.span_start) AS n
    FROM indicator_hits h JOIN messages m ON m.id = h.message_id
    WHERE h.sender_account_id IS NOT NULL
    GROUP BY h.sender_account_id, h.category, h.term
    """
)
_NEW_SERIES_SQL = text(
    """
    SELECT s.id AS series_id, f.exhibit_id, sm.file_id, md.exif_body_serial
    FROM media_series s JOIN media_series_members sm ON sm.series_id = s.id
    JOIN files f ON f.id = sm.file_id LEFT JOIN media md ON md.file_id = sm.file_id
    WHERE NOT EXISTS (
        SELECT 1 FROM media_series_members x JOIN media_matches mm ON mm.file_id = x.file_id
        WHERE x.series_id = s.id)
    """
)


@dataclass(slots=True)
class HitTally:
    """A subject's own hits in one category: distinct occurrences per term and summed weight."""

    terms: Counter[str] = field(default_factory=Counter)
    weight: float = 0.0


@dataclass(slots=True)
class EventRole:
    """A subject's part in one active alert."""

    alert_id: int
    urgent: bool
    led: bool
    event_date: str
    date_text: str


@dataclass(slots=True)
class ProductionSigns:
    """New series tied to a subject's devices or sends, and cameras shared with them."""

    new_series: set[int] = field(default_factory=set)
    shared_serials: set[str] = field(default_factory=set)


def hit_tallies(conn: Connection, subjects: SubjectIndex) -> dict[str, dict[str, HitTally]]:
    """subject -> category -> tally, over the messages each subject wrote (copies counted once)."""
    tallies: dict[str, dict[str, HitTally]] = defaultdict(lambda: defaultdict(HitTally))
    for row in conn.execute(_HIT_COUNTS_SQL):
        tally = tallies[subjects.key(int(row.account_id))][row.category]
        tally.terms[row.term] += int(row.n)
        tally.weight += float(row.weight) * int(row.n)
    return tallies


def event_roles(conn: Connection) -> dict[str, list[EventRole]]:
    """subject -> its part in every active alert (wrote a raising message, or took part)."""
    roles: dict[str, list[EventRole]] = defaultdict(list)
    rows = conn.execute(
        text(
            "SELECT id, urgent, subjects_json, leads_json, event_date, date_text FROM alerts WHERE active = 1"
        )
    )
    for row in rows:
        leads = set(json.loads(row.leads_json))
        for subject in set(json.loads(row.subjects_json)) | leads:
            roles[subject].append(
                EventRole(int(row.id), bool(row.urgent), subject in leads, row.event_date, row.date_text)
            )
    return roles


def exhibit_owners(conn: Connection) -> dict[int, set[int]]:
    """exhibit -> its own accounts, by the network stage's one owner rule (stated owners first)."""
    owners: dict[int, set[int]] = defaultdict(set)
    for owner in infer_exhibit_owners(conn):
        owners[owner.exhibit_id].add(owner.account_id)
    return dict(owners)


def production_signs(conn: Connection, subjects: SubjectIndex) -> dict[str, ProductionSigns]:
    """New (unmatched) series on a subject's devices or sent by them, and the camera serials
    the subject's own media share with such a series."""
    owners = exhibit_owners(conn)
    signs: dict[str, ProductionSigns] = defaultdict(ProductionSigns)
    series_serials: dict[str, set[int]] = defaultdict(set)
    series_files: dict[int, int] = {}
    for row in conn.execute(_NEW_SERIES_SQL):
        series_files[int(row.file_id)] = int(row.series_id)
        for account in owners.get(int(row.exhibit_id), ()):
            signs[subjects.key(account)].new_series.add(int(row.series_id))
        if row.exif_body_serial:
            series_serials[str(row.exif_body_serial)].add(int(row.series_id))
    if not series_files:
        return {}
    sent = conn.execute(
        text(
            "SELECT l.file_id, m.sender_account_id FROM media_message_links l "
            "JOIN messages m ON m.id = l.message_id WHERE m.sender_account_id IS NOT NULL"
        )
    )
    for row in sent:
        series = series_files.get(int(row.file_id))
        if series is not None:
            signs[subjects.key(int(row.sender_account_id))].new_series.add(series)
    if series_serials:
        serial_rows = conn.execute(
            text(
                "SELECT DISTINCT f.exhibit_id, md.exif_body_serial FROM media md "
                "JOIN files f ON f.id = md.file_id "
                "WHERE md.exif_body_serial IN (SELECT value FROM json_each(:serials))"
            ),
            {"serials": json.dumps(sorted(series_serials))},
        )
        for row in serial_rows:
            for account in owners.get(int(row.exhibit_id), ()):
                signs[subjects.key(account)].shared_serials.add(str(row.exif_body_serial))
    return dict(signs)


def network_roles(conn: Connection, subjects: SubjectIndex) -> dict[str, str]:
    """subject -> role ('hub', 'broker', 'peripheral') where the network stage has run."""
    roles: dict[str, str] = {}
    for row in conn.execute(
        text("SELECT person_id, account_id, role FROM network_nodes WHERE role IS NOT NULL")
    ):
        key = f"person:{row.person_id}" if row.person_id is not None else subjects.key(int(row.account_id))
        roles[key] = str(row.role)
    return roles
