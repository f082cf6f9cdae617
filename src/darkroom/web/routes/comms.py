"""Conversations (list and view, audited) and full-text search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from darkroom.errors import InvalidInput
from darkroom.web import actions
from darkroom.web.access import not_found
from darkroom.web.deps import LoggedIn, State, Viewer
from darkroom.web.queries import comms, triage_view, workspace
from darkroom.web.render import page

router = APIRouter(include_in_schema=False)
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]
Filter = Annotated[str | None, Query(max_length=100)]


@router.get("/cases/{case_id}/conversations")
def conversations(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    platform: Filter = None,
    exhibit: Filter = None,
    account: Annotated[int | None, Query(ge=1)] = None,
    page_number: PageNo = 1,
) -> HTMLResponse:
    """Conversations with provenance and participants; `account` narrows to one account's."""
    with view.case.store.read() as conn:
        if account is not None:
            found = comms.account(conn, account)
            if found is None or not view.visible(found["restricted"]):
                raise not_found("no such account")
        rows = comms.conversations_page(conn, view, page_number, platform or None, exhibit or None, account)
    return page(
        state.templates, request, "conversations.html", session, view, active="conversations",
        rows=rows, platform=platform or "", exhibit=exhibit or "",
    )  # fmt: skip


@router.get("/cases/{case_id}/conversations/{conversation_id}")
def conversation(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    conversation_id: int,
    page_number: PageNo = 1,
) -> HTMLResponse:
    """One conversation: every message with sender, time and provenance (exhibit, file, locator)."""
    header, messages = actions.view_conversation(view, conversation_id, page_number, "page")
    ids = [m["id"] for m in messages.items]
    with view.case.store.read() as conn:
        notes = workspace.notes_of(conn, view, "message", ids)
        bookmarks = workspace.my_bookmarks_of(conn, view, "message", ids)
        spans = triage_view.message_spans(conn, ids)
    return page(
        state.templates, request, "conversation.html", session, view, active="conversations",
        conversation=header, messages=messages, notes=notes, bookmarks=bookmarks, spans=spans,
    )  # fmt: skip


@router.get("/cases/{case_id}/messages/{message_id}")
def message(view: Viewer, message_id: Annotated[int, Path(ge=1, le=2**53)]) -> RedirectResponse:
    """A message in its conversation: the page that shows it, scrolled to it."""
    with view.case.store.read() as conn:
        found = comms.message_position(conn, message_id)
    if found is None:
        raise not_found("no such message")
    conversation_id, number = found
    target = f"/cases/{view.case.case_id}/conversations/{conversation_id}?page={number}#m{message_id}"
    return RedirectResponse(target, status_code=303)


@router.get("/cases/{case_id}/search")
def search(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    q: Annotated[str, Query(max_length=500)] = "",
    platform: Filter = None,
    exhibit: Filter = None,
    order: comms.SearchOrder = "stored",
    before: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    page_number: PageNo = 1,
) -> HTMLResponse:
    """Full-text search over messages (FTS5 syntax: phrases in quotes, OR, NOT, prefix*); last stored
    first by default, ranked among the newest hits on request."""
    rows, error = None, None
    if q.strip():
        try:
            with view.case.store.read() as conn:
                rows = comms.search_page(
                    conn, view, q, page_number, platform or None, exhibit or None, order, before
                )
        except InvalidInput as err:
            error = str(err)
    return page(
        state.templates, request, "search.html", session, view, active="search",
        q=q, rows=rows, error=error, platform=platform or "", exhibit=exhibit or "", order=order,
    )  # fmt: skip
