"""An operator mends a dossier whose activity keeps failing, once the cause is fixed: their
retry, signed on their own machine, is recorded in the dossier's history, then its failing
activities run again now. Operators only (of the dossier's scope: another's answers 404)."""

from __future__ import annotations

from pydantic import BaseModel, Field
from temporalio.client import Client

from models.actions import RetryRequest
from models.officer import OPERATOR_ROLE
from operations import actions
from operations.access import Caller
from operations.dossiers import DossierView
from operations.errors import Forbidden
from operations.services import Services
from support.dossier_retry import rerun_failing


class RetryOutcome(BaseModel):
    dossier: DossierView
    rerun: list[str] = Field(description="each activity run again, with its attempt and error")


def require_operator(caller: Caller) -> None:
    if caller.officer.role != OPERATOR_ROLE:
        raise Forbidden(f"only an operator may do this; {caller.officer.id} is not one")


async def retry(
    client: Client, caller: Caller, services: Services, code: str, request: RetryRequest
) -> RetryOutcome:
    """Records the operator's signed retry, then re-runs the dossier's failing activities."""
    require_operator(caller)
    view = await actions.perform(client, caller, services, code, request)
    namespace = services.settings.temporal_namespace
    rerun = await rerun_failing(client, namespace, code, caller.officer.id)
    return RetryOutcome(dossier=view, rerun=rerun)
