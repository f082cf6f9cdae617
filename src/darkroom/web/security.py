"""Sessions, CSRF and response headers.

The session cookie holds a random id (the server keeps only its SHA-256); it is HttpOnly,
SameSite=Lax, and Secure when the request came over https. Every state-changing request
carries the session's CSRF token (form field `csrf_token` or header `X-CSRF-Token`); the login
form, before any session exists, uses a double-submit cookie instead.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final

from fastapi import HTTPException, Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from darkroom.web.serverdb import Session

SESSION_COOKIE: Final = "darkroom_session"
PRELOGIN_COOKIE: Final = "darkroom_login_csrf"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")

_CSP: Final = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)


class NotLoggedIn(Exception):
    """No live session: pages redirect to /login, /api answers 401."""


def is_https(request: Request) -> bool:
    """The request came over TLS (cookies are then marked Secure)."""
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, session_id: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over https, whole site."""
    response.set_cookie(
        SESSION_COOKIE, session_id, httponly=True, samesite="lax", secure=is_https(request), path="/"
    )


def new_prelogin_token() -> str:
    """A double-submit token for the login form (no session exists yet)."""
    return secrets.token_urlsafe(32)


def set_prelogin_cookie(response: Response, request: Request, token: str) -> None:
    """The login form's token as a cookie, sent back only to /login."""
    response.set_cookie(
        PRELOGIN_COOKIE, token, httponly=True, samesite="strict", secure=is_https(request), path="/login"
    )


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; a missing value never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


async def submitted_token(request: Request) -> str | None:
    """The CSRF token a request carries: the header first, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(_FORM_TYPES):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def check_session_csrf(session: Session, token: str | None) -> None:
    """403 unless the request carries its session's CSRF token."""
    if not tokens_match(session.csrf_token, token):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page")


class SecurityHeaders:
    """Pure ASGI middleware: CSP and friends on every response; nothing dynamic is ever cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", _CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if not static and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                headers.extend(pair for pair in extra if pair[0] not in names)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
