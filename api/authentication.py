"""Who sent a request: the officer whose certificate it carries and whose key signed it.

The request is signed on the officer's machine (support/request_signing.py, RFC 9421): the
server checks the certificate (trusted issuer, in the token register, not revoked, not expired,
the registry unchanged), the signature with the certificate's public key over the method, path,
query, certificate and body digest, its age against a short window, and its nonce against the
ones already seen. Nothing here trusts what the request says about who sends it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import http_sf
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import Request
from http_message_signatures import (
    HTTPMessageSignaturesException,
    HTTPMessageVerifier,
    MappingKeyResolver,
    algorithms,
)
from pydantic import ValidationError
from starlette.types import Message, Receive

from api.problems import SignatureError
from models.credentials import Certificate, unb64
from operations.access import Caller, identify, utc_now
from operations.services import Services
from support.request_signing import CERTIFICATE_HEADER, COVERED, SIGNATURE_TAG

MAX_CERTIFICATE = 4096
CLOCK_SKEW = timedelta(seconds=5)
DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


@dataclass(frozen=True)
class _Message:
    method: str
    url: str
    headers: object


def _certificate(request: Request) -> tuple[Certificate, Ed25519PublicKey]:
    """The certificate the request carries and its public key (whether to trust it is
    `identify`'s question)."""
    raw = request.headers.get(CERTIFICATE_HEADER)
    if not raw or "signature" not in request.headers:
        raise SignatureError(
            "unsigned request: sign it with your token (RFC 9421), your certificate in the"
            f" {CERTIFICATE_HEADER} header"
        )
    if len(raw) > MAX_CERTIFICATE:
        raise SignatureError(f"the {CERTIFICATE_HEADER} header is too long")
    try:
        return _read_certificate(raw)
    except (ValueError, ValidationError) as exc:
        raise SignatureError(f"the {CERTIFICATE_HEADER} header is not a certificate") from exc


@lru_cache(maxsize=1024)
def _read_certificate(raw: str) -> tuple[Certificate, Ed25519PublicKey]:
    """A certificate header read once per process: an officer sends the same one with every
    request (the model is frozen; a header that does not parse is not kept)."""
    certificate = Certificate.model_validate_json(unb64(raw))
    return certificate, Ed25519PublicKey.from_public_bytes(unb64(certificate.public_key))


def verify(services: Services, request: Request, *, body: bytes | None, streamed: bool) -> Caller:
    """The caller of a signed request. With `body`, the body's digest is checked here; with
    `streamed`, the signature must cover a Content-Digest that the reader of the body checks
    (`DigestCheck`)."""
    certificate, key = _certificate(request)
    now = utc_now()
    caller = identify(services.sessions, services.settings, certificate, now=now)
    verifier = HTTPMessageVerifier(
        signature_algorithm=algorithms.ED25519,
        key_resolver=MappingKeyResolver(public_keys={certificate.token_id: key}, private_keys={}),
    )
    verifier.max_clock_skew = CLOCK_SKEW
    window = timedelta(seconds=services.settings.api_signature_seconds)
    required = (*COVERED, "content-digest") if streamed or body else COVERED
    message = _Message(request.method, str(request.url), request.headers)
    try:
        results = verifier.verify(
            message,
            max_age=window,
            expect_tag=SIGNATURE_TAG,
            require_components=required,
            body=body if body else None,
        )
    except HTTPMessageSignaturesException as exc:
        raise SignatureError(f"the request's signature does not verify: {exc}") from None
    result = results[0]
    if result.parameters.get("keyid") != certificate.token_id or not result.nonce:
        raise SignatureError("the signature must name the certificate's token and a nonce")
    services.nonces.remember(result.nonce, now=now, window=window + CLOCK_SKEW)
    return caller


class DigestCheck:
    """The body of a streamed request, hashed as it passes: at its end, its Content-Digest (signed)
    must match, or reading it fails before anything read from it is kept."""

    def __init__(self, request: Request) -> None:
        self._receive: Receive = request.receive
        self._expected: dict[str, bytes] = {}
        try:
            parsed: Any = http_sf.parse(
                request.headers.get("content-digest", "").encode(), tltype="dictionary"
            )
        except ValueError:
            raise SignatureError("the Content-Digest header is malformed") from None
        for name, (value, _params) in dict(parsed).items():
            if name in DIGESTS and isinstance(value, bytes):
                self._expected[name] = value
        if not self._expected:
            raise SignatureError("the Content-Digest header names no sha-256 or sha-512 digest")
        self._hashers = {name: DIGESTS[name]() for name in self._expected}

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            for hasher in self._hashers.values():
                hasher.update(message.get("body", b""))
            if not message.get("more_body", False):
                for name, hasher in self._hashers.items():
                    if not hmac.compare_digest(hasher.digest(), self._expected[name]):
                        raise SignatureError("the body does not match its signed Content-Digest")
        return message
