"""Verifying records through the API: operators only, one dossier or all of their scope (the
differences themselves are tested in tests/security/test_verify.py, through the CLI)."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.helpers import submitted
from tests.api.test_submission import assert_problem


async def test_an_operator_verifies_a_dossier_and_officers_are_refused(api: Api) -> None:
    code = await submitted(api)
    found = await api.http.get(f"/api/v1/verification?code={code}", auth=api.auth("ops.operator"))
    assert found.status_code == 200, found.text
    (outcome,) = found.json()
    assert outcome["code"] == code and outcome["outcome"] in ("intact", "differs", "failed")
    refused = await api.http.get(f"/api/v1/verification?code={code}", auth=api.auth("xa.chairman"))
    assert "only an operator" in assert_problem(refused, 403, "forbidden")["detail"]
    bad = await api.http.get("/api/v1/verification?code=x'%20OR", auth=api.auth("ops.operator"))
    assert_problem(bad, 422, "invalid-request")
