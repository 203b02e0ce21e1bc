"""The pages as their readers see them, through real HTTP: an officer of another agency finds no
dossier; the dossier's page shows its forms and opens them; a citizen downloads the result once
it is delivered online, and nothing with a wrong secret; every string has its English."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from api.pages import i18n, timeline_words
from api.pages.dashboard import INDICATORS
from api.pages.messages_en import ENGLISH
from tests.api.helpers import action, fee_paid, signed_action, wait_for_stage
from tests.web.conftest import Site, next_code, secret_on
from tests.web.test_signin import csrf_of, sign_in

PAGES = Path(__file__).resolve().parents[2] / "api"


@asynccontextmanager
async def signed_in(site: Site, officer: str) -> AsyncIterator[httpx.AsyncClient]:
    site.set_password(officer)
    async with httpx.AsyncClient(base_url=site.url, timeout=60, follow_redirects=True) as http:
        enrol = await sign_in(http, officer)
        signed = await http.post(
            "/signin/code",
            data={"code": next_code(secret_on(enrol.text)), "csrf": csrf_of(enrol.text)},
        )
        assert signed.url.path == "/worklist"
        yield http


async def decided(site: Site) -> tuple[str, str]:
    """A civil-status extract taken through its chain by API, its fee paid online, delivered
    online."""
    response = await site.api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    code, secret = response.json()["code"], response.json()["lookup_secret"]
    api = site.api
    for officer, stage, name in (
        ("xa.reception", "reception", "accept"),
        ("xa.civil-status", "review", "approve"),
        ("xa.chairman", "decide", "approve"),
    ):
        await wait_for_stage(api, code, stage)
        body = signed_action(api, officer, code, stage, "act", action(api, officer, name))
        answer = await api.http.post(
            f"/api/v1/dossiers/{code}/actions", json=body, auth=api.auth(officer)
        )
        assert answer.status_code == 200, answer.text
    await fee_paid(api, code)  # received at the counter: its fee is due with the result
    return code, secret


async def test_the_dossier_page_opens_its_forms_and_hides_it_from_another_agency(
    site: Site,
) -> None:
    code, _ = await decided(site)
    async with signed_in(site, "xa.reception") as http:
        page = await http.get(f"/dossiers/{code}")
        assert page.status_code == 200
        assert "Nguyễn Văn A" in page.text and "Đã trả kết quả" in page.text
        links = re.findall(rf'href="(/dossiers/{code}/forms/[0-9a-f]{{64}})"', page.text)
        assert links, "the receipt and the result are listed"
        form = await http.get(links[0])
        assert form.headers["content-type"] == "application/pdf"
        assert form.content.startswith(b"%PDF")
    async with signed_in(site, "xd.reception") as other:
        hidden = await other.get(f"/dossiers/{code}")
        assert hidden.status_code == 404
        assert "Nguyễn Văn A" not in hidden.text


async def test_a_citizen_downloads_the_result_delivered_online_with_the_secret_only(
    site: Site,
) -> None:
    code, secret = await decided(site)
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        page = await http.get("/follow")
        token = csrf_of(page.text)
        found = await http.post("/follow", data={"code": code, "secret": secret, "csrf": token})
        assert "Đã trả kết quả" in found.text and "Tải kết quả (PDF)" in found.text
        assert "Nguyễn Văn A" not in found.text
        result = await http.post(
            "/follow/result", data={"code": code, "secret": secret, "csrf": token}
        )
        assert result.headers["content-type"] == "application/pdf"
        wrong = await http.post(
            "/follow/result", data={"code": code, "secret": secret + "x", "csrf": token}
        )
        assert wrong.status_code == 404 and b"%PDF" not in wrong.content
        api = await http.get(
            f"/api/v1/public/dossiers/{code}/result", headers={"Hoso-Lookup-Secret": secret}
        )
        assert api.content == result.content


def test_every_string_of_the_pages_has_its_english() -> None:
    written = set()
    for path in [*PAGES.glob("templates/*.html"), *PAGES.glob("pages/*.py")]:
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'(?:_|gettext)\("([^"]+)"', text))
        written |= set(re.findall(r"_\('([^']+)'", text))
        written |= set(re.findall(r'^[A-Z_]+ = "([^"]*[^\x00-\x7f][^"]*)"$', text, re.M))
    for labels in (
        i18n.STATUSES,
        i18n.ROLES,
        i18n.WAITING,
        i18n.DELIVERY,
        i18n.EVENTS,
        i18n.BOOKINGS,
    ):
        written |= set(labels.values())
    written |= {label for _, label in INDICATORS}
    for words in (timeline_words.FORMS, timeline_words.NOTICES, timeline_words.ACTIVITIES):
        written |= set(words.values())
    missing = sorted(written - set(ENGLISH))
    assert missing == []
