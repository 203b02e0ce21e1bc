"""The portals' webhooks page through real HTTP: an operator sees each subscriber of their scope
with its host, events and latest deliveries, and replays its deliveries over days, told how
many were queued again (the portal receives them again, in order); a wrong period is said
beside its field with nothing queued; a form without CSRF, an officer who is no operator and an
operator of another scope are refused."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import datetime, timedelta

import httpx
from sqlmodel import col, select

from bench.portals import receiving
from models.calendar import VIETNAM
from models.tables import WebhookDeliveryRecord
from tests.api.test_webhooks import relays, subscribe
from tests.web.conftest import Site
from tests.web.test_operator_pages import OPERATOR, as_one_agencys_operator, submitted
from tests.web.test_pages import signed_in
from tests.web.test_signin import csrf_of


def deliveries(site: Site, name: str, *, replayed: bool) -> int:
    d = WebhookDeliveryRecord
    query = select(d).where(col(d.subscriber) == name, col(d.replay).is_(replayed))
    with site.api.sessions() as session:
        return len(session.exec(query).all())


def days() -> dict[str, str]:
    """Yesterday to today in Vietnam (a dossier of a minute ago is in, even at midnight)."""
    today = datetime.now(VIETNAM).date()
    return {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}


async def replay(
    http: httpx.AsyncClient, name: str, csrf: str | None, **period: str
) -> httpx.Response:
    data = {"csrf": csrf, **period} if csrf else period
    return await http.post(f"/operations/webhooks/{name}/replays", data=data)


async def delivered(site: Site, name: str, seconds: float = 20) -> int:
    deadline = asyncio.get_running_loop().time() + seconds
    d = WebhookDeliveryRecord
    query = select(d).where(col(d.subscriber) == name, col(d.delivered_at).is_not(None))
    while True:
        with site.api.sessions() as session:
            found = len(session.exec(query).all())
        if found:
            return found
        assert asyncio.get_running_loop().time() < deadline, "nothing delivered"
        await asyncio.sleep(0.1)


async def test_an_operator_replays_a_subscribers_days_and_is_told_how_many(site: Site) -> None:
    name = f"cong-{uuid.uuid4().hex[:8]}"
    async with receiving() as receiver, relays(site.api):
        await subscribe(site.api, receiver, name=name)
        code = await submitted(site)
        await delivered(site, name)
        async with signed_in(site, OPERATOR) as http:
            page = await http.get("/operations/webhooks")
            assert page.status_code == 200, page.text
            assert 'href="/operations/webhooks"' in page.text, "the nav links it for operators"
            card = re.search(
                rf'<section[^>]*aria-labelledby="w-{name}".*?</section>', page.text, re.S
            )
            assert card, "the subscriber is listed"
            assert f"<code>127.0.0.1:{receiver.port}</code>" in card.group(0)
            assert receiver.url not in page.text, "the host only, never the whole URL"
            assert f'href="/dossiers/{code}"' in card.group(0) and "Đã nhận" in card.group(0)
            originals = deliveries(site, name, replayed=False)
            before = len(receiver.events_of(code))

            done = await replay(http, name, csrf_of(page.text), **days())
            assert done.status_code == 200, done.text
            assert f"Đã xếp lại {originals} lần gửi cho {name}, theo thứ tự ban đầu." in done.text
            assert deliveries(site, name, replayed=True) == originals
            deadline = asyncio.get_running_loop().time() + 20
            while len(receiver.events_of(code)) < 2 * before:
                assert asyncio.get_running_loop().time() < deadline, "the portal gets them again"
                await asyncio.sleep(0.1)
            again = await http.get("/operations/webhooks")
            assert "gửi lại" in again.text, "the replayed deliveries are marked"
        removed = await site.api.http.delete(
            f"/api/v1/webhooks/{name}", auth=site.api.auth(OPERATOR)
        )
        assert removed.status_code == 200, removed.text


async def test_a_wrong_period_is_said_beside_its_field_and_nothing_is_queued(site: Site) -> None:
    name = f"cong-{uuid.uuid4().hex[:8]}"
    async with receiving() as receiver:
        await subscribe(site.api, receiver, name=name)
        today = datetime.now(VIETNAM).date()
        async with signed_in(site, OPERATOR) as http:
            csrf = csrf_of((await http.get("/operations/webhooks")).text)
            backwards = await replay(
                http, name, csrf, **{"from": today.isoformat(), "to": str(today - timedelta(1))}
            )
            assert backwards.status_code == 422
            assert re.search(
                rf'id="r-{name}-to"[^>]*aria-invalid="true".*?id="r-{name}-to-error"[^>]*>'
                "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.",
                backwards.text,
                re.S,
            )
            too_long = await replay(
                http, name, csrf, **{"from": str(today - timedelta(400)), "to": str(today)}
            )
            assert too_long.status_code == 422
            assert (
                f'id="r-{name}-to-error" class="error">Khoảng gửi lại dài nhiều nhất 366 ngày.'
                in (too_long.text)
            )
            not_a_day = await replay(http, name, csrf, **{"from": "31/02/2026", "to": "hôm nay"})
            assert not_a_day.status_code == 422
            assert f'id="r-{name}-from-error" class="error">Ngày không hợp lệ' in not_a_day.text
            assert f'id="r-{name}-to-error" class="error">Ngày không hợp lệ' in not_a_day.text

            too_long_text = await replay(http, name, csrf, **{"from": "1" * 30, "to": "hôm nay"})
            assert too_long_text.status_code == 422
            assert f'id="r-{name}-from-error" class="error">Mục này dài hơn' in too_long_text.text

            forged = await replay(http, name, None, **days())
            assert forged.status_code == 403
            other = await replay(http, name, "not-the-token", **days())
            assert other.status_code == 403
            assert deliveries(site, name, replayed=True) == 0, "nothing queued"

            missing = await replay(http, "cong-none", csrf, **days())
            assert missing.status_code == 404

            async with as_one_agencys_operator(site, http) as narrow:
                listed = await narrow.get("/operations/webhooks")
                assert listed.status_code == 200 and f'id="w-{name}"' not in listed.text
                outside = await replay(narrow, name, csrf, **days())
                assert outside.status_code == 404, "a subscriber outside the scope is not there"
            assert deliveries(site, name, replayed=True) == 0


async def test_an_officer_who_is_no_operator_gets_neither_the_page_nor_the_replay(
    site: Site,
) -> None:
    async with signed_in(site, "xa.reception") as http:
        worklist = await http.get("/worklist")
        assert 'href="/operations/webhooks"' not in worklist.text, "no link"
        page = await http.get("/operations/webhooks")
        assert page.status_code == 403
        refused = await replay(http, "cong-dvc", csrf_of(worklist.text), **days())
        assert refused.status_code == 403
