"""Media review: the blurred grid, one item (audited), the audited reveal, categorisation.

Thumbnails are the blurred greyscale files the media stage wrote; a clear rendition exists only
in memory for one reveal and is sent with `Cache-Control: no-store` (like every dynamic page).
"""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from darkroom.media.hashsets.categories import CASE_CATEGORIES
from darkroom.media.review import categorise
from darkroom.web import actions
from darkroom.web.access import not_found
from darkroom.web.deps import LoggedIn, State, Viewer
from darkroom.web.queries import media_view, workspace
from darkroom.web.render import page

router = APIRouter(include_in_schema=False)
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]


@router.get("/cases/{case_id}/media")
def grid(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    show: media_view.GridFilter = "review",
    series: Annotated[int | None, Query(ge=1)] = None,
    page_number: PageNo = 1,
) -> HTMLResponse:
    """Blurred greyscale thumbnails; items of a known category only on the `known` tab."""
    with view.case.store.read() as conn:
        rows = media_view.grid_page(conn, view, show, page_number, series)
    return page(
        state.templates, request, "media_grid.html", session, view, active="media",
        rows=rows, show=show, series=series,
    )  # fmt: skip


@router.get("/cases/{case_id}/media/{file_id}/thumbnail")
def thumbnail(view: Viewer, file_id: int) -> Response:
    """The item's blurred greyscale thumbnail (never a clear picture)."""
    with view.case.store.read() as conn:
        relative = media_view.thumbnail_path(conn, file_id)
    if not relative:
        raise not_found("no thumbnail")
    derived = view.case.store.derived_dir.resolve()
    path = (derived / relative).resolve()
    if not path.is_relative_to(derived) or not path.is_file():
        raise not_found("no thumbnail")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.get("/cases/{case_id}/media/{file_id}")
def item(request: Request, session: LoggedIn, view: Viewer, state: State, file_id: int) -> HTMLResponse:
    """One item: provenance, digests, EXIF, matches, series, reviews, who sent it (audited)."""
    found = actions.view_media(view, file_id, "page")
    with view.case.store.read() as conn:
        notes = workspace.notes_of(conn, view, "media", [file_id]).get(file_id, [])
        bookmark = workspace.my_bookmarks_of(conn, view, "media", [file_id]).get(file_id)
    return page(
        state.templates, request, "media_item.html", session, view, active="media",
        item=found, notes=notes, bookmark=bookmark, categories=CASE_CATEGORIES,
    )  # fmt: skip


@router.post("/cases/{case_id}/media/{file_id}/reveal")
def reveal(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    file_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> HTMLResponse:
    """The clear rendition of one item, on request and audited; embedded, never stored."""
    rendition = actions.reveal(view, file_id, reason)
    data_uri = "data:image/jpeg;base64," + base64.b64encode(rendition).decode("ascii")
    return page(
        state.templates, request, "media_reveal.html", session, view, active="media",
        file_id=file_id, data_uri=data_uri,
    )  # fmt: skip


@router.post("/cases/{case_id}/media/{file_id}/categorise")
def categorise_item(
    view: Viewer,
    file_id: int,
    category: Annotated[str, Form(max_length=40)],
    reason: Annotated[str, Form(max_length=500)],
) -> Response:
    """An examiner's category for the item (audited; near-duplicates get it as a suggestion)."""
    view.require("categorise")
    with view.case.store.read() as conn:
        if media_view.reveal_source(conn, file_id) is None:
            raise not_found("no such media item")
    categorise(view.case.store, view.user.name, category, reason, file_ids=[file_id])
    return RedirectResponse(f"/cases/{view.case.case_id}/media/{file_id}", status_code=303)
