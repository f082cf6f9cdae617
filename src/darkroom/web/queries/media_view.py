"""The media review grid and one item, for safe viewing: only blurred thumbnails are ever listed,
and items of a known category (a hash-set match or a review) only when the examiner asks."""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import Connection, text

from darkroom.media.queries import media_items, senders_of
from darkroom.web.access import CaseView
from darkroom.web.queries import Page, limits, page_of
from darkroom.web.redaction import redactor_for

GridFilter = Literal["review", "known", "failed", "all"]
GRID_PER_PAGE = 48

_UNKNOWN = (
    "NOT EXISTS (SELECT 1 FROM media_matches mm WHERE mm.file_id = m.file_id) "
    "AND NOT EXISTS (SELECT 1 FROM media_reviews r WHERE r.file_id = m.file_id)"
)
_FILTERS: dict[GridFilter, str] = {
    "review": f"m.status = 'done' AND {_UNKNOWN}",
    "known": f"m.status = 'done' AND NOT ({_UNKNOWN})",
    "failed": "m.status = 'failed'",
    "all": "1 = 1",
}

_GRID_SQL = """
SELECT m.file_id, m.media_kind, m.status, m.error, m.width, m.height, m.thumbnail_path,
       e.ref AS exhibit, f.display_path AS path, sm.series_id
FROM media m JOIN files f ON f.id = m.file_id JOIN exhibits e ON e.id = f.exhibit_id
LEFT JOIN media_series_members sm ON sm.file_id = m.file_id
WHERE {where} ORDER BY m.file_id LIMIT :limit OFFSET :offset
"""


def grid_page(
    conn: Connection, view: CaseView, grid_filter: GridFilter, number: int, series_id: int | None = None
) -> Page:
    """One page of the grid; `review` (the default) holds only items of no known category; restricted
    names redacted from paths and errors."""
    where = _FILTERS[grid_filter]
    params: dict[str, Any] = dict(limits(number, GRID_PER_PAGE))
    if series_id is not None:
        where += " AND sm.series_id = :series"
        params["series"] = series_id
    rows = [dict(r._mapping) for r in conn.execute(text(_GRID_SQL.format(where=where)), params)]
    redactor_for(conn, view).rows(rows, "path", "error")
    return page_of(rows, number, GRID_PER_PAGE)


def media_item(conn: Connection, view: CaseView, file_id: int) -> dict[str, Any] | None:
    """One item with digests, EXIF, matches, series, reviews and (masked) senders, restricted names
    redacted from its path and the senders' chats and files; None if not media."""
    found = next(media_items(conn, "WHERE m.file_id = :f", {"f": file_id}), None)
    if found is None:
        return None
    senders = senders_of(conn, file_id)
    restricted = _restricted_handles(
        conn, {(s["sender_platform"], s["sender"]) for s in senders if s["sender"]}
    )
    for sender in senders:
        key = (sender["sender_platform"], sender["sender"])
        sender["sender"] = view.handle(sender["sender"], key in restricted)
    redactor = redactor_for(conn, view)
    redactor.fields(found, "path", "error")
    redactor.rows(senders, "conversation", "source_file", "locator")
    found["senders"] = senders
    return found


def _restricted_handles(conn: Connection, handles: set[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for platform, handle in handles:
        row = conn.execute(
            text("SELECT restricted FROM accounts WHERE platform = :p AND handle_norm = :h"),
            {"p": platform, "h": handle},
        ).first()
        if row is not None and row.restricted:
            found.add((platform, handle))
    return found


def reveal_source(conn: Connection, file_id: int) -> dict[str, Any] | None:
    """What a reveal needs: the file's kind, SHA-256 and exhibit source; None if not analysed media."""
    row = conn.execute(
        text(
            "SELECT m.media_kind, m.status, f.sha256, f.display_path, e.ref, e.source_path "
            "FROM media m JOIN files f ON f.id = m.file_id JOIN exhibits e ON e.id = f.exhibit_id "
            "WHERE m.file_id = :f"
        ),
        {"f": file_id},
    ).first()
    return None if row is None else dict(row._mapping)


def thumbnail_path(conn: Connection, file_id: int) -> str | None:
    """The blurred thumbnail's path inside derived/, if the item has one."""
    row = conn.execute(text("SELECT thumbnail_path FROM media WHERE file_id = :f"), {"f": file_id}).first()
    return None if row is None else row.thumbnail_path
