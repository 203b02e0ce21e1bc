"""The counter's pages over HTTP: a dossier entered with its scans (received at the counter by
the officer), its receipt and documents opened in the browser, bad input said beside its field
with nothing recorded; a supplement and a delivery signed by the session's key; only the
reception officers of a one-stop unit reach the counter, and another officer's session acts on
nothing."""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.credentials import b64, unb64
from tests.api.conftest import JPG, PDF
from tests.api.helpers import state_of, wait_for_stage
from tests.api.test_documents import id_cards_confidential
from tests.web.conftest import Site
from tests.web.counter_steps import (
    ENTRY,
    awaiting_delivery,
    awaiting_supplement,
    dossiers_counted,
)
from tests.web.test_actions import prepared, send, session_with_key
from tests.web.test_pages import signed_in

EXTRACT = "2.000635"


def entry(**changes: str) -> dict[str, str]:
    return {"procedure": EXTRACT, "delivery": "post", **ENTRY, **changes}


def scans(**files: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    chosen = {"request_form": ("to-khai.pdf", PDF), "id_card": ("can-cuoc.jpg", JPG), **files}
    return [
        (f"doc-{kind}", (name, content, "application/octet-stream"))
        for kind, (name, content) in chosen.items()
        if name
    ]


async def enter(
    http: httpx.AsyncClient, csrf: str, fields: dict[str, str], files: list[object]
) -> httpx.Response:
    return await http.post("/counter/dossiers", data={**fields, "csrf": csrf}, files=files)


async def test_a_counter_dossier_is_received_by_the_officer_and_its_receipt_opens(
    site: Site,
) -> None:
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xa.reception", key) as (http, csrf):
        worklist = await http.get("/worklist")
        assert 'href="/counter"' in worklist.text, "the counter is in the navigation"
        page = await http.get("/counter")
        assert page.status_code == 200 and "Số định danh cá nhân" in page.text
        received = await enter(http, csrf, entry(form_key="counter:" + "a1" * 16), scans())
        assert received.status_code == 201, received.text
        code = re.search(r'id="dossier-code">([a-z0-9-]+)<', received.text)
        secret = re.search(r'id="lookup-secret">([^<]+)<', received.text)
        assert code and secret, "the code and the lookup secret are shown"
        code_ = code.group(1)
        state = await wait_for_stage(site.api, code_, "reception")
        assert (state.received_via, state.received_by) == ("counter", "xa.reception")

        again = await enter(http, csrf, entry(form_key="counter:" + "a1" * 16), scans())
        assert again.status_code == 201 and code_ in again.text
        assert 'id="lookup-secret"' not in again.text, "the same form twice is one dossier"

        early = await http.get(f"/dossiers/{code_}/receipt")
        assert early.status_code == 404 and "chưa có phiếu tiếp nhận" in early.text
        message = await prepared(http, csrf, code_, "accept")
        accepted = await send(http, csrf, code_, message, key.sign(message))
        assert accepted.status_code == 200, accepted.text
        receipt = await http.get(f"/dossiers/{code_}/receipt")
        assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
        assert receipt.headers["content-type"] == "application/pdf"
        assert receipt.headers["content-disposition"].startswith("inline")

        dossier = await http.get(f"/dossiers/{code_}")
        links = re.findall(rf'href="(/dossiers/{code_}/documents/[0-9a-f]{{64}})"', dossier.text)
        assert len(links) == 2, "each document opens from the dossier's page"
        assert f"{len(PDF)} B, PDF" in dossier.text, "a small file's size in bytes, not 0.0 KB"
        opened = [await http.get(link) for link in links]
        by_type = {r.headers["content-type"]: r for r in opened}
        pdf, other = by_type["application/pdf"], by_type["application/octet-stream"]
        assert pdf.content == PDF and pdf.headers["content-disposition"].startswith("inline")
        assert other.content == JPG
        assert other.headers["content-disposition"].startswith("attachment")
        assert {r.headers["x-content-type-options"] for r in opened} == {"nosniff"}
    async with signed_in(site, "xd.reception") as stranger:
        hidden = await stranger.get(links[0])
        assert hidden.status_code == 404 and b"%PDF" not in hidden.content
        assert (await stranger.get(f"/dossiers/{code_}/receipt")).status_code == 404


async def test_a_bad_entry_is_said_beside_its_field_and_records_nothing(site: Site) -> None:
    async with session_with_key(site, "xa.reception", Ed25519PrivateKey.generate()) as (
        http,
        csrf,
    ):
        before = dossiers_counted(site)
        missing = await enter(http, csrf, entry(name="", phone="12"), scans(id_card=("", b"")))
        assert missing.status_code == 422
        assert 'id="name-problem"' in missing.text and "Hãy điền mục này." in missing.text
        assert 'id="phone-problem"' in missing.text and "Số điện thoại không hợp lệ" in missing.text
        assert 'id="doc-id_card-problem"' in missing.text
        assert "Thiếu giấy tờ bắt buộc này" in missing.text
        assert ENTRY["id_number"] in missing.text, "what was typed is kept"

        wrong = await enter(http, csrf, entry(), scans(id_card=("can-cuoc.exe", b"MZ\x90\x00")))
        assert wrong.status_code == 422
        assert 'id="doc-id_card-problem"' in wrong.text
        assert "không đúng định dạng: nhận PDF, JPG, PNG" in wrong.text

        english = await http.post(
            "/counter/dossiers",
            data={**entry(), "csrf": csrf},
            files=scans(id_card=("can-cuoc.exe", b"MZ\x90\x00")),
            headers={"Accept-Language": "en"},
        )
        assert (
            "The file “can-cuoc.exe” is not in an accepted format: PDF, JPG, PNG." in english.text
        )

        disguised = await enter(http, csrf, entry(), scans(id_card=("can-cuoc.pdf", JPG)))
        assert disguised.status_code == 422 and "không đúng định dạng" in disguised.text

        no_csrf = await http.post("/counter/dossiers", data=entry(), files=scans())
        assert no_csrf.status_code == 403
        assert dossiers_counted(site) == before, "nothing was recorded"


async def test_only_reception_officers_of_a_one_stop_unit_reach_the_counter(site: Site) -> None:
    async with signed_in(site, "xa.civil-status") as http:
        worklist = await http.get("/worklist")
        assert 'href="/counter"' not in worklist.text
        refused = await http.get("/counter")
        assert refused.status_code == 403 and "bộ phận một cửa" in refused.text
        csrf = re.search(r'name="csrf" value="([^"]+)"', worklist.text)
        assert csrf
        before = dossiers_counted(site)
        entered = await enter(http, csrf.group(1), entry(), scans())
        assert entered.status_code == 403 and dossiers_counted(site) == before
    async with httpx.AsyncClient(base_url=site.url, timeout=30) as citizen:
        away = await citizen.get("/counter")
        assert away.status_code == 303 and away.headers["location"] == "/signin"
        posted = await citizen.post("/counter/dossiers", data=entry(), files=scans())
        assert posted.status_code in (303, 403) and dossiers_counted(site) == before


async def _supplement(http: httpx.AsyncClient, csrf: str, code: str) -> httpx.Response:
    return await http.post(
        f"/dossiers/{code}/supplement/prepare",
        data={"csrf": csrf, "note": "bản rõ hơn"},
        files=[("doc-id_card", ("can-cuoc-ro.pdf", PDF, "application/pdf"))],
    )


async def _send_supplement(
    http: httpx.AsyncClient, csrf: str, code: str, message: bytes, signature: bytes
) -> httpx.Response:
    return await http.post(
        f"/dossiers/{code}/supplement",
        data={"csrf": csrf, "message": b64(message), "signature": b64(signature)},
    )


async def test_a_supplement_received_at_the_counter_moves_the_dossier_on(site: Site) -> None:
    code = await awaiting_supplement(site)
    other_key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xd.reception", other_key) as (stranger, stranger_csrf):
        assert (await _supplement(stranger, stranger_csrf, code)).status_code == 404
    key = Ed25519PrivateKey.generate()
    async with (
        session_with_key(site, "xa.civil-status", other_key) as (colleague, their_csrf),
        session_with_key(site, "xa.reception", key) as (http, csrf),
    ):
        page = await colleague.get(f"/dossiers/{code}")
        assert "Nhận hồ sơ bổ sung tại quầy" not in page.text, "not theirs to receive"
        theirs = unb64((await _supplement(colleague, their_csrf, code)).json()["message"])
        refused = await _send_supplement(
            colleague, their_csrf, code, theirs, other_key.sign(theirs)
        )
        assert refused.status_code in (409, 422), refused.text
        assert (await state_of(site.api, code)).status == "awaiting_supplement"

        page = await http.get(f"/dossiers/{code}")
        assert "Nhận hồ sơ bổ sung tại quầy" in page.text
        answer = await _supplement(http, csrf, code)
        assert answer.status_code == 200, answer.text
        message = unb64(answer.json()["message"])
        assert b'"update":"supplement"' in message and b"can-cuoc-ro.pdf" in message
        other = await _send_supplement(http, csrf, code, message, other_key.sign(message))
        assert other.status_code == 403, "another key's signature"
        borrowed = await _send_supplement(
            colleague, their_csrf, code, message, other_key.sign(message)
        )
        assert borrowed.status_code == 403, "another officer's session sends no one else's"
        as_an_action = await send(http, csrf, code, message, key.sign(message))
        assert as_an_action.status_code == 403, "a supplement is no stage action"
        assert (await state_of(site.api, code)).status == "awaiting_supplement"

        sent = await _send_supplement(http, csrf, code, message, key.sign(message))
        assert sent.status_code == 200, sent.text
        assert sent.json()["status"] == "received"
    state = await state_of(site.api, code)
    assert state.status == "received" and len(state.documents) == 3


async def test_a_delivery_handed_over_at_the_counter_is_confirmed(site: Site) -> None:
    code = await awaiting_delivery(site)
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xa.civil-status", Ed25519PrivateKey.generate()) as (
        colleague,
        _,
    ):
        page = await colleague.get(f"/dossiers/{code}")
        assert "Ký xác nhận đã trả kết quả" not in page.text
    async with session_with_key(site, "xa.reception", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert "Ký xác nhận đã trả kết quả" in page.text
        answer = await http.post(
            f"/dossiers/{code}/delivery/prepare", data={"csrf": csrf, "note": "CCCD đối chiếu"}
        )
        assert answer.status_code == 200, answer.text
        message = unb64(answer.json()["message"])
        assert b'"update":"confirm_delivery"' in message
        sent = await http.post(
            f"/dossiers/{code}/delivery",
            data={"csrf": csrf, "message": b64(message), "signature": b64(key.sign(message))},
        )
        assert sent.status_code == 200, sent.text
        assert sent.json()["status"] == "completed"


async def test_a_confidential_document_opens_only_for_those_who_may_read_it(
    site: Site, tmp_path: Path
) -> None:
    id_cards_confidential(site.api, tmp_path)
    response = await site.api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    code = response.json()["code"]
    await wait_for_stage(site.api, code, "reception")
    card = f"/dossiers/{code}/documents/{hashlib.sha256(JPG).hexdigest()}"
    async with signed_in(site, "xa.civil-status") as colleague:
        page = await colleague.get(f"/dossiers/{code}")
        assert "Bảo mật" in page.text and card not in page.text
        refused = await colleague.get(card)
        assert refused.status_code == 403 and refused.content != JPG
        assert "được bảo mật" in refused.text
    async with signed_in(site, "xa.reception") as holder:
        assert card in (await holder.get(f"/dossiers/{code}")).text
        opened = await holder.get(card)
        assert opened.status_code == 200 and opened.content == JPG
