"""Signing API requests with an officer's token, on the officer's own machine (RFC 9421).

The token's private key never travels: each request carries the officer's certificate (issued
with the token) in a header and an HTTP Message Signature made with the token's Ed25519 key over
the method, the path, the query, the certificate and, when there is a body, its Content-Digest
(RFC 9530), with its creation time and a nonce. The server checks the certificate against the
issuer keys and the token register, the signature against the certificate's key, the time
against a short window and the nonce against the ones it has seen.
"""

from __future__ import annotations

import secrets
from collections.abc import Generator
from datetime import UTC, datetime
from typing import Any

import httpx
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from models.credentials import b64
from support.credentials import Credential

CERTIFICATE_HEADER = "hoso-certificate"
SIGNATURE_LABEL = "hoso"
SIGNATURE_TAG = "hoso-api"
COVERED = ("@method", "@path", "@query", CERTIFICATE_HEADER)


def certificate_header(credential: Credential) -> str:
    return b64(credential.certificate.model_dump_json().encode())


def sign_request(
    credential: Credential,
    request: Any,
    *,
    body: bytes | None,
    created: datetime | None = None,
    nonce: str | None = None,
) -> None:
    """Signs `request` (any object with `method`, `url` and a mutable `headers`) in place."""
    request.headers[CERTIFICATE_HEADER] = certificate_header(credential)
    key_id = credential.certificate.token_id
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: credential.key}),
    )
    for name in ("content-digest", "signature", "signature-input"):
        if name in request.headers:
            del request.headers[name]
    signer.sign(
        request,
        key_id=key_id,
        created=created or datetime.now(UTC),
        nonce=nonce or secrets.token_hex(16),
        label=SIGNATURE_LABEL,
        tag=SIGNATURE_TAG,
        covered_component_ids=COVERED,
        body=body or None,
    )


class OfficerAuth(httpx.Auth):
    """httpx authentication: every request signed with the officer's credential."""

    requires_request_body = True

    def __init__(self, credential: Credential) -> None:
        self.credential = credential

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sign_request(self.credential, request, body=request.content)
        yield request
