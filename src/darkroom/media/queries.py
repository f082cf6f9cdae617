"""Read-side views of the media model for the CLI, reports and the web app: one item with
everything known about it, and series with their clues."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, text

from darkroom.media.hashsets.categories import PERTINENT_CATEGORIES, case_category

_ITEMS_SQL = """
SELECT f.id AS file_id, e.ref AS exhibit, f.display_path AS path, f.md5, f.sha1, f.sha256, f.size,
       m.media_kind, m.status, m.error, m.width, m.height, m.duration_s, m.codec, m.pdq_hex, m.pdq_quality,
       m.exif_make, m.exif_model, m.exif_body_serial, m.exif_lens, m.exif_software, m.exif_taken_at,
       m.gps_lat, m.gps_lon, m.thumbnail_path, sm.series_id
FROM media m JOIN files f ON f.id = m.file_id JOIN exhibits e ON e.id = f.exhibit_id
LEFT JOIN media_series_members sm ON sm.file_id = m.file_id
{where}
ORDER BY e.ref, f.display_path
"""

_MATCHES_SQL = text(
    """
    SELECT mm.file_id, mm.match_kind, mm.distance, mm.form, s.name AS hashset, s.scheme, s.known_good,
           h.category AS source_category, h.series AS source_series, h.victim_identified, h.locator
    FROM media_matches mm JOIN hashset_entries h ON h.id = mm.entry_id JOIN hashsets s ON s.id = h.hashset_id
    WHERE mm.file_id IN (SELECT value FROM json_each(:ids))
    ORDER BY mm.file_id, mm.distance, s.name
    """
)

_REVIEWS_SQL = text(
    """
    SELECT file_id, category, source, distance, reason, actor, at_utc FROM media_reviews
    WHERE file_id IN (SELECT value FROM json_each(:ids)) ORDER BY file_id, id
    """
)


def matches_of(conn: Connection, file_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every hash-set match of the files, with the case category of the matched entry."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(_MATCHES_SQL, {"ids": json.dumps(file_ids)}):
        source = row.source_category
        found[row.file_id].append(
            {
                "kind": row.match_kind,
                "distance": row.distance,
                "form": row.form,
                "hashset": row.hashset,
                "category": "known-good"
                if row.known_good
                else (case_category(conn, row.scheme, source) if source is not None else None),
                "source_category": source,
                "source_series": row.source_series,
                "victim_identified": None if row.victim_identified is None else bool(row.victim_identified),
                "entry": row.locator,
            }
        )
    return found


def reviews_of(conn: Connection, file_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Examiners' categorisations and the suggestions they cast, oldest first."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(_REVIEWS_SQL, {"ids": json.dumps(file_ids)}):
        found[row.file_id].append(dict(row._mapping))
    return found


def effective_category(matches: list[dict[str, Any]], reviews: list[dict[str, Any]]) -> str | None:
    """An examiner's latest decision wins; then a hash-set category; then a suggestion."""
    decided = [r for r in reviews if r["source"] == "examiner"]
    if decided:
        return str(decided[-1]["category"])
    categories = [m["category"] for m in matches if m["category"]]
    if categories:
        return str(min(categories, key=lambda c: (c == "known-good", c)))
    suggested = [r for r in reviews if r["source"] == "suggested"]
    return str(suggested[-1]["category"]) if suggested else None


def pertinent_files(conn: Connection, file_ids: list[int]) -> list[int]:
    """The files among these whose category — an examiner's latest decision, else a hash-set match;
    never a mere suggestion — is illegal or exploitative."""
    matches, reviews = matches_of(conn, file_ids), reviews_of(conn, file_ids)
    found = []
    for file_id in file_ids:
        decided = [r for r in reviews.get(file_id, []) if r["source"] == "examiner"]
        category = effective_category(matches.get(file_id, []), decided)
        if category in PERTINENT_CATEGORIES:
            found.append(file_id)
    return found


