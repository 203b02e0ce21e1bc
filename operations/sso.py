"""Officers sign in through the agency's single sign-on (OpenID Connect): the provider's ID
token names an officer of the registry, and the browser gets a signed-in session as after the
password and the TOTP code. The provider's own authentication (its MFA) stands for hoso's
second factor. Every sign-in and every refusal is on the record, the method with it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog

from models.tables import WebSessionRecord
from operations.access import utc_now
from operations.services import Services
from operations.signin import SECOND_FACTOR_WITHIN, SignInExpired, SignInRefused, certify_key
from support import officer_accounts as accounts
from support import web_sessions
from support.catalogue import get_officer
from support.errors import CatalogueError

log = structlog.get_logger()
SIGNED_IN = "signed_in_sso"
REFUSED = "sso_refused"
MAX_OFFICER_ID = 64


class UnknownOfficer(SignInRefused):
    """The provider's user is no active officer of the registry."""


def _officer_id(claims: dict[str, Any], claim: str) -> str:
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_OFFICER_ID:
        raise UnknownOfficer(f"the ID token has no usable {claim} claim")
    return value.strip()


def sign_in(services: Services, claims: dict[str, Any]) -> str:
    """The cookie of a signed-in session for the officer the ID token's claim names (checked by
    the caller); UnknownOfficer, recorded as a refused sign-in, when the registry has no such
    active officer."""
    now = utc_now()
    claim = services.settings.oidc_officer_claim
    with services.sessions() as session:
        try:
            officer_id = _officer_id(claims, claim)
            get_officer(session, officer_id)
        except (UnknownOfficer, CatalogueError):
            named = claims.get(claim)
            recorded = named[:MAX_OFFICER_ID] if isinstance(named, str) else ""
            accounts.record_event(session, recorded, REFUSED, now)
            session.commit()
            log.info("sso_sign_in_refused", reason="no such active officer")
            raise UnknownOfficer("no such active officer") from None
        session_id, _ = web_sessions.open_session(session, officer_id, now)
        session.flush()
        record = session.get(WebSessionRecord, session_id)
        assert record is not None
        cookie = web_sessions.verify_session(session, record, now)
        accounts.record_event(session, officer_id, SIGNED_IN, now, session_id)
        session.commit()
    log.info("officer_signed_in", officer=officer_id, session=session_id, method="sso")
    return cookie


def _fresh(record: WebSessionRecord, now: datetime) -> bool:
    return record.certificate is None and now - record.created_at <= SECOND_FACTOR_WITHIN


def certify_browser_key(services: Services, cookie: str, public_key: str) -> None:
    """The browser's signing key, made just after the SSO sign-in, certified for its session:
    once, and only in the first minutes (a cookie stolen later cannot bring its own key)."""
    now = utc_now()
    record = web_sessions.live_session(
        services.sessions, services.settings, cookie, now, touch=True
    )
    if record is None or not record.verified:
        raise SignInExpired("sign in again")
    if not _fresh(record, now):
        return
    if public_key:
        certify_key(services, record, public_key, now)
        return
    with services.sessions() as session:  # no key made here: the session reads, for good
        found = session.get(WebSessionRecord, record.id)
        if found is not None and found.certificate is None:
            found.certificate = ""
            session.add(found)
            session.commit()
