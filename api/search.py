"""Searching dossiers with `hoso list`'s filters, within the caller's reach, in pages."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.dependencies import CallerDep, ServicesDep
from api.responses import PROBLEMS
from operations import search
from operations.search import DossierCount, DossierFilter, DossierPage

router = APIRouter(prefix="/api/v1/dossiers", tags=["dossiers"])
Value = Annotated[str | None, Query(max_length=64)]


def filters(
    status: Value = None,
    procedure: Value = None,
    agency: Value = None,
    unit: Annotated[
        str | None, Query(max_length=64, description="unit of the current stage")
    ] = None,
    stage: Annotated[str | None, Query(max_length=64, description="current stage id")] = None,
    role: Annotated[
        str | None, Query(max_length=64, description="role the current stage waits for")
    ] = None,
    overdue: Annotated[bool, Query(description="past due and still open")] = False,
    at_risk: Annotated[bool, Query(description="may miss its due date")] = False,
    due_before: Annotated[date | None, Query(description="due before the day, still open")] = None,
    received_from: date | None = None,
    received_to: date | None = None,
    voter: Annotated[
        str | None, Query(max_length=64, description="councils waiting for this member's vote")
    ] = None,
) -> DossierFilter:
    return DossierFilter(
        status=status,
        procedure=procedure,
        agency=agency,
        unit=unit,
        stage=stage,
        role=role,
        overdue=overdue,
        at_risk=at_risk,
        due_before=due_before,
        received_from=received_from,
        received_to=received_to,
        voter=voter,
    )


FilterDep = Annotated[DossierFilter, Depends(filters)]


@router.get("", response_model=DossierPage, responses=PROBLEMS(400, 401, 429, 422))
async def find_dossiers(
    wanted: FilterDep,
    caller: CallerDep,
    services: ServicesDep,
    cursor: Annotated[str | None, Query(max_length=2000, description="from `next_cursor`")] = None,
    size: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> DossierPage:
    """The dossiers the filters match within the caller's reach (an operator's scope; an
    officer's agency and the consultations addressed to it), soonest due first across pages."""
    page = await asyncio.to_thread(
        search.search,
        services.sessions,
        services.settings,
        caller,
        wanted,
        cursor=cursor,
        size=size,
    )
    return await search.with_ends(await services.client(), services.settings, page)


@router.get("/count", response_model=DossierCount, responses=PROBLEMS(400, 401, 429, 422))
async def count_dossiers(
    wanted: FilterDep, caller: CallerDep, services: ServicesDep
) -> DossierCount:
    """How many dossiers the filters match within the caller's reach."""
    return await asyncio.to_thread(
        search.count, services.sessions, services.settings, caller, wanted
    )
