"""Liveness and readiness, for load balancers and orchestrators."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from api.dependencies import ServicesDep
from operations.services import Services

router = APIRouter(tags=["health"])
CHECK_SECONDS = 3.0


class Health(BaseModel):
    status: str
    temporal: str | None = None
    database: str | None = None


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process answers (nothing else is checked)."""
    return Health(status="ok")


def _database_answers(services: Services) -> bool:
    try:
        with services.sessions() as session:
            session.execute(text("SELECT 1"))
    except Exception:  # any failure means not ready; the reason is in the database's own logs
        return False
    return True


async def _temporal_answers(services: Services) -> bool:
    try:
        client = await asyncio.wait_for(services.client(), CHECK_SECONDS)
        return await client.service_client.check_health(timeout=timedelta(seconds=CHECK_SECONDS))
    except Exception:  # unreachable, refusing, or too slow: not ready
        return False


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": Health, "description": "Temporal or the database does not answer"}},
)
async def readyz(services: ServicesDep) -> JSONResponse:
    """Temporal and the database answer: this instance can serve requests."""
    database = await asyncio.to_thread(_database_answers, services)
    temporal = await _temporal_answers(services)
    ready = database and temporal
    body = Health(
        status="ready" if ready else "unavailable",
        temporal="ok" if temporal else "unavailable",
        database="ok" if database else "unavailable",
    )
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
