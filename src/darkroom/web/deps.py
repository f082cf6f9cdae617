"""FastAPI dependencies: the app's state, the logged-in session, a case the user may see, CSRF.

`csrf_guard` is installed on the whole application, so no state-changing route can forget it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from darkroom.web.access import CaseView, not_found
from darkroom.web.cases import CaseRegistry
from darkroom.web.security import (
    PRELOGIN_COOKIE,
    SAFE_METHODS,
    SESSION_COOKIE,
    NotLoggedIn,
    check_session_csrf,
    submitted_token,
    tokens_match,
)
from darkroom.web.serverdb import ServerDb, Session


@dataclass(slots=True)
class TimedCache:
    """A tiny per-key cache with a time-to-live, for counts that are slow on a large case."""

    ttl_s: float
    max_keys: int = 10_000
    _values: dict[str, tuple[float, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value, or a freshly computed one."""
        now = time.monotonic()
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        value = compute()
        with self._lock:
            if len(self._values) >= self.max_keys:
                self._values = {k: v for k, v in self._values.items() if now - v[0] < self.ttl_s}
                if len(self._values) >= self.max_keys:
                    self._values.clear()
            self._values[key] = (now, value)
        return value

    def drop(self, key: str) -> None:
        """Forget one key (after a change the page must show at once)."""
        with self._lock:
            self._values.pop(key, None)

    def drop_prefix(self, prefix: str) -> None:
        """Forget every key starting with the prefix."""
        with self._lock:
            for key in [k for k in self._values if k.startswith(prefix)]:
                del self._values[key]


@dataclass(slots=True)
class WebState:
    """Everything a request needs that outlives it."""

    registry: CaseRegistry
    server_db: ServerDb
    templates: Jinja2Templates
    vendor_dir: Path | None
    counts: TimedCache = field(default_factory=lambda: TimedCache(30.0))
    chain_status: TimedCache = field(default_factory=lambda: TimedCache(3600.0))
    person_details: TimedCache = field(default_factory=lambda: TimedCache(600.0, max_keys=2000))
    # Alerts and priority breakdowns: short-lived, since an alert's status may change in another worker.
    triage: TimedCache = field(default_factory=lambda: TimedCache(15.0, max_keys=3000))


def web_state(request: Request) -> WebState:
    """The application's state."""
    state: WebState = request.app.state.web
    return state


State = Annotated[WebState, Depends(web_state)]


def optional_session(request: Request, state: State) -> Session | None:
    """The live session of the request's cookie, if any."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    return state.server_db.session(session_id)


def current_session(session: Annotated[Session | None, Depends(optional_session)]) -> Session:
    """The logged-in session; strangers get 303 to /login (pages) or 401 (/api)."""
    if session is None:
        raise NotLoggedIn
    return session


LoggedIn = Annotated[Session, Depends(current_session)]


def case_view(case_id: str, session: LoggedIn, state: State) -> CaseView:
    """The case if the user is a member; 404 otherwise (another case looks like no case)."""
    case = state.registry.get(case_id)
    membership = state.server_db.membership(session.user.id, case_id) if case is not None else None
    if case is None or membership is None:
        raise not_found("no such case")
    return CaseView(session.user, case, membership.clearance)


Viewer = Annotated[CaseView, Depends(case_view)]


async def csrf_guard(request: Request, session: Annotated[Session | None, Depends(optional_session)]) -> None:
    """Every state-changing request carries its CSRF token; the login form its double-submit token."""
    if request.method in SAFE_METHODS:
        return
    token = await submitted_token(request)
    if request.url.path == "/login":
        if not tokens_match(request.cookies.get(PRELOGIN_COOKIE), token):
            raise HTTPException(status_code=403, detail="the login form expired; reload it and try again")
        return
    if session is None:
        raise NotLoggedIn
    check_session_csrf(session, token)
