"""A citizen books a time at the counter on a phone-sized screen in a real browser (Debian's
Chromium through Playwright): chooses the procedure, a free slot, gives name, phone and identity
number, sees the booking's code and QR code, then cancels it with the code and phone. axe-core
finds no serious or critical violation on any page of the way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.web.browsing import chromium, look, new_page
from tests.web.conftest import Site

pytestmark = pytest.mark.browser
PHONE_SCREEN = {"width": 375, "height": 740}


async def fits_the_screen(page: Page) -> bool:
    """Nothing wider than the phone's screen: read without scrolling sideways."""
    width: int = await page.evaluate("() => document.documentElement.scrollWidth")
    return width <= PHONE_SCREEN["width"]


async def test_a_citizen_books_sees_the_code_and_qr_and_cancels_with_code_and_phone(
    site: Site, shots: Path
) -> None:
    async with chromium() as browser, new_page(browser, viewport=PHONE_SCREEN) as page:
        await page.goto(f"{site.url}/appointments")
        await expect(
            page.get_by_role("heading", name="Đặt lịch hẹn tại bộ phận một cửa")
        ).to_be_visible()
        await look(page, shots, "1-choose")
        choice = page.get_by_label("Thủ tục và nơi tiếp nhận")
        await choice.select_option("2.000635")
        await page.get_by_role("button", name="Xem khung giờ trống").click()

        first = page.get_by_role("radio").first
        await expect(first).to_be_enabled()
        assert await fits_the_screen(page)
        await look(page, shots, "2-slots")
        await first.check()
        await page.get_by_label("Họ và tên").fill("Lê Văn Cường")
        await page.get_by_label("Số điện thoại").fill("0903 123 456")
        await page.get_by_label("Số định danh cá nhân (12 chữ số)").fill("001203004005")
        await page.get_by_role("button", name="Đặt lịch").click()

        await expect(page.get_by_role("heading", name="Đã đặt lịch hẹn")).to_be_visible()
        qr = page.get_by_role(
            "img", name=re.compile(r"^Mã QR của lịch hẹn [A-Z0-9]{4}-[A-Z0-9]{4}$")
        )
        await expect(qr).to_be_visible()
        label = await qr.get_attribute("aria-label") or ""
        code = label.rsplit(" ", 1)[-1]
        await expect(page.get_by_text(f"Mã lịch hẹn: {code}")).to_be_visible()
        assert await fits_the_screen(page)
        await look(page, shots, "3-booked")

        await page.get_by_role("link", name="Đổi hoặc hủy lịch đã đặt").click()
        await page.get_by_label("Mã lịch hẹn").fill(code.lower())
        await page.get_by_label("Số điện thoại").fill("0903123456")
        await page.get_by_role("button", name="Xem lịch hẹn").click()
        await expect(page.get_by_role("img", name=f"Mã QR của lịch hẹn {code}")).to_be_visible()
        await look(page, shots, "4-manage")

        await page.get_by_role("button", name="Hủy lịch hẹn").click()
        await expect(page.get_by_role("status")).to_have_text("Đã hủy lịch hẹn.")
        await expect(page.get_by_role("button", name="Hủy lịch hẹn")).to_have_count(0)
        await look(page, shots, "5-cancelled")
