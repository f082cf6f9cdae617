"""Schemathesis against the API's own OpenAPI schema, logged in: no request it makes up may
cause a server error (5xx)."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from tests.web.conftest import WebCase


@pytest.mark.slow
def test_no_generated_request_causes_a_server_error(web_case: WebCase, lena: httpx.Client) -> None:
    schema = schemathesis.openapi.from_dict(lena.get("/api/openapi.json").json())
    headers = {
        "Cookie": f"darkroom_session={lena.cookies.get('darkroom_session')}",
        "X-CSRF-Token": lena.headers["X-CSRF-Token"],
    }
    statuses: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        strategy = operation.as_strategy()

        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, data=st.data())
        def exercise(case: schemathesis.Case, data: st.DataObject) -> None:
            if "case_id" in (case.path_parameters or {}) and data.draw(st.booleans()):
                case.path_parameters["case_id"] = web_case.case_id  # reach inside the case, not only 404s
            response = case.call_and_validate(
                base_url=web_case.base_url, headers=headers, checks=[not_a_server_error]
            )
            statuses.append(response.status_code)

        exercise()
    assert statuses.count(200) > 20  # the generated requests got inside the case, not only refused
