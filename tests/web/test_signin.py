"""Officers sign in to the web pages with a password and a TOTP code, through real HTTP: the
second factor enrolled at the first sign-in, failures locking the account, every form's CSRF
token checked, sign-in and sign-out on the record, sessions ended with the officer's tokens."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlmodel import col, select

from models.tables import SignInRecord, WebSessionRecord
from support.credentials import revoke
from tests.web.conftest import PASSWORD, Site, next_code, secret_on


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


async def browser(site: Site) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=site.url, timeout=60, follow_redirects=True)


async def sign_in(
    http: httpx.AsyncClient, officer: str, password: str = PASSWORD
) -> httpx.Response:
    page = await http.get("/signin")
    return await http.post(
        "/signin", data={"officer": officer, "password": password, "csrf": csrf_of(page.text)}
    )


async def test_officer_enrols_totp_at_first_sign_in_and_uses_it_later(site: Site) -> None:
    site.set_password("xa.reception")
    async with await browser(site) as http:
        enrol = await sign_in(http, "xa.reception")
        assert enrol.url.path == "/signin/enrol"
        assert "<svg" in enrol.text
        secret = secret_on(enrol.text)
        first = next_code(secret)
        worklist = await http.post(
            "/signin/code", data={"code": first, "csrf": csrf_of(enrol.text)}
        )
        assert worklist.url.path == "/worklist", worklist.text
        assert "Hồ sơ chờ tôi xử lý" in worklist.text
        out = await http.post("/signout", data={"csrf": csrf_of(worklist.text)})
        assert out.url.path == "/signin"
        assert (await http.get("/worklist")).url.path == "/signin"

    async with await browser(site) as http:
        code_page = await sign_in(http, "xa.reception")
        assert code_page.url.path == "/signin/code"
        again = await http.post(
            "/signin/code", data={"code": first, "csrf": csrf_of(code_page.text)}
        )
        assert again.status_code == 401, "a code is accepted once"
        signed = await http.post(
            "/signin/code", data={"code": next_code(secret, later=1), "csrf": csrf_of(again.text)}
        )
        assert signed.url.path == "/worklist"

    with site.api.sessions() as session:
        events = [r.event for r in session.exec(select(SignInRecord).order_by(SignInRecord.id))]
    assert events == [
        "password_set",
        "enrolled",
        "signed_in",
        "signed_out",
        "failed",
        "signed_in",
    ]


async def test_failed_sign_ins_lock_the_account_even_for_the_right_password(site: Site) -> None:
    site.set_password("xa.chairman")
    async with await browser(site) as http:
        for _ in range(2):
            wrong = await sign_in(http, "xa.chairman", "not the password at all")
            assert wrong.status_code == 401
            assert "không đúng" in wrong.text
        locked = await sign_in(http, "xa.chairman", "not the password at all")
        assert locked.status_code == 429
        assert "tạm khóa" in locked.text
        right = await sign_in(http, "xa.chairman")
        assert right.status_code == 429, "locked: the right password waits too"
        unknown = await sign_in(http, "nobody.here", PASSWORD)
        assert unknown.status_code == 401


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(site: Site) -> None:
    site.set_password("xa.civil-status")
    async with await browser(site) as http:
        refused = await http.post(
            "/signin", data={"officer": "xa.civil-status", "password": PASSWORD}
        )
        assert refused.status_code == 403
        forged = await http.post(
            "/signin", data={"officer": "xa.civil-status", "password": PASSWORD, "csrf": "0" * 64}
        )
        assert forged.status_code == 403
        enrol = await sign_in(http, "xa.civil-status")
        secret = secret_on(enrol.text)
        page = await http.post(
            "/signin/code", data={"code": next_code(secret), "csrf": csrf_of(enrol.text)}
        )
        assert (await http.post("/signout", data={})).status_code == 403
        assert (await http.get("/worklist")).url.path == "/worklist", "still signed in"

        revoke(site.api.sessions, "xa.civil-status", by="ops.operator")
        assert (await http.get("/worklist")).url.path == "/signin", "ended with the tokens"
        assert page.status_code == 200


async def test_pages_speak_english_when_the_browser_asks(site: Site) -> None:
    async with await browser(site) as http:
        english = await http.get("/signin", headers={"Accept-Language": "en-GB,en;q=0.9"})
        vietnamese = await http.get("/signin", headers={"Accept-Language": "fr, vi;q=0.5"})
    assert "Officer sign-in" in english.text and english.headers["content-language"] == "en"
    assert "Đăng nhập cán bộ" in vietnamese.text
    assert "script-src 'self'" in english.headers["content-security-policy"]


async def test_a_session_ends_when_idle_and_when_too_old(site: Site) -> None:
    site.set_password("xa.reception")
    async with await browser(site) as http:
        enrol = await sign_in(http, "xa.reception")
        await http.post(
            "/signin/code",
            data={"code": next_code(secret_on(enrol.text)), "csrf": csrf_of(enrol.text)},
        )
        assert (await http.get("/worklist")).url.path == "/worklist"
        idle = timedelta(minutes=site.settings.web_idle_minutes, seconds=1)
        _age_sessions(site, "xa.reception", last_seen=idle)
        assert (await http.get("/worklist")).url.path == "/signin", "idle: signed out"

    async with await browser(site) as http:
        code_page = await sign_in(http, "xa.reception")
        await http.post(
            "/signin/code",
            data={
                "code": next_code(secret_on(enrol.text), later=1),
                "csrf": csrf_of(code_page.text),
            },
        )
        assert (await http.get("/worklist")).url.path == "/worklist"
        too_old = timedelta(hours=site.settings.web_session_hours, seconds=1)
        _age_sessions(site, "xa.reception", created=too_old)
        assert (await http.get("/worklist")).url.path == "/signin", "past its absolute end"

    with site.api.sessions() as session:
        ended = session.exec(
            select(WebSessionRecord.ended_by).where(WebSessionRecord.officer_id == "xa.reception")
        ).all()
    assert {"idle", "expired"} <= set(ended)


def _age_sessions(
    site: Site,
    officer: str,
    *,
    last_seen: timedelta = timedelta(0),
    created: timedelta = timedelta(0),
) -> None:
    """The officer's live sessions as if they were used `last_seen` ago, begun `created` ago."""
    with site.api.sessions() as session:
        for row in session.exec(
            select(WebSessionRecord).where(
                WebSessionRecord.officer_id == officer, col(WebSessionRecord.ended_at).is_(None)
            )
        ):
            row.last_seen_at -= last_seen
            row.created_at -= created
            session.add(row)
        session.commit()


async def test_a_wrong_code_at_enrolment_keeps_the_qr_code_on_the_page(site: Site) -> None:
    site.set_password("xa.chairman")
    async with await browser(site) as http:
        enrol = await sign_in(http, "xa.chairman")
        secret = secret_on(enrol.text)
        valid = {next_code(secret, later=step) for step in (-1, 0, 1)}
        code = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
        wrong = await http.post("/signin/code", data={"code": code, "csrf": csrf_of(enrol.text)})
        assert wrong.status_code == 401 and "không đúng" in wrong.text
        assert secret_on(wrong.text) == secret, "the same key, to scan again"
        right = await http.post(
            "/signin/code", data={"code": next_code(secret), "csrf": csrf_of(wrong.text)}
        )
        assert right.url.path == "/worklist"
