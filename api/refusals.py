"""Refused actions, for operators: what the dossiers of their scope refused, and bursts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import CallerDep, ServicesDep
from api.responses import PROBLEMS
from operations import refusals
from operations.refusals import Refusals

router = APIRouter(prefix="/api/v1", tags=["operators"])


@router.get("/refusals", response_model=Refusals, responses=PROBLEMS(401, 429, 403, 422))
async def get_refusals(
    caller: CallerDep,
    services: ServicesDep,
    hours: Annotated[int, Query(ge=1, le=24 * 90, description="the last N hours")] = 24,
    officer: Annotated[str | None, Query(max_length=64, description="only this officer")] = None,
    dossier: Annotated[
        str | None, Query(max_length=64, description="only this dossier code")
    ] = None,
) -> Refusals:
    """The actions the dossiers of the caller's scope refused (forged, stale, replayed, not
    allowed now): officer, dossier, update, reason and time, newest first; and per officer, how
    many and whether they came in a burst."""
    return refusals.refusals(caller, services, hours=hours, officer=officer, dossier=dossier)
