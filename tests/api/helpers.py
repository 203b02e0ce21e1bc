"""Steps the API tests share: waiting for a dossier, signing an action as an officer does."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from pydantic import BaseModel

from models.actions import OfficerAction
from models.state import DossierState
from tests.api.conftest import Api
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
