"""What operators alone see: the dossiers whose workflow task keeps failing."""

from __future__ import annotations

from fastapi import APIRouter

from api.dependencies import CallerDep, ClientDep, ServicesDep
from api.responses import PROBLEMS
from operations.stuck import StuckDossier, stuck_dossiers

router = APIRouter(prefix="/api/v1", tags=["operators"])


@router.get("/stuck", response_model=list[StuckDossier], responses=PROBLEMS(401, 403, 422))
async def get_stuck(
    caller: CallerDep, client: ClientDep, services: ServicesDep
) -> list[StuckDossier]:
    """The running dossiers of the caller's scope whose workflow task keeps failing, each with
    its cause and the reset that would mend it (`hoso unstick`, on the machine)."""
    return await stuck_dossiers(client, caller, services)
