"""Triage for the pages: the queue, alerts and a person's priority breakdown (darkroom.triage)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

NOT_RUN = "Triage has not run on this case (darkroom triage run, or darkroom analyse)."


def person_priority(conn: Connection, person_id: int) -> tuple[dict[str, Any] | None, str]:
    """A person's advisory priority with the factors behind it, or why there is none."""
    del conn, person_id
    return None, NOT_RUN
