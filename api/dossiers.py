"""Dossiers for the officers who may see them: status, timeline, and signed actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from temporalio.client import Client

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
from models.continuation import ActionReceipt
from operations import actions, mending
from operations.access import Caller
from operations.actions import Signed
from operations.dossiers import DossierView, dossier
from operations.services import Services
from operations.timeline import Entry, dossier_timeline

router = APIRouter(prefix="/api/v1/dossiers", tags=["dossiers"])
Code = Annotated[
    str, Path(pattern=r"^[a-z0-9-]{1,40}-[0-9]{6}-[0-9]{4}$", description="dossier code")
]
ACTION_PROBLEMS = PROBLEMS(*SIGNED, 403, 409, 415, 504)
Prefer = Annotated[
    str | None,
    Header(
        description="`return=minimal`: answer with the action's receipt (status, stage, its row"
        " and record entry) rather than the dossier's whole view, which takes one more read"
    ),
]
Answer = DossierView | ActionReceipt


async def _answer(
    prefer: str | None,
    response: Response,
    client: Client,
    caller: Caller,
    services: Services,
    code: str,
    item: Signed,
) -> Answer:
    """`item` sent to the dossier; the answer is its receipt when the caller prefers it (RFC 7240
    `Prefer: return=minimal`), else the dossier's view."""
    if prefer is not None and "return=minimal" in prefer.replace(" ", "").lower():
        response.headers["Preference-Applied"] = "return=minimal"
        return await actions.send(client, caller, services, code, item)
    return await actions.perform(client, caller, services, code, item)


@router.get("/{code}", response_model=DossierView, responses=PROBLEMS(*SIGNED))
async def get_dossier(
    code: Code,
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
    response: Response,
    prefer: Prefer = None,
) -> Answer:
    """Where the dossier is: status, stage, due dates, opinions, actions, documents."""
    return await dossier(client, caller, services.settings, code)


@router.get("/{code}/stage", response_model=actions.DossierStage, responses=PROBLEMS(*SIGNED))
async def get_stage(
    code: Code, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> actions.DossierStage:
    """The stage to sign an action for, as the dossier's record last says (light: no read of the
    dossier's state). An action signed for a stage it has left is answered 409 with the stage."""
    return await actions.stage_now(client, caller, services, code)


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


@router.post("/{code}/actions", response_model=Answer, responses=ACTION_PROBLEMS)
async def act(
    code: Code,
    action: OfficerAction,
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
    response: Response,
    prefer: Prefer = None,
) -> Answer:
    """An officer's action on the dossier's current stage, signed by the officer (its `proof`)."""
    return await _answer(prefer, response, client, caller, services, code, action)


@router.post("/{code}/supplement", response_model=Answer, responses=ACTION_PROBLEMS)
async def supplement(
    code: Code,
    item: Supplement,
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
    response: Response,
    prefer: Prefer = None,
) -> Answer:
    """The applicant's supplement, received and signed by the one-stop officer or portal."""
    return await _answer(prefer, response, client, caller, services, code, item)


@router.post("/{code}/withdraw", response_model=Answer, responses=ACTION_PROBLEMS)
async def withdraw(
    code: Code,
    item: Withdrawal,
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
    response: Response,
    prefer: Prefer = None,
) -> Answer:
    """The applicant withdraws the dossier (received and signed by the one-stop officer)."""
    return await _answer(prefer, response, client, caller, services, code, item)


@router.post("/{code}/cancel", response_model=Answer, responses=ACTION_PROBLEMS)
async def cancel(
    code: Code,
    item: Cancellation,
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
    response: Response,
    prefer: Prefer = None,
) -> Answer:
    """An operator cancels the dossier, with a reason."""
    return await _answer(prefer, response, client, caller, services, code, item)


@router.post("/{code}/deliver", response_model=Answer, responses=ACTION_PROBLEMS)
async def deliver(
    code: Code,
    item: DeliveryConfirmation,
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
    response: Response,
    prefer: Prefer = None,
) -> Answer:
    """The result was delivered by post or collected at the counter."""
    return await _answer(prefer, response, client, caller, services, code, item)


@router.post("/{code}/retry", response_model=mending.RetryOutcome, responses=ACTION_PROBLEMS)
async def retry(
    code: Code, item: RetryRequest, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> mending.RetryOutcome:
    """An operator's retry (signed): recorded, then the dossier's failing activities run again."""
    return await mending.retry(client, caller, services, code, item)
