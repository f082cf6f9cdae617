"""What pages and the API both do: audited views, the reveal, review decisions.

Every view of a person, conversation or media item is appended to the case's audit chain with
the user as actor, before anything of it is sent.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Literal

from darkroom.errors import EvidenceError, InvalidInput
from darkroom.evidence import audit
from darkroom.evidence.archives import copy_location
from darkroom.evidence.intake import location_of
from darkroom.identity.decisions import (
    DecisionOutcome,
    confirm_person,
    merge_persons,
    reject_link,
    split_person,
)
from darkroom.network import marks as network_marks
from darkroom.network.marks import Mark, MarkStatus
from darkroom.web.access import CaseView, not_found
from darkroom.web.deps import TimedCache
from darkroom.web.queries import Page, identity_view, leads_view, media_view
from darkroom.web.queries import comms as comms_queries

ViewedKind = Literal["person", "conversation", "media"]


def audit_view(view: CaseView, kind: ViewedKind, subject_id: int, details: dict[str, Any]) -> None:
    """Append `view.KIND` for this user to the case's audit chain."""
    with view.case.store.write() as conn:
        audit.append(conn, view.user.name, f"view.{kind}", f"{kind}:{subject_id}", details)


def view_conversation(
    view: CaseView, conversation_id: int, number: int, via: str
) -> tuple[dict[str, Any], Page]:
    """A conversation's header and one page of its messages (audited); 404 when there is none."""
    with view.case.store.read() as conn:
        header = comms_queries.conversation(conn, view, conversation_id)
        if header is None:
            raise not_found("no such conversation")
        messages = comms_queries.messages_page(conn, view, conversation_id, number)
    audit_view(view, "conversation", conversation_id, {"page": number, "via": via})
    return header, messages


def view_person(view: CaseView, person_id: int, via: str, cache: TimedCache | None = None) -> dict[str, Any]:
    """A person as identity resolution left it (audited); 404 when absent or not cleared.

    A retired person (merged into another) is returned unaudited with `merged_into`, for a redirect.
    """
    with view.case.store.read() as conn:
        found = identity_view.person_page(conn, view, person_id, cache)
    if found is None:
        raise not_found("no such person")
    if found["retired_at_utc"] is None:
        audit_view(view, "person", person_id, {"via": via})
    return found


def view_media(view: CaseView, file_id: int, via: str) -> dict[str, Any]:
    """One media item's facts (audited; no pixels beyond the blurred thumbnail)."""
    with view.case.store.read() as conn:
        found = media_view.media_item(conn, view, file_id)
    if found is None:
        raise not_found("no such media item")
    audit_view(view, "media", file_id, {"via": via})
    return found


def reveal(view: CaseView, file_id: int, reason: str) -> bytes:
    """A clear rendition made in memory for an audited reveal (the audit row is written first).

    Archive members are decoded from a copy inside the case folder, removed at once.
    """
    from darkroom.media.reveal import clear_rendition  # noqa: PLC0415 - Pillow/PyAV only when revealing

    view.require("reveal")
    store = view.case.store
    with store.read() as conn:
        source = media_view.reveal_source(conn, file_id)
        if source is None or source["status"] != "done":
            raise not_found("no such media item")
        location = location_of(conn, file_id, Path(os.fsdecode(source["source_path"])))
    with store.write() as conn:
        details = {"sha256": source["sha256"], "exhibit": source["ref"], "reason": reason.strip()[:500]}
        audit.append(conn, view.user.name, "media.reveal", f"media:{file_id}", details)
    copy_dir: Path | None = None
    try:
        if location.chain:
            copy_dir = store.work_dir("working") / f"reveal-{uuid.uuid4().hex}"
            copy_dir.mkdir()
            path = copy_dir / "item"
            copy_location(location, store.work_dir("spool"), path)
        else:
            path = Path(os.fsdecode(location.fs_path))
        return clear_rendition(path, media_kind=source["media_kind"])
    except OSError as err:
        raise EvidenceError(
            f"the evidence file of media item {file_id} cannot be read: {err.strerror}"
        ) from err
    finally:
        if copy_dir is not None:
            shutil.rmtree(copy_dir, ignore_errors=True)


DecisionKind = Literal["merge", "split", "confirm", "reject-link"]


def decide(
    view: CaseView, kind: DecisionKind, person_id: int, refs: list[str], other_id: int | None, reason: str
) -> DecisionOutcome:
    """An investigator's decision on a person, made and audited by darkroom.identity.decisions with the
    web user as actor; nothing the viewer may not see can be named (404)."""
    view.require("decide")
    with view.case.store.read() as conn:
        if not identity_view.visible_person(conn, view, person_id):
            raise not_found("no such person")
        if other_id is not None and not identity_view.visible_person(conn, view, other_id):
            raise not_found("no such person")
        if not identity_view.visible_refs(conn, view, refs):
            raise not_found("no such account")
    store, actor = view.case.store, view.user.name
    if kind == "merge":
        if other_id is None:
            raise InvalidInput("a merge needs the other person's number")
        return merge_persons(store, actor, person_id, other_id, reason)
    if kind == "split":
        return split_person(store, actor, person_id, refs, reason)
    if kind == "confirm":
        return confirm_person(store, actor, person_id, refs, reason)
    if len(refs) != 1:
        raise InvalidInput("reject one link at a time")
    return reject_link(store, actor, person_id, refs[0], reason)


def mark_lead(view: CaseView, lead_id: int, status: MarkStatus, reason: str) -> Mark:
    """Identify or dismiss a lead (audited by darkroom.network.marks with the web user as actor)."""
    view.require("mark-lead")
    with view.case.store.read() as conn:
        if leads_view.lead_page(conn, view, lead_id) is None:
            raise not_found("no such lead")
    return network_marks.mark_lead(view.case.store, str(lead_id), status, reason, view.user.name)
