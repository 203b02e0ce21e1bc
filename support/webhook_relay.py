"""The webhook relay: posts the outbox's due deliveries to the portals, signed (Standard
Webhooks), and records each attempt. It runs beside every worker (`hoso up`, `hoso worker`).

One statement claims a batch: the oldest due delivery of each dossier for each subscriber (a
later one waits while an earlier one is pending), leased so that another relay skips it. A
failure is retried with exponential backoff, up to HOSO_WEBHOOK_MAX_ATTEMPTS, then given up
(listed as failing; an operator replays it). The workflow never waits on any of this.
"""

from __future__ import annotations

import asyncio
import contextlib
from asyncio import FIRST_COMPLETED
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import structlog
from sqlalchemy import Table, bindparam, exists, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from config import Settings
from models.tables import WebhookAttemptRecord, WebhookDeliveryRecord, WebhookSubscriberRecord
from support.codec import EncryptionError
from support.intake import Sessions
from support.webhook_secrets import SecretBox
from support.webhook_signing import signed_headers

log = structlog.get_logger()
DELIVERIES: Table = WebhookDeliveryRecord.__table__  # type: ignore[attr-defined]
SUBSCRIBERS: Table = WebhookSubscriberRecord.__table__  # type: ignore[attr-defined]
ATTEMPTS: Table = WebhookAttemptRecord.__table__  # type: ignore[attr-defined]
LEASE_MARGIN = timedelta(seconds=30)


@dataclass(frozen=True)
class Due:
    id: int
    message_id: str
    subscriber: str
    dossier_code: str
    body: str
    attempts: int


@dataclass(frozen=True)
class Attempt:
    due: Due
    at: datetime
    status: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _claim_statement(now: datetime, lease: datetime, size: int) -> Any:
    queued, earlier = DELIVERIES.alias("queued"), DELIVERIES.alias("earlier")
    first = ~exists().where(
        earlier.c.subscriber == queued.c.subscriber,
        earlier.c.dossier_code == queued.c.dossier_code,
        earlier.c.next_attempt_at.is_not(None),
        earlier.c.id < queued.c.id,
    )
    active = select(SUBSCRIBERS.c.name).where(SUBSCRIBERS.c.active.is_(True))
    due = (
        select(queued.c.id)
        .where(queued.c.next_attempt_at <= now, queued.c.subscriber.in_(active), first)
        .order_by(queued.c.id)
        .limit(size)
    )
    return (
        update(DELIVERIES)
        # `next_attempt_at` again: a relay that waited on another's lock re-checks the row
        .where(DELIVERIES.c.id.in_(due), DELIVERIES.c.next_attempt_at <= now)
        .values(next_attempt_at=lease)
        .returning(
            DELIVERIES.c.id,
            DELIVERIES.c.message_id,
            DELIVERIES.c.subscriber,
            DELIVERIES.c.dossier_code,
            DELIVERIES.c.body,
            DELIVERIES.c.attempts,
        )
    )


def claim(sessions: Sessions, now: datetime, lease: datetime, size: int) -> list[Due]:
    """The batch of deliveries to post now, leased until `lease`."""
    with sessions() as session:
        rows = session.connection().execute(_claim_statement(now, lease, size)).all()
        session.commit()
    return sorted((Due(**row._mapping) for row in rows), key=lambda due: due.id)


def subscribers(sessions: Sessions, names: set[str]) -> dict[str, tuple[str, str]]:
    """Each subscriber's URL and secret (sealed)."""
    query: Any = select(SUBSCRIBERS.c.name, SUBSCRIBERS.c.url, SUBSCRIBERS.c.secret).where(
        SUBSCRIBERS.c.name.in_(names)
    )
    with sessions() as session:
        rows: list[Any] = list(session.connection().execute(query))
    return {name: (url, secret) for name, url, secret in rows}


_RESULT = (
    update(DELIVERIES)
    .where(DELIVERIES.c.id == bindparam("delivery"))
    .values(
        attempts=bindparam("attempts"),
        next_attempt_at=bindparam("next"),
        delivered_at=bindparam("delivered_at"),
        abandoned_at=bindparam("abandoned_at"),
        last_status=bindparam("status"),
        last_error=bindparam("error"),
    )
)


def record_attempts(sessions: Sessions, attempts: list[Attempt], settings: Settings) -> None:
    """Each attempt's outcome on its delivery and in the attempts' log, in one transaction."""
    results, log_rows = [], []
    for attempt in attempts:
        count = attempt.due.attempts + 1
        ended = attempt.delivered or count >= settings.webhook_max_attempts
        results.append(
            {
                "delivery": attempt.due.id,
                "attempts": count,
                "next": None if ended else attempt.at + backoff(count, settings),
                "delivered_at": attempt.at if attempt.delivered else None,
                "abandoned_at": attempt.at if ended and not attempt.delivered else None,
                "status": attempt.status,
                "error": attempt.error,
            }
        )
        log_rows.append(
            {
                "delivery_id": attempt.due.id,
                "dossier_code": attempt.due.dossier_code,
                "subscriber": attempt.due.subscriber,
                "at": attempt.at,
                "status": attempt.status,
                "error": attempt.error,
                "delivered": attempt.delivered,
            }
        )
    with sessions() as session:
        db = session.connection()
        db.execute(_RESULT, results)
        db.execute(insert(ATTEMPTS), log_rows)
        session.commit()


