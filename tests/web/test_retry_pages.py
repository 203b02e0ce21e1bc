"""An operator's retry from the pages: the browser's key signs a `RetryRequest` as it signs an
officer's action, the dossier verifies it and keeps it on its record; another key, an officer's
action sent as a retry and an officer who is no operator are refused; the same message sent
twice is applied once."""

from __future__ import annotations

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.credentials import b64, unb64
from tests.web.conftest import Site
from tests.web.test_actions import at_reception, prepared, session_with_key

NOTE = "máy chủ thư đã chạy lại"


async def prepared_retry(http: httpx.AsyncClient, csrf: str, code: str) -> httpx.Response:
    return await http.post(f"/dossiers/{code}/retry/prepare", data={"note": NOTE, "csrf": csrf})


async def sent(
    http: httpx.AsyncClient, csrf: str, code: str, message: bytes, signature: bytes
) -> httpx.Response:
    return await http.post(
        f"/dossiers/{code}/retry",
        data={"csrf": csrf, "message": b64(message), "signature": b64(signature)},
    )


async def test_an_operators_browser_signs_a_retry_and_the_dossier_keeps_it(site: Site) -> None:
    code = await at_reception(site)
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "ops.operator", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert "Thử lại các tác vụ lỗi" in page.text and "Ký và thử lại" in page.text
        answer = await prepared_retry(http, csrf, code)
        assert answer.status_code == 200, answer.text
        message = unb64(answer.json()["message"])
        assert b'"update":"retry"' in message and NOTE.encode() in message

        forged = await sent(http, csrf, code, message, Ed25519PrivateKey.generate().sign(message))
        assert forged.status_code == 403
        before = (await http.get(f"/dossiers/{code}")).text
        assert NOTE not in before, "nothing recorded"

        done = await sent(http, csrf, code, message, key.sign(message))
        assert done.status_code == 200, done.text
        assert done.json()["said"] == "Đã ghi vào hồ sơ; không có tác vụ nào đang lỗi."
        # sent twice (a double click, a lost answer): applied once, answered as the first
        again = await sent(http, csrf, code, message, key.sign(message))
        assert again.status_code == 200, again.text
        assert again.json()["said"] == done.json()["said"]

        timeline = (await http.get(f"/dossiers/{code}")).text
        assert timeline.count(NOTE) == 1, "the retry is on the record once"
        entry = timeline.split(NOTE)[1].split("</li>")[0]
        assert "[đã ký, khóa" in entry, "on the record as signed by the session's key"


async def test_a_retry_is_an_operators_and_an_action_is_no_retry(site: Site) -> None:
    code = await at_reception(site)
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xa.reception", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert "Thử lại các tác vụ lỗi" not in page.text
        refused = await prepared_retry(http, csrf, code)
        assert refused.status_code == 403, refused.text
        action = await prepared(http, csrf, code, "accept")
        as_retry = await sent(http, csrf, code, action, key.sign(action))
        assert as_retry.status_code == 403, "an officer's action is not a retry"
    async with session_with_key(site, "ops.operator", key) as (http, csrf):
        without = await http.post(f"/dossiers/{code}/retry/prepare", data={"note": NOTE})
        assert without.status_code == 403, "no CSRF token"
