"""Officers' actions on a dossier, already signed on the officer's own machine.

The API never signs for anyone: it checks who sent the request, that they are the officer who
signed the action, and that they may see the dossier; then it hands the signed action to the
dossier, whose update validator checks the signature, the officer's stage and the rules itself.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel
from sqlmodel import select
from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.exceptions import FailureError
from temporalio.service import RPCError

from models.actions import (
    CalendarChange,
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.continuation import ActionReceipt
from models.dossier import CLOSED_STATUSES, DossierStatus
from models.officer import seat_problem
from models.tables import DossierRecord
from operations.access import Caller, readable_agencies
from operations.dossiers import DossierView, read_state, readable_state
from operations.errors import ActionRefused, Forbidden
from operations.services import Services
from support import update_delivery
from support.catalogue import get_officer
from support.credentials import ActionUnanswered
from support.errors import CatalogueError
from support.intake import Sessions
from workflows.dossier import DossierWorkflow

Signed = (
    OfficerAction
    | Supplement
    | Withdrawal
    | Cancellation
    | DeliveryConfirmation
    | RetryRequest
    | CalendarChange
)
UPDATES: dict[type[BaseModel], Any] = {
    OfficerAction: DossierWorkflow.act,
    Supplement: DossierWorkflow.supplement,
    Withdrawal: DossierWorkflow.withdraw,
    Cancellation: DossierWorkflow.cancel,
    DeliveryConfirmation: DossierWorkflow.confirm_delivery,
    RetryRequest: DossierWorkflow.retry,
    CalendarChange: DossierWorkflow.change_calendar,
}


def refusal_reason(exc: WorkflowUpdateFailedError) -> str:
    """Why the dossier refused an update (its validator's or its rules' words)."""
    cause: BaseException | None = exc.cause
    while isinstance(cause, FailureError) and cause.cause is not None:
        cause = cause.cause
    return cause.message if isinstance(cause, FailureError) else "the dossier refused the action"


class DossierStage(BaseModel):
    """Where a dossier is, as its projection last recorded it: what an officer's client signs an
    action for. It may lag the dossier by a moment; an action signed for a stage the dossier has
    left is answered 409 `stage-moved-on` with the stage it is at now."""

    code: str
    status: DossierStatus
    stage: str | None


def _projected(services: Services, caller: Caller, code: str) -> DossierStage | None:
    """The dossier's projected stage when it is of an agency the caller reads. Its agency is
    fixed at submission, so the projection's row answers as well as its state, without two round
    trips to the dossier (a describe and a query); a consultation's agency, or a dossier not
    projected yet, is left to the state (`readable_state`): None."""
    agencies = readable_agencies(caller, services.settings)
    with services.sessions() as session:
        row = session.exec(
            select(DossierRecord.agency, DossierRecord.status, DossierRecord.stage).where(
                DossierRecord.code == code
            )
        ).first()
    if row is None or (agencies is not None and row[0] not in agencies):
        return None
    return DossierStage(code=code, status=DossierStatus(row[1]), stage=row[2])


async def stage_now(client: Client, caller: Caller, services: Services, code: str) -> DossierStage:
    """The stage to sign an action for (NotFound when the caller may not see the dossier)."""
    projected = _projected(services, caller, code)
    if projected is not None:
        return projected
    state = await readable_state(client, caller, services.settings, code)
    return DossierStage(code=code, status=state.status, stage=state.stage)


def check_council(sessions: Sessions, item: Signed) -> None:
    """A council a `convene` names is of active officers of the registry (the dossier checks who
    may convene and the stage's rules; it cannot read the registry)."""
    council = item.council if isinstance(item, OfficerAction) else None
    if council is None:
        return
    with sessions() as session:
        for member in council.members:
            try:
                record = get_officer(session, member.id)
            except CatalogueError as exc:
                raise CatalogueError(f"council member: {exc}") from None
            if problem := seat_problem(record.id, record.role):
                raise CatalogueError(f"council member: {problem}")


async def perform(
    client: Client, caller: Caller, services: Services, code: str, item: Signed
) -> DossierView:
    """Sends a signed action to the dossier (`send`) and returns where it leaves it: its state,
    read after the action's answer as every read of a dossier is."""
    await send(client, caller, services, code, item)
    return DossierView.of(await read_state(client, code), services.settings)


async def send(
    client: Client, caller: Caller, services: Services, code: str, item: Signed
) -> ActionReceipt:
    """Sends a signed action to the dossier and returns its receipt: the dossier's status and
    stage after it, the action's row and record entry (no read of the state after it).

    NotFound when the caller may not see the dossier; Forbidden when the action was not signed
    by the caller; ActionRefused with the dossier's reason (moved_on when the dossier is no
    longer at the stage the action was signed for, with where it is now)."""
    settings = services.settings
    if _projected(services, caller, code) is None:
        await readable_state(client, caller, settings, code)
    check_council(services.sessions, item)
    proof = item.proof
    if proof is None:
        raise ActionRefused(
            "the action is not signed: sign it with your token on your own machine",
            moved_on=False,
        )
    if proof.certificate.officer != caller.officer:
        raise Forbidden(
            f"the action is signed by {proof.certificate.officer.id}, not by {caller.officer.id}"
            " who sends it"
        )
    handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
    try:
        receipt: ActionReceipt = await asyncio.wait_for(
            update_delivery.execute(handle, UPDATES[type(item)], item),
            settings.action_wait_seconds,
        )
    except WorkflowUpdateFailedError as exc:
        now = await read_state(client, code)
        moved_on = now.status in CLOSED_STATUSES or proof.stage != now.stage
        raise ActionRefused(
            refusal_reason(exc), moved_on=moved_on, stage=now.stage, status=now.status
        ) from None
    except RPCError as exc:  # the dossier's workflow has completed: it takes no action
        if (await read_state(client, code)).status not in CLOSED_STATUSES:
            raise
        raise ActionRefused(f"dossier {code} is closed", moved_on=True) from exc
    except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
        raise ActionUnanswered(
            f"dossier {code} gave no answer to the {UPDATES[type(item)].__name__} within"
            f" {settings.action_wait_seconds:g} s: the workers are down, or a step of it keeps"
            f" failing (its history shows it retrying). It was sent and may still take effect:"
            f" check `hoso status {code}` before sending it again"
        ) from None
    # a dossier started before small answers answers its whole state: read as a receipt
    return ActionReceipt.model_validate(receipt, from_attributes=True)