def backoff(attempts: int, settings: Settings) -> timedelta:
    """The wait after the `attempts`-th failure: doubling from HOSO_WEBHOOK_RETRY_SECONDS."""
    seconds = settings.webhook_retry_seconds * 2 ** min(attempts - 1, 30)
    return timedelta(seconds=min(seconds, settings.webhook_retry_max_seconds))


class WebhookRelay:
    """Claims due deliveries and posts them at once (each is the head of its own queue); records
    what the receivers answered as they answer, so that a portal slow to answer delays no other.
    Claims again while there is room and work, else every poll period."""

    def __init__(self, sessions: Sessions, settings: Settings) -> None:
        self._sessions = sessions
        self._settings = settings
        self._secrets = SecretBox.from_settings(settings)

    async def run(self, stop: asyncio.Event) -> None:
        timeout = httpx.Timeout(self._settings.webhook_timeout_seconds)
        flying: set[asyncio.Task[Attempt]] = set()
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as http:
            log.info("webhook_relay_started")
            while not stop.is_set():
                started = await self._start(http, self._settings.webhook_batch - len(flying))
                flying |= started
                if flying:
                    flying = await self._record_some(flying)
                elif not started:
                    await _wait(stop, self._settings.webhook_poll_seconds)
            while flying:  # what is on its way is recorded (each within the timeout)
                flying = await self._record_some(flying)
            log.info("webhook_relay_stopped")

    async def _start(self, http: httpx.AsyncClient, room: int) -> set[asyncio.Task[Attempt]]:
        """Claims up to `room` due deliveries and starts posting them."""
        if room <= 0:
            return set()
        now = datetime.now(UTC)
        lease = now + timedelta(seconds=self._settings.webhook_timeout_seconds) + LEASE_MARGIN
        try:
            batch = await asyncio.to_thread(claim, self._sessions, now, lease, room)
            if not batch:
                return set()
            names = {due.subscriber for due in batch}
            targets = await asyncio.to_thread(subscribers, self._sessions, names)
        except SQLAlchemyError as err:
            log.warning("webhook_relay_database_failed", error=type(err).__name__)
            return set()
        return {asyncio.create_task(self._post(http, due, targets)) for due in batch}

    async def _record_some(self, flying: set[asyncio.Task[Attempt]]) -> set[asyncio.Task[Attempt]]:
        """Waits for some posts to be answered (a poll period at most), records them in one
        transaction; the ones still on their way. A failed write leaves them leased: they are
        posted again once their lease ends (at least once, as the standard expects)."""
        done, flying = await asyncio.wait(
            flying, timeout=self._settings.webhook_poll_seconds, return_when=FIRST_COMPLETED
        )
        if done:
            attempts = [task.result() for task in done]
            try:
                await asyncio.to_thread(record_attempts, self._sessions, attempts, self._settings)
            except SQLAlchemyError as err:
                log.warning("webhook_relay_database_failed", error=type(err).__name__)
        return flying

    async def _post(
        self, http: httpx.AsyncClient, due: Due, targets: dict[str, tuple[str, str]]
    ) -> Attempt:
        target = targets.get(due.subscriber)
        if target is None:
            return Attempt(due, datetime.now(UTC), None, "the subscriber is gone")
        url, sealed = target
        try:
            secret = self._secrets.open(sealed)
        except (ValueError, EncryptionError):
            return Attempt(due, datetime.now(UTC), None, "its secret cannot be opened (keyring?)")
        return await _post(http, due, url, secret)


async def _post(http: httpx.AsyncClient, due: Due, url: str, secret: str) -> Attempt:
    """One signed POST; the receiver's status, or why there was none (never its body)."""
    body = due.body.encode()
    at = datetime.now(UTC)
    headers = signed_headers(secret, due.message_id, int(at.timestamp()), body)
    try:
        # the answer's status only: its body is never read (a portal could send gigabytes)
        async with http.stream("POST", url, content=body, headers=headers) as response:
            status = response.status_code
    except httpx.HTTPError as err:
        failure = type(err).__name__
        log.info(
            "webhook_failed", dossier=due.dossier_code, subscriber=due.subscriber, error=failure
        )
        return Attempt(due, at, None, failure)
    error: str | None = None if 200 <= status < 300 else f"HTTP {status}"
    event = "webhook_delivered" if error is None else "webhook_failed"
    log.info(event, dossier=due.dossier_code, subscriber=due.subscriber, status=status)
    return Attempt(due, at, status, error)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
