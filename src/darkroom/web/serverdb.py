"""The server database beside the cases: users, memberships with clearance, sessions, login attempts.

One SQLite file (`darkroom-server.db` in the folder holding the cases). Passwords are argon2id
hashes; session ids are stored only as SHA-256, so a copy of this file opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, cast, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from darkroom.clearance import Clearance as Clearance  # noqa: PLC0414 - re-exported: web.access imports it
from darkroom.clearance import clearance_of
from darkroom.errors import InvalidInput, WebAccessError

SERVER_DB_NAME: Final = "darkroom-server.db"
Role = Literal["admin", "lead", "investigator", "analyst", "examiner"]
ROLES: Final[tuple[str, ...]] = get_args(Role)
MIN_PASSWORD_LENGTH: Final = 10
SESSION_IDLE_S: Final = 2 * 3600
SESSION_MAX_S: Final = 12 * 3600
_SEEN_EVERY_S: Final = 60  # last-seen is written at most once a minute per session

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'lead', 'investigator', 'analyst', 'examiner')),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    password_changed_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS memberships (
    user_id INTEGER NOT NULL REFERENCES users (id),
    case_id TEXT NOT NULL,
    case_name TEXT NOT NULL,
    clearance TEXT NOT NULL CHECK (clearance IN ('standard', 'restricted')),
    added_at REAL NOT NULL,
    added_by TEXT NOT NULL,
    PRIMARY KEY (user_id, case_id)
);
CREATE TABLE IF NOT EXISTS sessions (
    id_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at REAL NOT NULL,
    last_seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS login_attempts (
    id INTEGER PRIMARY KEY,
    user_name TEXT NOT NULL,
    client TEXT NOT NULL,
    at REAL NOT NULL,
    succeeded INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS login_attempts_user ON login_attempts (user_name, at);
CREATE INDEX IF NOT EXISTS login_attempts_client ON login_attempts (client, at);
"""


@dataclass(frozen=True, slots=True)
class User:
    """A person who can log in; `disabled` users cannot."""

    id: int
    name: str
    role: Role
    disabled: bool


@dataclass(frozen=True, slots=True)
class Membership:
    """A user's access to one case, with their clearance for restricted records."""

    user_name: str
    case_id: str
    case_name: str
    clearance: Clearance


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in session: the user and the CSRF token every state-changing request must carry."""

    user: User
    csrf_token: str


def session_key(session_id: str) -> str:
    """What is stored for a session id: its SHA-256, never the id itself."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def check_password_strength(password: str) -> None:
    """At least MIN_PASSWORD_LENGTH characters, not only spaces."""
    if len(password) < MIN_PASSWORD_LENGTH or not password.strip():
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")


def _role(value: str) -> Role:
    if value not in ROLES:
        raise InvalidInput(f"unknown role {value!r}; choose one of {', '.join(ROLES)}")
    return cast(Role, value)


def _user(row: sqlite3.Row) -> User:
    return User(int(row["id"]), str(row["name"]), _role(str(row["role"])), bool(row["disabled"]))


