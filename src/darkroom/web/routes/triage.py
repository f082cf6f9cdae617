"""The triage queue (advisory), alerts with the messages that raised them, and their JSON twins."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from darkroom.triage.alerts import set_alert_status
from darkroom.triage.queries import ADVISORY
from darkroom.web.access import not_found
from darkroom.web.deps import LoggedIn, State, Viewer
from darkroom.web.queries import triage_view
from darkroom.web.render import page
from darkroom.web.routes.api import PageOut

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api")
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]
AlertStatus = Literal["open", "acknowledged", "dismissed"]


@router.get("/cases/{case_id}/triage")
def queue(
    request: Request, session: LoggedIn, view: Viewer, state: State, page_number: PageNo = 1
) -> HTMLResponse:
    """Persons (and unresolved accounts) by advisory priority, with the reasons behind each score."""
    with view.case.store.read() as conn:
        rows = triage_view.queue_page(conn, view, page_number) if triage_view.has_run(conn) else None
    return page(
        state.templates, request, "triage.html", session, view, active="triage", rows=rows,
        advisory=ADVISORY, not_run=triage_view.NOT_RUN,
    )  # fmt: skip


@router.get("/cases/{case_id}/alerts")
def alerts(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    inactive: bool = False,
    page_number: PageNo = 1,
) -> HTMLResponse:
    """Planned events, most urgent first, each with the messages that raised it (hits marked)."""
    with view.case.store.read() as conn:
        rows = (
            triage_view.alerts_page(conn, view, page_number, inactive, state.triage)
            if triage_view.has_run(conn)
            else None
        )
    return page(
        state.templates, request, "alerts.html", session, view, active="triage", rows=rows,
        inactive=inactive, not_run=triage_view.NOT_RUN,
    )  # fmt: skip


@router.post("/cases/{case_id}/alerts/{alert_id}/status")
def alert_status(
    view: Viewer,
    state: State,
    alert_id: int,
    status: Annotated[AlertStatus, Form()],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    """Acknowledge, dismiss or reopen an alert (leads and investigators; audited with the user)."""
    view.require("decide")
    with view.case.store.write() as conn:
        if conn.execute(triage_view.ALERT_EXISTS_SQL, {"id": alert_id}).first() is None:
            raise not_found("no such alert")
        set_alert_status(conn, alert_id, status, reason, view.user.name)
    triage_view.forget_alerts(state.triage, view)
    return RedirectResponse(f"/cases/{view.case.case_id}/alerts#alert-{alert_id}", status_code=303)


@api_router.get("/cases/{case_id}/triage")
def queue_api(view: Viewer, page_number: PageNo = 1) -> PageOut:
    """The advisory queue, a page at a time (restricted subjects only with clearance)."""
    with view.case.store.read() as conn:
        if not triage_view.has_run(conn):
            return PageOut(items=[], page=page_number, has_next=False)
        found = triage_view.queue_page(conn, view, page_number)
    return PageOut(items=found.items, page=found.number, has_next=found.has_next)


@api_router.get("/cases/{case_id}/alerts")
def alerts_api(view: Viewer, state: State, inactive: bool = False, page_number: PageNo = 1) -> PageOut:
    """Alerts, most urgent first, with their messages; each hit's span is in characters of the body."""
    with view.case.store.read() as conn:
        if not triage_view.has_run(conn):
            return PageOut(items=[], page=page_number, has_next=False)
        found = triage_view.alerts_page(conn, view, page_number, inactive, state.triage)
    items: list[dict[str, Any]] = found.items
    return PageOut(items=items, page=found.number, has_next=found.has_next)
