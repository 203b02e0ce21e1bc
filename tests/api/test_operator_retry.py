"""An operator's retry through the API: signed on their machine, recorded in the dossier's
history, the failing activities run again; officers who are not operators are refused."""

from __future__ import annotations

from models.actions import RetryRequest
from tests.api.conftest import Api
from tests.api.helpers import signed_action, state_of, submitted
from tests.api.test_submission import assert_problem


async def test_an_operators_retry_is_recorded_and_says_what_ran_again(api: Api) -> None:
    code = await submitted(api)
    item = RetryRequest(officer=api.officer("ops.operator").officer, note="SMTP restarted")
    body = signed_action(api, "ops.operator", code, "reception", "retry", item)
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/retry", json=body, auth=api.auth("ops.operator")
    )
    assert response.status_code == 200, response.text
    assert response.json()["rerun"] == []  # nothing was failing
    assert response.json()["dossier"]["code"] == code
    state = await state_of(api, code)
    assert state.actions[-1].action == "retry" and state.actions[-1].actor == "ops.operator"


async def test_a_retry_by_an_officer_who_is_no_operator_is_403(api: Api) -> None:
    code = await submitted(api)
    item = RetryRequest(officer=api.officer("xa.reception").officer)
    body = signed_action(api, "xa.reception", code, "reception", "retry", item)
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/retry", json=body, auth=api.auth("xa.reception")
    )
    assert "only an operator" in assert_problem(response, 403, "forbidden")["detail"]
    assert not any(a.action == "retry" for a in (await state_of(api, code)).actions)
