"""What the routers receive: the services of the app, the Temporal client, and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client

from api.authentication import verify
from api.problems import UnsupportedMediaType
from api.rate_limits import RateLimits
from operations.access import Caller
from operations.services import Services


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]


async def client(found: ServicesDep) -> Client:
    return await found.client()


ClientDep = Annotated[Client, Depends(client)]


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def rate_limits(request: Request) -> RateLimits:
    found: RateLimits = request.app.state.rate_limits
    return found


RateLimitsDep = Annotated[RateLimits, Depends(rate_limits)]


async def caller(request: Request, found: ServicesDep, limits: RateLimitsDep) -> Caller:
    """An officer's signed request; a body (JSON only) is covered by its signed digest."""
    body = await request.body() if request.method in ("POST", "PUT", "PATCH") else b""
    if body and _media_type(request) != "application/json":
        raise UnsupportedMediaType("send the body as application/json")

    async def check() -> Caller:
        return verify(found, request, body=body, streamed=False)

    return await limits.authenticated(request, check)


CallerDep = Annotated[Caller, Depends(caller)]


async def submitter(request: Request, found: ServicesDep, limits: RateLimitsDep) -> Caller:
    """A signed submission: multipart, its digest checked while the body streams in; within the
    account's rate of submissions."""
    if _media_type(request) != "multipart/form-data":
        raise UnsupportedMediaType("send a submission as multipart/form-data")

    async def check() -> Caller:
        return verify(found, request, body=None, streamed=True)

    found_caller = await limits.authenticated(request, check)
    await limits.submission(found_caller)
    return found_caller


SubmitterDep = Annotated[Caller, Depends(submitter)]
