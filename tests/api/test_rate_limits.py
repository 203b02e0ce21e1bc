"""Rate limits: public lookups by address, submissions by account, failed authentications by
address; over a limit the answer is 429 with Retry-After, and nothing is done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from pydantic import ValidationError

from api.app import create_app
from config import Settings
from support.credentials import Credential
from support.request_signing import OfficerAuth
from tests.api.conftest import Api
from tests.api.test_submission import assert_problem, nothing_kept

WORKLIST = "/api/v1/worklist"


@asynccontextmanager
async def limited(
    api: Api, address: str = "192.0.2.10", **rates: str
) -> AsyncIterator[httpx.AsyncClient]:
    """The API with `rates`, seen from `address` (a client of the test's own)."""
    app = create_app(api.settings.model_copy(update=rates), client=api.env.client)
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def assert_limited(response: httpx.Response) -> None:
    body = assert_problem(response, 429, "rate-limited")
    assert "too many" in body["detail"]
    assert 1 <= int(response.headers["retry-after"]) <= 60


async def test_public_lookups_from_one_address_are_limited(api: Api) -> None:
    receipt = (await api.submit()).json()
    code, secret = receipt["code"], receipt["lookup_secret"]
    path = f"/api/v1/public/dossiers/{code}"
    async with limited(api, api_rate_lookups="3/minute") as http:
        for guess in ("a", "b", "c"):
            assert (await http.get(path, headers={"Hoso-Lookup-Secret": guess})).status_code == 404
        # the fourth try is refused before the secret is looked at, even the right one
        assert_limited(await http.get(path, headers={"Hoso-Lookup-Secret": secret}))
    # the limit is this address's: the applicant on another connection still gets through
    async with limited(api, address="198.51.100.7", api_rate_lookups="3/minute") as other:
        found = await other.get(path, headers={"Hoso-Lookup-Secret": secret})
        assert found.status_code == 200, found.text


async def test_failed_authentications_make_the_address_wait(api: Api) -> None:
    real, other = api.officer("xa.reception"), api.officer("xa.chairman")
    wrong_key = OfficerAuth(Credential(real.certificate, other.key))
    async with limited(api, api_rate_failed_authentications="2/minute") as http:
        for _ in range(2):
            assert_problem(await http.get(WORKLIST, auth=wrong_key), 401, "unauthenticated")
        # now even a good signature from this address waits
        assert_limited(await http.get(WORKLIST, auth=api.auth("xa.reception")))
        assert_limited(await http.get(WORKLIST, auth=wrong_key))
    async with limited(api, "198.51.100.7", api_rate_failed_authentications="2/minute") as http:
        response = await http.get(WORKLIST, auth=api.auth("xa.reception"))
        assert response.status_code == 200, response.text


async def test_good_signatures_never_count_as_failures(api: Api) -> None:
    async with limited(api, api_rate_failed_authentications="1/minute") as http:
        for _ in range(4):
            response = await http.get(WORKLIST, auth=api.auth("xa.reception"))
            assert response.status_code == 200, response.text


async def test_submissions_of_one_account_are_limited_and_the_refused_one_keeps_nothing(
    api: Api,
) -> None:
    async with limited(api, api_rate_submissions="1/minute") as http:
        api.http, own = http, api.http
        try:
            assert (await api.submit()).status_code == 201
            before = list(api.settings.resolved_document_dir.rglob("*"))
            assert_limited(await api.submit(dossier=None))
            assert list(api.settings.resolved_document_dir.rglob("*")) == before
        finally:
            api.http = own


async def test_a_refused_submission_over_the_limit_records_no_dossier(api: Api) -> None:
    async with limited(api, api_rate_submissions="0/minute") as http:
        api.http, own = http, api.http
        try:
            assert_limited(await api.submit())
        finally:
            api.http = own
    assert nothing_kept(api)


@pytest.mark.parametrize("rate", ["often", "3/fortnight", "-1/minute", ""])
def test_a_rate_that_is_not_one_is_refused_at_start(rate: str) -> None:
    with pytest.raises(ValidationError, match="api_rate_lookups"):
        Settings(api_rate_lookups=rate)
