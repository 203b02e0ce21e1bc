"""Dossiers for the officers who may see them: status, timeline, and signed actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.dependencies import CallerDep, ClientDep, ServicesDep
from api.responses import PROBLEMS, SIGNED
from models.actions import (
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from operations import actions, mending
from operations.dossiers import DossierView, dossier
from operations.timeline import Entry, dossier_timeline

router = APIRouter(prefix="/api/v1/dossiers", tags=["dossiers"])
Code = Annotated[
    str, Path(pattern=r"^[a-z0-9-]{1,40}-[0-9]{6}-[0-9]{4}$", description="dossier code")
]
ACTION_PROBLEMS = PROBLEMS(*SIGNED, 403, 409, 415, 504)


@router.get("/{code}", response_model=DossierView, responses=PROBLEMS(*SIGNED))
async def get_dossier(
    code: Code, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> DossierView:
    """Where the dossier is: status, stage, due dates, opinions, actions, documents."""
    return await dossier(client, caller, services.settings, code)


@router.get("/{code}/timeline", response_model=list[Entry], responses=PROBLEMS(*SIGNED))
async def get_timeline(
    code: Code,
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
    everything: Annotated[
        bool, Query(alias="all", description="also the projection writes and timers")
    ] = False,
) -> list[Entry]:
    """Every step of the dossier from its history, oldest first."""
    return await dossier_timeline(client, caller, services, code, everything=everything)


@router.post("/{code}/actions", response_model=DossierView, responses=ACTION_PROBLEMS)
async def act(
    code: Code, action: OfficerAction, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> DossierView:
    """An officer's action on the dossier's current stage, signed by the officer (its `proof`)."""
    return await actions.perform(client, caller, services, code, action)


@router.post("/{code}/supplement", response_model=DossierView, responses=ACTION_PROBLEMS)
async def supplement(
    code: Code, item: Supplement, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> DossierView:
    """The applicant's supplement, received and signed by the one-stop officer or portal."""
    return await actions.perform(client, caller, services, code, item)


@router.post("/{code}/withdraw", response_model=DossierView, responses=ACTION_PROBLEMS)
async def withdraw(
    code: Code, item: Withdrawal, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> DossierView:
    """The applicant withdraws the dossier (received and signed by the one-stop officer)."""
    return await actions.perform(client, caller, services, code, item)


@router.post("/{code}/cancel", response_model=DossierView, responses=ACTION_PROBLEMS)
async def cancel(
    code: Code, item: Cancellation, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> DossierView:
    """An operator cancels the dossier, with a reason."""
    return await actions.perform(client, caller, services, code, item)


@router.post("/{code}/deliver", response_model=DossierView, responses=ACTION_PROBLEMS)
async def deliver(
    code: Code,
    item: DeliveryConfirmation,
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
) -> DossierView:
    """The result was delivered by post or collected at the counter."""
    return await actions.perform(client, caller, services, code, item)


@router.post("/{code}/retry", response_model=mending.RetryOutcome, responses=ACTION_PROBLEMS)
async def retry(
    code: Code, item: RetryRequest, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> mending.RetryOutcome:
    """An operator's retry (signed): recorded, then the dossier's failing activities run again."""
    return await mending.retry(client, caller, services, code, item)
