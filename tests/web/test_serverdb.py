"""The server database: argon2id hashes, no default password, sessions stored only as digests."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type

from darkroom.errors import InvalidInput, WebAccessError
from darkroom.web.serverdb import ServerDb, open_server_db, session_key
from tests.web.conftest import FAST_HASHER

PASSWORD = "a long enough passphrase"


@pytest.fixture
def db(tmp_path: Path) -> ServerDb:
    return open_server_db(tmp_path / "darkroom-server.db", FAST_HASHER)


def test_the_default_hasher_is_argon2id_at_rfc_9106_cost(tmp_path: Path) -> None:
    hasher = open_server_db(tmp_path / "darkroom-server.db").hasher
    assert isinstance(hasher, PasswordHasher)
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 65536 and hasher.time_cost >= 3


def test_passwords_are_argon2id_hashes_never_the_password(db: ServerDb) -> None:
    user = db.add_user("alice", "lead", PASSWORD)
    assert user.role == "lead" and not user.disabled
    raw = b"".join(p.read_bytes() for p in db.path.parent.iterdir())
    assert PASSWORD.encode() not in raw
    assert b"$argon2id$" in raw
    assert db.check_password("alice", PASSWORD) == user
    assert db.check_password("alice", PASSWORD + "x") is None
    assert db.check_password("nobody", PASSWORD) is None


@pytest.mark.parametrize(
    ("name", "role", "password"),
    [
        ("bob", "lead", "short"),
        ("bob", "chief", PASSWORD),
        ("two words", "lead", PASSWORD),
        ("", "lead", PASSWORD),
    ],
)
def test_bad_users_are_refused(db: ServerDb, name: str, role: str, password: str) -> None:
    with pytest.raises(InvalidInput):
        db.add_user(name, role, password)
    assert db.user_count() == 0


def test_duplicate_user_is_refused(db: ServerDb) -> None:
    db.add_user("alice", "lead", PASSWORD)
    with pytest.raises(InvalidInput, match="exists"):
        db.add_user("alice", "analyst", PASSWORD)


def test_sessions_are_stored_as_digests_and_end_on_disable_and_password_change(db: ServerDb) -> None:
    user = db.add_user("alice", "investigator", PASSWORD)
    session_id, csrf = db.open_session(user)
    assert db.session(session_id) is not None
    raw = b"".join(p.read_bytes() for p in db.path.parent.iterdir())
    assert session_id.encode() not in raw
    assert session_key(session_id).encode() in raw
    session = db.session(session_id)
    assert session is not None and session.csrf_token == csrf
    db.set_password("alice", PASSWORD + "!")
    assert db.session(session_id) is None
    second, _ = db.open_session(user)
    db.set_disabled("alice", True)
    assert db.session(second) is None
    assert db.check_password("alice", PASSWORD + "!") is None
    db.set_disabled("alice", False)
    assert db.check_password("alice", PASSWORD + "!") is not None


def test_login_failures_count_per_user_since_the_last_success_and_per_client(db: ServerDb) -> None:
    for _ in range(3):
        db.record_attempt("alice", "10.0.0.1", False)
    assert db.recent_failures("alice", "10.0.0.1", 900) == (3, 3)
    db.record_attempt("alice", "10.0.0.1", True)
    db.record_attempt("bob", "10.0.0.1", False)
    assert db.recent_failures("alice", "10.0.0.1", 900) == (0, 4)
    assert db.recent_failures("alice", "10.0.0.2", 900) == (0, 0)


def test_memberships_carry_clearance(db: ServerDb) -> None:
    user = db.add_user("alice", "analyst", PASSWORD)
    db.add_member("alice", "case-1", "Op One", "standard", "admin")
    db.add_member("alice", "case-1", "Op One", "restricted", "admin")
    membership = db.membership(user.id, "case-1")
    assert membership is not None and membership.clearance == "restricted"
    assert db.membership(user.id, "case-2") is None
    with pytest.raises(InvalidInput):
        db.add_member("alice", "case-1", "Op One", "top-secret", "admin")
    # One vocabulary with the CLI's --clearance: its former "none" is stored as "standard".
    assert db.add_member("alice", "case-1", "Op One", "none", "admin").clearance == "standard"
    membership = db.membership(user.id, "case-1")
    assert membership is not None and membership.clearance == "standard"
    assert db.remove_member("alice", "case-1")
    assert not db.remove_member("alice", "case-1")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "darkroom-server.db"
    bad.write_bytes(b"not a database at all, just text" * 100)
    with pytest.raises(WebAccessError, match="not a darkroom server database"):
        open_server_db(bad)
