"""Leads (ranked, with reasons and evidence; identify or dismiss with a reason) and the network view."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from darkroom.network.marks import MarkStatus
from darkroom.network.settings import EDGE_KINDS
from darkroom.web import actions
from darkroom.web.access import not_found
from darkroom.web.deps import LoggedIn, State, Viewer
from darkroom.web.queries import graph_view, leads_view
from darkroom.web.render import page

router = APIRouter(include_in_schema=False)
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]


@router.get("/cases/{case_id}/leads")
def leads(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    closed: bool = False,
    page_number: PageNo = 1,
) -> HTMLResponse:
    """Unidentified accounts, persons and identifiers ranked by evidence (closed ones on request)."""
    with view.case.store.read() as conn:
        built = graph_view.has_network(conn)
        rows = leads_view.leads_page(conn, view, page_number, closed) if built else None
    return page(
        state.templates, request, "leads.html", session, view, active="leads", rows=rows, closed=closed
    )


@router.get("/cases/{case_id}/leads/{lead_id}")
def lead(request: Request, session: LoggedIn, view: Viewer, state: State, lead_id: int) -> HTMLResponse:
    """One lead: reasons with points, the evidence rows behind them, and the marks on it."""
    with view.case.store.read() as conn:
        found = leads_view.lead_page(conn, view, lead_id) if graph_view.has_network(conn) else None
    if found is None:
        raise not_found("no such lead")
    return page(state.templates, request, "lead.html", session, view, active="leads", lead=found)


@router.post("/cases/{case_id}/leads/{lead_id}/mark")
def mark(
    view: Viewer,
    lead_id: int,
    status: Annotated[MarkStatus, Form()],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    """Identify or dismiss a lead (leads and investigators; audited with the user)."""
    actions.mark_lead(view, lead_id, status, reason)
    return RedirectResponse(f"/cases/{view.case.case_id}/leads/{lead_id}", status_code=303)


@router.get("/cases/{case_id}/network")
def network(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    node: Annotated[str | None, Query(max_length=100)] = None,
    community: Annotated[int | None, Query(ge=0, le=2**31)] = None,
) -> HTMLResponse:
    """The interactive graph: a node's neighbourhood or a community, drawn by the browser from the API."""
    with view.case.store.read() as conn:
        built = graph_view.has_network(conn)
        groups = graph_view.communities(conn, view) if built else []
        if built and node is not None and graph_view.node(conn, view, node) is None:
            raise not_found("no such node")
    return page(
        state.templates, request, "network.html", session, view, active="network", built=built,
        communities=groups, node=node or "", community=community, edge_kinds=EDGE_KINDS,
        cap=graph_view.MAX_NODES,
    )  # fmt: skip
