"""Steps the API tests share: waiting for a dossier, signing an action as an officer does."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from pydantic import BaseModel

from models.actions import OfficerAction
from models.dossier import DossierStatus
from models.state import DossierState
from tests.api.conftest import Api
from tests.payments.gateway import pay_online
from workflows.dossier import DossierWorkflow


async def state_of(api: Api, code: str) -> DossierState:
    handle = api.env.client.get_workflow_handle_for(DossierWorkflow.run, code)
    return await handle.query(DossierWorkflow.state)


async def wait_for_stage(api: Api, code: str, stage: str, seconds: float = 30) -> DossierState:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        state = await state_of(api, code)
        if state.stage == stage or asyncio.get_running_loop().time() > deadline:
            assert state.stage == stage, f"{code} is at {state.stage}, not {stage}"
            return state
        await asyncio.sleep(0.2)


async def fee_paid(api: Api, code: str, seconds: float = 30) -> DossierState:
    """The applicant of a dossier `api.submit` submitted pays the fee its result waits for
    (received at the counter, a fee due before delivery is paid online with the result), through
    the gateway's IPN; the state once the dossier moved on."""
    deadline = asyncio.get_running_loop().time() + seconds
    while (state := await state_of(api, code)).status != DossierStatus.awaiting_payment:
        assert asyncio.get_running_loop().time() < deadline, f"{code} is {state.status}"
        await asyncio.sleep(0.2)
    await pay_online(api, code, api.lookup_secrets[code])
    while (state := await state_of(api, code)).status == DossierStatus.awaiting_payment:
        assert asyncio.get_running_loop().time() < deadline, f"{code} was never paid"
        await asyncio.sleep(0.2)
    return state


def signed_action(
    api: Api, officer_id: str, code: str, stage: str | None, update: str, item: BaseModel
) -> dict[str, Any]:
    """`item` signed on the officer's machine, as JSON for the request body."""
    signed = api.officer(officer_id).sign(item, dossier=code, stage=stage, update=update)
    return signed.model_dump(mode="json")


def action(api: Api, officer_id: str, name: str, **fields: Any) -> OfficerAction:
    return OfficerAction(officer=api.officer(officer_id).officer, action=name, **fields)  # type: ignore[arg-type]


async def submitted(api: Api) -> str:
    response = await api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    await wait_for_stage(api, code, "reception")
    return code
