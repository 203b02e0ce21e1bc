"""The caller's worklist: what waits for them, soonest due first, in pages."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import CallerDep, ServicesDep
from api.responses import PROBLEMS
from operations.worklist import WorklistFilter, WorklistPage, worklist

router = APIRouter(prefix="/api/v1/worklist", tags=["worklist"])


@router.get("", response_model=WorklistPage, responses=PROBLEMS(400, 401, 429, 422))
async def get_worklist(
    caller: CallerDep,
    services: ServicesDep,
    status: Annotated[str | None, Query(max_length=40)] = None,
    procedure: Annotated[str | None, Query(max_length=40)] = None,
    overdue: bool = False,
    at_risk: bool = False,
    due_before: date | None = None,
    cursor: Annotated[str | None, Query(max_length=2000, description="from `next_cursor`")] = None,
    size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> WorklistPage:
    """The dossiers waiting for the caller: at a stage of their role and unit, at a consultation
    addressed to their agency, or at a council waiting for their vote."""
    wanted = WorklistFilter(
        status=status, procedure=procedure, overdue=overdue, at_risk=at_risk, due_before=due_before
    )
    return await asyncio.to_thread(
        worklist, services.sessions, caller, wanted, cursor=cursor, size=size
    )
