"""Need-to-know: membership, 404 outside it, restricted records only with clearance, roles,
and every view of a person, conversation or media item in the audit chain."""

from __future__ import annotations

import json
import sqlite3

import httpx

from tests.web.conftest import WebCase, audit_rows, log_in


def _first_media(client: httpx.Client, case_id: str) -> int:
    return int(
        client.get(f"/api/cases/{case_id}/media", params={"show": "all"}).json()["items"][0]["file_id"]
    )


def test_a_user_without_membership_gets_nothing_of_the_case(web_case: WebCase, sam: httpx.Client) -> None:
    case = f"/cases/{web_case.case_id}"
    assert sam.get("/api/cases").json() == []
    assert web_case.case_id not in sam.get("/").text
    paths = [case, f"{case}/conversations", f"{case}/conversations/1", f"{case}/media", f"{case}/media/1"]
    paths += [f"{case}/media/1/thumbnail", f"{case}/persons/{web_case.public_person}", f"{case}/audit"]
    for path in paths:
        assert sam.get(path).status_code == 404, path
        assert sam.get(f"/api{path}").status_code in (404, 405), path
    assert sam.post(f"/api{case}/media/1/reveal").status_code == 404
    assert sam.get("/cases/no-such-case").status_code == 404


def test_objects_that_do_not_exist_answer_404(web_case: WebCase, lena: httpx.Client) -> None:
    case = f"/api/cases/{web_case.case_id}"
    assert lena.get(f"{case}/conversations/999999").status_code == 404
    assert lena.get(f"{case}/persons/999999").status_code == 404
    assert lena.get(f"{case}/media/999999").status_code == 404
    assert lena.post(f"{case}/media/999999/reveal").status_code == 404


def test_a_restricted_person_is_invisible_without_clearance(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    hidden = web_case.restricted_person
    assert ivan.get(f"{case}/persons/{hidden}").status_code == 404
    assert ivan.get(f"/api{case}/persons/{hidden}").status_code == 404
    listed = ivan.get(f"/api{case}/persons").json()["items"]
    labels = [p["label"] for p in listed]
    assert web_case.public_label in labels
    assert web_case.restricted_label not in labels
    assert web_case.restricted_label not in ivan.get(f"{case}/persons").text
    note = {"kind": "person", "subject_id": hidden, "body": "x"}
    assert ivan.post(f"/api{case}/notes", json=note).status_code == 404
    assert lena.get(f"{case}/persons/{hidden}").status_code == 200
    assert {p["label"] for p in lena.get(f"/api{case}/persons").json()["items"]} >= {
        web_case.public_label,
        web_case.restricted_label,
    }


def test_a_restricted_account_is_masked_without_clearance(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    url = f"/api/cases/{web_case.case_id}/conversations/{web_case.conversation_with_restricted}"
    seen_by_ivan = json.dumps(ivan.get(url).json())
    assert web_case.restricted_handle not in seen_by_ivan
    assert "[restricted]" in seen_by_ivan
    assert web_case.restricted_handle in json.dumps(lena.get(url).json())
    person = ivan.get(f"/api/cases/{web_case.case_id}/persons/{web_case.public_person}").json()
    assert web_case.restricted_account not in [a["account_id"] for a in person["accounts"]]
    page = ivan.get(
        f"/cases/{web_case.case_id}/conversations", params={"account": web_case.restricted_account}
    )
    assert page.status_code == 404


def test_only_a_lead_marks_records_restricted_and_it_is_audited(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    token = lena.headers["X-CSRF-Token"]
    form = {"kind": "person", "subject_id": str(web_case.public_person), "restricted": "true"}
    assert (
        ivan.post(f"{case}/restricted", data={**form, "csrf_token": ivan.headers["X-CSRF-Token"]}).status_code
        == 403
    )
    assert lena.post(f"{case}/restricted", data={**form, "csrf_token": token}).status_code == 303
    assert ivan.get(f"{case}/persons/{web_case.public_person}").status_code == 404
    assert (
        lena.post(f"{case}/restricted", data={**form, "restricted": "false", "csrf_token": token}).status_code
        == 303
    )
    assert ivan.get(f"{case}/persons/{web_case.public_person}").status_code == 200
    marks = [(actor, obj) for actor, obj, _ in audit_rows(web_case.case_dir, "restrict.mark")]
    unmarks = [(actor, obj) for actor, obj, _ in audit_rows(web_case.case_dir, "restrict.unmark")]
    assert ("lena", f"person:{web_case.public_person}") in marks
    assert ("lena", f"person:{web_case.public_person}") in unmarks


def test_views_of_persons_conversations_and_media_are_audited_with_the_user(
    web_case: WebCase, ivan: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    media_id = _first_media(ivan, web_case.case_id)
    before = {
        kind: len(audit_rows(web_case.case_dir, f"view.{kind}"))
        for kind in ("person", "conversation", "media")
    }
    assert ivan.get(f"{case}/persons/{web_case.public_person}").status_code == 200
    assert ivan.get(f"{case}/conversations/1").status_code == 200
    assert ivan.get(f"/api{case}/conversations/1", params={"page": 1}).status_code == 200
    assert ivan.get(f"{case}/media/{media_id}").status_code == 200
    after = {
        kind: audit_rows(web_case.case_dir, f"view.{kind}") for kind in ("person", "conversation", "media")
    }
    assert len(after["person"]) == before["person"] + 1
    assert len(after["conversation"]) == before["conversation"] + 2
    assert len(after["media"]) == before["media"] + 1
    assert after["person"][-1][:2] == ("ivan", f"person:{web_case.public_person}")
    assert after["conversation"][-1][:2] == ("ivan", "conversation:1")
    assert json.loads(after["conversation"][-1][2])["via"] == "api"
    assert after["media"][-1][:2] == ("ivan", f"media:{media_id}")


def test_an_analyst_may_not_reveal_or_categorise(web_case: WebCase) -> None:
    anna = log_in(web_case.base_url, "anna")
    case = f"/cases/{web_case.case_id}"
    media_id = _first_media(anna, web_case.case_id)
    token = anna.headers["X-CSRF-Token"]
    assert anna.post(f"/api{case}/media/{media_id}/reveal").status_code == 403
    answer = anna.post(
        f"{case}/media/{media_id}/categorise",
        data={"category": "illegal", "reason": "x", "csrf_token": token},
    )
    assert answer.status_code == 403
    anna.close()
    with sqlite3.connect(web_case.case_dir / "case.db") as db:
        assert (
            db.execute(
                "SELECT COUNT(*) FROM audit_log WHERE actor = 'anna' AND action = 'media.reveal'"
            ).fetchone()[0]
            == 0
        )


def test_a_chat_title_naming_a_restricted_participant_is_masked_without_clearance(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    case_id, conversation_id = web_case.case_id, web_case.conversation_with_restricted
    with sqlite3.connect(web_case.case_dir / "case.db") as db:
        (title,) = db.execute("SELECT title FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    assert title  # a one-to-one chat export is titled with the other party's name
    api = f"/api/cases/{case_id}/conversations/{conversation_id}"
    assert lena.get(api).json()["conversation"]["title"] == title
    assert ivan.get(api).json()["conversation"]["title"] == "[restricted]"
    listing = f"/api/cases/{case_id}/conversations"
    pages = [ivan.get(listing, params={"page": n}).json()["items"] for n in range(1, 40)]
    shown = {row["id"]: row["title"] for items in pages for row in items}
    assert shown[conversation_id] == "[restricted]"
    assert sum(t == "[restricted]" for t in shown.values()) < len(shown) / 2  # only those with one
