"""How a dossier came in, as the API records it and indicator 3.3 (online share, Decision 766)
counts it: a portal account's dossier online, a one-stop officer's at the counter unless it says
it came by post or online (from a portal); a portal's dossier saying it came to the counter or
by post is refused, nothing recorded."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlmodel import col, select

from models.tables import DossierRecord, SubmissionRecord
from tests.api.conftest import APPLICANT, Api, extract_dossier
from tests.api.test_reports import this_month
from tests.api.test_submission import assert_problem

PORTAL = "xa.portal"


async def submitted(api: Api, officer: str, **changes: Any) -> str:
    key = changes.get("reference") or uuid.uuid4().hex  # a portal's reference is its key
    response = await api.submit(
        officer, dossier=extract_dossier(**changes), headers={"Idempotency-Key": key}
    )
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    return code


async def channels_recorded(api: Api, codes: list[str]) -> dict[str, tuple[str, str | None]]:
    """Each dossier's channel and counter officer, once the projection has its row."""
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        with api.sessions() as session:
            rows = session.exec(select(DossierRecord).where(col(DossierRecord.code).in_(codes)))
            found = {row.code: (row.received_via, row.received_by) for row in rows}
        if len(found) == len(codes):
            return found
        assert asyncio.get_running_loop().time() < deadline, f"rows of {codes}: {found}"
        await asyncio.sleep(0.2)


async def test_each_channel_is_recorded_and_counted_as_it_was(api: Api) -> None:
    portal = await submitted(api, PORTAL)
    relayed = await submitted(
        api, "xa.reception", received_via="online", reference=f"portal-{uuid.uuid4().hex[:12]}"
    )
    at_counter = await submitted(api, "xa.reception")
    said_counter = await submitted(api, "xa.reception", received_via="counter")
    by_post = await submitted(
        api, "xa.reception", received_via="post", applicant={**APPLICANT, "address": "12 Huế"}
    )
    recorded = await channels_recorded(api, [portal, relayed, at_counter, said_counter, by_post])
    assert recorded == {
        portal: ("online", None),
        relayed: ("online", None),
        at_counter: ("counter", "xa.reception"),
        said_counter: ("counter", "xa.reception"),
        by_post: ("post", None),
    }

    report = await api.http.get(f"/api/v1/reports?{this_month()}", auth=api.auth("ops.operator"))
    assert report.status_code == 200, report.text
    total = report.json()["total"]
    counted = [total[f"received_{via}"] for via in ("online", "counter", "post")]
    assert (total["received"], counted) == (5, [2, 2, 1])
    assert total["indicators"]["online_share"] == 40.0


async def test_a_portal_does_not_receive_at_the_counter_or_by_post(
    api: Api,
) -> None:
    for via in ("counter", "post"):
        response = await api.submit(
            PORTAL,
            dossier=extract_dossier(received_via=via, applicant={**APPLICANT, "address": "12 Huế"}),
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert_problem(response, 422, "invalid-dossier")
        assert "received_via" in response.json()["detail"]
    with api.sessions() as session:
        assert session.exec(select(SubmissionRecord)).all() == []


async def test_an_officer_entering_an_online_dossier_names_the_portals_reference(
    api: Api,
) -> None:
    """Counted online on the officer's word only with the portal's reference, which an audit
    can check against the portal: without it, refused and nothing kept."""
    response = await api.submit(
        "xa.reception",
        dossier=extract_dossier(received_via="online", applicant={**APPLICANT, "address": "3 Huế"}),
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert_problem(response, 422, "invalid-dossier")
    assert (
        "dossier: reference: a dossier an officer enters as received online"
        in (response.json()["detail"])
    )
    with api.sessions() as session:
        assert session.exec(select(SubmissionRecord)).all() == []
