"""What operators alone see: the dossiers whose workflow task keeps failing, and the
verification of dossiers' tamper-evident records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import CallerDep, ClientDep, ServicesDep
from api.responses import PROBLEMS
from operations.stuck import StuckDossier, stuck_dossiers
from operations.verification import (
    CatalogueVerification,
    Verification,
    verify,
    verify_publications,
)

router = APIRouter(prefix="/api/v1", tags=["operators"])


@router.get("/stuck", response_model=list[StuckDossier], responses=PROBLEMS(401, 429, 403, 422))
async def get_stuck(
    caller: CallerDep, client: ClientDep, services: ServicesDep
) -> list[StuckDossier]:
    """The running dossiers of the caller's scope whose workflow task keeps failing, each with
    its cause and the reset that would mend it (`hoso unstick`, on the machine)."""
    return await stuck_dossiers(client, caller, services)


@router.get(
    "/verification", response_model=list[Verification], responses=PROBLEMS(401, 429, 403, 404)
)
async def get_verification(
    caller: CallerDep,
    client: ClientDep,
    services: ServicesDep,
    code: Annotated[
        str | None,
        Query(pattern=r"^[a-z0-9-]{1,40}-[0-9]{6}-[0-9]{4}$", description="one dossier; else all"),
    ] = None,
) -> list[Verification]:
    """Dossiers' records recomputed from their histories and compared with the database, the
    document store and the seals: one dossier (`code`), or every one of the caller's scope."""
    return await verify(client, caller, services, code)


@router.get(
    "/verification/catalogue",
    response_model=CatalogueVerification,
    responses=PROBLEMS(401, 403),
)
def get_catalogue_verification(caller: CallerDep, services: ServicesDep) -> CatalogueVerification:
    """The catalogue of the caller's scope (procedure versions and officers) checked against its
    signed publication record: a row changed, planted or deleted in the database is named.
    Operators, and an agency's administrator for its own catalogue."""
    return verify_publications(caller, services)
