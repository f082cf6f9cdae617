"""Phase 2 pages and API routes on the demo case after identity resolution and the network build:
the person page, investigator decisions, leads with marks, the network view; access rules, 404s,
restricted records, CSRF and the audit of each."""

from __future__ import annotations

import json
import sqlite3

import httpx
import pytest

from tests.web.conftest import WebCase, audit_rows, log_in


def _db(web_case: WebCase) -> sqlite3.Connection:
    return sqlite3.connect(web_case.case_dir / "case.db")


def _persons_with_accounts(web_case: WebCase, count: int) -> list[int]:
    """Active, unrestricted persons other than the planted ones, with at least one account."""
    with _db(web_case) as db:
        rows = db.execute(
            "SELECT p.id FROM persons p WHERE p.retired_at_utc IS NULL AND p.restricted = 0 AND p.id NOT IN "
            "(?, ?) AND EXISTS (SELECT 1 FROM person_links l WHERE l.person_id = p.id) ORDER BY p.id DESC "
            "LIMIT ?",
            (web_case.public_person, web_case.restricted_person, count),
        ).fetchall()
    return [int(r[0]) for r in rows]


def test_person_page_shows_records_why_network_and_is_audited(web_case: WebCase, ivan: httpx.Client) -> None:
    case = f"/cases/{web_case.case_id}"
    before = len(audit_rows(web_case.case_dir, "view.person"))
    html = ivan.get(f"{case}/persons/{web_case.public_person}").text
    assert web_case.public_label in html and "deterministic" in html and "community" in html
    assert len(audit_rows(web_case.case_dir, "view.person")) == before + 1
    found = ivan.get(f"/api{case}/persons/{web_case.public_person}").json()
    refs = {m["ref"] for m in found["members"]}
    assert f"account:{web_case.restricted_account}" not in refs and refs
    assert all(m["exhibits"] for m in found["members"])
    assert found["confidence"] == 1.0 and found["model_links"] == 0
    assert web_case.restricted_handle not in json.dumps(found)
    with _db(web_case) as db:
        partners = db.execute(
            "SELECT COUNT(DISTINCT q.account_id) FROM conversation_participants q WHERE q.conversation_id IN "
            "(SELECT p.conversation_id FROM conversation_participants p JOIN person_links l "
            "ON l.account_id = p.account_id WHERE l.person_id = ?) AND q.account_id NOT IN "
            "(SELECT account_id FROM person_links WHERE person_id = ?)",
            (web_case.public_person, web_case.public_person),
        ).fetchone()[0]
    assert len(found["partners"]) == partners > 0


def test_the_cleared_lead_sees_the_restricted_account_of_a_person(
    web_case: WebCase, lena: httpx.Client
) -> None:
    found = lena.get(f"/api/cases/{web_case.case_id}/persons/{web_case.restricted_person}").json()
    restricted = [m for m in found["members"] if m["ref"] == f"account:{web_case.restricted_account}"]
    assert restricted and restricted[0]["restricted"] is True


