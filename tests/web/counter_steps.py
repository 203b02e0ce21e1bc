"""Steps the counter's tests share: a dossier driven by API to where the counter takes over
(waiting for a supplement, a result waiting to be handed over), and the projection's count."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlmodel import func, select

from models.tables import DossierRecord
from tests.api.conftest import APPLICANT, extract_dossier
from tests.api.helpers import action, fee_paid, signed_action, state_of, wait_for_stage
from tests.web.conftest import Site

MISSING = "Bản sao căn cước rõ nét"
ENTRY = {
    "name": "Trần Thị Bình",
    "id_number": "001199012345",
    "phone": "0987654321",
    "address": "12 đường Lê Lợi, xã An Bình",
}


def dossiers_counted(site: Site) -> int:
    with site.api.sessions() as session:
        return int(session.exec(select(func.count()).select_from(DossierRecord)).one())


async def _act(site: Site, officer: str, code: str, stage: str, name: str, **fields: Any) -> None:
    api = site.api
    await wait_for_stage(api, code, stage)
    body = signed_action(api, officer, code, stage, "act", action(api, officer, name, **fields))
    answer = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=body, auth=api.auth(officer)
    )
    assert answer.status_code == 200, answer.text


async def awaiting_supplement(site: Site) -> str:
    """A civil-status extract the one-stop officer asked to supplement (its id card)."""
    response = await site.api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    code: str = response.json()["code"]
    await _act(site, "xa.reception", code, "reception", "request_supplement", missing=[MISSING])
    return code


async def awaiting_delivery(site: Site) -> str:
    """A civil-status extract decided, its fee paid online, its result sent by post and not yet
    confirmed."""
    dossier = extract_dossier(delivery="post", applicant={**APPLICANT, "address": ENTRY["address"]})
    response = await site.api.submit(dossier=dossier, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    for officer, stage, name in (
        ("xa.reception", "reception", "accept"),
        ("xa.civil-status", "review", "approve"),
        ("xa.chairman", "decide", "approve"),
    ):
        await _act(site, officer, code, stage, name)
    await fee_paid(site.api, code)  # received at the counter: its fee is due with the result
    deadline = asyncio.get_running_loop().time() + 30
    while not (await state_of(site.api, code)).awaiting_confirmation:
        assert asyncio.get_running_loop().time() < deadline, "the result never left"
        await asyncio.sleep(0.2)
    return code
