"""What investigators type is redacted like notes: a decision's reason, a lead mark's reason and every
audit row's details name no restricted person for a viewer without clearance, on the pages and in
the API; the cleared lead reads them as recorded."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from tests.web.conftest import WebCase

LABEL = "[restricted]"
TAIL = "subscriber records match the seized phone"


def _leaked(web_case: WebCase, value: Any) -> list[str]:
    """The restricted person's label or handle as words of their own anywhere in the value, any case."""
    dumped = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    names = {web_case.restricted_label, web_case.restricted_handle}
    return [n for n in names if re.search(rf"(?<![^\W_]){re.escape(n)}(?![^\W_])", dumped, re.I)]


def _reason(web_case: WebCase) -> str:
    return f"Checked with {web_case.restricted_label} ({web_case.restricted_handle}); {TAIL}"


def _audit(client: httpx.Client, web_case: WebCase, action: str, object_ref: str) -> list[dict[str, Any]]:
    params = {"action": action, "object": object_ref}
    found = client.get(f"/api/cases/{web_case.case_id}/audit", params=params)
    assert found.status_code == 200, found.text
    items: list[dict[str, Any]] = found.json()["items"]
    return items


def test_a_decision_s_reason_and_its_audit_row_are_redacted_without_clearance(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    case = f"/cases/{web_case.case_id}"
    person = web_case.public_person
    reason = _reason(web_case)
    answer = lena.post(f"/api{case}/persons/{person}/decisions", json={"kind": "confirm", "reason": reason})
    assert answer.status_code == 200, answer.text
    cleared = lena.get(f"/api{case}/persons/{person}").json()["decisions"]
    assert cleared[-1]["reason"] == reason
    shown = ivan.get(f"/api{case}/persons/{person}").json()["decisions"]
    assert shown[-1]["reason"].endswith(TAIL) and LABEL in shown[-1]["reason"]
    assert not _leaked(web_case, shown)
    page = ivan.get(f"{case}/persons/{person}").text
    assert TAIL in page and not _leaked(web_case, page)

    rows = _audit(ivan, web_case, "person.confirm", f"person:{person}")
    assert rows and TAIL in json.dumps(rows[0]["details"]) and not _leaked(web_case, rows)
    assert reason in json.dumps(_audit(lena, web_case, "person.confirm", f"person:{person}")[0]["details"])
    audit_page = ivan.get(f"{case}/audit", params={"object": f"person:{person}"}).text
    assert TAIL in audit_page and not _leaked(web_case, audit_page)
    assert web_case.restricted_label in lena.get(f"{case}/audit", params={"object": f"person:{person}"}).text


def test_a_lead_mark_s_reason_is_redacted_without_clearance(
    web_case: WebCase, ivan: httpx.Client, lena: httpx.Client
) -> None:
    api = f"/api/cases/{web_case.case_id}/leads"
    last = ivan.get(api).json()["items"][-1]
    reason = _reason(web_case)
    answer = lena.post(f"{api}/{last['lead_id']}/mark", json={"status": "dismissed", "reason": reason})
    assert answer.status_code == 200, answer.text
    assert lena.get(f"{api}/{last['lead_id']}").json()["marks"][-1]["reason"] == reason
    marks = ivan.get(f"{api}/{last['lead_id']}").json()["marks"]
    assert marks[-1]["reason"].endswith(TAIL) and not _leaked(web_case, marks)
    page = ivan.get(f"{api.removeprefix('/api')}/{last['lead_id']}").text
    assert TAIL in page and not _leaked(web_case, page)
    rows = _audit(ivan, web_case, "lead.dismiss", str(last["lead_key"]))
    assert rows and not _leaked(web_case, rows)
