"""Case list, dashboard, parse coverage, evidence and custody, and the audit log with chain status."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from darkroom.evidence import audit
from darkroom.web.deps import LoggedIn, State, Viewer, WebState
from darkroom.web.queries import overview, triage_view
from darkroom.web.render import page

router = APIRouter(include_in_schema=False)
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


def member_cases(state: WebState, user_id: int) -> list[dict[str, Any]]:
    """The served cases the user is a member of, with their clearance."""
    state.registry.refresh()
    memberships = {m.case_id: m for m in state.server_db.memberships(user_id=user_id)}
    return [
        {"case_id": case.case_id, "name": case.name, "clearance": memberships[case.case_id].clearance}
        for case in state.registry.cases()
        if case.case_id in memberships
    ]


def case_counts(state: WebState, view: Any) -> dict[str, Any]:
    """Dashboard numbers, cached briefly (counting 1.5 M messages is not free)."""

    def compute() -> dict[str, Any]:
        with view.case.store.read() as conn:
            return {
                "counts": overview.counts(conn),
                "coverage": overview.coverage(conn),
                "exhibits": overview.exhibits(conn),
            }

    result: dict[str, Any] = state.counts.get(f"dashboard:{view.case.case_id}", compute)
    return result


def chain_status(state: WebState, view: Any) -> dict[str, Any]:
    """The last full verification of the case's audit chain (cached; `verify now` repeats it)."""

    def compute() -> dict[str, Any]:
        report = audit.verify_chain(view.case.store)
        return {
            "ok": report.ok,
            "rows": report.row_count,
            "head_seq": report.head_seq,
            "head_hash": report.head_hash,
            "anchor_heads_checked": report.anchor_heads_checked,
            "problems": report.problems,
            "checked_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        }

    result: dict[str, Any] = state.chain_status.get(view.case.case_id, compute)
    return result


@router.get("/")
def case_list(request: Request, session: LoggedIn, state: State) -> HTMLResponse:
    """The cases the user is a member of."""
    cases = member_cases(state, session.user.id)
    return page(state.templates, request, "cases.html", session, cases=cases)


@router.get("/cases/{case_id}")
def dashboard(request: Request, session: LoggedIn, view: Viewer, state: State) -> HTMLResponse:
    """Exhibits, processing coverage (failed and unsupported files), counts."""
    data = case_counts(state, view)
    with view.case.store.read() as conn:
        triaged = triage_view.has_run(conn)
        urgent = triage_view.urgent_alerts(conn, view, cache=state.triage) if triaged else []
    return page(
        state.templates, request, "dashboard.html", session, view, active="dashboard", triaged=triaged,
        urgent=urgent, **data,
    )  # fmt: skip


@router.get("/cases/{case_id}/files")
def files(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    status: Literal["failed", "unsupported", "parsed"] = "failed",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """Files of one parse status, with the reason a file was not read."""
    with view.case.store.read() as conn:
        rows = overview.files_page(conn, view, status, page_number)
    return page(
        state.templates, request, "files.html", session, view, active="dashboard", status=status, rows=rows
    )


@router.get("/cases/{case_id}/evidence")
def evidence(request: Request, session: LoggedIn, view: Viewer, state: State) -> HTMLResponse:
    """Exhibits with seizure facts, custody events and their latest verification."""
    with view.case.store.read() as conn:
        exhibits = overview.exhibits(conn)
        for exhibit in exhibits:
            exhibit["custody"] = overview.custody(conn, exhibit["ref"])
    return page(
        state.templates, request, "evidence.html", session, view, active="evidence", exhibits=exhibits
    )


@router.get("/cases/{case_id}/audit")
def audit_log(
    request: Request,
    session: LoggedIn,
    view: Viewer,
    state: State,
    action: Annotated[str | None, Query(max_length=100)] = None,
    object_ref: Annotated[str | None, Query(alias="object", max_length=200)] = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    """The audit log, newest first, with the chain's verification status."""
    with view.case.store.read() as conn:
        rows = overview.audit_page(conn, view, page_number, action, object_ref)
    status = chain_status(state, view)
    return page(
        state.templates, request, "audit.html", session, view, active="audit",
        rows=rows, chain=status, action=action or "", object_ref=object_ref or "",
    )  # fmt: skip


@router.post("/cases/{case_id}/audit/verify")
def verify_now(view: Viewer, state: State) -> Response:
    """Verify the whole chain again now."""
    state.chain_status.drop(view.case.case_id)
    chain_status(state, view)
    return RedirectResponse(f"/cases/{view.case.case_id}/audit", status_code=303)
