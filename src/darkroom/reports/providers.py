"""Sections whose data later stages write: indicator hits and planned events (triage), bookmarks
(the web workspace), the network neighbourhood (network). Each provider answers `Unavailable` with
the reason when its tables are missing or empty, so a package is made from whatever the case holds.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import cast

from sqlalchemy import Connection, text

from darkroom.reports.scope import SuspectScope, table_exists
from darkroom.reports.sections import Bookmark, Indicators, Unavailable

BOOKMARK_COLUMNS = frozenset({"subject_kind", "subject_id", "label", "created_by", "created_at_utc"})
# The triage stage's read-side hook for packages: `indicators_for(conn, scope) -> Indicators | Unavailable`.
TRIAGE_HOOK = ("darkroom.triage.report_source", "indicators_for")

IndicatorHook = Callable[[Connection, SuspectScope], "Indicators | Unavailable"]


def indicators(conn: Connection, scope: SuspectScope) -> Indicators | Unavailable:
    """Indicator hits and planned events in the suspect's conversations, from the triage stage."""
    module_name, function_name = TRIAGE_HOOK
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return Unavailable(
            "the triage stage (indicator hits, planned events) is not part of this darkroom yet"
        )
    hook = getattr(module, function_name, None)
    if hook is None:
        return Unavailable(f"{module_name} has no {function_name}; this darkroom cannot read triage results")
    return cast("IndicatorHook", hook)(conn, scope)


def _columns(conn: Connection, table: str) -> set[str]:
    return {str(r[1]) for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")}


def bookmarks(conn: Connection, scope: SuspectScope) -> tuple[Bookmark, ...] | Unavailable:
    """Bookmarked messages of the suspect's conversations, oldest bookmark first (labels are typed text)."""
    if not table_exists(conn, "bookmarks"):
        return Unavailable("this case has no workspace bookmarks (the web workspace has not been used)")
    missing = BOOKMARK_COLUMNS - _columns(conn, "bookmarks")
    if missing:
        return Unavailable(
            f"the bookmarks table lacks {', '.join(sorted(missing))}; this darkroom cannot read it"
        )
    rows = conn.execute(
        text(
            "SELECT b.label, b.created_by, b.created_at_utc, b.subject_id FROM bookmarks b "
            "JOIN messages m ON m.id = b.subject_id WHERE b.subject_kind = 'message' "
            "AND m.conversation_id IN (SELECT value FROM json_each(:c)) ORDER BY b.created_at_utc, b.id"
        ),
        {"c": json.dumps(list(scope.conversation_ids))},
    ).all()
    if not rows:
        return Unavailable("no message of the suspect's conversations is bookmarked")
    return tuple(
        Bookmark(scope.typed(str(r.label)), str(r.created_by), str(r.created_at_utc), int(r.subject_id))
        for r in rows
    )
