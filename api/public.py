"""The applicant's view: a dossier's status by its code and lookup secret, nothing personal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response

from api.dependencies import ClientDep, RateLimitsDep, ServicesDep
from api.forms import PDF_RESPONSE, file_response
from api.responses import PROBLEMS
from operations.dossiers import PublicStatus, public_status
from operations.errors import NotFound
from operations.forms import public_result

router = APIRouter(prefix="/api/v1/public", tags=["public"])


@router.get("/dossiers/{code}", response_model=PublicStatus, responses=PROBLEMS(404, 429))
async def get_public_status(
    request: Request,
    code: Annotated[str, Path(max_length=64)],
    services: ServicesDep,
    client: ClientDep,
    limits: RateLimitsDep,
    secret: Annotated[
        str | None, Query(max_length=100, description="prefer the Hoso-Lookup-Secret header")
    ] = None,
    hoso_lookup_secret: Annotated[str | None, Header(max_length=100)] = None,
) -> PublicStatus:
    """Status, due date and what is missing, for whoever holds the code and its secret. An
    unknown code and a wrong secret answer the same 404. Lookups from one address are limited
    (`HOSO_API_RATE_LOOKUPS`), so codes and secrets cannot be tried at speed."""
    await limits.lookup(request)
    given = hoso_lookup_secret or secret
    if not given:
        raise NotFound("no dossier with this code and secret")
    return await public_status(client, services.sessions, code, given)


@router.get(
    "/dossiers/{code}/result", response_class=Response, responses={**PDF_RESPONSE, **PROBLEMS(429)}
)
async def get_public_result(
    request: Request,
    code: Annotated[str, Path(max_length=64)],
    services: ServicesDep,
    client: ClientDep,
    limits: RateLimitsDep,
    hoso_lookup_secret: Annotated[str | None, Header(max_length=100)] = None,
    secret: Annotated[
        str | None, Query(max_length=100, description="prefer the Hoso-Lookup-Secret header")
    ] = None,
) -> Response:
    """The result (or refusal notice) delivered online, as PDF, for whoever holds the code and
    its secret. Anything else answers the same 404; lookups from one address are limited."""
    await limits.lookup(request)
    given = hoso_lookup_secret or secret
    if not given:
        raise NotFound("no dossier with this code and secret")
    return file_response(await public_result(client, services, code, given))
