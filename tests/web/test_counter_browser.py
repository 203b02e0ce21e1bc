"""The counter in a real browser (Debian's Chromium through Playwright): a reception officer
enters a dossier brought in person with its scans, receives it and prints its receipt; a bad
entry is said beside its field and records nothing; a supplement brought to the counter and a
result handed over are signed by the browser's key. axe-core finds no serious or critical
violation on any of these pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.api.conftest import JPG, PDF
from tests.api.helpers import state_of
from tests.web.browsing import chromium, look, new_page
from tests.web.conftest import PASSWORD, Site, next_code
from tests.web.counter_steps import (
    ENTRY,
    awaiting_delivery,
    awaiting_supplement,
    dossiers_counted,
)
from tests.web.test_actions import at_reception
from tests.web.test_browser import sign_in_with_password

pytestmark = pytest.mark.browser
REQUEST_FORM = "Tờ khai đề nghị cấp bản sao trích lục hộ tịch"
ID_CARD = "Bản sao thẻ Căn cước hoặc Căn cước công dân"


async def enrolled(page: Page, site: Site, officer: str) -> None:
    """Signed in for the first time: the second factor enrolled, the worklist shown."""
    site.set_password(officer)
    await sign_in_with_password(page, site, officer, PASSWORD)
    secret = (await page.locator("#totp-secret").inner_text()).strip()
    await page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(next_code(secret))
    await page.get_by_role("button", name="Xác nhận và đăng nhập").click()
    await expect(page.get_by_role("heading", name="Hồ sơ chờ tôi xử lý")).to_be_visible()


def scan(name: str, content: bytes) -> dict[str, object]:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": content}


async def fill_applicant(page: Page, **changes: str) -> None:
    values = {**ENTRY, **changes}
    await page.get_by_label("Họ và tên").fill(values["name"])
    await page.get_by_label("Số định danh cá nhân").fill(values["id_number"])
    await page.get_by_label("Điện thoại").fill(values["phone"])
    await page.get_by_label("Địa chỉ", exact=True).fill(values["address"])
    await page.get_by_role("radio", name="Bưu chính").check()


async def test_an_officer_enters_a_counter_dossier_and_prints_its_receipt(
    site: Site, shots: Path
) -> None:
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "xa.reception")
        await page.get_by_role("link", name="Quầy tiếp nhận").click()
        await expect(
            page.get_by_role("heading", name="Quầy tiếp nhận: nhập hồ sơ nộp trực tiếp")
        ).to_be_visible()
        await fill_applicant(page)
        await page.get_by_label(REQUEST_FORM).set_input_files(scan("to-khai.pdf", PDF))
        await page.get_by_label(ID_CARD).set_input_files(scan("can-cuoc.jpg", JPG))
        await look(page, shots, "1-counter-entry")
        await page.get_by_role("button", name="Tiếp nhận hồ sơ").click()

        await expect(page.get_by_role("heading", name="Đã nhập hồ sơ")).to_be_visible()
        code = (await page.locator("#dossier-code").inner_text()).strip()
        await expect(page.locator("#lookup-secret")).not_to_be_empty()
        await look(page, shots, "2-counter-received")
        state = await state_of(site.api, code)
        assert (state.received_via, state.received_by) == ("counter", "xa.reception")

        await page.get_by_role("link", name="Mở hồ sơ để tiếp nhận").click()
        await expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
        await page.get_by_role("radio", name="Tiếp nhận", exact=True).check()
        await page.get_by_role("button", name="Ký và gửi").click()
        await expect(page.locator("dd", has_text="Đang giải quyết")).to_be_visible(timeout=20_000)
        await look(page, shots, "3-dossier-received")

        receipt = page.get_by_role("link", name="In phiếu tiếp nhận (mẫu 01)")
        address = await receipt.get_attribute("href")
        opened = await page.request.get(f"{site.url}{address}")
        assert opened.headers["content-type"] == "application/pdf"
        assert opened.headers["content-disposition"].startswith("inline")
        assert (await opened.body()).startswith(b"%PDF")

        document = page.get_by_role("link", name="to-khai.pdf")
        scanned = await page.request.get(f"{site.url}{await document.get_attribute('href')}")
        assert await scanned.body() == PDF
        assert scanned.headers["x-content-type-options"] == "nosniff"


async def test_a_bad_counter_entry_is_said_beside_its_field(site: Site, shots: Path) -> None:
    before = dossiers_counted(site)
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "xa.reception")
        await page.goto(f"{site.url}/counter")
        await fill_applicant(page, phone="12")
        await page.get_by_label(REQUEST_FORM).set_input_files(scan("to-khai.pdf", PDF))
        await page.get_by_role("button", name="Tiếp nhận hồ sơ").click()

        await expect(page.get_by_role("alert")).to_contain_text("chưa được tiếp nhận")
        await expect(page.get_by_text("Số điện thoại không hợp lệ")).to_be_visible()
        await expect(page.get_by_text("Thiếu giấy tờ bắt buộc này")).to_be_visible()
        await expect(page.get_by_label("Họ và tên")).to_have_value(ENTRY["name"])
        await look(page, shots, "counter-refused")
    assert dossiers_counted(site) == before, "nothing was recorded"


async def test_a_supplement_brought_to_the_counter_moves_the_dossier_on(
    site: Site, shots: Path
) -> None:
    code = await awaiting_supplement(site)
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "xa.reception")
        await page.goto(f"{site.url}/dossiers/{code}")
        await expect(page.locator("dd", has_text="Chờ bổ sung")).to_be_visible(timeout=20_000)
        await page.get_by_label(ID_CARD).set_input_files(scan("can-cuoc-ro.pdf", PDF))
        await page.get_by_label("Ghi chú của người nộp").fill("bản rõ hơn")
        await look(page, shots, "1-supplement")
        await page.get_by_role("button", name="Ký và nhận bổ sung").click()
        await expect(page.get_by_text("Đã tiếp nhận", exact=True)).to_be_visible()
        await expect(page.get_by_role("link", name="can-cuoc-ro.pdf")).to_be_visible()
        await look(page, shots, "2-supplemented")
    assert (await state_of(site.api, code)).status == "received"


async def test_a_result_handed_over_at_the_counter_is_confirmed(site: Site, shots: Path) -> None:
    code = await awaiting_delivery(site)
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "xa.reception")
        await page.goto(f"{site.url}/dossiers/{code}")
        await page.get_by_label("Ghi chú (người nhận, giấy tờ xuất trình)").fill("CCCD đối chiếu")
        await look(page, shots, "1-delivery")
        await page.get_by_role("button", name="Ký xác nhận đã trả kết quả").click()
        await expect(page.locator("dd", has_text="Đã trả kết quả")).to_be_visible(timeout=20_000)
        await look(page, shots, "2-delivered")
    assert (await state_of(site.api, code)).status == "completed"


async def test_a_withdrawal_is_signed_at_the_counter_and_refused_once_closed(
    site: Site, shots: Path
) -> None:
    code = await at_reception(site)
    reason = "Người nộp muốn nộp lại hồ sơ ở xã nơi thường trú"
    async with chromium() as browser, new_page(browser) as page:
        await enrolled(page, site, "xa.reception")
        later = await page.context.new_page()  # a second tab, left open on the same dossier
        for tab in (later, page):
            await tab.goto(f"{site.url}/dossiers/{code}")
            await tab.get_by_label("Lý do người nộp rút hồ sơ").fill(reason)
        await look(page, shots, "1-withdrawal")
        await page.get_by_role("button", name="Ký và rút hồ sơ").click()
        await expect(page.locator("dd", has_text="Đã rút")).to_be_visible(timeout=20_000)
        await look(page, shots, "2-withdrawn")

        await later.get_by_role("button", name="Ký và rút hồ sơ").click()
        beside = later.locator("#reason-error")
        await expect(beside).to_have_text("Hồ sơ đã kết thúc (Đã rút): không thể rút hồ sơ.")
        await expect(later.get_by_label("Lý do người nộp rút hồ sơ")).to_be_focused()
        await look(later, shots, "3-closed")
    assert (await state_of(site.api, code)).status == "withdrawn"
