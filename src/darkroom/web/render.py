"""Rendering pages: every template gets the user, their CSRF token, the case and its navigation."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from darkroom.web.access import CaseView
from darkroom.web.serverdb import Session

TEMPLATES_DIR: Final = Path(__file__).parent / "templates"
CASE_NAV: Final = (
    ("dashboard", "Dashboard", ""),
    ("triage", "Triage", "/triage"),
    ("leads", "Leads", "/leads"),
    ("network", "Network", "/network"),
    ("conversations", "Conversations", "/conversations"),
    ("search", "Search", "/search"),
    ("persons", "Persons", "/persons"),
    ("media", "Media", "/media"),
    ("bookmarks", "Bookmarks", "/bookmarks"),
    ("evidence", "Evidence", "/evidence"),
    ("audit", "Audit", "/audit"),
)
_SNIPPET_MARKS: Final = re.compile("[\x01\x02]")


def highlight(snippet: str | None) -> Markup:
    """An FTS snippet (hits between \\x01 and \\x02) as escaped HTML with <mark> around the hits."""
    if not snippet:
        return Markup("")
    escaped = str(escape(snippet))  # the text is escaped first; only our own <mark> tags are added
    marked = _SNIPPET_MARKS.sub(lambda m: "<mark>" if m.group() == "\x01" else "</mark>", escaped)
    return Markup(marked)  # noqa: S704


def mark_spans(body: str | None, spans: list[tuple[int, int, str]]) -> Markup:
    """A message body as escaped HTML with <mark> around the indicator hits (character spans of the
    body as stored, from triage); overlapping spans merge, spans outside the body are ignored."""
    text_value = body or ""
    merged: list[list[Any]] = []
    for start, end, title in sorted((max(0, a), min(len(text_value), b), t) for a, b, t in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2] = f"{merged[-1][2]}, {title}" if title not in merged[-1][2] else merged[-1][2]
        else:
            merged.append([start, end, title])
    out: list[str] = []
    cursor = 0
    for start, end, title in merged:
        out.append(str(escape(text_value[cursor:start])))
        out.append(f'<mark class="hit" title="{escape(title)}">{escape(text_value[start:end])}</mark>')
        cursor = end
    out.append(str(escape(text_value[cursor:])))
    return Markup("".join(out))  # noqa: S704 - every piece of the body is escaped above


def plain_snippet(snippet: str | None) -> str:
    """An FTS snippet with its hits in [brackets], for JSON."""
    return (snippet or "").replace("\x01", "[").replace("\x02", "]")


def why(reasons: Any) -> str:
    """A link's reasons as a sentence: the rule first, then what it rested on ("same identifier:
    phone +4…; 2 steps"). Nested reasons (a link's own, an earlier decision's) are unfolded."""
    if not isinstance(reasons, dict):
        return str(reasons)
    parts: list[str] = []
    if "rule" in reasons:
        parts.append(why(reasons["rule"]))
    for key, value in reasons.items():
        if key == "rule":
            continue
        if isinstance(value, dict):
            parts.append(why(value))
        else:
            parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(p for p in parts if p)


def with_query(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters changed (for pagers and filters)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"{request.url.path}?{urlencode(params)}" if params else request.url.path


def make_templates() -> Jinja2Templates:
    """The Jinja2 environment (autoescaping on) with the app's filters."""
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["highlight"] = highlight
    templates.env.filters["why"] = why
    templates.env.globals["mark_spans"] = mark_spans
    templates.env.globals["with_query"] = with_query
    templates.env.globals["case_nav"] = CASE_NAV
    return templates


def page(
    templates: Jinja2Templates,
    request: Request,
    name: str,
    session: Session | None,
    view: CaseView | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render one page with the shared context."""
    shared = {
        "user": session.user if session else None,
        "csrf_token": session.csrf_token if session else "",
        "view": view,
        "case": view.case if view else None,
        "case_url": f"/cases/{view.case.case_id}" if view else "",
    }
    return templates.TemplateResponse(request, name, {**shared, **context}, status_code=status_code)
