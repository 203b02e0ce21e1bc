"""In Chromium: an operator registers a portal from the webhooks page, a field refused first and
said beside it, then the secret shown once; the page passes axe-core at each step; then they stop
the portal behind its confirmation."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import expect

from bench.portals import receiving
from tests.web.browsing import chromium, look, new_page
from tests.web.conftest import Site
from tests.web.test_browser_flows import enrolled

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


async def test_an_operator_registers_a_portal_and_stops_it(site: Site, shots: Path) -> None:
    name = f"cong-{uuid.uuid4().hex[:8]}"
    async with receiving() as receiver, chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "ops.operator")
        await page.get_by_role("link", name="Webhook").click()
        form = page.locator("form[action='/operations/webhooks/subscribers']")
        await form.get_by_label("Tên cổng (vd. cong-dvc-tinh)").fill("Cổng DVC")
        await form.get_by_label("Địa chỉ nhận (https://…)").fill(receiver.url)
        await look(page, shots, "1-filled")
        await form.get_by_role("button", name="Đăng ký").click()
        name_field = page.get_by_label("Tên cổng (vd. cong-dvc-tinh)")
        await expect(name_field).to_have_attribute("aria-invalid", "true")
        await expect(page.locator("#s-name-error")).to_contain_text("Tên: 2–63 chữ thường")
        await look(page, shots, "2-name-refused")

        await name_field.fill(name)
        await page.get_by_role("button", name="Đăng ký", exact=True).click()
        secret = page.locator("#created-secret")
        await expect(secret).to_contain_text("whsec_")
        await expect(page.locator(f"#w-{name}")).to_be_visible()
        await look(page, shots, "3-registered")

        card = page.locator(f"section[aria-labelledby='w-{name}']")
        await card.get_by_text("Ngừng gửi cho cổng này…").click()
        await card.get_by_role("button", name=f"Ngừng gửi sự kiện cho {name}").click()
        await expect(page.get_by_role("status").first).to_contain_text(
            f"Đã ngừng gửi sự kiện cho {name}."
        )
        await expect(page.locator(f"#w-{name}")).to_contain_text("đã ngừng")
        await look(page, shots, "4-stopped")
