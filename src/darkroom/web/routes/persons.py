"""Persons (list and page, audited), restricted marks, bookmarks and notes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from darkroom.web import actions
from darkroom.web.access import CaseView, not_found
from darkroom.web.deps import LoggedIn, State, Viewer
from darkroom.web.queries import graph_view, identity_view, triage_view, workspace
from darkroom.web.render import page
from darkroom.web.routes.auth import safe_next

router = APIRouter(include_in_schema=False)
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]


@router.get("/cases/{case_id}/persons")
def person_list(
    request: Request, session: LoggedIn, view: Viewer, state: State, page_number: PageNo = 1
) -> HTMLResponse:
    """Persons identity resolution found (restricted ones only with clearance)."""
    with view.case.store.read() as conn:
        rows = identity_view.persons_page(conn, view, page_number)
    return page(state.templates, request, "persons.html", session, view, active="persons", rows=rows)


@router.get("/cases/{case_id}/persons/{person_id}", response_model=None)
def person(
    request: Request, session: LoggedIn, view: Viewer, state: State, person_id: int
) -> HTMLResponse | RedirectResponse:
    """A person: records and why they were linked, identifiers, partners, candidates, priority,
    network role, decisions (audited). A person merged into another redirects there."""
    found = actions.view_person(view, person_id, "page", state.person_details)
    if found["retired_at_utc"] is not None:
        if found["merged_into"] is None:
            raise not_found("this person was retired")
        return RedirectResponse(f"/cases/{view.case.case_id}/persons/{found['merged_into']}", status_code=303)
    with view.case.store.read() as conn:
        notes = workspace.notes_of(conn, view, "person", [person_id]).get(person_id, [])
        bookmark = workspace.my_bookmarks_of(conn, view, "person", [person_id]).get(person_id)
        node = graph_view.node_of_person(conn, person_id) if graph_view.has_network(conn) else None
    return page(
        state.templates, request, "person.html", session, view, active="persons",
        person=found, notes=notes, bookmark=bookmark, node=node,
    )  # fmt: skip


@router.get("/cases/{case_id}/persons/{person_id}/priority")
def person_priority(
    request: Request, session: LoggedIn, view: Viewer, state: State, person_id: int
) -> HTMLResponse:
    """A person's advisory priority breakdown, as a fragment the person page loads after itself
    (triage reads every alert for it; the page itself stays fast)."""
    with view.case.store.read() as conn:
        if not identity_view.visible_person(conn, view, person_id):
            raise not_found("no such person")
    priority, note = triage_view.person_priority(view.case.store, view, person_id, state.person_details)
    return page(
        state.templates, request, "_priority.html", session, view, priority=priority, priority_note=note
    )


@router.post("/cases/{case_id}/persons/{person_id}/decide")
def decide(
    view: Viewer,
    person_id: int,
    kind: Annotated[actions.DecisionKind, Form()],
    reason: Annotated[str, Form(max_length=2000)],
    refs: Annotated[list[str] | None, Form(max_length=200)] = None,
    other: Annotated[int | None, Form(ge=1, le=2**53)] = None,
) -> Response:
    """Merge, split, confirm or reject a link (leads and investigators; audited with the user)."""
    actions.decide(view, kind, person_id, refs or [], other, reason)
    return RedirectResponse(f"/cases/{view.case.case_id}/persons/{person_id}", status_code=303)


@router.post("/cases/{case_id}/restricted")
def mark_restricted(
    view: Viewer,
    kind: Annotated[Literal["person", "account"], Form()],
    subject_id: Annotated[int, Form(ge=1)],
    restricted: Annotated[bool, Form()],
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """A lead marks or unmarks a person or an account as restricted (audited)."""
    view.require("restrict")
    with view.case.store.write() as conn:
        if not workspace.subject_visible(conn, view, kind, subject_id):
            raise not_found(f"no such {kind}")
        workspace.set_restricted(conn, view, kind, subject_id, restricted)
    return RedirectResponse(safe_next(back) if back else f"/cases/{view.case.case_id}", status_code=303)


def _check_subject(view: CaseView, kind: str, subject_id: int) -> None:
    with view.case.store.read() as conn:
        if not workspace.subject_visible(conn, view, kind, subject_id):
            raise not_found(f"no such {kind}")


def _back(view: CaseView, back: str) -> Response:
    """After a bookmark or note: the page the user came from (same site only), else the bookmarks."""
    return RedirectResponse(
        safe_next(back) if back else f"/cases/{view.case.case_id}/bookmarks", status_code=303
    )


@router.post("/cases/{case_id}/bookmarks")
def bookmark(
    view: Viewer,
    kind: Annotated[Literal["message", "media", "person"], Form()],
    subject_id: Annotated[int, Form(ge=1)],
    label: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Bookmark a message, media item or person (audited)."""
    view.require("annotate")
    _check_subject(view, kind, subject_id)
    with view.case.store.write() as conn:
        workspace.add_bookmark(conn, view, kind, subject_id, label)
    return _back(view, back)


@router.post("/cases/{case_id}/bookmarks/{bookmark_id}/delete")
def unbookmark(view: Viewer, bookmark_id: int, back: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Remove one of your bookmarks (audited)."""
    with view.case.store.write() as conn:
        if not workspace.remove_bookmark(conn, view, bookmark_id):
            raise not_found("no such bookmark of yours")
    return _back(view, back)


@router.post("/cases/{case_id}/notes")
def note(
    view: Viewer,
    kind: Annotated[Literal["message", "media", "person"], Form()],
    subject_id: Annotated[int, Form(ge=1)],
    body: Annotated[str, Form(max_length=10_000)],
    back: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Add a note to a message, media item or person (audited; notes are never edited)."""
    view.require("annotate")
    _check_subject(view, kind, subject_id)
    with view.case.store.write() as conn:
        workspace.add_note(conn, view, kind, subject_id, body)
    return _back(view, back)


@router.get("/cases/{case_id}/bookmarks")
def bookmarks(
    request: Request, session: LoggedIn, view: Viewer, state: State, page_number: PageNo = 1
) -> HTMLResponse:
    """The case's bookmarks (what reports turn into excerpts)."""
    with view.case.store.read() as conn:
        rows = workspace.bookmarks_page(conn, view, page_number)
    return page(state.templates, request, "bookmarks.html", session, view, active="bookmarks", rows=rows)
