"""The nonces of signed API requests: each one is received once within its window, whichever API
process receives it (the database's primary key decides). Expired nonces are swept once a window
by each process, not by every request's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from models.tables import RequestNonceRecord
from support.credentials import CredentialError
from support.intake import Sessions


class RequestNonces:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._swept_at: datetime | None = None

    def remember(self, nonce: str, *, now: datetime, window: timedelta) -> None:
        """Records a signed request's nonce; the same nonce again within the window is a replay
        (CredentialError). A nonce is kept at least two windows: a request older than one is
        refused by its signature's age before its nonce is looked at."""
        with self._sessions() as session:
            sweep = self._swept_at is None or now - self._swept_at >= window
            if sweep:
                expired = col(RequestNonceRecord.seen_at) < now - 2 * window
                session.execute(delete(RequestNonceRecord).where(expired))
            session.add(RequestNonceRecord(nonce=nonce, seen_at=now))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                raise CredentialError(
                    "this signed request was already received once (replayed)"
                ) from None
        if sweep:
            self._swept_at = now
