"""A form sent with a required field left empty (or longer than its limit) gets its page again
with the message beside the field, in the browser's language, and nothing is done: never
FastAPI's JSON. The scripts' routes (sign.js) get a problem naming the field; the API keeps its
problem details."""

from __future__ import annotations

import re

import httpx
from sqlmodel import func, select

from models.tables import BookingRecord, SignInRecord, WebSessionRecord
from tests.api.helpers import state_of
from tests.web.conftest import Site, next_code, secret_on
from tests.web.test_actions import at_reception, session_with_key
from tests.web.test_signin import csrf_of, sign_in

ENGLISH = {"Accept-Language": "en"}


def beside(html: str, field: str) -> str:
    """The message beside `field`, tied to it for screen readers."""
    found = re.search(rf'<p class="error" id="{field}-error"[^>]*>([^<]+)</p>', html)
    assert found, f"no message beside {field}"
    assert f'aria-describedby="{field}-error"' in html
    return found.group(1)


def is_page(answer: httpx.Response, status: int = 400) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")


def count(site: Site, table: type[SignInRecord] | type[WebSessionRecord]) -> int:
    with site.api.sessions() as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


async def test_an_empty_sign_in_field_is_said_beside_it_and_nothing_is_recorded(
    site: Site,
) -> None:
    site.set_password("xa.civil-status")
    events = count(site, SignInRecord)
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        page = await http.get("/signin")
        no_officer = await http.post(
            "/signin", data={"officer": "", "password": "x", "csrf": csrf_of(page.text)}
        )
        is_page(no_officer)
        assert beside(no_officer.text, "officer") == "Hãy điền mục này."
        no_password = await http.post(
            "/signin",
            data={"officer": "xa.civil-status", "password": "", "csrf": csrf_of(page.text)},
            headers=ENGLISH,
        )
        is_page(no_password)
        assert beside(no_password.text, "password") == "Fill in this field."
        assert 'value="xa.civil-status"' in no_password.text, "the officer id is kept"
        assert "set-cookie" not in no_password.headers or "session" not in str(
            no_password.headers.get("set-cookie")
        )
    assert count(site, SignInRecord) == events, "no failure counted, nothing recorded"


async def test_an_empty_code_keeps_the_qr_code_and_counts_no_failure(site: Site) -> None:
    site.set_password("xa.chairman")
    async with httpx.AsyncClient(base_url=site.url, timeout=60, follow_redirects=True) as http:
        enrol = await sign_in(http, "xa.chairman")
        events = count(site, SignInRecord)
        empty = await http.post("/signin/code", data={"code": "", "csrf": csrf_of(enrol.text)})
        is_page(empty)
        assert beside(empty.text, "code") == "Hãy điền mục này."
        assert secret_on(empty.text) == secret_on(enrol.text), "the QR code stays"
        assert count(site, SignInRecord) == events
        signed = await http.post(
            "/signin/code",
            data={"code": next_code(secret_on(enrol.text)), "csrf": csrf_of(empty.text)},
        )
        assert signed.url.path == "/worklist"


async def test_an_empty_follow_field_is_said_beside_it(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        page = await http.get("/follow")
        data = {"code": "ubnd-xa-261208-0001", "secret": "", "csrf": csrf_of(page.text)}
        empty = await http.post("/follow", data=data)
        is_page(empty)
        assert beside(empty.text, "secret") == "Hãy điền mục này."
        assert 'value="ubnd-xa-261208-0001"' in empty.text
        english = await http.post("/follow/result", data={**data, "code": ""}, headers=ENGLISH)
        is_page(english)
        assert beside(english.text, "code") == "Fill in this field."


async def test_an_empty_or_too_long_booking_field_is_said_beside_it(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        page = await http.get("/appointments/manage")
        csrf = csrf_of(page.text)
        no_phone = await http.post(
            "/appointments/manage", data={"code": "7KQ2-M9XA", "phone": "", "csrf": csrf}
        )
        is_page(no_phone)
        assert beside(no_phone.text, "phone") == "Hãy điền mục này."
        assert 'value="7KQ2-M9XA"' in no_phone.text
        cancel = await http.post("/appointments/cancel", data={"code": "", "csrf": csrf})
        is_page(cancel)
        assert beside(cancel.text, "code") == "Hãy điền mục này."

        long_name = await http.post(
            "/appointments",
            data={"procedure": "2.000635", "name": "A" * 301, "csrf": csrf},
            headers=ENGLISH,
        )
        is_page(long_name)
        assert beside(long_name.text, "name") == "This field is longer than it may be."
    with site.api.sessions() as session:
        assert session.exec(select(func.count()).select_from(BookingRecord)).one() == 0


async def test_an_action_sent_without_a_field_names_it_and_changes_nothing(site: Site) -> None:
    code = await at_reception(site)
    async with session_with_key(site, "xa.reception", None) as (http, csrf):
        prepare = await http.post(f"/dossiers/{code}/actions/prepare", data={"csrf": csrf})
        assert prepare.status_code == 422
        assert prepare.json()["field"] == "action"
        assert prepare.json()["detail"] == "Hãy điền mục này."
        for path in ("actions", "supplement", "delivery", "retry"):
            unsigned = await http.post(
                f"/dossiers/{code}/{path}",
                data={"csrf": csrf, "message": "e30", "signature": ""},
                headers=ENGLISH,
            )
            assert unsigned.status_code == 422, (path, unsigned.text)
            assert unsigned.json() == {
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "Fill in this field.",
                "field": "signature",
            }
        without_csrf = await http.post(f"/dossiers/{code}/actions/prepare", data={})
        assert without_csrf.status_code == 403, "the CSRF check still comes first"
    assert (await state_of(site.api, code)).stage == "reception"


async def test_the_api_keeps_its_problem_details(site: Site) -> None:
    answer = await site.api.http.get(
        "/api/v1/public/appointments/slots", params={"procedure": "2.000635", "days": "0"}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "/api/v1/problems/invalid-request"


async def test_a_page_address_that_does_not_parse_is_a_page_not_the_apis_json(
    site: Site,
) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        query = await http.get("/appointments", params={"procedure": "9" * 21}, headers=ENGLISH)
        is_page(query, 400)
        assert "The page&#39;s address has an invalid parameter" in query.text
    async with session_with_key(site, "xa.reception", None) as (http, _csrf):
        path = await http.get("/dossiers/NOT-A-CODE")
        is_page(path, 404)
        assert "Không có trang này: địa chỉ không đúng." in path.text
