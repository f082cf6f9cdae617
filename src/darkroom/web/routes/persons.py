"""Persons (list and page, audited), restricted marks, bookmarks and notes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from darkroom.web import actions
from darkroom.web.access import CaseView, not_found
from darkroom.web.deps import LoggedIn, State, Viewer
from darkroom.web.queries import persons, workspace
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
        rows = persons.persons_page(conn, view, page_number)
    return page(state.templates, request, "persons.html", session, view, active="persons", rows=rows)


@router.get("/cases/{case_id}/persons/{person_id}")
def person(request: Request, session: LoggedIn, view: Viewer, state: State, person_id: int) -> HTMLResponse:
    """A person: accounts with how they were linked, identifiers, exhibits (audited)."""
    found = actions.view_person(view, person_id, "page")
    with view.case.store.read() as conn:
        notes = workspace.notes_of(conn, "person", [person_id]).get(person_id, [])
        bookmark = workspace.my_bookmarks_of(conn, view, "person", [person_id]).get(person_id)
    return page(
        state.templates, request, "person.html", session, view, active="persons",
        person=found, notes=notes, bookmark=bookmark,
    )  # fmt: skip


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
    return RedirectResponse(
        safe_next(back) if back else f"/cases/{view.case.case_id}/bookmarks", status_code=303
    )


@router.post("/cases/{case_id}/bookmarks/{bookmark_id}/delete")
def unbookmark(view: Viewer, bookmark_id: int, back: Annotated[str, Form(max_length=500)] = "") -> Response:
    """Remove one of your bookmarks (audited)."""
    with view.case.store.write() as conn:
        if not workspace.remove_bookmark(conn, view, bookmark_id):
            raise not_found("no such bookmark of yours")
    return RedirectResponse(
        safe_next(back) if back else f"/cases/{view.case.case_id}/bookmarks", status_code=303
    )


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
    return RedirectResponse(
        safe_next(back) if back else f"/cases/{view.case.case_id}/bookmarks", status_code=303
    )


@router.get("/cases/{case_id}/bookmarks")
def bookmarks(
    request: Request, session: LoggedIn, view: Viewer, state: State, page_number: PageNo = 1
) -> HTMLResponse:
    """The case's bookmarks (what reports turn into excerpts)."""
    with view.case.store.read() as conn:
        rows = workspace.bookmarks_page(conn, view, page_number)
    return page(state.templates, request, "bookmarks.html", session, view, active="bookmarks", rows=rows)