class ServerDb:
    """Access to the server database; one short-lived SQLite connection per operation (thread-safe)."""

    def __init__(self, path: Path, hasher: PasswordHasher | None = None) -> None:
        self.path = path
        # argon2id with the library's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4).
        self.hasher = hasher or PasswordHasher()
        self._dummy: str | None = None
        path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=60, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; writers take the lock at BEGIN, readers never block each other (WAL)."""
        with closing(sqlite3.connect(self.path, timeout=60, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def _dummy_hash(self) -> str:
        """Verified when the user name is unknown, so a miss costs as long as a wrong password."""
        if self._dummy is None:
            self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy

    # Users -------------------------------------------------------------------------------

    def user_count(self) -> int:
        """How many users exist (`serve` says how to create the first one when none do)."""
        with self._connect(write=False) as db:
            return int(db.execute("SELECT COUNT(*) FROM users").fetchone()[0])

    def add_user(self, name: str, role: str, password: str) -> User:
        """A new user with an argon2id hash of their password."""
        clean = name.strip()
        if not clean or any(ch.isspace() for ch in clean) or len(clean) > 64:
            raise InvalidInput("a user name is 1-64 characters without spaces")
        checked_role = _role(role)
        check_password_strength(password)
        now = time.time()
        with self._connect() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (clean,)).fetchone():
                raise InvalidInput(f"user {clean!r} exists already")
            cursor = db.execute(
                "INSERT INTO users (name, role, password_hash, created_at, password_changed_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (clean, checked_role, self.hasher.hash(password), now, now),
            )
            return User(int(cursor.lastrowid or 0), clean, checked_role, False)

    def user(self, name: str) -> User:
        """The user of that name; InvalidInput when there is none."""
        with self._connect(write=False) as db:
            row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise InvalidInput(f"no user {name!r}")
        return _user(row)

    def users(self) -> list[User]:
        """Every user, by name."""
        with self._connect(write=False) as db:
            return [_user(row) for row in db.execute("SELECT * FROM users ORDER BY name")]

    def set_password(self, name: str, password: str) -> None:
        """A new password; every open session of the user ends."""
        check_password_strength(password)
        user = self.user(name)
        with self._connect() as db:
            db.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
                (self.hasher.hash(password), time.time(), user.id),
            )
            db.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))

    def set_disabled(self, name: str, disabled: bool) -> None:
        """Disable (or enable) a user; disabling ends their sessions at once."""
        user = self.user(name)
        with self._connect() as db:
            db.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user.id))
            if disabled:
                db.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))

    def check_password(self, name: str, password: str) -> User | None:
        """The user when the password is right and the user enabled; None otherwise (same cost)."""
        with self._connect(write=False) as db:
            row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        stored = str(row["password_hash"]) if row is not None else self._dummy_hash()
        try:
            self.hasher.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        if row is None or row["disabled"]:
            return None
        if self.hasher.check_needs_rehash(stored):
            with self._connect() as db:
                db.execute(
                    "UPDATE users SET password_hash = ? WHERE id = ?", (self.hasher.hash(password), row["id"])
                )
        return _user(row)

    # Memberships -------------------------------------------------------------------------

    def add_member(
        self, name: str, case_id: str, case_name: str, clearance: str, added_by: str
    ) -> Membership:
        """Give a user access to a case (or change their clearance there: darkroom.clearance's words,
        the former "none" read as "standard")."""
        cleared = clearance_of(clearance)
        user = self.user(name)
        with self._connect() as db:
            db.execute(
                "INSERT INTO memberships (user_id, case_id, case_name, clearance, added_at, added_by) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, case_id) DO UPDATE SET "
                "clearance = excluded.clearance, case_name = excluded.case_name",
                (user.id, case_id, case_name, cleared, time.time(), added_by),
            )
        return Membership(user.name, case_id, case_name, cleared)

    def remove_member(self, name: str, case_id: str) -> bool:
        """Take a user's access to a case away; False when they had none."""
        user = self.user(name)
        with self._connect() as db:
            cursor = db.execute(
                "DELETE FROM memberships WHERE user_id = ? AND case_id = ?", (user.id, case_id)
            )
            return cursor.rowcount > 0

    def memberships(self, user_id: int | None = None, case_id: str | None = None) -> list[Membership]:
        """Memberships, optionally of one user or one case."""
        sql = (
            "SELECT u.name, m.case_id, m.case_name, m.clearance FROM memberships m "
            "JOIN users u ON u.id = m.user_id WHERE (? IS NULL OR m.user_id = ?) "
            "AND (? IS NULL OR m.case_id = ?) ORDER BY m.case_name, u.name"
        )
        with self._connect(write=False) as db:
            rows = db.execute(sql, (user_id, user_id, case_id, case_id)).fetchall()
        return [Membership(r[0], r[1], r[2], r[3]) for r in rows]

    def membership(self, user_id: int, case_id: str) -> Membership | None:
        """One user's membership of one case, if any."""
        found = self.memberships(user_id, case_id)
        return found[0] if found else None

    # Sessions ----------------------------------------------------------------------------

    def open_session(self, user: User) -> tuple[str, str]:
        """A fresh session (new id, new CSRF token): (session id for the cookie, CSRF token)."""
        session_id = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = time.time()
        with self._connect() as db:
            db.execute(
                "INSERT INTO sessions (id_sha256, user_id, csrf_token, created_at, last_seen_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (session_key(session_id), user.id, csrf_token, now, now),
            )
        return session_id, csrf_token

    def session(self, session_id: str) -> Session | None:
        """The live session of that id (its user enabled, not idle or too old), else None."""
        key = session_key(session_id)
        now = time.time()
        with self._connect(write=False) as db:
            row = db.execute(
                "SELECT s.csrf_token, s.created_at, s.last_seen_at, u.* FROM sessions s "
                "JOIN users u ON u.id = s.user_id WHERE s.id_sha256 = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        expired = now - row["created_at"] > SESSION_MAX_S or now - row["last_seen_at"] > SESSION_IDLE_S
        if expired or row["disabled"]:
            self.close_session(session_id)
            return None
        if now - row["last_seen_at"] > _SEEN_EVERY_S:
            with self._connect() as db:
                db.execute("UPDATE sessions SET last_seen_at = ? WHERE id_sha256 = ?", (now, key))
        return Session(_user(row), str(row["csrf_token"]))

    def close_session(self, session_id: str) -> None:
        """Log out: the session id stops working."""
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE id_sha256 = ?", (session_key(session_id),))

    # Login attempts ----------------------------------------------------------------------

    def record_attempt(self, user_name: str, client: str, succeeded: bool) -> None:
        """Every login attempt is kept (the password never is), for rate limiting and review."""
        with self._connect() as db:
            db.execute(
                "INSERT INTO login_attempts (user_name, client, at, succeeded) VALUES (?, ?, ?, ?)",
                (user_name[:128], client, time.time(), int(succeeded)),
            )

    def recent_failures(self, user_name: str, client: str, window_s: float) -> tuple[int, int]:
        """Failed attempts in the window: (for this user name since their last success, from this client)."""
        since = time.time() - window_s
        with self._connect(write=False) as db:
            last_ok = db.execute(
                "SELECT MAX(at) FROM login_attempts WHERE user_name = ? AND succeeded = 1 AND at >= ?",
                (user_name[:128], since),
            ).fetchone()[0]
            by_user = db.execute(
                "SELECT COUNT(*) FROM login_attempts WHERE user_name = ? AND succeeded = 0 AND at >= ?",
                (user_name[:128], max(since, last_ok or since)),
            ).fetchone()[0]
            by_client = db.execute(
                "SELECT COUNT(*) FROM login_attempts WHERE client = ? AND succeeded = 0 AND at >= ?",
                (client, since),
            ).fetchone()[0]
        return int(by_user), int(by_client)


def open_server_db(path: Path, hasher: PasswordHasher | None = None) -> ServerDb:
    """Open (creating if needed) the server database; a clear error when the file is not one."""
    try:
        return ServerDb(path, hasher)
    except sqlite3.DatabaseError as err:
        raise WebAccessError(f"{path} is not a darkroom server database: {err}") from err
