"""Publishing the catalogue: procedure versions and officer rosters, by an agency's
administrator, each signed by them (operations/publishing.py)."""

from __future__ import annotations

from fastapi import APIRouter

from api.dependencies import CallerDep, ServicesDep
from api.responses import PROBLEMS
from operations import publishing
from operations.publishing import CataloguePublication, PublicationResult

router = APIRouter(prefix="/api/v1/publications", tags=["catalogue"])


@router.post(
    "", status_code=201, response_model=PublicationResult, responses=PROBLEMS(401, 403, 413, 422)
)
async def publish(
    request: CataloguePublication, caller: CallerDep, services: ServicesDep
) -> PublicationResult:
    """Publishes rosters, then procedures, all or none: only an administrator of each agency
    named, each roster and procedure signed by them over its content. A procedure whose content
    is unchanged keeps its version (`changed: false`)."""
    return await publishing.publish(caller, services, request)
