"""Logging in and out: strangers get nothing, CSRF everywhere, no session fixation, rate limits,
passwords never logged."""

from __future__ import annotations

import logging
import re

import httpx
import pytest

from tests.web.conftest import PASSWORD, WebCase, log_in, login_form_token


def test_strangers_are_sent_to_login_and_the_api_answers_401(web_case: WebCase) -> None:
    with httpx.Client(base_url=web_case.base_url) as stranger:
        for path in ("/", f"/cases/{web_case.case_id}", f"/cases/{web_case.case_id}/media/1/thumbnail"):
            answer = stranger.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login?next=")
        for path in ("/api/me", "/api/openapi.json", f"/api/cases/{web_case.case_id}/conversations"):
            answer = stranger.get(path)
            assert answer.status_code == 401, path
            assert "case" not in answer.text.lower() or "log in" in answer.text
        assert stranger.post(f"/api/cases/{web_case.case_id}/notes", json={}).status_code == 401
        assert stranger.get("/docs").status_code == 404


def test_openapi_schema_is_served_behind_login(lena: httpx.Client) -> None:
    schema = lena.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert all(path.startswith("/api/") for path in schema["paths"])
    assert "/api/cases/{case_id}/conversations/{conversation_id}" in schema["paths"]


def test_login_sets_a_hardened_cookie_and_follows_only_local_next(web_case: WebCase) -> None:
    with httpx.Client(base_url=web_case.base_url) as client:
        token = login_form_token(client)
        answer = client.post(
            "/login",
            data={"username": "ivan", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"
        cookie = next(
            v for k, v in answer.headers.multi_items() if k == "set-cookie" and "darkroom_session" in v
        )
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax") and "Path=/" in cookie
        assert "Secure" not in cookie  # plain http on loopback; https requests get Secure
        assert client.get("/").status_code == 200


def _login_answer(base_url: str, planted: str) -> httpx.Response:
    with httpx.Client(base_url=base_url) as client:
        token = login_form_token(client)
        client.cookies.set("darkroom_session", planted)
        return client.post("/login", data={"username": "ivan", "password": PASSWORD, "csrf_token": token})


def test_session_id_is_new_at_every_login_and_a_planted_one_is_never_adopted(web_case: WebCase) -> None:
    first = _login_answer(web_case.base_url, "attacker-chosen-value").cookies.get("darkroom_session")
    assert first and first != "attacker-chosen-value"
    second = _login_answer(web_case.base_url, first).cookies.get("darkroom_session")
    assert second and second != first
    with httpx.Client(base_url=web_case.base_url, cookies={"darkroom_session": first}) as old:
        assert old.get("/api/me").status_code == 401  # the earlier session ended at the new login
    with httpx.Client(base_url=web_case.base_url, cookies={"darkroom_session": second}) as current:
        assert current.get("/api/me").json()["name"] == "ivan"


def test_state_changing_requests_need_their_sessions_csrf_token(
    web_case: WebCase, lena: httpx.Client
) -> None:
    note = {"kind": "person", "subject_id": web_case.public_person, "body": "checked"}
    url = f"/api/cases/{web_case.case_id}/notes"
    good = lena.headers.pop("X-CSRF-Token")
    assert lena.post(url, json=note).status_code == 403
    assert lena.post(url, json=note, headers={"X-CSRF-Token": "forged"}).status_code == 403
    other = log_in(web_case.base_url, "anna")
    foreign = other.get("/api/me").json()["csrf_token"]
    other.close()
    assert lena.post(url, json=note, headers={"X-CSRF-Token": foreign}).status_code == 403
    form = {"kind": "person", "subject_id": str(web_case.public_person), "body": "x"}
    assert lena.post(f"/cases/{web_case.case_id}/notes", data=form).status_code == 403
    assert lena.post("/logout").status_code == 403
    assert lena.post(url, json=note, headers={"X-CSRF-Token": good}).status_code == 201
    assert lena.post(f"/cases/{web_case.case_id}/notes", data={**form, "csrf_token": good}).status_code == 303


def test_login_form_needs_its_double_submit_token(web_case: WebCase) -> None:
    with httpx.Client(base_url=web_case.base_url) as client:
        answer = client.post("/login", data={"username": "ivan", "password": PASSWORD, "csrf_token": "x"})
        assert answer.status_code == 403
        assert "darkroom_session" not in answer.cookies


def test_logout_ends_the_session(web_case: WebCase) -> None:
    client = log_in(web_case.base_url, "ivan")
    session_id = client.cookies.get("darkroom_session")
    assert client.post("/logout").status_code == 303
    client.close()
    with httpx.Client(base_url=web_case.base_url, cookies={"darkroom_session": session_id or ""}) as replay:
        assert replay.get("/api/me").status_code == 401


def test_login_is_rate_limited_per_user(web_case: WebCase) -> None:
    with httpx.Client(base_url=web_case.base_url) as client:
        for _ in range(5):
            token = login_form_token(client)
            wrong = client.post(
                "/login", data={"username": "rita", "password": "wrong guess 1", "csrf_token": token}
            )
            assert wrong.status_code == 401
            assert "wrong user name or password" in wrong.text
        token = login_form_token(client)
        locked = client.post("/login", data={"username": "rita", "password": PASSWORD, "csrf_token": token})
        assert locked.status_code == 429
        assert "darkroom_session" not in locked.cookies
    # another user from the same client is not locked out by rita's failures
    log_in(web_case.base_url, "anna").close()


def test_passwords_are_never_logged(web_case: WebCase, caplog: pytest.LogCaptureFixture) -> None:
    secret = "never-log-this-passphrase"
    with caplog.at_level(logging.DEBUG), httpx.Client(base_url=web_case.base_url) as client:
        token = login_form_token(client)
        client.post("/login", data={"username": "anna", "password": secret, "csrf_token": token})
        log_in(web_case.base_url, "anna").close()
    assert caplog.records  # the server's access log was captured
    assert secret not in caplog.text and PASSWORD not in caplog.text
    stored = b"".join(p.read_bytes() for p in web_case.case_dir.parent.glob("darkroom-server.db*"))
    assert secret.encode() not in stored and PASSWORD.encode() not in stored


def test_security_headers_on_every_page(lena: httpx.Client, web_case: WebCase) -> None:
    answer = lena.get(f"/cases/{web_case.case_id}")
    assert answer.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert re.search(r'hx-headers=\'\{"X-CSRF-Token": "[^"]+"\}\'', answer.text)
