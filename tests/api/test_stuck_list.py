"""The stuck dossiers through the API: operators only (a stuck dossier itself is driven in
tests/cli/test_stuck_commands.py, with a worker whose code has drifted)."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_submission import assert_problem


async def test_operators_list_the_stuck_dossiers_and_officers_are_refused(api: Api) -> None:
    listed = await api.http.get("/api/v1/stuck", auth=api.auth("ops.operator"))
    assert listed.status_code == 200, listed.text
    assert isinstance(listed.json(), list)
    refused = await api.http.get("/api/v1/stuck", auth=api.auth("xa.chairman"))
    assert "only an operator" in assert_problem(refused, 403, "forbidden")["detail"]
    assert_problem(await api.http.get("/api/v1/stuck"), 401, "unauthenticated")
