"""One demo case per test session, served by a real uvicorn on a free loopback port.

`darkroom demo` builds the case (its serving step runs with the server start replaced, so the
demo user it creates and prints is tested too); identity resolution, the network build and triage run on
it. Then one person is restricted through one of its accounts, users are made (a
lead with clearance, an investigator without, a stranger with no membership) and the app is
served in a thread.
"""

from __future__ import annotations

import contextlib
import io
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher

from darkroom.cli import demo as demo_cli
from darkroom.cli import web as web_cli
from darkroom.cli.app import run
from darkroom.store import CaseStore
from darkroom.web.app import create_app
from darkroom.web.cases import ServedCases
from darkroom.web.serverdb import ServerDb, open_server_db

PASSWORD = "correct horse battery staple"
# Still argon2id, with test-sized cost (the app's default is RFC 9106's low-memory profile).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
USERS = {
    "lena": ("lead", "restricted"),
    "ivan": ("investigator", "standard"),
    "anna": ("analyst", "standard"),
    "sam": ("examiner", None),  # no membership: sees nothing of the case
    "rita": ("investigator", "standard"),  # the rate-limit test locks this one out
}


@dataclass
class WebCase:
    """The served case: where it is, its id, the planted records, the demo user."""

    case_dir: Path
    case_id: str
    base_url: str
    public_person: int
    public_label: str
    restricted_person: int
    restricted_label: str
    restricted_account: int
    restricted_handle: str
    conversation_with_restricted: int
    demo_password: str
    demo_serve_calls: list[tuple[Any, ...]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_UNIQUE_LABEL = "(SELECT COUNT(*) FROM persons q WHERE q.label = {alias}.label) = 1"


def _plant_persons(case_dir: Path) -> dict[str, int | str]:
    """Restrict one resolved person through one of its accounts (a victim's, or an undercover
    officer's), chosen among the senders of a conversation with a handle no other record has, as a
    lead's mark does, one whose chat export is named after them first ("WhatsApp Chat with …");
    another person with two or more records, in conversations, stays public. Labels are unique."""
    with sqlite3.connect(case_dir / "case.db") as db:
        hidden, hidden_label, conv_id, account_id, handle = db.execute(
            "SELECT l.person_id, h.label, p.conversation_id, a.id, a.handle_norm FROM person_links l "
            "JOIN persons h ON h.id = l.person_id "
            "JOIN accounts a ON a.id = l.account_id JOIN conversation_participants p ON p.account_id = a.id "
            "JOIN conversations c ON c.id = p.conversation_id JOIN files f ON f.id = c.file_id "
            f"WHERE {_UNIQUE_LABEL.format(alias='h')} AND length(h.label) >= 8 "
            "AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = p.conversation_id "
            "AND m.sender_account_id = a.id) AND NOT EXISTS (SELECT 1 FROM accounts o "
            "WHERE o.handle_norm = a.handle_norm AND o.id != a.id) "
            "AND NOT EXISTS (SELECT 1 FROM identifiers i JOIN account_identifiers ai "
            "ON ai.identifier_id = i.id WHERE i.value_norm = a.handle_norm "
            "AND ai.account_id != a.id) "
            "ORDER BY instr(lower(f.display_path), lower(h.label)) = 0, l.person_id, p.conversation_id, a.id "
            "LIMIT 1"
        ).fetchone()
        public, public_label = db.execute(
            "SELECT p.id, p.label FROM persons p WHERE p.id != ? AND p.restricted = 0 "
            f"AND {_UNIQUE_LABEL.format(alias='p')} AND length(p.label) >= 8 "
            "AND (SELECT COUNT(*) FROM person_links l WHERE l.person_id = p.id) >= 2 AND EXISTS (SELECT 1 "
            "FROM person_links l JOIN conversation_participants c ON c.account_id = l.account_id "
            "WHERE l.person_id = p.id) ORDER BY p.id LIMIT 1",
            (hidden,),
        ).fetchone()
        db.execute("UPDATE persons SET restricted = 1 WHERE id = ?", (hidden,))
        db.execute("UPDATE accounts SET restricted = 1 WHERE id = ?", (account_id,))
    return {
        "public": int(public),
        "public_label": str(public_label),
        "hidden": int(hidden),
        "hidden_label": str(hidden_label),
        "account": int(account_id),
        "handle": str(handle),
        "conversation": int(conv_id),
    }


def _make_users(case_dir: Path, case_id: str) -> ServerDb:
    db = open_server_db(case_dir.parent / "darkroom-server.db", FAST_HASHER)
    for name, (role, clearance) in USERS.items():
        db.add_user(name, role, PASSWORD)
        if clearance:
            db.add_member(name, case_id, "demo", clearance, "test")
    return db


@pytest.fixture(scope="session")
def web_case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebCase]:
    out_dir = tmp_path_factory.mktemp("web") / "demo"
    calls: list[tuple[Any, ...]] = []
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_cli, "_interactive", lambda: True)
        patch.setattr(web_cli, "run_server", lambda *args: calls.append(args))
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
            assert run(["demo", "--out", str(out_dir)]) == 0
    found = re.search(r"password (\S+)", printed.getvalue())
    case_dir = out_dir / "case"
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        for stage in (["identity", "resolve"], ["network", "build"], ["triage", "run"]):
            assert run([*stage, "--case", str(case_dir)]) == 0, printed.getvalue()
    store = CaseStore.open(case_dir)
    case_id = store.info().case_id
    store.close()
    planted = _plant_persons(case_dir)
    server_db = _make_users(case_dir, case_id)
    port = _free_port()
    app = create_app(ServedCases.for_case(case_dir), server_db=server_db)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield WebCase(
        case_dir=case_dir,
        case_id=case_id,
        base_url=f"http://127.0.0.1:{port}",
        public_person=int(planted["public"]),
        public_label=str(planted["public_label"]),
        restricted_person=int(planted["hidden"]),
        restricted_label=str(planted["hidden_label"]),
        restricted_account=int(planted["account"]),
        restricted_handle=str(planted["handle"]),
        conversation_with_restricted=int(planted["conversation"]),
        demo_password=found.group(1) if found else "",
        demo_serve_calls=calls,
    )
    server.should_exit = True
    thread.join(timeout=10)


def login_form_token(client: httpx.Client) -> str:
    """Open the login page; return its double-submit token."""
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def log_in(base_url: str, name: str, password: str = PASSWORD) -> httpx.Client:
    """A client logged in as `name`; its `csrf` header is set for state-changing calls."""
    client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
    token = login_form_token(client)
    answer = client.post("/login", data={"username": name, "password": password, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


@pytest.fixture
def lena(web_case: WebCase) -> Iterator[httpx.Client]:
    """The case lead, cleared for restricted records."""
    client = log_in(web_case.base_url, "lena")
    yield client
    client.close()


@pytest.fixture
def ivan(web_case: WebCase) -> Iterator[httpx.Client]:
    """An investigator without clearance."""
    client = log_in(web_case.base_url, "ivan")
    yield client
    client.close()


@pytest.fixture
def sam(web_case: WebCase) -> Iterator[httpx.Client]:
    """A user with no membership of the case."""
    client = log_in(web_case.base_url, "sam")
    yield client
    client.close()


def audit_rows(case_dir: Path, action: str) -> list[tuple[str, str, str]]:
    """(actor, object, details) of the audit rows of one action."""
    with sqlite3.connect(case_dir / "case.db") as db:
        return db.execute(
            "SELECT actor, object_ref, details_json FROM audit_log WHERE action = ? ORDER BY seq", (action,)
        ).fetchall()
