"""Officers' tokens through the API: operators list the register (never a token) and revoke at
once; a revoked token's requests are refused; others are refused."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_submission import assert_problem


async def test_an_operator_lists_and_revokes_and_the_token_is_refused_at_once(api: Api) -> None:
    secret = api.officer("xa.civil-status").token.rsplit(".", 1)[1]
    listed = await api.http.get("/api/v1/tokens", auth=api.auth("ops.operator"))
    assert listed.status_code == 200, listed.text
    assert "xa.civil-status" in {row["officer"] for row in listed.json()}
    assert secret not in listed.text
    revoked = await api.http.post(
        "/api/v1/tokens/revocations",
        json={"target": "xa.civil-status"},
        auth=api.auth("ops.operator"),
    )
    assert revoked.status_code == 200, revoked.text
    assert len(revoked.json()["revoked"]) == 1
    refused = await api.http.get("/api/v1/worklist", auth=api.auth("xa.civil-status"))
    assert "revoked" in assert_problem(refused, 401, "unauthenticated")["detail"]


async def test_officers_who_are_not_operators_and_unknown_targets_are_refused(api: Api) -> None:
    listed = await api.http.get("/api/v1/tokens", auth=api.auth("xa.chairman"))
    assert_problem(listed, 403, "forbidden")
    unknown = await api.http.post(
        "/api/v1/tokens/revocations", json={"target": "nobody"}, auth=api.auth("ops.operator")
    )
    assert_problem(unknown, 404, "not-found")
