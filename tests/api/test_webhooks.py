"""Portals follow dossiers by webhook: operators register subscribers through the API; every
change of a dossier's status reaches a real receiver on 127.0.0.1, signed (Standard Webhooks)
and in order, through the relay; a receiver that is down never holds a dossier back and gets
everything in order when it is back; an operator replays a period; others are refused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest_asyncio
from sqlmodel import select

from api.app import create_app
from bench.portals import Receiver, receiving
from models.tables import WebhookDeliveryRecord, WebhookSubscriberRecord
from support.webhook_relay import WebhookRelay
from tests.api.conftest import APPLICANT, Api
from tests.api.helpers import (
    action,
    fee_paid,
    signed_action,
    state_of,
    submitted,
    wait_for_stage,
)
from tests.api.test_submission import assert_problem

OPERATOR = "ops.operator"


@asynccontextmanager
async def relays(api: Api, **settings: Any) -> AsyncIterator[None]:
    """Two relays, as two workers run them (each delivery is still posted once), with retries a
    test can wait for."""
    fast = api.settings.model_copy(
        update={
            "webhook_poll_seconds": 0.1,
            "webhook_retry_seconds": 0.2,
            "webhook_retry_max_seconds": 0.5,
            **settings,
        }
    )
    stop = asyncio.Event()
    tasks = [asyncio.create_task(WebhookRelay(api.sessions, fast).run(stop)) for _ in range(2)]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


@pytest_asyncio.fixture(loop_scope="session")
async def relay(api: Api) -> AsyncIterator[None]:
    async with relays(api):
        yield


async def subscribe(api: Api, receiver: Receiver, name: str = "cong-dvc", **fields: Any) -> dict:
    body = {"name": name, "url": receiver.url, "secret": receiver.secret, **fields}
    response = await api.http.post("/api/v1/webhooks", json=body, auth=api.auth(OPERATOR))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def act(api: Api, code: str, officer: str, stage: str, name: str) -> None:
    signed = signed_action(api, officer, code, stage, "act", action(api, officer, name))
    response = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=signed, auth=api.auth(officer)
    )
    assert response.status_code == 200, response.text


async def accept(api: Api, code: str) -> None:
    await act(api, code, "xa.reception", "reception", "accept")


async def decided(api: Api, code: str) -> str:
    """The dossier taken through its chain to its decision; its status once it settles."""
    await accept(api, code)
    await act(api, code, "xa.civil-status", "review", "approve")
    await wait_for_stage(api, code, "decide")
    await act(api, code, "xa.chairman", "decide", "approve")
    await fee_paid(api, code)  # received at the counter: its fee is due with the result
    deadline = asyncio.get_running_loop().time() + 30
    while (state := await state_of(api, code)).closed_at is None:
        assert asyncio.get_running_loop().time() < deadline, state.status
        await asyncio.sleep(0.2)
    return state.status.value


def assert_in_order(events: list[Any], final: str) -> None:
    """Each event follows the one before it (its previous status is that one's status), from
    the dossier's first status to `final`: none lost, none twice, none out of order."""
    statuses = [r.event["data"]["status"] for r in events]
    previous = [r.event["data"]["previous_status"] for r in events]
    assert previous == [None, *statuses[:-1]], statuses
    assert statuses[-1] == final
    assert len({r.message_id for r in events}) == len(events)


async def test_each_status_change_reaches_the_portal_signed_and_in_order(
    api: Api, relay: None
) -> None:
    async with receiving() as receiver:
        created = await subscribe(api, receiver)
        assert created["secret"] == receiver.secret and created["agencies"] is None
        code = await submitted(api)
        final = await decided(api, code)
        events = await receiver.wait_for(code, final)
    assert not receiver.refused  # every signature checked out
    with api.sessions() as session:
        kept = session.get(WebhookSubscriberRecord, "cong-dvc")
    assert kept is not None and receiver.secret not in kept.secret  # sealed at rest
    assert receiver.secret.removeprefix("whsec_") not in kept.secret
    assert_in_order(events, final)
    data = events[-1].event["data"]
    assert events[-1].event["type"] == "dossier.status_changed"
    assert data["procedure"] == "2.000635" and data["agency"] == "ubnd-xa" and data["due_date"]
    body = str([r.event for r in events])
    assert APPLICANT["name"] not in body and APPLICANT["id_number"] not in body
    timeline = await api.http.get(f"/api/v1/dossiers/{code}/timeline", auth=api.auth(OPERATOR))
    told = [e["detail"] for e in timeline.json() if e["event"] == "webhook"]
    assert len(told) == len(events) and all("cong-dvc: delivered (HTTP 204)" in t for t in told)


async def test_a_portal_that_is_down_holds_nothing_back_and_gets_everything_in_order_later(
    api: Api, relay: None
) -> None:
    async with receiving() as receiver, receiving() as other:
        await subscribe(api, receiver)
        await subscribe(api, other, name="cong-tinh")
        await receiver.stop()
        code = await submitted(api)
        final = await decided(api, code)  # the dossier goes to its end meanwhile
        assert_in_order(await other.wait_for(code, final), final)  # the other portal is not held
        failing = await _failing_until(api, code)
        assert len(failing) == 1  # the first event; the later ones wait behind it
        assert failing[0]["subscriber"] == "cong-dvc"
        assert failing[0]["attempts"] >= 1 and failing[0]["next_attempt_at"]
        assert failing[0]["last_error"] == "ConnectError"
        assert not receiver.received
        await receiver.start()  # back, on the same port
        events = await receiver.wait_for(code, final)
    assert_in_order(events, final)
    assert len(events) >= 4
    listed = await api.http.get("/api/v1/webhook-deliveries", auth=api.auth(OPERATOR))
    assert listed.json() == []
    timeline = await api.http.get(f"/api/v1/dossiers/{code}/timeline", auth=api.auth(OPERATOR))
    told = [e["detail"] for e in timeline.json() if "→ cong-dvc:" in e["detail"]]
    assert any("failed: ConnectError" in t for t in told)
    assert sum("delivered" in t for t in told) == len(events)


async def test_a_portal_slow_to_answer_delays_no_other_portal(api: Api) -> None:
    async with (
        receiving() as slow,
        receiving() as other,
        relays(api, webhook_timeout_seconds=30),
    ):
        slow.held = asyncio.Event()
        await subscribe(api, slow)
        await subscribe(api, other, name="cong-tinh")
        code = await submitted(api)
        final = await decided(api, code)
        assert_in_order(await other.wait_for(code, final), final)
        with api.sessions() as session:
            first = session.exec(
                select(WebhookDeliveryRecord).where(WebhookDeliveryRecord.subscriber == "cong-dvc")
            ).first()
        assert first is not None and first.attempts == 0  # its first post still awaits an answer
        slow.held.set()
        assert_in_order(await slow.wait_for(code, final), final)


async def _failing_until(api: Api, code: str, seconds: float = 20) -> list[dict]:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        listed = await api.http.get("/api/v1/webhook-deliveries", auth=api.auth(OPERATOR))
        assert listed.status_code == 200, listed.text
        mine = [row for row in listed.json() if row["dossier"] == code]
        if mine:
            return mine
        await asyncio.sleep(0.1)
    raise AssertionError(f"{code}: no failing delivery listed")


async def test_an_operator_replays_a_period_and_the_portal_gets_it_again_in_order(
    api: Api, relay: None
) -> None:
    async with receiving() as receiver:
        await subscribe(api, receiver)
        code = await submitted(api)
        await accept(api, code)
        first = await receiver.wait_for(code, "in_review")
        now = datetime.now(UTC)
        period = {"since": (now - timedelta(hours=1)).isoformat(), "until": now.isoformat()}
        replayed = await api.http.post(
            "/api/v1/webhooks/cong-dvc/replays", json=period, auth=api.auth(OPERATOR)
        )
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["replayed"] == len(first)
        deadline = asyncio.get_running_loop().time() + 20
        while len(receiver.events_of(code)) < 2 * len(first):
            assert asyncio.get_running_loop().time() < deadline, receiver.events_of(code)
            await asyncio.sleep(0.1)
    again = receiver.events_of(code)[len(first) :]
    assert [r.message_id for r in again] == [r.message_id for r in first]
    assert_in_order(again, "in_review")
    backwards = {"since": period["until"], "until": period["since"]}
    refused = await api.http.post(
        "/api/v1/webhooks/cong-dvc/replays", json=backwards, auth=api.auth(OPERATOR)
    )
    assert_problem(refused, 422, "invalid-period")


async def test_a_delivery_given_up_lets_the_later_ones_go_and_a_replay_sends_it(api: Api) -> None:
    async with receiving() as receiver, relays(api, webhook_max_attempts=2):
        receiver.failing = {"received"}  # the portal fails on its first event only
        await subscribe(api, receiver)
        code = await submitted(api)
        final = await decided(api, code)
        later = await receiver.wait_for(code, final)
        assert [r.event["data"]["previous_status"] for r in later][0] == "received"
        listed = await api.http.get("/api/v1/webhook-deliveries", auth=api.auth(OPERATOR))
        [given_up] = listed.json()
        assert given_up["attempts"] == 2 and given_up["last_error"] == "HTTP 500"
        assert given_up["next_attempt_at"] is None and given_up["abandoned_at"]
        receiver.failing = set()  # mended
        receiver.received.clear()
        now = datetime.now(UTC)
        period = {"since": (now - timedelta(hours=1)).isoformat(), "until": now.isoformat()}
        replayed = await api.http.post(
            "/api/v1/webhooks/cong-dvc/replays", json=period, auth=api.auth(OPERATOR)
        )
        assert replayed.json()["replayed"] == len(later) + 1
        assert_in_order(await receiver.wait_for(code, final), final)
    listed = await api.http.get("/api/v1/webhook-deliveries", auth=api.auth(OPERATOR))
    assert listed.json() == []  # the replay delivered what was given up


async def test_bad_subscribers_are_refused_with_a_problem_and_nothing_is_kept(api: Api) -> None:
    good = {"name": "cong-dvc", "url": "https://portal.example.gov.vn/hoso"}

    async def register(**changes: Any) -> httpx.Response:
        body = {**good, **changes}
        return await api.http.post("/api/v1/webhooks", json=body, auth=api.auth(OPERATOR))

    plain = await register(url="http://portal.example.gov.vn/hoso")
    assert "https only" in assert_problem(plain, 422, "invalid-subscriber")["detail"]
    secret = assert_problem(await register(secret="not-a-secret"), 422, "invalid-request")
    assert secret["errors"][0]["pointer"] == "/secret"
    event = assert_problem(await register(events=["dossier.eaten"]), 422, "invalid-request")
    assert event["errors"][0]["pointer"] == "/events"
    agency = await register(agencies=["no-such-agency"])
    assert "unknown agencies" in assert_problem(agency, 422, "invalid-subscriber")["detail"]
    officer = await api.http.post("/api/v1/webhooks", json=good, auth=api.auth("xa.chairman"))
    assert_problem(officer, 403, "forbidden")
    listed = await api.http.get("/api/v1/webhooks", auth=api.auth(OPERATOR))
    assert listed.json() == []
    made = await register()
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    assert_problem(await register(), 409, "conflict")


async def test_another_scopes_operator_neither_sees_nor_replays_a_subscriber(api: Api) -> None:
    async with receiving() as receiver:
        await subscribe(api, receiver, agencies=["ubnd-xa"])
    listed = await api.http.get("/api/v1/webhooks", auth=api.auth(OPERATOR))
    assert [row["name"] for row in listed.json()] == ["cong-dvc"]
    assert receiver.secret not in listed.text  # the secret was shown once, at creation
    # The same operator as one agency's (trung-tam-hcc's), not the province's.
    narrow = api.settings.model_copy(update={"province_agencies": "elsewhere"})
    app = create_app(narrow, client=api.env.client)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other:
        mine = await other.get("/api/v1/webhooks", auth=api.auth(OPERATOR))
        assert mine.status_code == 200 and mine.json() == []
        seen = await other.get("/api/v1/webhooks/cong-dvc", auth=api.auth(OPERATOR))
        assert_problem(seen, 404, "not-found")
        now = datetime.now(UTC)
        period = {"since": (now - timedelta(hours=1)).isoformat(), "until": now.isoformat()}
        replay = await other.post(
            "/api/v1/webhooks/cong-dvc/replays", json=period, auth=api.auth(OPERATOR)
        )
        assert_problem(replay, 404, "not-found")
        removed = await other.delete("/api/v1/webhooks/cong-dvc", auth=api.auth(OPERATOR))
        assert_problem(removed, 404, "not-found")
        body = {"name": "xa", "url": "https://portal.example.gov.vn/x", "agencies": ["ubnd-xa"]}
        outside = await other.post("/api/v1/webhooks", json=body, auth=api.auth(OPERATOR))
        assert "outside your scope" in assert_problem(outside, 403, "forbidden")["detail"]
