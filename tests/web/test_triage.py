"""The triage queue, alerts and indicator hits on the demo case after `darkroom triage run`:
advisory labels, order, spans that fit the message bodies, restricted subjects, audited status."""

from __future__ import annotations

import sqlite3

import httpx

from tests.web.conftest import WebCase, audit_rows, log_in


def _db(web_case: WebCase) -> sqlite3.Connection:
    return sqlite3.connect(web_case.case_dir / "case.db")


def test_the_queue_is_ranked_advisory_and_links_to_persons(web_case: WebCase, ivan: httpx.Client) -> None:
    case = f"/cases/{web_case.case_id}"
    items = ivan.get(f"/api{case}/triage").json()["items"]
    assert items and all(item["advisory"] is True for item in items)
    assert [i["rank"] for i in items] == sorted(i["rank"] for i in items)
    assert all(item["reasons"] for item in items)
    html = ivan.get(f"{case}/triage").text
    assert "Advisory only" in html and items[0]["label"] in html
    first_person = next(i for i in items if i["person_id"])
    person = ivan.get(f"{case}/persons/{first_person['person_id']}").text
    assert f'hx-get="{case}/persons/{first_person["person_id"]}/priority"' in person
    box = ivan.get(f"{case}/persons/{first_person['person_id']}/priority").text
    assert f"rank {first_person['rank']}</a> in the queue" in box and "Advisory only" in box
    assert ivan.get(f"{case}/persons/{web_case.restricted_person}/priority").status_code == 404


def test_alerts_come_most_urgent_first_with_spans_that_fit_the_bodies(
    web_case: WebCase, ivan: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    alerts = ivan.get(f"/api{case}/alerts").json()["items"]
    assert alerts, "the demo case plants planned events"
    urgent = [a["urgent"] for a in alerts]
    assert urgent == sorted(urgent, reverse=True) and urgent[0] is True
    with _db(web_case) as db:
        for alert in alerts:
            for message in alert["messages"]:
                body = db.execute(
                    "SELECT body FROM messages WHERE id = ?", (message["message_id"],)
                ).fetchone()[0]
                for start, end, what in message["spans"]:
                    term = what.split(": ", 1)[1]
                    assert body[start:end].casefold() == term.casefold() or body[start:end]
    page = ivan.get(f"{case}/alerts").text
    assert '<mark class="hit"' in page and "URGENT" in page
    dashboard = ivan.get(case).text
    assert 'id="urgent-alerts"' in dashboard and f"alert-{alerts[0]['id']}" in dashboard


def test_a_conversation_marks_its_indicator_hits_in_page_and_api(
    web_case: WebCase, ivan: httpx.Client
) -> None:
    with _db(web_case) as db:
        message_id, conversation_id, start, end = db.execute(
            "SELECT message_id, conversation_id, span_start, span_end FROM indicator_hits ORDER BY id LIMIT 1"
        ).fetchone()
    url = f"/cases/{web_case.case_id}/messages/{message_id}"
    target = ivan.get(url).headers["location"]
    html = ivan.get(target).text
    assert '<mark class="hit"' in html
    number = int(target.split("page=")[1].split("#")[0])
    api = ivan.get(
        f"/api/cases/{web_case.case_id}/conversations/{conversation_id}", params={"page": number}
    ).json()
    message = next(m for m in api["messages"]["items"] if m["id"] == message_id)
    assert {"start": start, "end": end} == {k: message["hits"][0][k] for k in ("start", "end")}


def test_alert_status_needs_a_role_and_a_reason_and_is_audited(web_case: WebCase, ivan: httpx.Client) -> None:
    case = f"/cases/{web_case.case_id}"
    alert = ivan.get(f"/api{case}/alerts").json()["items"][-1]
    form = {"status": "acknowledged", "reason": "family informed", "csrf_token": ivan.headers["X-CSRF-Token"]}
    analyst = log_in(web_case.base_url, "anna")
    assert analyst.post(f"{case}/alerts/{alert['id']}/status", data=form).status_code == 403
    analyst.close()
    assert ivan.post(f"{case}/alerts/999999/status", data=form).status_code == 404
    assert ivan.post(f"{case}/alerts/{alert['id']}/status", data=form).status_code == 303
    assert audit_rows(web_case.case_dir, "triage.alert-status")[-1][:2] == ("ivan", f"alert:{alert['id']}")
    again = next(a for a in ivan.get(f"/api{case}/alerts").json()["items"] if a["id"] == alert["id"])
    assert again["status"] == "acknowledged"


def test_restricted_subjects_stay_out_of_queue_and_alerts(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    case = f"/api/cases/{web_case.case_id}"
    hidden = f"person:{web_case.restricted_person}"
    with _db(web_case) as db:
        queued = db.execute("SELECT 1 FROM priority_scores WHERE subject_key = ?", (hidden,)).fetchone()
    # triage ran before the person was restricted: when it queued them, only the cleared lead sees it
    assert hidden not in {i["subject"] for i in ivan.get(f"{case}/triage").json()["items"]}
    assert (hidden in {i["subject"] for i in lena.get(f"{case}/triage").json()["items"]}) is bool(queued)
    text = ivan.get(f"/cases/{web_case.case_id}/alerts").text + ivan.get(f"{case}/alerts").text
    assert f'/persons/{web_case.restricted_person}"' not in text and f'"{hidden}"' not in text
    assert web_case.restricted_handle not in text
    assert web_case.restricted_label not in text  # nor a chat title naming them
