"""A withdrawal received at the counter, over HTTP with the browser's key held by the test: the
one-stop officer signs the applicant's request with its reason and the dossier closes as
withdrawn; a closed dossier's withdrawal is refused beside the reason, and another key, a form
without CSRF, another agency's officer and an officer who does not receive the applicant's
requests change nothing."""

from __future__ import annotations

import json

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from models.credentials import b64, unb64
from tests.api.helpers import state_of
from tests.web.conftest import Site
from tests.web.counter_steps import awaiting_delivery
from tests.web.test_actions import at_reception, session_with_key

pytestmark = pytest.mark.timeout(180)
REASON = "Người nộp muốn nộp lại hồ sơ ở xã nơi thường trú"


async def prepare(http: httpx.AsyncClient, csrf: str, code: str, reason: str) -> httpx.Response:
    return await http.post(
        f"/dossiers/{code}/withdrawal/prepare", data={"csrf": csrf, "reason": reason}
    )


async def send(
    http: httpx.AsyncClient, csrf: str, code: str, message: bytes, signature: bytes
) -> httpx.Response:
    return await http.post(
        f"/dossiers/{code}/withdrawal",
        data={"csrf": csrf, "message": b64(message), "signature": b64(signature)},
    )


async def test_a_withdrawal_signed_at_the_counter_closes_the_dossier_once(site: Site) -> None:
    code = await at_reception(site)
    before = (await state_of(site.api, code)).status
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xa.reception", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert "Rút hồ sơ theo yêu cầu của người nộp" in page.text
        assert 'data-update="withdraw"' in page.text and 'id="reason-error"' in page.text

        no_csrf = await http.post(f"/dossiers/{code}/withdrawal/prepare", data={"reason": "x"})
        assert no_csrf.status_code == 403
        answer = await prepare(http, csrf, code, REASON)
        assert answer.status_code == 200, answer.text
        message = unb64(answer.json()["message"])
        told = json.loads(message)
        assert (told["update"], told["action"]["reason"]) == ("withdraw", REASON)

        forged = await send(http, csrf, code, message, Ed25519PrivateKey.generate().sign(message))
        assert forged.status_code == 403
        unsent = await http.post(
            f"/dossiers/{code}/withdrawal",
            data={"message": b64(message), "signature": b64(key.sign(message))},
        )
        assert unsent.status_code == 403
        as_action = await http.post(
            f"/dossiers/{code}/actions",
            data={"csrf": csrf, "message": b64(message), "signature": b64(key.sign(message))},
        )
        assert as_action.status_code == 403, "a signed withdrawal is no stage action"
        assert (await state_of(site.api, code)).status == before, "nothing changed"

        done = await send(http, csrf, code, message, key.sign(message))
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "withdrawn"
        assert (await state_of(site.api, code)).status == "withdrawn"
        page = await http.get(f"/dossiers/{code}")
        assert "Rút hồ sơ theo yêu cầu của người nộp" not in page.text, "offered no more"
        assert "Rút hồ sơ" in page.text and REASON in page.text, "on the timeline"

        closed = await prepare(http, csrf, code, REASON)
        assert closed.status_code == 422
        assert closed.json()["field"] == "reason"
        assert closed.json()["detail"] == "Hồ sơ đã kết thúc (Đã rút): không thể rút hồ sơ."
        replayed = await send(http, csrf, code, message, key.sign(message))
        assert replayed.status_code == 422 and replayed.json()["field"] == "reason"
        english = await http.post(
            f"/dossiers/{code}/withdrawal/prepare",
            data={"csrf": csrf, "reason": REASON},
            headers={"Accept-Language": "en"},
        )
        assert english.json()["detail"] == (
            "The dossier is closed (Withdrawn): it can no longer be withdrawn."
        )


async def test_only_the_one_stop_unit_receives_a_withdrawal(site: Site) -> None:
    code = await at_reception(site)
    before = (await state_of(site.api, code)).status
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xd.reception", key) as (http, csrf):
        other_agency = await prepare(http, csrf, code, REASON)
        assert other_agency.status_code == 404
    async with session_with_key(site, "xa.reception", key) as (http, csrf):
        answer = await prepare(http, csrf, code, REASON)
        message = unb64(answer.json()["message"])
    async with session_with_key(site, "xa.civil-status", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert page.status_code == 200
        assert "Rút hồ sơ theo yêu cầu của người nộp" not in page.text, "not offered"
        not_receiver = await prepare(http, csrf, code, REASON)
        assert not_receiver.status_code == 403
        not_theirs = await send(http, csrf, code, message, key.sign(message))
        assert not_theirs.status_code == 403, "the message is another officer's"
    assert (await state_of(site.api, code)).status == before, "nothing changed"


async def test_a_decided_dossier_is_no_longer_withdrawn(site: Site) -> None:
    code = await awaiting_delivery(site)
    before = (await state_of(site.api, code)).status
    async with session_with_key(site, "xa.reception", Ed25519PrivateKey.generate()) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert "Rút hồ sơ theo yêu cầu của người nộp" not in page.text, "not offered"
        decided = await prepare(http, csrf, code, REASON)
        assert decided.status_code == 422 and decided.json()["field"] == "reason"
        assert decided.json()["detail"] == "Hồ sơ đã có kết quả giải quyết: không thể rút hồ sơ."
    assert (await state_of(site.api, code)).status == before, "nothing changed"
