"""The JSON API under /api: the same login, membership, clearance and audit rules as the pages.

State-changing calls carry the session's CSRF token in `X-CSRF-Token` (GET /api/me returns it).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from darkroom.web import actions
from darkroom.web.access import not_found
from darkroom.web.deps import LoggedIn, State, Viewer
from darkroom.web.queries import Page, comms, identity_view, media_view, overview, triage_view, workspace
from darkroom.web.render import plain_snippet
from darkroom.web.routes.pages import case_counts, member_cases

router = APIRouter(prefix="/api")
RowId = Annotated[int, Path(ge=1, le=2**53)]
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]
Filter = Annotated[str | None, Query(max_length=100)]
SubjectKind = Literal["message", "media", "person"]


class Me(BaseModel):
    """The logged-in user and the CSRF token their state-changing calls carry."""

    name: str
    role: str
    csrf_token: str


class CaseSummary(BaseModel):
    case_id: str
    name: str
    clearance: str


class Dashboard(BaseModel):
    counts: dict[str, int]
    coverage: dict[str, Any]
    exhibits: list[dict[str, Any]]


class PageOut(BaseModel):
    """One page of rows; ask for `page + 1` while `has_next`."""

    items: list[dict[str, Any]]
    page: int
    has_next: bool


class SearchOut(PageOut):
    """A page of hits; in stored order ask for `before=next_before` while `has_next`."""

    order: str
    next_before: int | None
    capped: bool


class ConversationOut(BaseModel):
    conversation: dict[str, Any]
    messages: PageOut


class NoteIn(BaseModel):
    kind: SubjectKind
    subject_id: int = Field(ge=1, le=2**53)
    body: str = Field(min_length=1, max_length=10_000)


class BookmarkIn(BaseModel):
    kind: SubjectKind
    subject_id: int = Field(ge=1, le=2**53)
    label: str = Field(default="", max_length=200)


class Created(BaseModel):
    id: int


def _out(page: Page) -> PageOut:
    return PageOut(items=page.items, page=page.number, has_next=page.has_next)


@router.get("/me")
def me(session: LoggedIn) -> Me:
    """Who is logged in."""
    return Me(name=session.user.name, role=session.user.role, csrf_token=session.csrf_token)


@router.get("/cases")
def cases(session: LoggedIn, state: State) -> list[CaseSummary]:
    """The cases the user is a member of."""
    return [CaseSummary(**case) for case in member_cases(state, session.user.id)]


@router.get("/cases/{case_id}")
def dashboard(view: Viewer, state: State) -> Dashboard:
    """Counts, parse coverage and exhibits of one case."""
    return Dashboard(**case_counts(state, view))


@router.get("/cases/{case_id}/files")
def files(
    view: Viewer, status: Literal["failed", "unsupported", "parsed"] = "failed", page_number: PageNo = 1
) -> PageOut:
    """Files of one parse status with their reasons."""
    with view.case.store.read() as conn:
        return _out(overview.files_page(conn, view, status, page_number))


@router.get("/cases/{case_id}/conversations")
def conversations(
    view: Viewer,
    platform: Filter = None,
    exhibit: Filter = None,
    account: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    page_number: PageNo = 1,
) -> PageOut:
    """Conversations with provenance, message counts and participants."""
    with view.case.store.read() as conn:
        if account is not None:
            found = comms.account(conn, account)
            if found is None or not view.visible(found["restricted"]):
                raise not_found("no such account")
        return _out(comms.conversations_page(conn, view, page_number, platform, exhibit, account))


@router.get("/cases/{case_id}/conversations/{conversation_id}")
def conversation(view: Viewer, conversation_id: RowId, page_number: PageNo = 1) -> ConversationOut:
    """One conversation and a page of its messages with provenance (audited); `hits` are the
    indicator spans (characters of the body) triage found in each message."""
    header, messages = actions.view_conversation(view, conversation_id, page_number, "api")
    with view.case.store.read() as conn:
        spans = triage_view.message_spans(conn, [m["id"] for m in messages.items])
    for message in messages.items:
        message["hits"] = [
            {"start": a, "end": b, "indicator": what} for a, b, what in spans.get(message["id"], [])
        ]
    return ConversationOut(conversation=header, messages=_out(messages))


@router.get("/cases/{case_id}/search")
def search(
    view: Viewer,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    platform: Filter = None,
    exhibit: Filter = None,
    order: comms.SearchOrder = "stored",
    before: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    page_number: PageNo = 1,
) -> SearchOut:
    """Full-text search over messages; hits marked [like this] in the snippet. `stored` order (the
    default, last stored first) pages with `before=next_before`; `relevance` ranks the newest 2,000
    hits only (`capped` says there were more) and pages with `page`."""
    with view.case.store.read() as conn:
        found = comms.search_page(conn, view, q, page_number, platform, exhibit, order, before)
    for row in found.items:
        row["snippet"] = plain_snippet(row["snippet"])
    return SearchOut(
        items=found.items, page=found.number, has_next=found.has_next, order=found.order,
        next_before=found.next_before, capped=found.capped,
    )  # fmt: skip


@router.get("/cases/{case_id}/media")
def media(
    view: Viewer,
    show: media_view.GridFilter = "review",
    series: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    page_number: PageNo = 1,
) -> PageOut:
    """Media items (no pixels); `review` holds only items of no known category."""
    with view.case.store.read() as conn:
        return _out(media_view.grid_page(conn, view, show, page_number, series))


@router.get("/cases/{case_id}/media/{file_id}")
def media_item(view: Viewer, file_id: RowId) -> dict[str, Any]:
    """One media item's facts (audited)."""
    return actions.view_media(view, file_id, "api")


