"""Log in and out. A login always opens a brand-new session (no fixation) and ends the old one;
attempts are rate limited per user name and per client; passwords are never logged or kept."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from darkroom.web.deps import State, optional_session
from darkroom.web.render import page
from darkroom.web.security import (
    PRELOGIN_COOKIE,
    SESSION_COOKIE,
    new_prelogin_token,
    set_prelogin_cookie,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)

WINDOW_S: Final = 15 * 60
MAX_FAILURES_PER_USER: Final = 5
MAX_FAILURES_PER_CLIENT: Final = 30


def safe_next(target: str | None) -> str:
    """Only a local path is followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")) and "\n" not in target:
        return target
    return "/"


def client_of(request: Request) -> str:
    """The client address as the server saw it."""
    return request.client.host if request.client else "unknown"


def _login_form(
    request: Request, state: State, next_url: str, error: str | None, status_code: int
) -> HTMLResponse:
    token = new_prelogin_token()
    response = page(
        state.templates, request, "login.html", None, status_code=status_code,
        error=error, next_url=next_url, login_token=token,
    )  # fmt: skip
    set_prelogin_cookie(response, request, token)
    return response


@router.get("/login")
def login_form(request: Request, state: State, next: str = "/") -> Response:
    """The login page (already logged in: straight on)."""
    if optional_session(request, state) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_form(request, state, safe_next(next), None, 200)


@router.post("/login")
def login(
    request: Request,
    state: State,
    username: Annotated[str, Form(max_length=128)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password (rate limited); on success a new session replaces any old one."""
    client = client_of(request)
    name = username.strip()
    by_user, by_client = state.server_db.recent_failures(name, client, WINDOW_S)
    if by_user >= MAX_FAILURES_PER_USER or by_client >= MAX_FAILURES_PER_CLIENT:
        state.server_db.record_attempt(name, client, False)
        message = "too many failed attempts; wait 15 minutes and try again"
        return _login_form(request, state, safe_next(next), message, 429)
    user = state.server_db.check_password(name, password)
    state.server_db.record_attempt(name, client, user is not None)
    if user is None:
        return _login_form(request, state, safe_next(next), "wrong user name or password", 401)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        state.server_db.close_session(old)
    session_id, _csrf = state.server_db.open_session(user)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, request, session_id)
    response.delete_cookie(PRELOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, state: State) -> Response:
    """End the session (the CSRF guard has checked the token)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        state.server_db.close_session(session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
