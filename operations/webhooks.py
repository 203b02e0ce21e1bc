"""Portals' webhooks, for operators: subscribers registered, listed and removed, their
deliveries replayed over a period, the failing deliveries listed.

A subscriber follows agencies of its operator's scope; an operator sees and replays only the
subscribers whose agencies are all in their own scope (another's answers 404). A subscriber's
secret is shown once, in the answer that registers it, and never again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import exists, insert, literal, true, update
from sqlalchemy import select as select_columns
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from models.tables import AgencyRecord, WebhookDeliveryRecord, WebhookSubscriberRecord
from models.webhooks import WebhookSubscription, url_problem
from operations.access import Caller, readable_agencies
from operations.errors import Conflict, Forbidden, InvalidPeriod, NotFound
from operations.mending import require_operator
from operations.services import Services
from support.webhook_secrets import SecretBox
from support.webhook_signing import new_secret

MAX_REPLAY = timedelta(days=366)
FAILING_SHOWN = 500


class InvalidSubscriber(ValueError):
    """A subscriber hoso will not post to (its URL), or that names an unknown agency."""


class Subscriber(BaseModel):
    """A registered portal, without its secret."""

    name: str
    url: str
    events: list[str]
    agencies: list[str] | None = Field(description="null: every agency")
    created_by: str
    created_at: datetime
    active: bool


class SubscriberCreated(Subscriber):
    secret: str = Field(description="the signing secret, shown this once: keep it now")


class ReplayRequest(BaseModel):
    since: datetime = Field(description="events from this time (inclusive)")
    until: datetime = Field(description="to this time (exclusive)")


class Replay(BaseModel):
    subscriber: str
    replayed: int = Field(description="deliveries queued again, in their original order")


class FailingDelivery(BaseModel):
    """A delivery whose last attempt failed: being retried, or given up."""

    id: int
    subscriber: str
    dossier: str
    event: str
    message_id: str
    occurred_at: datetime
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="null: given up (replay it)")
    abandoned_at: datetime | None


def _view(row: WebhookSubscriberRecord) -> Subscriber:
    return Subscriber(**row.model_dump(exclude={"secret"}))


def _in_reach(caller: Caller, services: Services, row: WebhookSubscriberRecord) -> bool:
    scope = readable_agencies(caller, services.settings)
    return scope is None or (row.agencies is not None and set(row.agencies) <= scope)


def _agencies(caller: Caller, services: Services, wanted: list[str] | None) -> list[str] | None:
    scope = readable_agencies(caller, services.settings)
    if wanted is None:
        return None if scope is None else sorted(scope)
    outside = sorted(set(wanted) - scope) if scope is not None else []
    if outside:
        raise Forbidden(f"agencies outside your scope: {', '.join(outside)}")
    with services.sessions() as session:
        known = set(session.exec(select(AgencyRecord.id)))
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise InvalidSubscriber(f"unknown agencies: {', '.join(unknown)}")
    return sorted(set(wanted))


def register(
    caller: Caller, services: Services, subscription: WebhookSubscription
) -> SubscriberCreated:
    """Registers a portal; its answer holds the secret, once."""
    require_operator(caller)
    development = services.settings.environment == "development"
    problem = url_problem(subscription.url, development=development)
    if problem is not None:
        raise InvalidSubscriber(f"url: {problem}")
    secret = subscription.secret or new_secret()
    row = WebhookSubscriberRecord(
        name=subscription.name,
        url=subscription.url,
        secret=SecretBox.from_settings(services.settings).seal(secret),
        events=subscription.events,
        agencies=_agencies(caller, services, subscription.agencies),
        created_by=caller.officer.id,
        created_at=datetime.now(UTC),
    )
    with services.sessions() as session:
        removed = session.get(WebhookSubscriberRecord, subscription.name)
        if removed is not None and (removed.active or not _in_reach(caller, services, removed)):
            raise Conflict(f"a subscriber named {subscription.name} exists")
        session.merge(row)  # a removed one of the caller's scope registers anew (a new secret)
        try:
            session.commit()
        except IntegrityError:
            raise Conflict(f"a subscriber named {subscription.name} exists") from None
    return SubscriberCreated(**_view(row).model_dump(), secret=secret)


def subscribers(caller: Caller, services: Services) -> list[Subscriber]:
    require_operator(caller)
    with services.sessions() as session:
        rows = session.exec(
            select(WebhookSubscriberRecord).order_by(col(WebhookSubscriberRecord.name))
        )
        return [_view(row) for row in rows if _in_reach(caller, services, row)]


def _reached(caller: Caller, services: Services, name: str) -> WebhookSubscriberRecord:
    require_operator(caller)
    with services.sessions() as session:
        row = session.get(WebhookSubscriberRecord, name)
    if row is None or not _in_reach(caller, services, row):
        raise NotFound(f"no webhook subscriber '{name}'")
    return row


def subscriber(caller: Caller, services: Services, name: str) -> Subscriber:
    return _view(_reached(caller, services, name))


def remove(caller: Caller, services: Services, name: str) -> Subscriber:
    """Stops posting to a subscriber: its pending deliveries end there (they stay on record)."""
    row = _reached(caller, services, name)
    d = WebhookDeliveryRecord
    with services.sessions() as session:
        session.execute(
            update(WebhookSubscriberRecord)
            .where(col(WebhookSubscriberRecord.name) == name)
            .values(active=False)
        )
        session.execute(
            update(d)
            .where(col(d.subscriber) == name, col(d.next_attempt_at).is_not(None))
            .values(next_attempt_at=None, abandoned_at=datetime.now(UTC))
        )
        session.commit()
    return _view(row).model_copy(update={"active": False})


def replay(caller: Caller, services: Services, name: str, period: ReplayRequest) -> Replay:
    """Queues again every event the subscriber was sent (or was to be sent) for dossiers'
    changes in the period, with their webhook-ids: a receiver that has one already may skip it."""
    _reached(caller, services, name)
    since, until = period.since, period.until
    if since.tzinfo is None or until.tzinfo is None:
        raise InvalidPeriod("give the period's times with their zone (e.g. +07:00 or Z)")
    if not since < until <= since + MAX_REPLAY:
        raise InvalidPeriod(f"from {since} to {until}: a period forwards, of at most a year")
    d = WebhookDeliveryRecord.__table__  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    copied = ["message_id", "subscriber", "dossier_code", "event_type", "body", "occurred_at"]
    at = literal(now, type_=d.c.created_at.type)
    originals = (
        select_columns(
            *(d.c[column] for column in copied),
            at.label("created_at"),
            at.label("next_attempt_at"),
            literal(0).label("attempts"),
            true().label("replay"),
        )
        .where(d.c.subscriber == name, d.c.replay.is_(False))
        .where(d.c.occurred_at >= since, d.c.occurred_at < until)
        .order_by(d.c.id)
    )
    columns = [*copied, "created_at", "next_attempt_at", "attempts", "replay"]
    with services.sessions() as session:
        queued = session.execute(insert(d).from_select(columns, originals).returning(d.c.id))
        count = len(queued.all())
        session.commit()
    return Replay(subscriber=name, replayed=count)


def failing(caller: Caller, services: Services, name: str | None = None) -> list[FailingDelivery]:
    """The deliveries of the caller's subscribers whose last attempt failed (and that no replay
    delivered since), oldest first."""
    reach = {row.name for row in subscribers(caller, services) if row.active}
    if name is not None:
        reach &= {name}
    d = WebhookDeliveryRecord
    sent = aliased(WebhookDeliveryRecord)
    replayed = (
        exists()
        .where(col(sent.subscriber) == col(d.subscriber), col(sent.message_id) == col(d.message_id))
        .where(col(sent.delivered_at).is_not(None))
    )
    query = (
        select(d)
        .where(col(d.subscriber).in_(reach), col(d.delivered_at).is_(None), col(d.attempts) > 0)
        .where(~replayed)  # a replay delivered it since
        .order_by(col(d.id))
        .limit(FAILING_SHOWN)
    )
    with services.sessions() as session:
        rows = session.exec(query)
        return [
            FailingDelivery(
                id=row.id,
                subscriber=row.subscriber,
                dossier=row.dossier_code,
                event=row.event_type,
                message_id=row.message_id,
                occurred_at=row.occurred_at,
                attempts=row.attempts,
                last_status=row.last_status,
                last_error=row.last_error,
                next_attempt_at=row.next_attempt_at,
                abandoned_at=row.abandoned_at,
            )
            for row in rows
        ]
