"""Schemathesis against the API's own OpenAPI schema, logged in: no request it makes up may
cause a server error (5xx)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from tests.web.conftest import WebCase, log_in

# Decisions and lead marks change the shared test case (a generated merge of persons 1 and 2 would
# retire a planted person); they are driven as an analyst, whose role may not make them, so every
# request is still parsed and validated but none takes effect. test_investigate makes real ones.
_AS_ANALYST = ("/decisions", "/mark")


def _headers(client: httpx.Client) -> dict[str, str]:
    return {
        "Cookie": f"darkroom_session={client.cookies.get('darkroom_session')}",
        "X-CSRF-Token": client.headers["X-CSRF-Token"],
    }


def _exercise(operation: Any, web_case: WebCase, headers: dict[str, str], statuses: list[int]) -> None:
    """Up to 12 generated requests to one operation, half of them inside the served case."""

    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), data=st.data())
    def exercise(case: schemathesis.Case, data: st.DataObject) -> None:
        if "case_id" in (case.path_parameters or {}) and data.draw(st.booleans()):
            case.path_parameters["case_id"] = web_case.case_id  # reach inside the case, not only 404s
        response = case.call_and_validate(
            base_url=web_case.base_url, headers=headers, checks=[not_a_server_error]
        )
        statuses.append(response.status_code)

    exercise()


@pytest.mark.slow
def test_no_generated_request_causes_a_server_error(web_case: WebCase, lena: httpx.Client) -> None:
    schema = schemathesis.openapi.from_dict(lena.get("/api/openapi.json").json())
    analyst = log_in(web_case.base_url, "anna")
    analyst_headers = _headers(analyst)
    analyst.close()
    statuses: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        as_analyst = operation.path.endswith(_AS_ANALYST)
        _exercise(operation, web_case, analyst_headers if as_analyst else _headers(lena), statuses)
    assert statuses.count(200) > 20  # the generated requests got inside the case, not only refused
