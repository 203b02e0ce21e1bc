"""Certificates found trustworthy, remembered by this process for a few seconds.

Checking a request's certificate reads the issuers' keys, the token register, the revocations and
the registry: several reads for every signed request. The API remembers each good answer for
`HOSO_API_TRUST_SECONDS` (default 5): a token revoked, or an officer's role or unit changed, by
another process is refused by this one within that time; revoking in this process (`forget`) is
seen at once. Only the very certificate checked is remembered (every field of it, its public key
too); expiry is checked on every request, and a refusal is never remembered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from models.credentials import Certificate
from models.officer import OfficerIdentity

MOST = 10_000  # remembered certificates; past this, the memory starts afresh


@dataclass(frozen=True)
class _Trusted:
    certificate: Certificate  # the whole of it: a copy with another key is another certificate
    officer: OfficerIdentity
    until: float


class RememberedTrust:
    """The officers that certificates named when last found trustworthy, each for `seconds`."""

    def __init__(self) -> None:
        self._trusted: dict[tuple[str, str], _Trusted] = {}

    def officer(
        self,
        certificate: Certificate,
        seconds: float,
        check: Callable[[Certificate], OfficerIdentity],
    ) -> OfficerIdentity:
        """The officer `certificate` names: remembered when checked less than `seconds` ago,
        else `check(certificate)` (which raises when the certificate is not to be trusted)."""
        key = (certificate.token_id, certificate.signature)
        now = time.monotonic()
        found = self._trusted.get(key)
        if found is not None and found.until > now and found.certificate == certificate:
            return found.officer
        officer = check(certificate)
        if seconds > 0:
            if len(self._trusted) >= MOST:
                self._trusted.clear()
            self._trusted[key] = _Trusted(certificate, officer, now + seconds)
        return officer

    def forget(self) -> None:
        self._trusted.clear()


TRUST = RememberedTrust()


def forget() -> None:
    """Forget every certificate this process trusted: a token was revoked or the registry
    changed here, and the next request checks again."""
    TRUST.forget()
