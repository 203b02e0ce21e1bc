"""Registering and stopping a portal's webhooks from the operator's page, through real HTTP: the
secret hoso makes is shown once and signs what a real receiver on loopback gets; a bad name, a
URL hoso will not post to, a name taken and an agency outside the scope are said beside their
field with nothing registered; stopping ends the deliveries; no CSRF, an officer who is no
operator and an operator of another scope are refused."""

from __future__ import annotations

import re
import uuid

import httpx
from sqlmodel import select

from bench.portals import receiving
from models.tables import WebhookSubscriberRecord
from models.webhooks import SECRET_PREFIX
from tests.api.test_webhooks import relays
from tests.web.conftest import Site
from tests.web.test_operator_pages import OPERATOR, as_one_agencys_operator, submitted
from tests.web.test_pages import signed_in
from tests.web.test_signin import csrf_of
from tests.web.test_webhook_replay_pages import delivered

PAGE = "/operations/webhooks"


async def register(http: httpx.AsyncClient, csrf: str | None, **fields: object) -> httpx.Response:
    data = {"csrf": csrf, **fields} if csrf else fields
    return await http.post(f"{PAGE}/subscribers", data=data)


def registered(site: Site) -> set[str]:
    with site.api.sessions() as session:
        return {row.name for row in session.exec(select(WebhookSubscriberRecord))}


def error_of(page: str, field: str) -> str:
    found = re.search(rf'id="s-{field}-error" class="error">([^<]*)<', page)
    assert found, f"no message beside {field}"
    return found.group(1)


async def test_an_operator_registers_a_portal_whose_receiver_checks_the_shown_secret(
    site: Site,
) -> None:
    name = f"cong-{uuid.uuid4().hex[:8]}"
    async with receiving() as receiver, relays(site.api), signed_in(site, OPERATOR) as http:
        form = await http.get(PAGE)
        assert 'action="/operations/webhooks/subscribers"' in form.text
        done = await register(http, csrf_of(form.text), name=name, url=receiver.url)
        assert done.status_code == 201, done.text
        shown = re.search(r'<code id="created-secret">([^<]+)</code>', done.text)
        assert shown and shown.group(1).startswith(SECRET_PREFIX)
        assert f'id="w-{name}"' in done.text, "listed with the others"
        receiver.secret = shown.group(1)  # the portal's team configures what the page showed

        code = await submitted(site)
        await delivered(site, name)
        assert receiver.events_of(code) and receiver.refused == [], "signed with that secret"
        again = await http.get(PAGE)
        assert shown.group(1) not in again.text, "the secret is shown once"

        stopped = await http.post(f"{PAGE}/{name}/removal", data={"csrf": csrf_of(again.text)})
        assert stopped.status_code == 200, stopped.text
        assert f"Đã ngừng gửi sự kiện cho {name}." in stopped.text
        card = re.search(
            rf'<section[^>]*aria-labelledby="w-{name}".*?</section>', stopped.text, re.S
        )
        assert card and "đã ngừng" in card.group(0) and "/removal" not in card.group(0)
    with site.api.sessions() as session:
        row = session.get(WebhookSubscriberRecord, name)
        assert row is not None and not row.active and row.created_by == OPERATOR


async def test_a_refused_field_is_said_beside_it_and_nothing_is_registered(site: Site) -> None:
    name = f"cong-{uuid.uuid4().hex[:8]}"
    async with signed_in(site, OPERATOR) as http:
        csrf = csrf_of((await http.get(PAGE)).text)
        before = registered(site)

        bad_name = await register(http, csrf, name="Cổng DVC", url="https://portal.example.vn/h")
        assert bad_name.status_code == 422
        assert error_of(bad_name.text, "name").startswith("Tên: 2–63 chữ thường")
        assert 'value="https://portal.example.vn/h"' in bad_name.text, "what was typed is kept"

        plain = await register(http, csrf, name=name, url="http://portal.example.vn/hook")
        assert plain.status_code == 422
        assert error_of(plain.text, "url").startswith("Địa chỉ https:// của máy nhận")
        with_password = await register(http, csrf, name=name, url="https://u:p@portal.example.vn/")
        assert with_password.status_code == 422
        assert "Không ghi tên và mật khẩu" in error_of(with_password.text, "url")
        empty = await register(http, csrf, name="", url="")
        assert empty.status_code == 422 and error_of(empty.text, "name") == "Hãy điền mục này."
        too_long = await register(http, csrf, name=name, url="https://x.vn/" + "a" * 2100)
        assert too_long.status_code == 422
        assert error_of(too_long.text, "url") == "Mục này dài hơn mức cho phép."
        unknown = await register(
            http, csrf, name=name, url="https://portal.example.vn/h", agencies=["khong-co"]
        )
        assert unknown.status_code == 422
        assert error_of(unknown.text, "agencies") == "Chỉ chọn các cơ quan trong phạm vi của bạn."
        malformed = await register(
            http, csrf, name=name, url="https://portal.example.vn/h", agencies=["../x"]
        )
        assert malformed.status_code == 422
        assert error_of(malformed.text, "agencies").startswith("Chỉ chọn các cơ quan")
        assert registered(site) == before, "nothing registered"

        # a receiver on loopback that refuses at once: the relays of later tests lose no time on it
        first = await register(http, csrf, name=name, url="https://127.0.0.1:9/hook")
        assert first.status_code == 201, first.text
        taken = await register(http, csrf, name=name, url="https://other.example.vn/h")
        assert (
            taken.status_code == 422 and error_of(taken.text, "name") == "Đã có cổng mang tên này."
        )

        async with as_one_agencys_operator(site, http) as narrow:
            page = await narrow.get(PAGE)
            offered = set(re.findall(r'name="agencies" value="([^"]+)"', page.text))
            assert offered == {"trung-tam-hcc"}, "only their own agency is offered"
            outside = await register(
                narrow, csrf, name=f"{name}-x", url="https://p.example.vn/h", agencies=["ubnd-xa"]
            )
            assert outside.status_code == 422
            assert error_of(outside.text, "agencies").startswith("Chỉ chọn các cơ quan")
            hidden = await narrow.post(f"{PAGE}/{name}/removal", data={"csrf": csrf})
            assert hidden.status_code == 404, "a subscriber outside the scope is not there"
        assert f"{name}-x" not in registered(site)

        forged = await register(http, None, name=f"{name}-y", url="https://p.example.vn/h")
        assert forged.status_code == 403
        kept = await http.post(f"{PAGE}/{name}/removal", data={})
        assert kept.status_code == 403
    with site.api.sessions() as session:
        row = session.get(WebhookSubscriberRecord, name)
        assert row is not None and row.active, "not stopped without CSRF"
    assert f"{name}-y" not in registered(site)
    removed = await site.api.http.delete(f"/api/v1/webhooks/{name}", auth=site.api.auth(OPERATOR))
    assert removed.status_code == 200, removed.text


async def test_an_officer_who_is_no_operator_registers_nothing(site: Site) -> None:
    async with signed_in(site, "xa.reception") as http:
        csrf = csrf_of((await http.get("/worklist")).text)
        refused = await register(http, csrf, name="cong-xa", url="https://p.example.vn/h")
        assert refused.status_code == 403
        stop = await http.post(f"{PAGE}/cong-dvc/removal", data={"csrf": csrf})
        assert stop.status_code == 403
    assert "cong-xa" not in registered(site)
