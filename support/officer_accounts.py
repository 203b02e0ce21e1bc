"""Officers' accounts for the web pages: a password (argon2id) and a TOTP second factor, locked
for a while after failed attempts in a row, each lock longer than the last.

The password is set on the machine (`hoso officers set-password`), as tokens are issued there;
the second factor is enrolled at the first sign-in, from a QR code the page shows once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session

from config import Settings
from models.tables import OfficerAccountRecord, SignInRecord
from support.catalogue import get_officer
from support.errors import CatalogueError
from support.intake import Sessions

HASHER = PasswordHasher()  # argon2id, RFC 9106's second recommended profile
MIN_PASSWORD = 12
MAX_PASSWORD = 256
LONGEST_LOCK = timedelta(days=1)
TOTP_ISSUER = "hoso"
# Spent on an unknown officer id, so that it answers in the time a wrong password takes.
_UNKNOWN = HASHER.hash("no such officer: the same work as a wrong password")


class AccountError(ValueError):
    """A password that cannot be set: unknown officer, too short, too long, or the officer id."""


def record_event(
    session: Session, officer_id: str, event: str, at: datetime, session_id: str | None = None
) -> None:
    """Puts a sign-in event on the record (the caller commits)."""
    session.add(SignInRecord(officer_id=officer_id, event=event, session_id=session_id, at=at))


def set_password(
    sessions: Sessions, officer_id: str, password: str, *, now: datetime, new_totp: bool = False
) -> bool:
    """Sets an active officer's password (and unlocks the account); `new_totp`: the second factor
    is enrolled again at the next sign-in. True when the account is new."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(
            f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters (a phrase is best)"
        )
    if officer_id.lower() in password.lower():
        raise AccountError("the password may not contain the officer id")
    with sessions() as session:
        try:
            get_officer(session, officer_id)
        except CatalogueError as exc:
            raise AccountError(str(exc)) from None
        account = session.get(OfficerAccountRecord, officer_id)
        created = account is None
        if account is None:
            account = OfficerAccountRecord(
                officer_id=officer_id, password_hash="", password_set_at=now
            )
        account.password_hash = HASHER.hash(password)
        account.password_set_at = now
        account.failed_attempts = 0
        account.locked_until = None
        if new_totp:
            account.totp_secret = account.totp_enrolled_at = account.totp_last_step = None
        session.add(account)
        record_event(session, officer_id, "password_set", now)
        session.commit()
    return created


def password_matches(account: OfficerAccountRecord | None, password: str) -> bool:
    """Checks the password against the account's hash (or a decoy's, when there is no account)."""
    try:
        return HASHER.verify(
            account.password_hash if account else _UNKNOWN, password[:MAX_PASSWORD]
        )
    except (VerificationError, InvalidHashError):
        return False


def rehash_if_needed(account: OfficerAccountRecord, password: str) -> None:
    if HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = HASHER.hash(password)


def locked(account: OfficerAccountRecord, now: datetime) -> datetime | None:
    """Until when the account is locked, if it is now."""
    until = account.locked_until
    return until if until is not None and until > now else None


def count_failure(account: OfficerAccountRecord, settings: Settings, now: datetime) -> bool:
    """One more failed attempt; from the settings' count on, the account locks, the first time
    for web_lockout_seconds, then twice as long at each further failure. True when it locks."""
    account.failed_attempts += 1
    beyond = account.failed_attempts - settings.web_lockout_attempts
    if beyond < 0:
        return False
    wait = timedelta(seconds=settings.web_lockout_seconds) * (2 ** min(beyond, 20))
    account.locked_until = now + min(wait, LONGEST_LOCK)
    return True


def count_success(account: OfficerAccountRecord) -> None:
    account.failed_attempts = 0
    account.locked_until = None


def totp_of(account: OfficerAccountRecord) -> pyotp.TOTP:
    """The account's TOTP (a secret is made on first need, for enrolment)."""
    if account.totp_secret is None:
        account.totp_secret = pyotp.random_base32()
    return pyotp.TOTP(account.totp_secret)


def enrolment_uri(account: OfficerAccountRecord) -> str:
    """What the authenticator app scans: otpauth://totp/hoso:<officer>?secret=…&issuer=hoso."""
    return totp_of(account).provisioning_uri(name=account.officer_id, issuer_name=TOTP_ISSUER)


def code_matches(account: OfficerAccountRecord, code: str, now: datetime) -> bool:
    """A code of the current 30 s step or the one either side, never one already used (each
    step's code is accepted once)."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6) or account.totp_secret is None:
        return False
    totp = totp_of(account)
    step = totp.timecode(now)
    for candidate in (step - 1, step, step + 1):
        if candidate <= (account.totp_last_step or -1):
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            account.totp_last_step = candidate
            return True
    return False
