"""Searching dossiers (`hoso list`): today's filters over Temporal visibility, within the caller's
reach, in pages with a cursor, soonest due first within a page.

The reach is the reads' (operations/access.py): an operator of a province-wide service centre
searches every agency; an operator of one agency and an officer search their agency's dossiers
and those at a consultation addressed to their agency now. A filter outside that reach (another
agency) matches nothing, as a code outside it answers 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from temporalio.client import Client, WorkflowExecution

from config import Settings
from models.dossier import CLOSED_STATUSES
from operations.access import Caller, readable_agencies
from operations.paging import visibility_page
from operations.worklist import consultations_addressed_to
from support.dossier_queries import build_query
from support.ended_dossiers import ended_of, latest_run
from support.intake import Sessions
from workflows import search_attributes as sa

CLOSED_VALUES = frozenset(status.value for status in CLOSED_STATUSES)


class DossierFilter(BaseModel):
    """The filters of `hoso list`; each value is checked before it enters a query."""

    status: str | None = None
    procedure: str | None = None
    agency: str | None = None
    unit: str | None = Field(default=None, description="unit of the current stage")
    stage: str | None = Field(default=None, description="current stage id")
    role: str | None = Field(default=None, description="role the current stage waits for")
    overdue: bool = False
    at_risk: bool = False
    due_before: date | None = None
    received_from: date | None = None
    received_to: date | None = None
    voter: str | None = Field(default=None, description="councils waiting for this member's vote")


class DossierSummary(BaseModel):
    """A dossier as the search lists it: where it is, nothing personal."""

    code: str
    status: str | None
    procedure: str | None
    agency: str | None
    stage: str | None
    unit: str | None
    due_at: datetime | None
    stage_due_at: datetime | None
    overdue: bool
    at_risk: bool
    started_at: datetime
    ended: str | None = Field(
        default=None,
        description="terminated | failed | timed_out | canceled: Temporal ended its workflow"
        " while the dossier was open (it takes no action; `status` stays where it stood)",
    )


class DossierPage(BaseModel):
    items: list[DossierSummary]
    next_cursor: str | None = Field(description="give it back as `cursor` for the next page")


class DossierCount(BaseModel):
    count: int


def reach(sessions: Sessions, settings: Settings, caller: Caller) -> str | None:
    """The visibility clause of the dossiers the caller may find; None: every dossier."""
    agencies = readable_agencies(caller, settings)
    if agencies is None:
        return None
    branches = [build_query(agency=agency) for agency in sorted(agencies)]
    for code, stage in consultations_addressed_to(sessions, caller.officer.agency):
        branches.append(build_query(procedure=code, stage=stage))
    return " OR ".join(f"({branch})" for branch in branches)


def search_query(
    sessions: Sessions, settings: Settings, caller: Caller, wanted: DossierFilter
) -> str:
    """The filters' query within the caller's reach (FilterError on a malformed filter)."""
    query = build_query(**wanted.model_dump())
    scope = reach(sessions, settings, caller)
    return query if scope is None else f"{query} AND ({scope})"


def _summary(execution: WorkflowExecution) -> DossierSummary:
    attrs = execution.typed_search_attributes
    return DossierSummary(
        code=execution.id,
        status=attrs.get(sa.STATUS),
        procedure=attrs.get(sa.PROCEDURE),
        agency=attrs.get(sa.AGENCY),
        stage=attrs.get(sa.STAGE),
        unit=attrs.get(sa.UNIT),
        due_at=attrs.get(sa.DUE),
        stage_due_at=attrs.get(sa.STAGE_DUE),
        overdue=bool(attrs.get(sa.OVERDUE)),
        at_risk=bool(attrs.get(sa.AT_RISK)),
        started_at=execution.start_time,
        ended=ended_of(execution.status) if attrs.get(sa.STATUS) not in CLOSED_VALUES else None,
    )


async def _latest_told(client: Client, execution: WorkflowExecution) -> DossierSummary:
    """The summary; a run Temporal ended is said to have ended only when it is the dossier's
    latest (a reset leaves its run terminated, and the dossier goes on in the new one)."""
    summary = _summary(execution)
    if summary.ended is not None and await latest_run(client, execution.id) != execution.run_id:
        return summary.model_copy(update={"ended": None})
    return summary


async def search(
    client: Client,
    sessions: Sessions,
    settings: Settings,
    caller: Caller,
    wanted: DossierFilter,
    *,
    cursor: str | None = None,
    size: int = 50,
) -> DossierPage:
    """One page of the dossiers the filters match within the caller's reach."""
    query = search_query(sessions, settings, caller, wanted)
    executions, next_cursor = await visibility_page(client, query, cursor=cursor, size=size)
    never = datetime.max.replace(tzinfo=UTC)
    found = [await _latest_told(client, execution) for execution in executions]
    items = sorted(found, key=lambda i: (i.due_at or never, i.code))
    return DossierPage(items=items, next_cursor=next_cursor)


async def count(
    client: Client, sessions: Sessions, settings: Settings, caller: Caller, wanted: DossierFilter
) -> DossierCount:
    """How many dossiers the filters match within the caller's reach."""
    query = search_query(sessions, settings, caller, wanted)
    return DossierCount(count=(await client.count_workflows(query)).count)
