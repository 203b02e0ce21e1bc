"""A dossier's timeline, told in domain words from its workflow history, with each attempt to
post its events to the portals (the webhooks' outbox: not in the history, which never waits
on a portal)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from temporalio.client import Client

from activities.sms import masked_phone
from models.tables import NotificationRecord, WebhookAttemptRecord, WebhookDeliveryRecord
from operations.access import Caller
from operations.dossiers import readable_state
from operations.services import Services
from support.dossier_timeline import Entry, StageTime, timeline

__all__ = ["Entry", "StageTime", "dossier_timeline", "sms_entries", "webhook_entries"]
ATTEMPTS: Any = WebhookAttemptRecord.__table__  # type: ignore[attr-defined]
DELIVERIES: Any = WebhookDeliveryRecord.__table__  # type: ignore[attr-defined]
OUTBOX: Any = NotificationRecord.__table__  # type: ignore[attr-defined]


async def dossier_timeline(
    client: Client, caller: Caller, services: Services, code: str, *, everything: bool = False
) -> list[Entry]:
    """Every step of a dossier the caller may see, oldest first (`everything`: with the
    projection writes and timers)."""
    await readable_state(client, caller, services.settings, code)
    entries = await timeline(client, code, everything=everything)
    posted = webhook_entries(services, code) + sms_entries(services, code)
    return sorted([*entries, *posted], key=lambda entry: entry.at) if posted else entries


def webhook_entries(services: Services, code: str) -> list[Entry]:
    """Each attempt to post the dossier's events to a subscriber, as a timeline entry."""
    query = (
        select(
            ATTEMPTS.c.at,
            ATTEMPTS.c.subscriber,
            ATTEMPTS.c.status,
            ATTEMPTS.c.error,
            ATTEMPTS.c.delivered,
            DELIVERIES.c.event_type,
            DELIVERIES.c.body,
            DELIVERIES.c.replay,
        )
        .join(DELIVERIES, DELIVERIES.c.id == ATTEMPTS.c.delivery_id)
        .where(ATTEMPTS.c.dossier_code == code)
        .order_by(ATTEMPTS.c.id)
    )
    with services.sessions() as session:
        rows: list[Any] = list(session.connection().execute(query))
    return [_entry(*row) for row in rows]


def _entry(
    at: Any, subscriber: str, status: int | None, error: str | None, delivered: bool, *event: Any
) -> Entry:
    event_type, body, replay = event
    told = f"{event_type} ({json.loads(body)['data'].get('status', '?')})"
    again = ", replayed" if replay else ""
    outcome = f"delivered (HTTP {status})" if delivered else f"failed: {error}"
    return Entry(at=_utc(at), event="webhook", detail=f"{told} → {subscriber}{again}: {outcome}")


def sms_entries(services: Services, code: str) -> list[Entry]:
    """Each SMS of the dossier's notices (not in the history: the notice's activity sends it
    beside the email), with the phone masked."""
    query = (
        select(OUTBOX)
        .where(OUTBOX.c.dossier_code == code, OUTBOX.c.channel == "sms")
        .order_by(OUTBOX.c.created_at)
    )
    with services.sessions() as session:
        rows: list[Any] = list(session.connection().execute(query))
    return [_sms_entry(row) for row in rows]


def _sms_entry(row: Any) -> Entry:
    to = f"{row.template} to {masked_phone(row.recipient)}"
    if row.sent_at is not None:
        failed = row.attempts - 1
        retried = f" (after {failed} failed attempt{'s' if failed > 1 else ''})" if failed else ""
        return Entry(at=_utc(row.sent_at), event="SMS", detail=f"{to}: delivered{retried}")
    if row.last_error is None:
        return Entry(at=_utc(row.created_at), event="SMS", detail=f"{to}: sending")
    failed = f"{to}: failed ({row.last_error}, attempt {row.attempts})"
    return Entry(at=_utc(row.created_at), event="SMS", detail=failed)


def _utc(at: datetime) -> datetime:
    """A time as the history gives it (SQLite gives back naive UTC times)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
