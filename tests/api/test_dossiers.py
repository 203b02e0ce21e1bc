"""Reading and acting on dossiers through the API: who sees what, and signed actions."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.helpers import action, signed_action, submitted, wait_for_stage
from tests.api.test_submission import assert_problem
from tests.workflows import harness


async def test_an_officer_of_the_agency_reads_status_and_timeline(api: Api) -> None:
    code = await submitted(api)
    status = await api.http.get(f"/api/v1/dossiers/{code}", auth=api.auth("xa.civil-status"))
    assert status.status_code == 200, status.text
    assert status.json()["stage"] == "reception" and status.json()["agency"] == "ubnd-xa"
    assert "nonces" not in status.json() and "record" not in status.json()
    timeline = await api.http.get(f"/api/v1/dossiers/{code}/timeline", auth=api.auth("xa.chairman"))
    assert timeline.status_code == 200, timeline.text
    assert timeline.json() and all({"at", "event", "detail"} <= set(e) for e in timeline.json())


async def test_another_agencys_officer_gets_404_as_for_an_unknown_code(api: Api) -> None:
    code = await submitted(api)
    other = await api.http.get(f"/api/v1/dossiers/{code}", auth=api.auth("tnmt.specialist"))
    unknown = await api.http.get(
        "/api/v1/dossiers/ubnd-xa-000101-9999", auth=api.auth("xa.chairman")
    )
    assert_problem(other, 404, "not-found")
    assert_problem(unknown, 404, "not-found")
    timeline = await api.http.get(f"/api/v1/dossiers/{code}/timeline", auth=api.auth("xd.head"))
    assert_problem(timeline, 404, "not-found")


async def test_a_province_wide_operator_reads_every_agencys_dossier(api: Api) -> None:
    code = await submitted(api)
    response = await api.http.get(f"/api/v1/dossiers/{code}", auth=api.auth("ops.operator"))
    assert response.status_code == 200, response.text


async def test_an_unsigned_read_is_401(api: Api) -> None:
    code = await submitted(api)
    response = await api.http.get(f"/api/v1/dossiers/{code}")
    body = assert_problem(response, 401, "unauthenticated")
    assert "unsigned" in body["detail"]


async def test_a_signed_action_moves_the_dossier_and_a_stale_one_is_409(api: Api) -> None:
    code = await submitted(api)
    accept = signed_action(
        api, "xa.reception", code, "reception", "act", action(api, "xa.reception", "accept")
    )
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=accept, auth=api.auth("xa.reception")
    )
    assert response.status_code == 200, response.text
    assert response.json()["stage"] == "review" and response.json()["status"] == "in_review"
    again = signed_action(
        api, "xa.reception", code, "reception", "act", action(api, "xa.reception", "accept")
    )
    stale = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=again, auth=api.auth("xa.reception")
    )
    assert_problem(stale, 409, "stage-moved-on")


async def test_an_action_signed_by_someone_else_than_the_sender_is_403(api: Api) -> None:
    code = await submitted(api)
    accept = signed_action(
        api, "xa.reception", code, "reception", "act", action(api, "xa.reception", "accept")
    )
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=accept, auth=api.auth("xa.chairman")
    )
    assert_problem(response, 403, "forbidden")


async def test_an_action_the_rules_refuse_is_422_and_a_malformed_one_names_its_field(
    api: Api,
) -> None:
    code = await submitted(api)
    wrong = signed_action(
        api, "xa.chairman", code, "reception", "act", action(api, "xa.chairman", "accept")
    )
    refused = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=wrong, auth=api.auth("xa.chairman")
    )
    assert_problem(refused, 422, "action-refused")
    malformed = await api.http.post(
        f"/api/v1/dossiers/{code}/actions",
        json={**wrong, "action": "bless"},
        auth=api.auth("xa.chairman"),
    )
    body = assert_problem(malformed, 422, "invalid-request")
    assert any(error["pointer"] == "/action" for error in body["errors"])


async def test_withdraw_cancel_supplement_and_deliver_reach_the_dossier(api: Api) -> None:
    from models.actions import Cancellation, DeliveryConfirmation, Supplement, Withdrawal

    code = await submitted(api)
    reception = api.officer("xa.reception").officer
    supplement = signed_action(
        api, "xa.reception", code, "reception", "supplement", Supplement(officer=reception)
    )
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/supplement", json=supplement, auth=api.auth("xa.reception")
    )
    assert_problem(response, 422, "action-refused")  # nothing was asked of the applicant
    deliver = signed_action(
        api,
        "xa.reception",
        code,
        "reception",
        "confirm_delivery",
        DeliveryConfirmation(officer=reception),
    )
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/deliver", json=deliver, auth=api.auth("xa.reception")
    )
    assert_problem(response, 422, "action-refused")  # nothing to deliver yet
    operator = api.officer("ops.operator").officer
    cancel = signed_action(
        api,
        "ops.operator",
        code,
        "reception",
        "cancel",
        Cancellation(officer=operator, reason="test"),
    )
    withdraw = signed_action(
        api, "xa.reception", code, "reception", "withdraw", Withdrawal(officer=reception)
    )
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/withdraw", json=withdraw, auth=api.auth("xa.reception")
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn"
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/cancel", json=cancel, auth=api.auth("ops.operator")
    )
    assert_problem(response, 409, "stage-moved-on")


async def test_a_consulted_agency_sees_the_dossier_and_an_unconsulted_one_does_not(
    api: Api,
) -> None:
    permit = harness.procedure("permit")
    handle = await harness.start(api.env.client, api.queue, harness.submission("permit"))
    for stage in [s.id for s in permit.chain][:2]:
        await wait_for_stage(api, handle.id, stage)
        await harness.act(
            handle, harness.assignee(permit, stage), "accept" if stage == "reception" else "approve"
        )
    state = await wait_for_stage(api, handle.id, "consult")
    assert "canh-sat-pccc" in state.awaiting_agencies
    seen = await api.http.get(f"/api/v1/dossiers/{handle.id}", auth=api.auth("pccc.officer"))
    assert seen.status_code == 200, seen.text
    unseen = await api.http.get(f"/api/v1/dossiers/{handle.id}", auth=api.auth("huyen.officer"))
    assert_problem(unseen, 404, "not-found")


async def test_an_officer_signs_for_the_recorded_stage_and_may_prefer_the_receipt(
    api: Api,
) -> None:
    code = await submitted(api)
    where = await api.http.get(f"/api/v1/dossiers/{code}/stage", auth=api.auth("xa.reception"))
    assert where.status_code == 200, where.text
    assert where.json()["code"] == code and where.json()["stage"] == "reception"
    accept = signed_action(
        api, "xa.reception", code, "reception", "act", action(api, "xa.reception", "accept")
    )
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/actions",
        json=accept,
        headers={"Prefer": "return=minimal"},
        auth=api.auth("xa.reception"),
    )
    assert response.status_code == 200, response.text
    assert response.headers["preference-applied"] == "return=minimal"
    receipt = response.json()
    assert receipt["status"] == "in_review" and receipt["stage"] == "review"
    assert receipt["seq"] and receipt["entry"] and "documents" not in receipt
    again = signed_action(
        api, "xa.reception", code, "reception", "act", action(api, "xa.reception", "accept")
    )
    stale = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=again, auth=api.auth("xa.reception")
    )
    body = assert_problem(stale, 409, "stage-moved-on")
    assert body["stage"] == "review" and body["dossier_status"] == "in_review"


async def test_the_stage_of_another_agencys_dossier_is_404(api: Api) -> None:
    code = await submitted(api)
    other = await api.http.get(f"/api/v1/dossiers/{code}/stage", auth=api.auth("tnmt.specialist"))
    assert_problem(other, 404, "not-found")
