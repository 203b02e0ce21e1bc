"""Signed requests: a forged, expired, revoked, stale or replayed signature is refused (401)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from activities.keys import b64, raw_public
from activities.revocations import record_revocations
from models.tables import OfficerTokenRecord
from operations.access import identify, utc_now
from support.credentials import Credential, CredentialError, Issuer, revoke, token_hash
from support.request_signing import CERTIFICATE_HEADER, OfficerAuth, sign_request
from tests.api.conftest import Api
from tests.api.test_submission import assert_problem

WORKLIST = "/api/v1/worklist"


async def test_a_signed_request_is_accepted(api: Api) -> None:
    response = await api.http.get(WORKLIST, auth=api.auth("xa.reception"))
    assert response.status_code == 200, response.text


async def test_a_replayed_request_is_refused(api: Api) -> None:
    request = api.http.build_request("GET", WORKLIST)
    sign_request(api.officer("xa.reception"), request, body=None)
    first = await api.http.send(request)
    assert first.status_code == 200, first.text
    again = await api.http.send(request)
    body = assert_problem(again, 401, "unauthenticated")
    assert "replayed" in body["detail"]


async def test_a_request_signed_too_long_ago_is_refused(api: Api) -> None:
    request = api.http.build_request("GET", WORKLIST)
    old = datetime.now(UTC) - timedelta(seconds=api.settings.api_signature_seconds + 30)
    sign_request(api.officer("xa.reception"), request, body=None, created=old)
    assert_problem(await api.http.send(request), 401, "unauthenticated")


async def test_a_request_altered_after_signing_is_refused(api: Api) -> None:
    request = api.http.build_request("GET", WORKLIST + "?overdue=true")
    sign_request(api.officer("xa.reception"), request, body=None)
    altered = api.http.build_request("GET", WORKLIST + "?overdue=false", headers=request.headers)
    assert_problem(await api.http.send(altered), 401, "unauthenticated")


async def test_a_forged_certificate_is_refused(api: Api) -> None:
    real = api.officer("xa.reception")
    promoted = real.certificate.model_copy(
        update={"officer": real.officer.model_copy(update={"role": "chairman"})}
    )
    forged = Credential(promoted, real.key)
    response = await api.http.get(WORKLIST, auth=OfficerAuth(forged))
    body = assert_problem(response, 401, "unauthenticated")
    assert "forged" in body["detail"]


async def test_a_key_that_is_not_the_certificates_is_refused(api: Api) -> None:
    real, other = api.officer("xa.reception"), api.officer("xa.chairman")
    response = await api.http.get(
        WORKLIST, auth=OfficerAuth(Credential(real.certificate, other.key))
    )
    assert_problem(response, 401, "unauthenticated")


async def test_a_revoked_token_is_refused(api: Api) -> None:
    credential = api.officer("xa.civil-status")
    trusted = await api.http.get(WORKLIST, auth=OfficerAuth(credential))
    assert trusted.status_code == 200, trusted.text  # and remembered for a few seconds …
    revoke(api.sessions, credential.certificate.token_id, by="test")  # … but not past this
    assert_problem(
        await api.http.get(WORKLIST, auth=OfficerAuth(credential)), 401, "unauthenticated"
    )


async def test_an_expired_token_is_refused(api: Api) -> None:
    identity = api.officer("xa.reception").officer
    issued = datetime.now(UTC) - timedelta(days=10)
    credential = Issuer.from_settings(api.settings).certify(
        identity, valid_for=timedelta(days=1), now=issued
    )
    cert = credential.certificate
    with api.sessions() as session:
        session.add(
            OfficerTokenRecord(
                token_id=cert.token_id,
                officer_id=identity.id,
                token_sha256=token_hash(credential.token),
                issuer=cert.issuer,
                issued_at=cert.issued_at,
                expires_at=cert.expires_at,
            )
        )
        session.commit()
    body = assert_problem(
        await api.http.get(WORKLIST, auth=OfficerAuth(credential)), 401, "unauthenticated"
    )
    assert "expired" in body["detail"]


async def test_a_certificate_that_was_never_issued_here_is_refused(api: Api) -> None:
    identity = api.officer("xa.reception").officer
    stranger = Issuer.from_settings(api.settings).certify(identity)  # not in the register
    assert_problem(await api.http.get(WORKLIST, auth=OfficerAuth(stranger)), 401, "unauthenticated")


async def test_a_certificate_without_a_signature_is_refused(api: Api) -> None:
    header = b64(api.officer("xa.reception").certificate.model_dump_json().encode())
    response = await api.http.get(WORKLIST, headers={CERTIFICATE_HEADER: header})
    assert_problem(response, 401, "unauthenticated")


async def test_a_body_other_than_the_signed_one_is_refused(api: Api) -> None:
    request = api.http.build_request(
        "POST", "/api/v1/dossiers/ubnd-xa-000101-0001/cancel", json={"a": 1}
    )
    sign_request(api.officer("ops.operator"), request, body=request.content)
    tampered = httpx.Request("POST", request.url, headers=request.headers, content=b'{"a": 2}')
    assert_problem(await api.http.send(tampered), 401, "unauthenticated")


async def test_a_token_revoked_elsewhere_is_refused_within_the_trust_delay(api: Api) -> None:
    """Another process (an API replica, the CLI on the server) revokes: this one, which found the
    certificate trustworthy a moment ago, refuses it once `api_trust_seconds` have passed."""
    # long enough that the revocation's write, on a loaded machine, ends within it
    settings = api.settings.model_copy(update={"api_trust_seconds": 3})
    certificate = api.officer("xa.chairman").certificate
    assert identify(api.sessions, settings, certificate, now=utc_now()).officer.id == "xa.chairman"
    with api.sessions() as session:  # as another process does it: nothing here is told
        row = session.get(OfficerTokenRecord, certificate.token_id)
        assert row is not None
        record_revocations(session, [row], by="ops.operator", reason="lost laptop")
        session.commit()
    assert identify(api.sessions, settings, certificate, now=utc_now()).officer.id == "xa.chairman"
    await asyncio.sleep(3.1)
    with pytest.raises(CredentialError, match="revoked"):
        identify(api.sessions, settings, certificate, now=utc_now())


async def test_a_remembered_certificate_copied_with_another_key_is_refused(api: Api) -> None:
    """The API remembers a certificate it trusted, all of it: a copy naming the same token and
    bearing the issuer's signature but the thief's own key (or another role) is checked again,
    and refused, while the real one is still remembered."""
    real = api.officer("xa.chairman")
    trusted = await api.http.get(WORKLIST, auth=OfficerAuth(real))
    assert trusted.status_code == 200, trusted.text
    thief = Ed25519PrivateKey.generate()
    rekeyed = real.certificate.model_copy(update={"public_key": raw_public(thief.public_key())})
    stolen = await api.http.get(WORKLIST, auth=OfficerAuth(Credential(rekeyed, thief)))
    body = assert_problem(stolen, 401, "unauthenticated")
    assert "forged" in body["detail"]
    promoted = real.certificate.model_copy(
        update={"officer": real.officer.model_copy(update={"role": "operator"})}
    )
    raised = await api.http.get(WORKLIST, auth=OfficerAuth(Credential(promoted, real.key)))
    assert_problem(raised, 401, "unauthenticated")
