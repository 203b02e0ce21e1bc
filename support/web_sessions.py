"""Browser sessions of the web pages: a random secret in an HttpOnly cookie, its SHA-256 in the
database; ended by sign-out, by its idle and absolute time-outs, or by the revocation of the
officer's tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from config import Settings
from models.tables import WebSessionRecord
from support.intake import Sessions


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def csrf_token(cookie: str) -> str:
    """The token every form of a browser carries: derived from its cookie, which a page of
    another site can neither read nor send (SameSite=Strict)."""
    return hmac.new(cookie.encode(), b"hoso csrf", hashlib.sha256).hexdigest()


def csrf_matches(cookie: str | None, token: str | None) -> bool:
    return bool(cookie and token) and hmac.compare_digest(csrf_token(cookie or ""), token or "")


def open_session(session: Session, officer_id: str, now: datetime) -> tuple[str, str]:
    """A new session, its password given, its second factor not yet: (id, cookie secret).
    The caller commits."""
    session_id, secret = secrets.token_hex(16), secrets.token_urlsafe(32)
    session.add(
        WebSessionRecord(
            id=session_id,
            secret_sha256=secret_hash(secret),
            officer_id=officer_id,
            created_at=now,
            last_seen_at=now,
        )
    )
    return session_id, secret


def verify_session(session: Session, record: WebSessionRecord, now: datetime) -> str:
    """The second factor given: the session is signed in, under a new cookie secret (the one a
    half-signed-in browser held is worth nothing now). The caller commits."""
    secret = secrets.token_urlsafe(32)
    record.secret_sha256 = secret_hash(secret)
    record.verified = True
    record.last_seen_at = now
    session.add(record)
    return secret


def _expiry(record: WebSessionRecord, settings: Settings, now: datetime) -> str | None:
    if now - record.last_seen_at > timedelta(minutes=settings.web_idle_minutes):
        return "idle"
    if now - record.created_at > timedelta(hours=settings.web_session_hours):
        return "expired"
    return None


def live_session(
    sessions: Sessions, settings: Settings, secret: str, now: datetime, *, touch: bool
) -> WebSessionRecord | None:
    """The live session of a cookie; one past its idle or absolute time-out is ended here.
    `touch`: the officer used it now (a page's own polling does not keep it alive)."""
    with sessions() as session:
        record = session.exec(
            select(WebSessionRecord).where(WebSessionRecord.secret_sha256 == secret_hash(secret))
        ).first()
        if record is None or record.ended_at is not None:
            return None
        reason = _expiry(record, settings, now)
        if reason is not None:
            record.ended_at, record.ended_by = now, reason
        elif touch:
            record.last_seen_at = now
        session.add(record)
        session.commit()
        session.refresh(record)
        return None if reason else record


def end_session(session: Session, session_id: str, now: datetime, by: str) -> None:
    """Ends one session (the caller commits)."""
    record = session.get(WebSessionRecord, session_id)
    if record is not None and record.ended_at is None:
        record.ended_at, record.ended_by = now, by
        session.add(record)


def end_officer_sessions(session: Session, officer_id: str, now: datetime, by: str) -> int:
    """Ends every live session of an officer (their tokens revoked); how many. The caller
    commits."""
    result = session.execute(
        update(WebSessionRecord)
        .where(col(WebSessionRecord.officer_id) == officer_id)
        .where(col(WebSessionRecord.ended_at).is_(None))
        .values(ended_at=now, ended_by=by)
    )
    return int(getattr(result, "rowcount", 0) or 0)
