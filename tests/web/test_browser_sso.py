"""Single sign-on in a real browser (Debian's Chromium through Playwright): an officer signs in
through the agency's OpenID Connect provider (panva's oidc-provider on loopback), the browser
makes its signing key, and the officer's first action is signed and verified as after TOTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.web.browsing import chromium, look, new_page
from tests.web.conftest import Site
from tests.web.sso import Provider, provider
from tests.web.test_browser import submit

pytestmark = pytest.mark.browser
__all__ = ["provider"]  # the fixture


async def test_an_officer_signs_in_through_sso_and_signs_an_action(
    site: Site, provider: Provider, shots: Path
) -> None:
    code, _ = await submit(site)
    async with chromium() as browser, new_page(browser) as page:
        await page.goto(f"{site.url}/worklist")
        await look(page, shots, "1-signin")
        await page.get_by_role("link", name="Đăng nhập bằng tài khoản một lần (SSO)").click()

        await page.get_by_placeholder("Enter any login").fill("xa.reception")
        await page.get_by_placeholder("and password").fill("the provider's own password")
        await page.get_by_role("button", name="Sign-in").click()
        await page.get_by_role("button", name="Continue").click()

        # back at hoso, the key page makes the key by itself and goes on to the worklist
        await expect(page.get_by_role("heading", name="Hồ sơ chờ tôi xử lý")).to_be_visible()
        await expect(page.get_by_text("Phiên này chỉ xem")).to_have_count(0)
        await look(page, shots, "2-worklist")

        await page.get_by_role("link", name=code).click()
        await expect(page.get_by_role("heading", name=f"Hồ sơ {code}")).to_be_visible()
        await page.get_by_role("radio", name="Tiếp nhận", exact=True).check()
        await page.get_by_role("button", name="Ký và gửi").click()
        await expect(page.get_by_text("Đang giải quyết", exact=True)).to_be_visible(timeout=20_000)
        await expect(page.get_by_text("[đã ký, khóa")).to_be_visible()
        await look(page, shots, "3-dossier-accepted")
