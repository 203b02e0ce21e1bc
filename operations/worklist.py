"""An officer's worklist: the dossiers waiting for them, soonest due first.

Three kinds of waiting: a stage held by their role in their unit of their agency; a consultation
addressed to their agency that it has not answered yet; a council where they have not voted yet.
One visibility query asks Temporal for all three; its pages are the worklist's pages.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from temporalio.client import Client, WorkflowExecution

from models.procedure import ConsultationStage
from operations.access import Caller
from operations.dossiers import read_state
from operations.errors import NotFound
from operations.paging import BadCursor, visibility_page
from support.catalogue import list_procedures
from support.dossier_queries import FilterError, build_query
from support.intake import Sessions
from workflows import search_attributes as sa

Waiting = Literal["stage", "consultation", "council"]


class WorklistFilter(BaseModel):
    status: str | None = None
    procedure: str | None = None
    overdue: bool = False
    at_risk: bool = False
    due_before: date | None = None


class WorklistItem(BaseModel):
    code: str
    waiting: Waiting = Field(
        description="what waits for the caller: their stage, a consultation"
        " of their agency, or their council vote"
    )
    status: str | None
    procedure: str | None
    agency: str | None
    stage: str | None
    unit: str | None
    due_at: datetime | None
    stage_due_at: datetime | None
    overdue: bool
    at_risk: bool


class WorklistPage(BaseModel):
    items: list[WorklistItem]
    next_cursor: str | None = Field(description="give it back as `cursor` for the next page")


def consultations_addressed_to(sessions: Sessions, agency: str) -> list[tuple[str, str]]:
    """(procedure, stage) of every consultation of the catalogue addressed to the agency."""
    with sessions() as session:
        procedures = list_procedures(session)
    return [
        (p.code, stage.id)
        for p in procedures
        for stage in p.chain
        if isinstance(stage, ConsultationStage) and agency in stage.agencies
    ]


def worklist_query(sessions: Sessions, caller: Caller, wanted: WorklistFilter) -> str:
    """The visibility query of the caller's worklist (FilterError on a malformed filter)."""
    officer = caller.officer
    filters = wanted.model_dump(exclude={"procedure"})
    procedure = wanted.procedure
    branches = [
        build_query(
            agency=officer.agency,
            unit=officer.unit,
            role=officer.role,
            procedure=procedure,
            **filters,
        ),
        build_query(voter=officer.id, procedure=procedure, **filters),
    ]
    for code, stage in consultations_addressed_to(sessions, officer.agency):
        if procedure in (None, code):
            branches.append(build_query(procedure=code, stage=stage, **filters))
    waiting = " OR ".join(f"({branch})" for branch in branches)
    return f"ExecutionStatus = 'Running' AND ({waiting})"


def _item(execution: WorkflowExecution, caller: Caller) -> WorklistItem:
    attrs = execution.typed_search_attributes
    officer = caller.officer
    holds = (attrs.get(sa.AGENCY), attrs.get(sa.UNIT), attrs.get(sa.ROLE)) == (
        officer.agency,
        officer.unit,
        officer.role,
    )
    votes = officer.id in (attrs.get(sa.VOTERS) or [])
    waiting: Waiting = "stage" if holds else "council" if votes else "consultation"
    return WorklistItem(
        code=execution.id,
        waiting=waiting,
        status=attrs.get(sa.STATUS),
        procedure=attrs.get(sa.PROCEDURE),
        agency=attrs.get(sa.AGENCY),
        stage=attrs.get(sa.STAGE),
        unit=attrs.get(sa.UNIT),
        due_at=attrs.get(sa.DUE),
        stage_due_at=attrs.get(sa.STAGE_DUE),
        overdue=bool(attrs.get(sa.OVERDUE)),
        at_risk=bool(attrs.get(sa.AT_RISK)),
    )


async def _still_awaited(client: Client, item: WorklistItem, agency: str) -> bool:
    """A consultation waits for the agency until it has answered."""
    if item.waiting != "consultation":
        return True
    try:
        return agency in (await read_state(client, item.code)).awaiting_agencies
    except NotFound:
        return False


async def worklist(
    client: Client,
    sessions: Sessions,
    caller: Caller,
    wanted: WorklistFilter,
    *,
    cursor: str | None = None,
    size: int = 50,
) -> WorklistPage:
    """One page of the caller's worklist, soonest due first within the page."""
    query = worklist_query(sessions, caller, wanted)
    executions, next_cursor = await visibility_page(client, query, cursor=cursor, size=size)
    items = [_item(e, caller) for e in executions]
    kept = await asyncio.gather(*(_still_awaited(client, i, caller.officer.agency) for i in items))
    items = [item for item, keep in zip(items, kept, strict=True) if keep]
    never = datetime.max.replace(tzinfo=UTC)
    items.sort(key=lambda item: (item.due_at or never, item.code))
    return WorklistPage(items=items, next_cursor=next_cursor)


__all__ = ["BadCursor", "FilterError", "WorklistFilter", "WorklistPage", "worklist"]
