"""What the routers receive: the services of the app, the Temporal client, and the caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client

from api.authentication import verify
from api.problems import UnsupportedMediaType
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


async def caller(request: Request, found: ServicesDep) -> Caller:
    """An officer's signed request; a body (JSON only) is covered by its signed digest."""
    body = await request.body() if request.method in ("POST", "PUT", "PATCH") else b""
    if body and _media_type(request) != "application/json":
        raise UnsupportedMediaType("send the body as application/json")
    return verify(found, request, body=body, streamed=False)


CallerDep = Annotated[Caller, Depends(caller)]


async def submitter(request: Request, found: ServicesDep) -> Caller:
    """A signed submission: multipart, its digest checked while the body streams in."""
    if _media_type(request) != "multipart/form-data":
        raise UnsupportedMediaType("send a submission as multipart/form-data")
    return verify(found, request, body=None, streamed=True)


SubmitterDep = Annotated[Caller, Depends(submitter)]
