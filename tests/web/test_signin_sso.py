"""Officers sign in through single sign-on against a real OpenID Connect provider on loopback
(panva's oidc-provider): the code flow with PKCE, the ID token checked, its login mapped to an
officer of the registry; a stranger, a forged state and a replayed code are refused."""

from __future__ import annotations

import re
import socket

import httpx
from pydantic import SecretStr
from sqlmodel import col, select

from models.tables import SignInRecord, WebSessionRecord
from tests.web.conftest import PASSWORD, Site
from tests.web.sso import Provider, provider, through_provider
from tests.web.test_signin import csrf_of

__all__ = ["provider"]  # the fixture

PUBLIC_KEY = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"  # RFC 8032's first test key
OTHER_KEY = "PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw"  # RFC 8032's second


def browser(site: Site) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=site.url, timeout=60, follow_redirects=True)


def events(site: Site) -> list[tuple[str, str]]:
    with site.api.sessions() as session:
        rows = session.exec(select(SignInRecord).order_by(col(SignInRecord.id)))
        return [(r.officer_id, r.event) for r in rows]


def sessions_of(site: Site, officer: str) -> list[WebSessionRecord]:
    with site.api.sessions() as session:
        query = select(WebSessionRecord).where(WebSessionRecord.officer_id == officer)
        return list(session.exec(query))


async def test_an_officer_signs_in_through_sso_makes_a_key_and_reaches_the_worklist(
    site: Site, provider: Provider
) -> None:
    async with browser(site) as http:
        page = await http.get("/signin")
        assert "Đăng nhập bằng tài khoản một lần (SSO)" in page.text
        key_page = await through_provider(http, provider, "xa.reception")
        assert key_page.status_code == 200, key_page.text
        assert "data-session-key" in key_page.text
        worklist = await http.post(
            "/signin/key", data={"public_key": PUBLIC_KEY, "csrf": csrf_of(key_page.text)}
        )
        assert worklist.url.path == "/worklist"
        assert "Hồ sơ chờ tôi xử lý" in worklist.text
        assert "Phiên này chỉ xem" not in worklist.text
        (record,) = sessions_of(site, "xa.reception")
        assert record.verified and record.certificate
        # the session's cookie cannot bring a key of its own afterwards
        other = await http.post(
            "/signin/key", data={"public_key": OTHER_KEY, "csrf": csrf_of(worklist.text)}
        )
        assert other.url.path == "/worklist"
    (after,) = sessions_of(site, "xa.reception")
    assert after.certificate == record.certificate
    assert events(site) == [("xa.reception", "signed_in_sso")]


async def test_a_login_that_is_no_officer_is_refused_and_nothing_is_opened(
    site: Site, provider: Provider
) -> None:
    async with browser(site) as http:
        refused = await through_provider(http, provider, "someone.else")
        assert refused.status_code == 403
        assert "không phải của cán bộ nào đang làm việc" in refused.text
        assert (await http.get("/worklist")).url.path == "/signin"
    assert sessions_of(site, "someone.else") == []
    assert events(site) == [("someone.else", "sso_refused")]


async def test_a_callback_whose_state_is_not_this_browsers_is_refused(
    site: Site, provider: Provider
) -> None:
    async with browser(site) as victim, browser(site) as attacker:
        back = await through_provider(attacker, provider, "xa.reception", follow=False)
        callback = back.headers["location"]
        # The attacker's code and state, planted in the victim's browser (login CSRF): the
        # victim's own binding cookie, from starting a sign-in, does not match.
        await victim.get("/signin/sso", follow_redirects=False)
        refused = await victim.get(callback)
        assert refused.status_code == 400
        assert "không khớp hoặc đã hết hạn" in refused.text
        forged = re.sub(r"state=[^&]+", "state=forged", callback)
        assert (await attacker.get(forged)).status_code == 400
        assert (await victim.get("/worklist")).url.path == "/signin"
    assert sessions_of(site, "xa.reception") == []


async def test_a_replayed_code_is_refused(site: Site, provider: Provider) -> None:
    async with browser(site) as http:
        back = await through_provider(http, provider, "xa.reception", follow=False)
        callback = back.headers["location"]
        binding = {c.name: c.value for c in http.cookies.jar if "sso" in c.name and c.value}
        first = await http.get(callback)
        assert first.status_code == 200
        assert binding
        http.cookies.update(binding)  # the binding cookie kept, as a thief would
        again = await http.get(callback)
        assert again.status_code == 401
        assert "không xác nhận việc đăng nhập này" in again.text
    assert len(sessions_of(site, "xa.reception")) == 1


async def test_without_sso_configured_the_page_offers_no_sso_and_the_route_says_so(
    site: Site,
) -> None:
    async with browser(site) as http:
        page = await http.get("/signin")
        assert "Đăng nhập bằng tài khoản một lần" not in page.text
        assert 'name="password"' in page.text
        off = await http.get("/signin/sso")
        assert off.status_code == 404
        assert "chưa được cấu hình" in off.text


async def test_a_provider_that_does_not_answer_is_said_so(site: Site) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    settings = site.settings
    settings.oidc_issuer, settings.oidc_client_id = f"http://127.0.0.1:{closed}", "hoso"
    settings.oidc_client_secret = SecretStr("a client secret")
    try:
        async with browser(site) as http:
            down = await http.get("/signin/sso")
            assert down.status_code == 502
            assert "Không kết nối được với hệ thống đăng nhập một lần" in down.text
    finally:
        settings.oidc_issuer = settings.oidc_client_id = settings.oidc_client_secret = None


async def test_password_sign_in_can_be_turned_off_when_sso_is_on(
    site: Site, provider: Provider
) -> None:
    site.set_password("xa.reception")
    site.settings.oidc_password_sign_in = False
    try:
        async with browser(site) as http:
            page = await http.get("/signin")
            assert 'name="password"' not in page.text
            assert "Đăng nhập bằng tài khoản một lần (SSO)" in page.text
            token = csrf_of((await http.get("/follow")).text)  # a form this browser holds
            form = {"officer": "xa.reception", "password": PASSWORD, "csrf": token}
            refused = await http.post("/signin", data=form)
            assert refused.status_code == 403
            assert "Đăng nhập bằng mật khẩu đã tắt" in refused.text
            assert (await http.get("/worklist")).url.path == "/signin"
    finally:
        site.settings.oidc_password_sign_in = True


async def test_a_sign_in_the_officer_cancels_at_the_provider_is_refused(
    site: Site, provider: Provider
) -> None:
    async with browser(site) as http:
        to_provider = await http.get("/signin/sso", follow_redirects=False)
        state = re.search(r"state=([^&]+)", to_provider.headers["location"])
        assert state
        cancelled = await http.get(
            "/signin/sso/callback", params={"error": "access_denied", "state": state.group(1)}
        )
        assert cancelled.status_code == 401
        assert (await http.get("/worklist")).url.path == "/signin"