def test_decisions_need_a_role_a_token_and_visibility_and_are_audited(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    case = f"/api/cases/{web_case.case_id}"
    target = _persons_with_accounts(web_case, 1)[0]
    body = {"kind": "confirm", "reason": "checked the subscriber records"}
    analyst = log_in(web_case.base_url, "anna")
    assert analyst.post(f"{case}/persons/{target}/decisions", json=body).status_code == 403
    analyst.close()
    with httpx.Client(base_url=web_case.base_url, cookies=ivan.cookies) as bare:
        assert bare.post(f"{case}/persons/{target}/decisions", json=body).status_code == 403
    merge = {"kind": "merge", "reason": "same man", "other": web_case.restricted_person}
    assert ivan.post(f"{case}/persons/{target}/decisions", json=merge).status_code == 404
    answer = ivan.post(f"{case}/persons/{target}/decisions", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["persons"] == [target]
    rows = audit_rows(web_case.case_dir, "person.confirm")
    assert rows[-1][:2] == ("ivan", f"person:{target}")
    found = lena.get(f"{case}/persons/{target}").json()
    assert all(m["confirmed"] for m in found["members"])
    assert found["decisions"][-1]["actor"] == "ivan"
    assert ivan.post(f"{case}/persons/{target}/decisions", json={**body, "reason": " "}).status_code == 400


def test_a_merge_from_the_page_form_retires_the_other_person_whose_page_redirects(
    web_case: WebCase, lena: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    keep, gone = _persons_with_accounts(web_case, 2)
    form = {"kind": "merge", "other": str(gone), "reason": "one phone, two apps", "csrf_token": "wrong"}
    with httpx.Client(base_url=web_case.base_url, cookies=lena.cookies) as form_only:
        assert form_only.post(f"{case}/persons/{keep}/decide", data=form).status_code == 403
    token = lena.headers["X-CSRF-Token"]
    answer = lena.post(f"{case}/persons/{keep}/decide", data={**form, "csrf_token": token})
    assert answer.status_code == 303 and answer.headers["location"] == f"{case}/persons/{keep}"
    moved = lena.get(f"{case}/persons/{gone}")
    assert moved.status_code == 303 and moved.headers["location"] == f"{case}/persons/{keep}"
    assert audit_rows(web_case.case_dir, "person.merge")[-1][:2] == ("lena", f"person:{keep}")


def test_split_and_reject_link_from_the_api(web_case: WebCase, lena: httpx.Client) -> None:
    case = f"/api/cases/{web_case.case_id}"
    with _db(web_case) as db:
        person = db.execute(
            "SELECT l.person_id FROM person_links l JOIN persons p ON p.id = l.person_id "
            "WHERE p.retired_at_utc IS NULL AND p.restricted = 0 AND p.id != ? GROUP BY l.person_id "
            "HAVING COUNT(*) >= 3 ORDER BY l.person_id LIMIT 1",
            (web_case.public_person,),
        ).fetchone()[0]
    members = [m["ref"] for m in lena.get(f"{case}/persons/{person}").json()["members"]]
    split = {"kind": "split", "reason": "a second device user", "refs": [members[-1]]}
    answer = lena.post(f"{case}/persons/{person}/decisions", json=split)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["persons"]) == 2
    reject = {"kind": "reject-link", "reason": "a shared family tablet", "refs": [members[-2]]}
    assert lena.post(f"{case}/persons/{person}/decisions", json=reject).status_code == 200
    left = {m["ref"] for m in lena.get(f"{case}/persons/{person}").json()["members"]}
    assert members[-1] not in left and members[-2] not in left
    too_many = {"kind": "reject-link", "reason": "x", "refs": sorted(left)[:2]}
    assert lena.post(f"{case}/persons/{person}/decisions", json=too_many).status_code == 400


def test_leads_are_ranked_with_reasons_and_evidence_and_marks_are_audited(
    web_case: WebCase, ivan: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    listed = ivan.get(f"/api{case}/leads").json()["items"]
    ranks = [lead["rank"] for lead in listed]
    assert ranks == sorted(ranks) and len(listed) >= 10
    assert all(lead["reasons"] for lead in listed)
    top = listed[0]
    html = ivan.get(f"{case}/leads").text
    assert top["label"] in html
    detail = ivan.get(f"/api{case}/leads/{top['lead_id']}").json()
    assert detail["evidence"] and all("exhibit" in e for e in detail["evidence"] if not e.get("missing"))
    page = ivan.get(f"{case}/leads/{top['lead_id']}").text
    assert detail["evidence"][0]["exhibit"] in page
    analyst = log_in(web_case.base_url, "anna")
    mark = {"status": "dismissed", "reason": "a delivery service"}
    assert analyst.post(f"/api{case}/leads/{top['lead_id']}/mark", json=mark).status_code == 403
    analyst.close()
    last = listed[-1]
    answer = ivan.post(f"/api{case}/leads/{last['lead_id']}/mark", json=mark)
    assert answer.status_code == 200, answer.text
    assert audit_rows(web_case.case_dir, "lead.dismiss")[-1][:2] == ("ivan", last["lead_key"])
    marks = ivan.get(f"/api{case}/leads/{last['lead_id']}").json()["marks"]
    assert marks[-1]["actor"] == "ivan" and marks[-1]["reason"] == "a delivery service"
    assert ivan.get(f"/api{case}/leads/99999999").status_code == 404
    assert ivan.get(f"{case}/leads/99999999").status_code == 404


def test_neighbourhood_is_capped_filtered_and_leaves_restricted_persons_out(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    api = f"/api/cases/{web_case.case_id}/network"
    node = f"person:{web_case.public_person}"
    answer = ivan.get(f"{api}/neighbourhood", params={"node": node})
    assert answer.status_code == 200, answer.text
    full = answer.json()
    keys = {n["node_key"] for n in full["nodes"]}
    assert node in keys and len(keys) > 2
    assert all(e["source_key"] in keys and e["target_key"] in keys for e in full["edges"])
    small = ivan.get(f"{api}/neighbourhood", params={"node": node, "cap": 2}).json()
    assert len(small["nodes"]) == 2 and small["capped"] is True
    only = ivan.get(f"{api}/neighbourhood", params={"node": node, "kind": "in-contacts-of"}).json()
    assert only["edges"] and {e["kind"] for e in only["edges"]} == {"in-contacts-of"}
    hidden = f"person:{web_case.restricted_person}"
    assert ivan.get(f"{api}/neighbourhood", params={"node": hidden}).status_code == 404
    assert lena.get(f"{api}/neighbourhood", params={"node": hidden}).status_code == 200
    assert ivan.get(f"{api}/neighbourhood", params={"node": "person:99999999"}).status_code == 404
    with _db(web_case) as db:
        communities = [
            r[0]
            for r in db.execute("SELECT DISTINCT community FROM network_nodes WHERE community IS NOT NULL")
        ]
    assert communities
    with _db(web_case) as db:
        only_hidden = {
            r[0]
            for r in db.execute(
                "SELECT community FROM network_nodes GROUP BY community HAVING COUNT(*) = 1 "
                "AND MAX(node_key) = ?",
                (hidden,),
            )
        }
    for number in communities:
        answer = ivan.get(f"{api}/communities/{number}")
        assert answer.status_code == (404 if number in only_hidden else 200), answer.text
        if number in only_hidden:
            continue
        seen = answer.json()
        assert hidden not in {n["node_key"] for n in seen["nodes"]}
        assert all(hidden not in (e["source_key"], e["target_key"]) for e in seen["edges"])
        assert {n["community"] for n in seen["nodes"]} == {number}
    assert web_case.restricted_label not in ivan.get(f"/cases/{web_case.case_id}/network").text


def test_network_page_and_api_follow_membership_and_login(
    web_case: WebCase, ivan: httpx.Client, sam: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    page = ivan.get(f"{case}/network", params={"node": f"person:{web_case.public_person}"})
    assert page.status_code == 200 and 'id="graph"' in page.text and "network.js" in page.text
    assert (
        ivan.get(f"{case}/network", params={"node": f"person:{web_case.restricted_person}"}).status_code
        == 404
    )
    assert sam.get(f"{case}/network").status_code == 404
    assert sam.get(f"/api{case}/network/communities/0").status_code == 404
    assert sam.get(f"/api{case}/leads").status_code == 404
    with httpx.Client(base_url=web_case.base_url) as stranger:
        assert (
            stranger.get(f"/api{case}/network/neighbourhood", params={"node": "person:1"}).status_code == 401
        )
        assert stranger.get(f"{case}/leads").status_code == 303
        marked = stranger.post(f"/api{case}/leads/1/mark", json={"status": "dismissed", "reason": "x"})
        assert marked.status_code in {401, 403}


def test_a_leads_restricted_mark_on_a_person_survives_a_later_decision(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    marked, other = _persons_with_accounts(web_case, 2)
    form = {"kind": "person", "subject_id": str(marked), "restricted": "true"}
    assert lena.post(f"{case}/restricted", data=form).status_code == 303
    assert ivan.get(f"{case}/persons/{marked}").status_code == 404
    body = {"kind": "confirm", "reason": "subscriber check"}
    assert ivan.post(f"/api{case}/persons/{other}/decisions", json=body).status_code == 200
    assert ivan.get(f"{case}/persons/{marked}").status_code == 404
    assert lena.post(f"{case}/restricted", data={**form, "restricted": "false"}).status_code == 303
    assert ivan.get(f"{case}/persons/{marked}").status_code == 200


def test_the_persons_listing_agrees_with_identity_list_persons(web_case: WebCase, lena: httpx.Client) -> None:
    from darkroom.identity.queries import list_persons  # noqa: PLC0415 - the reference
    from darkroom.store import CaseStore  # noqa: PLC0415

    store = CaseStore.open(web_case.case_dir)
    try:
        with store.read() as conn:
            expected = {p.person_id: p for p in list_persons(conn, limit=50)}
    finally:
        store.close()
    listed = lena.get(f"/api/cases/{web_case.case_id}/persons").json()["items"]
    assert len(listed) == len(expected) > 10
    for row in listed:
        reference = expected[row["id"]]
        assert (row["label"], row["accounts"], row["contacts"]) == (
            reference.label,
            reference.accounts,
            reference.contacts,
        )
        assert row["confidence"] == reference.confidence and row["model_links"] == reference.model_links
        assert tuple(row["exhibits"]) == reference.exhibits and row["confirmed"] == reference.confirmed


def test_only_the_strongest_edges_are_sent_when_there_are_too_many(
    web_case: WebCase, ivan: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from darkroom.web.queries import graph_view  # noqa: PLC0415

    url = f"/api/cases/{web_case.case_id}/network/neighbourhood"
    params = {"node": f"person:{web_case.public_person}"}
    full = ivan.get(url, params=params).json()
    assert full["edges_capped"] is False and len(full["edges"]) > 3
    monkeypatch.setattr(graph_view, "MAX_EDGES", 3)
    capped = ivan.get(url, params=params).json()
    assert capped["edges_capped"] is True and len(capped["edges"]) == 3
    strongest = sorted((e["weight"] for e in full["edges"]), reverse=True)[:3]
    assert sorted((e["weight"] for e in capped["edges"]), reverse=True) == strongest


def test_a_lead_is_marked_from_its_page_form_and_restricted_leads_stay_hidden(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    listed = ivan.get(f"/api{case}/leads").json()["items"]
    nodes = [lead for lead in listed if lead["account_id"] or lead["person_id"]]
    target = nodes[len(nodes) // 2]
    form = {"status": "identified", "reason": "subscriber records", "csrf_token": "forged"}
    with httpx.Client(base_url=web_case.base_url, cookies=ivan.cookies) as form_only:
        assert form_only.post(f"{case}/leads/{target['lead_id']}/mark", data=form).status_code == 403
    form["csrf_token"] = ivan.headers["X-CSRF-Token"]
    answer = ivan.post(f"{case}/leads/{target['lead_id']}/mark", data=form)
    assert answer.status_code == 303
    page = ivan.get(answer.headers["location"]).text
    assert "subscriber records" in page and "lead-identify" in page
    with _db(web_case) as db:
        db.execute("UPDATE accounts SET restricted = 1 WHERE id = ?", (target["account_id"] or 0,))
        db.execute("UPDATE persons SET restricted = 1 WHERE id = ?", (target["person_id"] or 0,))
    try:
        assert ivan.get(f"/api{case}/leads/{target['lead_id']}").status_code == 404
        assert target["lead_key"] not in {
            lead["lead_key"] for lead in ivan.get(f"/api{case}/leads").json()["items"]
        }
        assert lena.get(f"/api{case}/leads/{target['lead_id']}").status_code == 200
    finally:
        with _db(web_case) as db:
            db.execute("UPDATE accounts SET restricted = 0 WHERE id = ?", (target["account_id"] or 0,))
            db.execute("UPDATE persons SET restricted = 0 WHERE id = ?", (target["person_id"] or 0,))
