"""Officers sign in to the web pages: password, then the second factor (enrolled at the first
sign-in), each failure counted towards a lock-out; every sign-in and sign-out on the record.

A signed-in browser reads and acts as its officer does with a token (`Caller`): the same
authorisation, from the registry as it is now (a changed role or unit applies at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

import structlog
from sqlmodel import Session, select

from models.credentials import Certificate
from models.tables import OfficerAccountRecord, OfficerTokenRecord, WebSessionRecord
from operations.access import Caller, utc_now
from operations.services import Services
from support import officer_accounts as accounts
from support import web_sessions
from support.credentials import CredentialError, registry_identity
from support.errors import CatalogueError
from support.session_keys import certify_session

log = structlog.get_logger()
SECOND_FACTOR_WITHIN = timedelta(minutes=5)


class SignInRefused(Exception):
    """A wrong officer id, password or code (one message for all: nothing tells which)."""


class SignInExpired(SignInRefused):
    """The password step is over (or never was): start again."""


class AccountLocked(SignInRefused):
    """Too many failures in a row: the account waits until `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until:%H:%M:%S}")
        self.until = until


@dataclass(frozen=True)
class Pending:
    """A browser that gave the password: its cookie, and whether the second factor is enrolled."""

    secret: str
    enrolled: bool


@dataclass(frozen=True)
class WebCaller:
    caller: Caller
    session_id: str
    cookie: str
    certificate: Certificate | None = None  # of the browser's signing key, when it made one


def _fail(
    session: Session, account: OfficerAccountRecord, services: Services, now: datetime
) -> NoReturn:
    locks = accounts.count_failure(account, services.settings, now)
    session.add(account)
    accounts.record_event(session, account.officer_id, "locked" if locks else "failed", now)
    session.commit()
    log.info("sign_in_failed", officer=account.officer_id, locked=locks)
    if locks and account.locked_until is not None:
        raise AccountLocked(account.locked_until)
    raise SignInRefused("wrong officer id, password or code")


def check_password(services: Services, officer_id: str, password: str) -> Pending:
    """The password's step: a half-signed-in session, or SignInRefused / AccountLocked."""
    now = utc_now()
    with services.sessions() as session:
        account = session.get(OfficerAccountRecord, officer_id.strip()[:64])
        matches = accounts.password_matches(account, password)
        if account is None:
            raise SignInRefused("wrong officer id, password or code")
        until = accounts.locked(account, now)
        if until is not None:
            raise AccountLocked(until)
        if not matches:
            _fail(session, account, services, now)
        try:
            registry_identity(services.sessions, account.officer_id)
        except CatalogueError:
            raise SignInRefused("wrong officer id, password or code") from None
        accounts.rehash_if_needed(account, password)
        session.add(account)
        _, secret = web_sessions.open_session(session, account.officer_id, now)
        enrolled = account.totp_enrolled_at is not None
        session.commit()
    return Pending(secret=secret, enrolled=enrolled)


def _pending(session: Session, services: Services, secret: str, now: datetime) -> WebSessionRecord:
    record = web_sessions.live_session(
        services.sessions, services.settings, secret, now, touch=False
    )
    if record is None or record.verified or now - record.created_at > SECOND_FACTOR_WITHIN:
        raise SignInExpired("sign in again: the password step is over")
    found = session.get(WebSessionRecord, record.id)
    assert found is not None
    return found


def enrolment_uri(services: Services, secret: str) -> str:
    """The otpauth URI to show as a QR code, while the second factor is not enrolled yet."""
    now = utc_now()
    with services.sessions() as session:
        record = _pending(session, services, secret, now)
        account = session.get(OfficerAccountRecord, record.officer_id)
        if account is None or account.totp_enrolled_at is not None:
            raise SignInExpired("the second factor is enrolled already")
        uri = accounts.enrolment_uri(account)
        session.add(account)
        session.commit()
    return uri


def check_code(services: Services, secret: str, code: str, public_key: str | None = None) -> str:
    """The second factor's step (enrolling it the first time): the signed-in session's new
    cookie, or SignInRefused / AccountLocked. With `public_key`, the browser's signing key is
    certified for the session (its actions are then signed as the CLI's)."""
    now = utc_now()
    with services.sessions() as session:
        record = _pending(session, services, secret, now)
        account = session.get(OfficerAccountRecord, record.officer_id)
        if account is None:
            raise SignInRefused("wrong officer id, password or code")
        until = accounts.locked(account, now)
        if until is not None:
            raise AccountLocked(until)
        if not accounts.code_matches(account, code, now):
            _fail(session, account, services, now)
        if account.totp_enrolled_at is None:
            account.totp_enrolled_at = now
            accounts.record_event(session, account.officer_id, "enrolled", now, record.id)
        accounts.count_success(account)
        session.add(account)
        cookie = web_sessions.verify_session(session, record, now)
        accounts.record_event(session, account.officer_id, "signed_in", now, record.id)
        session.commit()
        session.refresh(record)
    if public_key:
        certify_key(services, record, public_key, now)
    log.info("officer_signed_in", officer=record.officer_id, session=record.id)
    return cookie


def certify_key(
    services: Services, record: WebSessionRecord, public_key: str, now: datetime
) -> None:
    """The browser's key certified for the session; if it cannot be, the session reads only."""
    settings = services.settings
    try:
        officer = registry_identity(services.sessions, record.officer_id)
        certificate = certify_session(
            services.sessions,
            settings,
            officer,
            record.id,
            public_key,
            now=now,
            until=record.created_at + timedelta(hours=settings.web_session_hours),
        )
    except (CredentialError, CatalogueError) as exc:
        log.warning("session_key_not_certified", session=record.id, reason=str(exc))
        return
    with services.sessions() as session:
        found = session.get(WebSessionRecord, record.id)
        if found is not None:
            found.certificate = certificate.model_dump_json()
            session.add(found)
            session.commit()


def signed_in(services: Services, cookie: str, *, touch: bool = True) -> WebCaller | None:
    """The officer of a signed-in browser, as the registry knows them now; None when the
    session is unknown, half-signed-in, ended or timed out."""
    now = utc_now()
    record = web_sessions.live_session(
        services.sessions, services.settings, cookie, now, touch=touch
    )
    if record is None or not record.verified:
        return None
    try:
        officer = registry_identity(services.sessions, record.officer_id)
    except CatalogueError:
        sign_out(services, cookie, by="inactive")
        return None
    certificate = (
        Certificate.model_validate_json(record.certificate) if record.certificate else None
    )
    if certificate is not None and certificate.officer != officer:
        certificate = None  # the registry changed since sign-in: it no longer signs
    return WebCaller(Caller(officer=officer, token_id=record.id), record.id, cookie, certificate)


def sign_out(services: Services, cookie: str, *, by: str = "sign-out") -> None:
    now = utc_now()
    with services.sessions() as session:
        record = session.exec(
            select(WebSessionRecord).where(
                WebSessionRecord.secret_sha256 == web_sessions.secret_hash(cookie)
            )
        ).first()
        if record is None or record.ended_at is not None:
            return
        web_sessions.end_session(session, record.id, now, by)
        token = session.get(OfficerTokenRecord, record.id)
        if token is not None and token.revoked_at is None:  # its key signs no more
            token.revoked_at, token.revoked_by = now, by
            session.add(token)
        if record.verified:
            accounts.record_event(session, record.officer_id, "signed_out", now, record.id)
        session.commit()
    log.info("officer_signed_out", officer=record.officer_id, session=record.id)
