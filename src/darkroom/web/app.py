"""The application factory: routes, the CSRF guard on every route, headers, error pages.

Strangers get nothing: pages answer 303 to /login, /api answers 401. Domain errors become a
clear message (400 for bad input); anything of another case is 404.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from darkroom import __version__
from darkroom.errors import DarkroomError, EvidenceError, InvalidInput, MediaError
from darkroom.web.cases import CaseRegistry, ServedCases
from darkroom.web.deps import WebState, csrf_guard, optional_session
from darkroom.web.render import make_templates, page
from darkroom.web.routes import api, auth, comms, graph_api, leads, media, pages, persons, triage
from darkroom.web.security import NotLoggedIn, SecurityHeaders
from darkroom.web.serverdb import ServerDb, open_server_db

STATIC_DIR: Final = Path(__file__).parent / "static"
# `darkroom serve --workers N` hands what to serve to uvicorn's worker processes through these.
SERVE_CASE_ENV: Final = "DARKROOM_SERVE_CASE"
SERVE_CASES_DIR_ENV: Final = "DARKROOM_SERVE_CASES_DIR"
_log = logging.getLogger("darkroom.web")


def default_vendor_dir() -> Path | None:
    """`$DARKROOM_WEB_VENDOR`, else the repository's node_modules (`npm ci` at set-up), if present."""
    configured = os.environ.get("DARKROOM_WEB_VENDOR")
    candidate = Path(configured) if configured else Path(__file__).resolve().parents[3] / "node_modules"
    return candidate if candidate.is_dir() else None


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error(request: Request, status_code: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status_code)
    state: WebState = request.app.state.web
    session = optional_session(request, state)
    return page(state.templates, request, "error.html", session, status_code=status_code, message=message)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, _exc: NotLoggedIn) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "log in first"}, status_code=401, headers={"WWW-Authenticate": "Cookie"}
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.errors()}, status_code=422)
        return _error(request, 422, "the request's parameters are not valid")

    @app.exception_handler(InvalidInput)
    async def invalid_input(request: Request, exc: InvalidInput) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(MediaError)
    async def undecodable(request: Request, exc: MediaError) -> Response:
        return _error(request, 422, f"the item cannot be decoded: {exc.reason}")

    @app.exception_handler(EvidenceError)
    async def evidence_unreadable(request: Request, exc: EvidenceError) -> Response:
        _log.warning("evidence unreadable: %s", exc)
        return _error(request, 409, str(exc))

    @app.exception_handler(DarkroomError)
    async def other_error(request: Request, exc: DarkroomError) -> Response:
        return _error(request, 400, str(exc))


def create_app(
    served: ServedCases, vendor_dir: Path | None = None, server_db: ServerDb | None = None
) -> FastAPI:
    """A web application serving these cases, with users from the server database beside them."""
    registry = CaseRegistry(served)
    registry.refresh()
    state = WebState(
        registry=registry,
        server_db=server_db or open_server_db(served.server_db_path),
        templates=make_templates(),
        vendor_dir=vendor_dir if vendor_dir is not None else default_vendor_dir(),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        registry.close()

    app = FastAPI(
        title="darkroom",
        version=__version__,
        summary="The team's workspace over darkroom cases: need-to-know enforced, every view audited.",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(csrf_guard)],
        lifespan=lifespan,
    )
    app.state.web = state
    state.templates.env.globals["vendor"] = state.vendor_dir is not None
    app.add_middleware(SecurityHeaders)
    _install_handlers(app)
    routers = (
        auth.router,
        pages.router,
        comms.router,
        media.router,
        persons.router,
        leads.router,
        triage.router,
    )
    for router in (*routers, api.router, graph_api.router, triage.api_router):
        app.include_router(router)
    app.mount("/static/app", StaticFiles(directory=STATIC_DIR), name="static")
    if state.vendor_dir is not None:
        app.mount("/static/vendor", StaticFiles(directory=state.vendor_dir), name="vendor")
    else:
        _log.warning("front-end libraries not installed (run `npm ci`); pages work without htmx")
    return app


def served_from_environment() -> ServedCases:
    """What a worker process serves, as `darkroom serve` put it in the environment."""
    case = os.environ.get(SERVE_CASE_ENV)
    if case:
        return ServedCases.for_case(Path(case))
    return ServedCases.for_cases_dir(Path(os.environ.get(SERVE_CASES_DIR_ENV) or "."))


def app_from_environment() -> FastAPI:
    """The app factory uvicorn's worker processes call (`uvicorn darkroom.web.app:app_from_environment`)."""
    return create_app(served_from_environment())
