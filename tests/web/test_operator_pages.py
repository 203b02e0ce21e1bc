"""The operators' pages through real HTTP: the dashboard counts the dossiers of the operator's
scope and draws the 766 indicators; a wrong date is said beside its field; search opens any
dossier of the scope; the catalogue draws each chain; an operator of one agency sees only that
agency, and an officer who is no operator is refused."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from api.app import create_app
from bench.portals import receiving
from tests.api.helpers import wait_for_stage
from tests.api.test_webhooks import _failing_until, relays, subscribe
from tests.web.conftest import Site
from tests.web.test_pages import signed_in

OPERATOR = "ops.operator"
PAGES = ("/operations", "/operations/search", "/operations/catalogue")


async def submitted(site: Site) -> str:
    """A civil-status extract of the commune (ubnd-xa), waiting at reception."""
    response = await site.api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    await wait_for_stage(site.api, code, "reception")
    return code


async def until_listed(http: httpx.AsyncClient, code: str, seconds: float = 20) -> None:
    """Waits until the projection (what the pages read) lists the dossier."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        found = await http.get("/operations/search", params={"agency": "ubnd-xa"})
        if f'href="/dossiers/{code}"' in found.text:
            return
        assert asyncio.get_running_loop().time() < deadline, "the dossier is never listed"
        await asyncio.sleep(0.3)


def open_at(page: str, agency: str, stage: str) -> int:
    """The count of open dossiers the dashboard's table gives for a stage of an agency."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        if agency in row and f"stage={stage}" in row:
            return int(re.findall(r"<td>(\d+)</td>", row)[0])
    return 0


@asynccontextmanager
async def as_one_agencys_operator(
    site: Site, http: httpx.AsyncClient
) -> AsyncIterator[httpx.AsyncClient]:
    """The same signed-in operator, served by an app where their agency is not province-wide."""
    narrow = site.settings.model_copy(update={"province_agencies": "elsewhere"})
    app = create_app(narrow, client=site.api.env.client)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1", cookies=http.cookies
    ) as other:
        yield other


async def test_the_dashboard_counts_the_scopes_open_dossiers_and_draws_the_indicators(
    site: Site,
) -> None:
    code = await submitted(site)
    async with signed_in(site, OPERATOR) as http:
        await until_listed(http, code)
        page = await http.get("/operations")
        assert page.status_code == 200, page.text
        html = page.text
        assert 'href="/operations"' in html, "the nav links the dashboard for operators"
        assert "Ủy ban nhân dân xã" in html
        assert open_at(html, "Ủy ban nhân dân xã", "reception") >= 1
        assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="indicators-t', html)
        assert '<title id="indicators-t">Chỉ số theo Quyết định 766' in html
        assert "Đúng hạn (2.1)" in html and "<caption>" in html, "the numbers as a table too"
        assert "hoso unstick" in html, "the page names the command it does as the CLI does"

        found = await http.get("/operations/search", params={"agency": "ubnd-xa"})
        assert f'href="/dossiers/{code}"' in found.text
        dossier = await http.get(f"/dossiers/{code}")
        assert dossier.status_code == 200 and "Quá trình xử lý" in dossier.text

        english = await http.get("/operations", headers={"Accept-Language": "en"})
        assert "Open dossiers by stage" in english.text


async def test_the_dashboard_lists_the_deliveries_to_a_portal_that_is_down(site: Site) -> None:
    name = f"cong-{uuid.uuid4().hex[:8]}"
    async with receiving() as receiver, relays(site.api):
        await subscribe(site.api, receiver, name=name)
        await receiver.stop()
        try:
            code = await submitted(site)
            await _failing_until(site.api, code)
            async with signed_in(site, OPERATOR) as http:
                page = await http.get("/operations")
        finally:
            removed = await site.api.http.delete(
                f"/api/v1/webhooks/{name}", auth=site.api.auth(OPERATOR)
            )
            assert removed.status_code == 200, removed.text
    row = re.search(rf"<tr>\s*<td>{name}</td>(.*?)</tr>", page.text, re.S)
    assert row, "the failing delivery is listed"
    assert f'href="/dossiers/{code}"' in row.group(1) and "ConnectError" in row.group(1)


async def test_a_date_that_is_not_one_is_said_beside_its_field_in_vietnamese(site: Site) -> None:
    async with signed_in(site, OPERATOR) as http:
        bad = await http.get("/operations", params={"from": "31/02/2026", "to": "01/01/2026"})
        assert bad.status_code == 422
        assert re.search(
            r'id="p-from"[^>]*aria-invalid="true".*?id="p-from-error"[^>]*>Ngày không hợp lệ',
            bad.text,
            re.S,
        )
        backwards = await http.get("/operations", params={"from": "02/01/2026", "to": "01/01/2026"})
        assert "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu." in backwards.text
        assert 'id="indicators-t"' not in backwards.text, "no figures for a wrong period"
        search = await http.get("/operations/search", params={"received_from": "hôm qua"})
        assert search.status_code == 422 and 'id="s-received_from-error"' in search.text


async def test_the_catalogue_draws_each_procedures_chain(site: Site) -> None:
    async with signed_in(site, OPERATOR) as http:
        listed = await http.get("/operations/catalogue")
        assert 'href="/operations/catalogue/1.010733"' in listed.text
        page = await http.get("/operations/catalogue/1.010733")
        svg = re.search(r"<svg.*?</svg>", page.text, re.S)
        assert svg, "the chain is drawn"
        drawn = svg.group(0)
        assert "<title" in drawn and "<desc" in drawn
        for text in ("Thẩm định chuyên môn", "Chuyên viên", "12 ngày làm việc", "Sở Xây dựng"):
            assert text in drawn, text
        assert "Cảnh sát Phòng cháy, chữa cháy và cứu nạn, cứu hộ" in page.text
        missing = await http.get("/operations/catalogue/9.999999")
        assert missing.status_code == 404


async def test_an_operator_of_one_agency_sees_only_that_agency(site: Site) -> None:
    code = await submitted(site)
    async with signed_in(site, OPERATOR) as http, as_one_agencys_operator(site, http) as narrow:
        await until_listed(http, code)  # the province-wide operator finds it: it is there
        page = await narrow.get("/operations")
        assert page.status_code == 200, page.text
        assert "Ủy ban nhân dân xã" not in page.text
        assert open_at(page.text, "Ủy ban nhân dân xã", "reception") == 0
        found = await narrow.get("/operations/search", params={"agency": "ubnd-xa"})
        assert code not in found.text
        hidden = await narrow.get(f"/dossiers/{code}")
        assert hidden.status_code == 404


async def test_an_officer_who_is_no_operator_is_refused(site: Site) -> None:
    await submitted(site)
    async with signed_in(site, "xa.chairman") as http:
        worklist = await http.get("/worklist")
        assert 'href="/operations"' not in worklist.text
        for path in PAGES:
            refused = await http.get(path)
            assert refused.status_code == 403, path
            assert "Trang này dành cho cán bộ vận hành hệ thống." in refused.text
            assert "Ủy ban nhân dân xã" not in refused.text
