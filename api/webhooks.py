"""Portals' webhooks, for operators: subscribers registered (the secret shown once), listed,
removed; a subscriber's deliveries replayed over a period; the failing deliveries listed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.dependencies import CallerDep, ServicesDep
from api.responses import PROBLEMS
from models.webhooks import WebhookSubscription
from operations import webhooks
from operations.webhooks import (
    FailingDelivery,
    Replay,
    ReplayRequest,
    Subscriber,
    SubscriberCreated,
)

router = APIRouter(prefix="/api/v1", tags=["webhooks"])
Name = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$", description="subscriber")]


@router.post(
    "/webhooks",
    status_code=201,
    response_model=SubscriberCreated,
    responses=PROBLEMS(401, 403, 409, 415, 422),
)
async def register_subscriber(
    subscription: WebhookSubscription, caller: CallerDep, services: ServicesDep
) -> SubscriberCreated:
    """Registers a portal to receive dossiers' events, signed with its secret (Standard
    Webhooks). The answer holds the secret, this once."""
    return webhooks.register(caller, services, subscription)


@router.get("/webhooks", response_model=list[Subscriber], responses=PROBLEMS(401, 403))
async def list_subscribers(caller: CallerDep, services: ServicesDep) -> list[Subscriber]:
    """The subscribers of the caller's scope (never their secrets)."""
    return webhooks.subscribers(caller, services)


@router.get("/webhooks/{name}", response_model=Subscriber, responses=PROBLEMS(401, 403, 404, 422))
async def get_subscriber(name: Name, caller: CallerDep, services: ServicesDep) -> Subscriber:
    return webhooks.subscriber(caller, services, name)


@router.delete(
    "/webhooks/{name}", response_model=Subscriber, responses=PROBLEMS(401, 403, 404, 422)
)
async def remove_subscriber(name: Name, caller: CallerDep, services: ServicesDep) -> Subscriber:
    """Stops posting to the subscriber; its deliveries stay on record."""
    return webhooks.remove(caller, services, name)


@router.post(
    "/webhooks/{name}/replays",
    response_model=Replay,
    responses=PROBLEMS(401, 403, 404, 415, 422),
)
async def replay_deliveries(
    name: Name, period: ReplayRequest, caller: CallerDep, services: ServicesDep
) -> Replay:
    """Sends the subscriber again every event of dossiers' changes in the period, in order,
    with their original webhook-ids."""
    return webhooks.replay(caller, services, name, period)


@router.get(
    "/webhook-deliveries", response_model=list[FailingDelivery], responses=PROBLEMS(401, 403, 422)
)
async def failing_deliveries(
    caller: CallerDep,
    services: ServicesDep,
    subscriber: Annotated[str | None, Query(max_length=64, description="only this one's")] = None,
) -> list[FailingDelivery]:
    """The deliveries whose last attempt failed (being retried, or given up), oldest first."""
    return webhooks.failing(caller, services, subscriber)
