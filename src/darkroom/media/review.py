"""Examiners' review decisions: an item or a whole series is categorised (audited), and the
decision is cast as a suggestion onto the item's near-duplicates (the other members of its
series), which an examiner then confirms or overrules. Categorised media export as VICS 2.0."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Connection, text

from darkroom.errors import InvalidInput
from darkroom.evidence import audit
from darkroom.media.hashsets.categories import CASE_CATEGORIES, to_vics_code
from darkroom.media.hashsets.vics_export import VicsFile, VicsItem
from darkroom.media.queries import media_items
from darkroom.store import CaseStore, execute_many
from darkroom.timeutil import to_iso, utc_now


@dataclass(frozen=True, slots=True)
class ReviewResult:
    """Files decided and near-duplicates given a suggestion."""

    decided: int
    suggested: int
    audit_seq: int


def _series_members(conn: Connection, series_id: int) -> list[int]:
    rows = conn.execute(
        text("SELECT file_id FROM media_series_members WHERE series_id = :s ORDER BY file_id"),
        {"s": series_id},
    ).all()
    if not rows:
        raise InvalidInput(f"no media series {series_id} in this case")
    return [int(r.file_id) for r in rows]


def _check_files(conn: Connection, file_ids: list[int]) -> None:
    known = {
        int(r.file_id)
        for r in conn.execute(
            text("SELECT file_id FROM media WHERE file_id IN (SELECT value FROM json_each(:ids))"),
            {"ids": json.dumps(file_ids)},
        )
    }
    missing = sorted(set(file_ids) - known)
    if missing:
        raise InvalidInput(f"not a media item of this case: {', '.join(map(str, missing))}")


def _near_duplicates(conn: Connection, file_ids: list[int]) -> list[tuple[int, int, int | None]]:
    """(decided file, other series member, distance to the series' representative) pairs."""
    rows = conn.execute(
        text(
            """
            SELECT a.file_id AS decided, b.file_id AS other, b.distance_to_representative AS distance
            FROM media_series_members a JOIN media_series_members b ON b.series_id = a.series_id
            WHERE a.file_id IN (SELECT value FROM json_each(:ids)) AND b.file_id != a.file_id
            AND b.file_id NOT IN (SELECT value FROM json_each(:ids))
            AND NOT EXISTS (SELECT 1 FROM media_reviews r
                            WHERE r.file_id = b.file_id AND r.source = 'examiner')
            ORDER BY b.file_id
            """
        ),
        {"ids": json.dumps(file_ids)},
    ).all()
    return [(int(r.decided), int(r.other), r.distance) for r in rows]


def categorise(
    store: CaseStore,
    actor: str,
    category: str,
    reason: str,
    file_ids: list[int] | None = None,
    series_id: int | None = None,
) -> ReviewResult:
    """Record an examiner's category for items or a series; suggest it to their near-duplicates."""
    if category not in CASE_CATEGORIES:
        raise InvalidInput(
            f"unknown category {category!r}; the case's categories: {', '.join(sorted(CASE_CATEGORIES))}"
        )
    if not reason.strip():
        raise InvalidInput("a review decision needs a reason")
    now = to_iso(utc_now())
    with store.write() as conn:
        targets = _series_members(conn, series_id) if series_id is not None else sorted(set(file_ids or []))
        if not targets:
            raise InvalidInput("name the items (--file) or a series (--series) to categorise")
        _check_files(conn, targets)
        subject = f"series:{series_id}" if series_id is not None else f"media:{','.join(map(str, targets))}"
        entry = audit.append(
            conn,
            actor,
            "media.categorise",
            subject,
            {"category": category, "reason": reason, "files": targets},
        )
        review_of: dict[int, int] = {}
        for file_id in targets:
            review_of[file_id] = conn.execute(
                text(
                    "INSERT INTO media_reviews (file_id, category, source, reason, actor, at_utc, audit_seq) "
                    "VALUES (:f, :c, 'examiner', :r, :a, :t, :s) RETURNING id"
                ),
                {"f": file_id, "c": category, "r": reason, "a": actor, "t": now, "s": entry.seq},
            ).scalar_one()
        suggested: dict[int, tuple[int, int | None]] = {}  # near-duplicate -> (decided file, distance)
        for decided, other, distance in _near_duplicates(conn, targets):
            suggested.setdefault(other, (decided, distance))
        execute_many(conn,
            "INSERT INTO media_reviews (file_id, category, source, from_review_id, distance, reason, "
            "actor, at_utc) VALUES (?, ?, 'suggested', ?, ?, ?, ?, ?)",
            [(other, category, review_of[decided], distance, f"near-duplicate of file {decided}", actor, now)
             for other, (decided, distance) in suggested.items()],
        )  # fmt: skip
    return ReviewResult(len(targets), len(suggested), entry.seq)


def vics_items(conn: Connection) -> list[VicsItem]:
    """The VICS item of every categorised media file (examiner decisions and hash-set categories;
    known-good and uncategorised left out): what `media export-vics` and `export --format vics` write."""
    return [
        VicsItem(
            md5=item["md5"],
            sha1=item["sha1"],
            sha256=item["sha256"],
            category=to_vics_code(item["category"]),
            pdq=bytes.fromhex(item["pdq_hex"]) if item["pdq_hex"] else None,
            series=f"darkroom-series-{item['series_id']}" if item["series_id"] is not None else None,
            size=item["size"],
            files=(VicsFile(item["path"].rsplit("/", 1)[-1], f"{item['exhibit']}/{item['path']}"),),
        )
        for item in media_items(conn)
        if item["category"] and item["category"] in CASE_CATEGORIES and item["category"] != "known-good"
    ]
