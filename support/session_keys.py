"""Browser sessions that sign: the key a browser made at sign-in (non-extractable, WebCrypto
Ed25519) certified for the session by the API hosts' web issuer, and registered in the token
register under the session's id, so that revoking the officer revokes it like a token and every
dossier verifies its actions as it verifies the CLI's."""

from __future__ import annotations

import hashlib
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from config import Settings
from models.credentials import Certificate, b64, unb64
from models.officer import OfficerIdentity
from models.tables import OfficerTokenRecord
from support.credentials import WEB_ISSUER_PREFIX, CredentialError, Issuer
from support.intake import Sessions

DEV_WEB_ISSUER = "web-dev"


def web_issuer(settings: Settings) -> Issuer:
    """The newest `issuer-web-<host>.key` of the keys folder; in development one is made (its
    `.pub` beside it, which the workers of the same folder trust)."""
    return Issuer.newest(
        settings,
        web=True,
        dev_id=DEV_WEB_ISSUER,
        missing=f"no web issuer key ({WEB_ISSUER_PREFIX}-<host>.key) in {{folder}}: browser"
        " sessions read, and cannot sign actions",
    )


def browser_key(public_key: str) -> str:
    """The browser's raw Ed25519 public key (base64url), checked; CredentialError otherwise."""
    try:
        raw = unb64(public_key.strip())
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise CredentialError("the browser's key is not an Ed25519 public key") from exc
    return b64(raw)


def certify_session(
    sessions: Sessions,
    settings: Settings,
    officer: OfficerIdentity,
    session_id: str,
    public_key: str,
    *,
    now: datetime,
    until: datetime,
) -> Certificate:
    """A certificate of the browser's key for the session, kept in the token register."""
    issuer = web_issuer(settings)
    unsigned = Certificate(
        token_id=session_id,
        officer=officer,
        public_key=browser_key(public_key),
        issued_at=now.replace(microsecond=0),
        expires_at=until.replace(microsecond=0),
        issuer=issuer.key_id,
    )
    certificate = unsigned.model_copy(
        update={"signature": b64(issuer.key.sign(unsigned.signed_bytes()))}
    )
    with sessions() as session:
        session.add(
            OfficerTokenRecord(
                token_id=session_id,
                officer_id=officer.id,
                token_sha256=hashlib.sha256(f"web-session:{session_id}".encode()).hexdigest(),
                issuer=issuer.key_id,
                issued_at=certificate.issued_at,
                expires_at=certificate.expires_at,
            )
        )
        session.commit()
    return certificate
