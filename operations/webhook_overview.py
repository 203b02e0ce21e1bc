"""The portals' webhooks at a glance, for an operator's page: each subscriber of their scope
with the host it is posted to (never the whole URL: its path may carry a portal's token), the
events it follows, and how its latest deliveries went."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field
from sqlmodel import col, select

from models.tables import WebhookDeliveryRecord
from operations.access import Caller
from operations.services import Services
from operations.webhooks import Subscriber, subscribers

LATEST = 5
DeliveryState = Literal["delivered", "retrying", "given_up", "waiting"]


class LatestDelivery(BaseModel):
    dossier: str
    event: str
    occurred_at: datetime
    state: DeliveryState
    attempts: int
    replay: bool = Field(description="queued again by an operator's replay")
    last_status: int | None
    last_error: str | None


class SubscriberOverview(BaseModel):
    name: str
    host: str = Field(description="the URL's host and port only")
    events: list[str]
    active: bool
    latest: list[LatestDelivery] = Field(description="newest first")


def host_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def _state(row: WebhookDeliveryRecord) -> DeliveryState:
    if row.delivered_at is not None:
        return "delivered"
    if row.abandoned_at is not None or (row.attempts and row.next_attempt_at is None):
        return "given_up"
    return "retrying" if row.attempts else "waiting"


def _latest(services: Services, name: str, count: int) -> list[LatestDelivery]:
    d = WebhookDeliveryRecord
    query = select(d).where(col(d.subscriber) == name).order_by(col(d.id).desc()).limit(count)
    with services.sessions() as session:
        return [
            LatestDelivery(
                dossier=row.dossier_code,
                event=row.event_type,
                occurred_at=row.occurred_at,
                state=_state(row),
                attempts=row.attempts,
                replay=row.replay,
                last_status=row.last_status,
                last_error=row.last_error,
            )
            for row in session.exec(query)
        ]


def _overview(services: Services, subscriber: Subscriber, count: int) -> SubscriberOverview:
    return SubscriberOverview(
        name=subscriber.name,
        host=host_of(subscriber.url),
        events=subscriber.events,
        active=subscriber.active,
        latest=_latest(services, subscriber.name, count),
    )


def overview(caller: Caller, services: Services, count: int = LATEST) -> list[SubscriberOverview]:
    """The caller's subscribers (operators only), the active first, each with its latest
    `count` deliveries."""
    found = [_overview(services, s, count) for s in subscribers(caller, services)]
    return sorted(found, key=lambda s: not s.active)
