"""The operator's pages in a real browser: the dashboard changes when a dossier moves on, and
axe-core finds no serious or critical violation on the dashboard, the search, the catalogue and
a procedure's chain."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.api.helpers import action, signed_action, wait_for_stage
from tests.api.test_search import until_found
from tests.web.browsing import chromium, look, new_page, weight
from tests.web.conftest import PASSWORD, Site, next_code
from tests.web.test_browser import sign_in_with_password
from tests.web.test_operator_pages import OPERATOR, submitted

pytestmark = pytest.mark.browser
COMMUNE = "Ủy ban nhân dân xã"


async def open_at(page: Page, stage: str) -> int:
    """The dashboard's count of the commune's open dossiers at a stage (0: no row)."""
    rows = (
        page.get_by_role("row")
        .filter(has_text=COMMUNE)
        .filter(has=page.get_by_role("rowheader", name=stage, exact=True))
    )
    if await rows.count() == 0:
        return 0
    return int(await rows.first.get_by_role("cell").nth(2).inner_text())


async def until_counts(page: Page, wanted: dict[str, int], seconds: float = 20) -> None:
    """Reloads the dashboard until its counts are the wanted ones (the projection follows the
    dossier's workflow a moment later)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        seen = {stage: await open_at(page, stage) for stage in wanted}
        if seen == wanted:
            return
        assert asyncio.get_running_loop().time() < deadline, seen
        await asyncio.sleep(0.5)
        await page.reload()


async def accepted(site: Site, code: str) -> None:
    api = site.api
    body = signed_action(
        api, "xa.reception", code, "reception", "act", action(api, "xa.reception", "accept")
    )
    answer = await api.http.post(
        f"/api/v1/dossiers/{code}/actions", json=body, auth=api.auth("xa.reception")
    )
    assert answer.status_code == 200, answer.text
    await wait_for_stage(api, code, "review")


async def test_an_operators_dashboard_changes_when_a_dossier_moves_on(
    site: Site, shots: Path
) -> None:
    site.set_password(OPERATOR)
    code = await submitted(site)
    await until_found(site.api, OPERATOR, {code}, agency="ubnd-xa", stage="reception", size=1000)
    weights: dict[str, dict[str, int]] = {}
    async with chromium() as browser, new_page(browser) as page:
        await sign_in_with_password(page, site, OPERATOR, PASSWORD)
        secret = (await page.locator("#totp-secret").inner_text()).strip()
        await page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(next_code(secret))
        await page.get_by_role("button", name="Xác nhận và đăng nhập").click()
        await expect(page.get_by_role("heading", name="Hồ sơ chờ tôi xử lý")).to_be_visible()

        await page.get_by_role("link", name="Bảng điều hành").click()
        await expect(page.get_by_role("heading", name="Bảng điều hành", level=1)).to_be_visible()
        await expect(
            page.get_by_role("img", name=re.compile("Chỉ số theo Quyết định 766"))
        ).to_be_visible()
        at_reception, in_review = (
            await open_at(page, "Tiếp nhận hồ sơ"),
            await open_at(page, "Thẩm định hồ sơ"),
        )
        assert at_reception >= 1
        await look(page, shots, "1-dashboard")
        weights["dashboard"] = await weight(page)

        await accepted(site, code)
        await until_counts(
            page, {"Tiếp nhận hồ sơ": at_reception - 1, "Thẩm định hồ sơ": in_review + 1}
        )

        await page.get_by_label("Từ ngày").fill("32/13/2026")
        await page.get_by_role("button", name="Xem chỉ số").click()
        await expect(page.get_by_text("Ngày không hợp lệ")).to_be_visible()
        await look(page, shots, "2-dashboard-bad-period")

        await page.get_by_role("link", name="Tra cứu hồ sơ").click()
        await page.get_by_label("Cơ quan").select_option(label=COMMUNE)
        await page.get_by_role("button", name="Tìm").click()
        await expect(page.get_by_role("link", name=code)).to_be_visible()
        await look(page, shots, "3-search")
        weights["search"] = await weight(page)
        await page.get_by_role("link", name=code).click()
        await expect(page.get_by_role("heading", name="Quá trình xử lý")).to_be_visible()

        await page.get_by_role("link", name="Danh mục thủ tục").click()
        await look(page, shots, "4-catalogue")
        await page.get_by_role("link", name="1.010733").click()
        await expect(
            page.get_by_role("img", name="Quy trình xử lý của thủ tục 1.010733")
        ).to_be_visible()
        await look(page, shots, "5-procedure")
        weights["procedure"] = await weight(page)
    print(f"\npage weight (bytes): {weights}")
