"""Actions from the web pages stay signed end to end: the browser's key, certified for the
session, signs what hoso prepared; a session without a key, another key, an altered message or a
signed-out session's certificate act on nothing."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import select

from activities.keys import raw_public
from models.credentials import b64, unb64
from models.tables import OfficerTokenRecord
from tests.api.helpers import state_of, wait_for_stage
from tests.web.conftest import Site, next_code, secret_on
from tests.web.test_signin import csrf_of, sign_in


@asynccontextmanager
async def session_with_key(
    site: Site, officer: str, key: Ed25519PrivateKey | None
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    """Signed in as a browser whose sign.js made `key` (None: a browser that made none)."""
    site.set_password(officer)
    async with httpx.AsyncClient(base_url=site.url, timeout=60, follow_redirects=True) as http:
        enrol = await sign_in(http, officer)
        fields = {"code": next_code(secret_on(enrol.text)), "csrf": csrf_of(enrol.text)}
        if key is not None:
            fields["public_key"] = raw_public(key.public_key())
        page = await http.post("/signin/code", data=fields)
        assert page.url.path == "/worklist"
        yield http, csrf_of(page.text)


async def at_reception(site: Site) -> str:
    response = await site.api.submit(headers={"Idempotency-Key": uuid.uuid4().hex})
    code: str = response.json()["code"]
    await wait_for_stage(site.api, code, "reception")
    return code


async def prepared(http: httpx.AsyncClient, csrf: str, code: str, action: str) -> bytes:
    answer = await http.post(
        f"/dossiers/{code}/actions/prepare", data={"action": action, "csrf": csrf}
    )
    assert answer.status_code == 200, answer.text
    return unb64(answer.json()["message"])


async def send(
    http: httpx.AsyncClient, csrf: str, code: str, message: bytes, signature: bytes
) -> httpx.Response:
    return await http.post(
        f"/dossiers/{code}/actions",
        data={"csrf": csrf, "message": b64(message), "signature": b64(signature)},
    )


async def test_the_browsers_key_signs_and_the_dossier_verifies(site: Site) -> None:
    code = await at_reception(site)
    key = Ed25519PrivateKey.generate()
    async with session_with_key(site, "xa.reception", key) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert "Ký và gửi" in page.text and 'value="accept"' in page.text
        message = await prepared(http, csrf, code, "accept")

        other = Ed25519PrivateKey.generate()
        forged = await send(http, csrf, code, message, other.sign(message))
        assert forged.status_code == 403
        altered = message.replace(b'"accept"', b'"refuse"')
        tampered = await send(http, csrf, code, altered, key.sign(message))
        assert tampered.status_code == 403
        assert (await state_of(site.api, code)).stage == "reception", "nothing happened"

        accepted = await send(http, csrf, code, message, key.sign(message))
        assert accepted.status_code == 200, accepted.text
        assert accepted.json() == {"status": "in_review", "stage": "review"}
        again = await send(http, csrf, code, message, key.sign(message))
        assert again.status_code == 200, "sent twice, answered as applied once"
        assert again.json() == accepted.json()
        state = await state_of(site.api, code)
        assert [a.action for a in state.actions].count("accept") == 1, "applied once"

        timeline = (await http.get(f"/dossiers/{code}")).text
        session_token = re.search(
            r"<strong>Tiếp nhận</strong> <span>xa.reception [^<]*\[đã ký, khóa ([0-9a-f]{8})\]",
            timeline,
        )
        assert session_token, "the action is on the record as signed by the session's key"

        await http.post("/signout", data={"csrf": csrf})
    with site.api.sessions() as session:
        rows = [
            row
            for row in session.exec(select(OfficerTokenRecord))
            if row.token_id.startswith(session_token.group(1))
        ]
    assert rows and rows[0].revoked_by == "sign-out", "a signed-out session's key signs no more"


async def test_a_session_without_a_key_reads_and_cannot_act(site: Site) -> None:
    code = await at_reception(site)
    async with session_with_key(site, "xa.reception", None) as (http, csrf):
        page = await http.get(f"/dossiers/{code}")
        assert "Ký và gửi" not in page.text and "Phiên này chỉ xem" in page.text
        message = await prepared(http, csrf, code, "accept")
        refused = await send(http, csrf, code, message, Ed25519PrivateKey.generate().sign(message))
        assert refused.status_code == 403
        assert (await state_of(site.api, code)).stage == "reception"