def media_items(
    conn: Connection, where: str = "", params: dict[str, Any] | None = None, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """Media items with digests, PDQ, EXIF, series, matches and category (one dict each)."""
    result = conn.execute(text(_ITEMS_SQL.format(where=where)), params or {})
    while rows := result.fetchmany(batch):
        ids = [r.file_id for r in rows]
        matches, reviews = matches_of(conn, ids), reviews_of(conn, ids)
        for row in rows:
            item = dict(row._mapping)
            item["matches"] = matches.get(row.file_id, [])
            item["reviews"] = reviews.get(row.file_id, [])
            item["category"] = effective_category(item["matches"], item["reviews"])
            yield item


_SERIES_SQL = """
SELECT s.id, s.file_count, s.distinct_count, s.representative_file_id,
       COUNT(DISTINCT f.exhibit_id) AS exhibits,
       json_group_array(DISTINCT e.ref) AS exhibit_refs,
       json_group_array(DISTINCT e.seized_from) AS devices,
       json_group_array(DISTINCT m.exif_body_serial) AS camera_serials,
       json_group_array(DISTINCT m.exif_make || ' ' || m.exif_model) AS cameras,
       MIN(m.exif_taken_at) AS first_taken, MAX(m.exif_taken_at) AS last_taken,
       SUM(m.gps_lat IS NOT NULL) AS gps_points,
       (SELECT COUNT(*) FROM media_series_members x JOIN media_matches mm ON mm.file_id = x.file_id
        WHERE x.series_id = s.id) AS matched_files
FROM media_series s JOIN media_series_members sm ON sm.series_id = s.id
JOIN files f ON f.id = sm.file_id JOIN exhibits e ON e.id = f.exhibit_id JOIN media m ON m.file_id = f.id
{where}
GROUP BY s.id
"""


def series_rows(
    conn: Connection, where: str = "", params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Series with their clues, new material first: never seen in a hash set, then the most
    exhibits, the most files (victim identification works from the top)."""
    rows = [dict(r._mapping) for r in conn.execute(text(_SERIES_SQL.format(where=where)), params or {})]
    for row in rows:
        row["known"] = bool(row.pop("matched_files"))
        for key in ("exhibit_refs", "devices", "camera_serials", "cameras"):
            row[key] = sorted(value for value in json.loads(row[key]) if value)
    rows.sort(key=lambda r: (r["known"], -r["exhibits"], -r["file_count"], r["id"]))
    return rows


def gps_points(conn: Connection, series_id: int) -> list[tuple[float, float]]:
    """Where the pictures of a series were taken, as the cameras recorded it."""
    rows = conn.execute(
        text(
            "SELECT DISTINCT m.gps_lat, m.gps_lon FROM media_series_members sm "
            "JOIN media m ON m.file_id = sm.file_id "
            "WHERE sm.series_id = :s AND m.gps_lat IS NOT NULL ORDER BY 1, 2"
        ),
        {"s": series_id},
    ).all()
    return [(float(r.gps_lat), float(r.gps_lon)) for r in rows]


def senders_of(conn: Connection, file_id: int) -> list[dict[str, Any]]:
    """Messages that carried the file: who sent it, when, in which conversation, on which device."""
    rows = conn.execute(
        text(
            """
            SELECT l.link_kind, msg.id AS message_id, msg.sent_at_utc, msg.locator, conv.platform,
                   conv.title AS conversation, a.platform AS sender_platform, a.handle_norm AS sender,
                   e.ref AS exhibit, src.display_path AS source_file
            FROM media_message_links l JOIN messages msg ON msg.id = l.message_id
            JOIN conversations conv ON conv.id = msg.conversation_id
            LEFT JOIN accounts a ON a.id = msg.sender_account_id
            JOIN exhibits e ON e.id = msg.exhibit_id JOIN files src ON src.id = msg.file_id
            WHERE l.file_id = :f ORDER BY msg.sent_at_utc, msg.id
            """
        ),
        {"f": file_id},
    ).all()
    return [dict(r._mapping) for r in rows]
