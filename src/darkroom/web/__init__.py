"""The team's web application: FastAPI + Jinja2 + htmx over the case store.

The server database (users, memberships and clearances, sessions, login attempts) lives beside
the cases (`darkroom-server.db`); every case keeps its own audit chain, which the web app
appends to as the logged-in user. `create_app` (web.app) builds the application.
"""

from __future__ import annotations