@router.post(
    "/cases/{case_id}/media/{file_id}/reveal",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "the clear rendition"}},
)
def reveal(view: Viewer, file_id: RowId, reason: Annotated[str, Query(max_length=500)] = "") -> Response:
    """A clear rendition of one item as JPEG, made in memory (audited; never cached)."""
    rendition = actions.reveal(view, file_id, reason)
    return Response(rendition, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/cases/{case_id}/persons")
def person_list(view: Viewer, page_number: PageNo = 1) -> PageOut:
    """Persons (restricted ones only with clearance)."""
    with view.case.store.read() as conn:
        return _out(identity_view.persons_page(conn, view, page_number))


@router.get("/cases/{case_id}/persons/{person_id}")
def person(view: Viewer, state: State, person_id: RowId) -> dict[str, Any]:
    """One person with accounts, identifiers and exhibits (audited)."""
    return actions.view_person(view, person_id, "api", state.person_details)


@router.get("/cases/{case_id}/audit")
def audit_rows(
    view: Viewer,
    action: Annotated[str | None, Query(max_length=100)] = None,
    object_ref: Annotated[str | None, Query(alias="object", max_length=200)] = None,
    page_number: PageNo = 1,
) -> PageOut:
    """Audit rows, newest first."""
    with view.case.store.read() as conn:
        return _out(overview.audit_page(conn, view, page_number, action, object_ref))


@router.get("/cases/{case_id}/bookmarks")
def bookmark_list(view: Viewer, page_number: PageNo = 1) -> PageOut:
    """The case's bookmarks, newest first."""
    with view.case.store.read() as conn:
        return _out(workspace.bookmarks_page(conn, view, page_number))


def _visible_or_404(view: Any, kind: str, subject_id: int) -> None:
    with view.case.store.read() as conn:
        if not workspace.subject_visible(conn, view, kind, subject_id):
            raise not_found(f"no such {kind}")


@router.post("/cases/{case_id}/bookmarks", status_code=201)
def add_bookmark(view: Viewer, body: BookmarkIn) -> Created:
    """Bookmark a message, media item or person (audited)."""
    view.require("annotate")
    _visible_or_404(view, body.kind, body.subject_id)
    with view.case.store.write() as conn:
        return Created(id=workspace.add_bookmark(conn, view, body.kind, body.subject_id, body.label))


@router.post("/cases/{case_id}/notes", status_code=201)
def add_note(view: Viewer, body: NoteIn) -> Created:
    """Add a note to a message, media item or person (audited)."""
    view.require("annotate")
    _visible_or_404(view, body.kind, body.subject_id)
    with view.case.store.write() as conn:
        return Created(id=workspace.add_note(conn, view, body.kind, body.subject_id, body.body))


@router.get("/openapi.json", include_in_schema=False)
def openapi(request: Request, session: LoggedIn) -> JSONResponse:
    """The API's OpenAPI schema, for logged-in users only."""
    return JSONResponse(request.app.openapi())
