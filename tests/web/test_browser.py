"""hoso's pages in a real browser (Debian's Chromium through Playwright), as an officer and a
citizen use them; axe-core finds no serious or critical violation on any page they visit."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.api.helpers import state_of, wait_for_stage
from tests.web.browsing import chromium, look, new_page, weight
from tests.web.conftest import PASSWORD, Site, next_code

pytestmark = pytest.mark.browser


async def submit(site: Site) -> tuple[str, str]:
    """A civil-status extract submitted by the commune's portal: (code, lookup secret)."""
    response = await site.api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.text
    body = response.json()
    await wait_for_stage(site.api, body["code"], "reception")
    return body["code"], body["lookup_secret"]


async def sign_in_with_password(page: Page, site: Site, officer: str, password: str) -> None:
    await page.goto(f"{site.url}/worklist")
    await expect(page.get_by_role("heading", name="Đăng nhập cán bộ")).to_be_visible()
    await page.get_by_label("Mã cán bộ").fill(officer)
    await page.get_by_label("Mật khẩu").fill(password)
    await page.get_by_role("button", name="Tiếp tục").click()


async def test_an_officer_enrols_totp_signs_in_sees_the_worklist_and_opens_a_dossier(
    site: Site, shots: Path
) -> None:
    site.set_password("xa.reception")
    code, _ = await submit(site)
    weights: dict[str, dict[str, int]] = {}
    async with chromium() as browser, new_page(browser) as page:
        await page.goto(f"{site.url}/worklist")
        await look(page, shots, "1-signin")
        await sign_in_with_password(page, site, "xa.reception", PASSWORD)

        await expect(page.get_by_role("heading", name="Cài đặt xác thực hai lớp")).to_be_visible()
        await expect(
            page.get_by_role("img", name="Mã QR để cài đặt ứng dụng xác thực")
        ).to_be_visible()
        await look(page, shots, "2-enrol")
        secret = (await page.locator("#totp-secret").inner_text()).strip()
        first = next_code(secret)
        await page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(first)
        await page.get_by_role("button", name="Xác nhận và đăng nhập").click()

        await expect(page.get_by_role("heading", name="Hồ sơ chờ tôi xử lý")).to_be_visible()
        await expect(page.get_by_role("link", name=code)).to_be_visible()
        await look(page, shots, "3-worklist")
        weights["worklist"] = await weight(page)

        refused = await page.request.post(f"{site.url}/signout", form={"nothing": "here"})
        assert refused.status == 403, "a POST without the CSRF token is refused"

        await page.get_by_role("link", name=code).click()
        await expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
        await expect(page.get_by_text("Nguyễn Văn A")).to_be_visible()
        await expect(page.get_by_role("heading", name="Quá trình xử lý")).to_be_visible()
        await look(page, shots, "4-dossier")
        weights["dossier"] = await weight(page)

        # the officer acts: the browser's own key signs, the dossier verifies it
        await page.get_by_role("radio", name="Tiếp nhận", exact=True).check()
        await page.get_by_role("button", name="Ký và gửi").click()
        await expect(page.get_by_text("Đang giải quyết", exact=True)).to_be_visible(timeout=20_000)
        await expect(page.get_by_text("[đã ký, khóa")).to_be_visible()
        await look(page, shots, "4b-dossier-accepted")

        await page.get_by_role("button", name="Đăng xuất").click()
        await expect(page.get_by_role("heading", name="Đăng nhập cán bộ")).to_be_visible()

        await sign_in_with_password(page, site, "xa.reception", PASSWORD)
        await expect(page.get_by_role("heading", name="Mã xác thực")).to_be_visible()
        await look(page, shots, "5-code")
        await page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(
            next_code(secret, later=1)
        )
        await page.get_by_role("button", name="Đăng nhập").click()
        await expect(page.get_by_role("heading", name="Hồ sơ chờ tôi xử lý")).to_be_visible()

        later, _ = await submit(site)
        # the page refreshes its list by itself (htmx polling), without a reload
        await expect(page.get_by_role("link", name=later)).to_be_visible(timeout=20_000)
    print(f"\npage weight (bytes): {weights}")


async def test_failed_sign_ins_lock_the_account(site: Site, shots: Path) -> None:
    site.set_password("xa.chairman")
    async with chromium() as browser, new_page(browser) as page:
        for _ in range(3):
            await sign_in_with_password(page, site, "xa.chairman", "a wrong password, surely")
        await expect(page.get_by_role("alert")).to_contain_text("tạm khóa")
        await sign_in_with_password(page, site, "xa.chairman", PASSWORD)
        await expect(page.get_by_role("alert")).to_contain_text("tạm khóa")
        await look(page, shots, "locked")


async def test_a_citizen_follows_a_dossier_by_code_and_secret_on_a_phone(
    site: Site, shots: Path
) -> None:
    code, secret = await submit(site)
    async with (
        chromium() as browser,
        new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True) as page,
    ):
        await page.goto(f"{site.url}/follow")
        await look(page, shots, "1-follow")
        await page.get_by_label("Mã hồ sơ").fill(code)
        await page.get_by_label("Mã tra cứu").fill("not-the-secret")
        await page.get_by_role("button", name="Tra cứu").click()
        await expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")
        await expect(page.get_by_text("Nguyễn Văn A")).to_have_count(0)

        await page.get_by_label("Mã tra cứu").fill(secret)
        await page.get_by_role("button", name="Tra cứu").click()
        await expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
        await expect(page.get_by_text("Đã tiếp nhận")).to_be_visible()
        await expect(page.get_by_text("Nguyễn Văn A")).to_have_count(0)
        await look(page, shots, "2-status")
        fits = await page.evaluate(
            "() => document.documentElement.scrollWidth <= window.innerWidth"
        )
        assert fits, "the page scrolls sideways on a phone"


async def test_a_stolen_cookie_reads_but_cannot_act(site: Site, shots: Path) -> None:
    site.set_password("xa.reception")
    code, _ = await submit(site)
    async with chromium() as browser:
        async with new_page(browser) as page:
            await sign_in_with_password(page, site, "xa.reception", PASSWORD)
            secret = (await page.locator("#totp-secret").inner_text()).strip()
            await page.get_by_label("Mã 6 chữ số trong ứng dụng xác thực").fill(next_code(secret))
            await page.get_by_role("button", name="Xác nhận và đăng nhập").click()
            await expect(page.get_by_role("heading", name="Hồ sơ chờ tôi xử lý")).to_be_visible()
            stolen = await page.context.cookies()
        async with new_page(browser) as thief:
            await thief.context.add_cookies(stolen)
            await thief.goto(f"{site.url}/dossiers/{code}")
            await expect(thief.get_by_text("Nguyễn Văn A")).to_be_visible()
            await thief.get_by_role("radio", name="Tiếp nhận", exact=True).check()
            await thief.get_by_role("button", name="Ký và gửi").click()
            await expect(thief.get_by_role("status")).to_contain_text("không có khóa ký")
            await look(thief, shots, "stolen-cookie")
    assert (await state_of(site.api, code)).stage == "reception", "nothing was done"
