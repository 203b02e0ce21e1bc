"""Searching dossiers (`hoso list`): its filters over the projection's dossier rows, within the
caller's reach, soonest due first (then by code) across pages, with a keyset cursor; dossiers
without a due date come last.

The reach is the reads' (operations/access.py): an operator of a province-wide service centre
searches every agency; an operator of one agency and an officer search their agency's dossiers
and those at a consultation addressed to their agency now. A filter outside that reach (another
agency) matches nothing, as a code outside it answers 404.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, Table, and_, func, literal, or_, select
from temporalio.client import Client

from config import Settings
from models.calendar import VIETNAM, close_of_day
from models.dossier import CLOSED_STATUSES, DossierStatus
from models.officer import OfficerId
from models.procedure import ConsultationStage, Identifier, ProcedureCode
from models.projection import COUNCIL, NEVER_DUE
from models.tables import DossierRecord, WaitingRecord
from operations.access import Caller, readable_agencies
from operations.paging import keyset_after, keyset_cursor
from operations.worklist import first_due_not_past
from support.catalogue import list_procedures
from support.dossier_queries import checked_day, checked_filter
from support.ended_dossiers import ended_dossiers
from support.intake import Sessions

CLOSED_VALUES = frozenset(status.value for status in CLOSED_STATUSES)
DOSSIERS: Table = DossierRecord.__table__  # type: ignore[attr-defined]
WAITING: Table = WaitingRecord.__table__  # type: ignore[attr-defined]
DUE = func.coalesce(DOSSIERS.c.due_date, literal(NEVER_DUE))  # no due date yet: last


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


def reach(sessions: Sessions, settings: Settings, caller: Caller) -> Any | None:
    """The condition of the dossiers the caller may find; None: every dossier."""
    agencies = readable_agencies(caller, settings)
    if agencies is None:
        return None
    branches: list[Any] = [DOSSIERS.c.agency.in_(sorted(agencies))]
    for code, stage in consultations_addressed_to(sessions, caller.officer.agency):
        branches.append(and_(DOSSIERS.c.procedure_code == code, DOSSIERS.c.stage == stage))
    return or_(*branches)


def _equal(wanted: DossierFilter) -> list[Any]:
    """The filters on a column's value, each value checked (FilterError names the option)."""
    found: list[Any] = []
    for column, value, kind, option in (
        (DOSSIERS.c.status, wanted.status, DossierStatus, "--status"),
        (DOSSIERS.c.procedure_code, wanted.procedure, ProcedureCode, "--procedure"),
        (DOSSIERS.c.agency, wanted.agency, Identifier, "--agency"),
        (DOSSIERS.c.unit, wanted.unit, Identifier, "--unit"),
        (DOSSIERS.c.stage, wanted.stage, Identifier, "--stage"),
        (DOSSIERS.c.role, wanted.role, Identifier, "--role"),
    ):
        if value:
            found.append(column == checked_filter(value, kind, option))
    if wanted.voter:
        voter = checked_filter(wanted.voter, OfficerId, "--voter")
        councils = select(WAITING.c.dossier_code).where(
            WAITING.c.kind == COUNCIL, WAITING.c.party == voter
        )
        found.append(DOSSIERS.c.code.in_(councils))
    return found


def _times(wanted: DossierFilter, now: datetime) -> list[Any]:
    """The filters on due and receipt dates; a filter on lateness keeps to open dossiers."""
    found: list[Any] = []
    due_before = checked_day(wanted.due_before, "--due-before")
    received_from = checked_day(wanted.received_from, "--received-from")
    received_to = checked_day(wanted.received_to, "--received-to")
    if wanted.overdue:  # flagged at the close of its due date; the clock catches a lagging flag
        found.append(or_(DOSSIERS.c.overdue, DOSSIERS.c.due_date < first_due_not_past(now)))
    if wanted.at_risk:
        found.append(DOSSIERS.c.at_risk)
    if due_before is not None:
        found.append(DOSSIERS.c.due_date < due_before)
    if received_from is not None:
        start = datetime.combine(received_from, time(0, 0), VIETNAM)
        found.append(DOSSIERS.c.received_at >= start.astimezone(UTC))
    if received_to is not None:
        end = datetime.combine(received_to + timedelta(days=1), time(0, 0), VIETNAM)
        found.append(DOSSIERS.c.received_at < end.astimezone(UTC))
    if wanted.overdue or wanted.at_risk or due_before is not None:
        found.append(DOSSIERS.c.status.not_in(sorted(s.value for s in CLOSED_STATUSES)))
    return found


def search_conditions(
    sessions: Sessions, settings: Settings, caller: Caller, wanted: DossierFilter, now: datetime
) -> list[Any]:
    """The filters within the caller's reach (FilterError on a malformed filter)."""
    found = _equal(wanted) + _times(wanted, now)
    scope = reach(sessions, settings, caller)
    return found if scope is None else [*found, scope]


def _summary(row: Any) -> DossierSummary:
    return DossierSummary(
        code=row.code,
        status=row.status,
        procedure=row.procedure_code,
        agency=row.agency,
        stage=row.stage,
        unit=row.unit,
        due_at=close_of_day(row.due_date) if row.due_date else None,
        stage_due_at=_utc(row.stage_due_at),
        overdue=bool(row.overdue),
        at_risk=bool(row.at_risk),
        started_at=_utc(row.submitted_at),
    )


def _utc(moment: Any) -> Any:
    """SQLite gives back naive datetimes: they were written in UTC."""
    if isinstance(moment, datetime) and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _page_query(conditions: list[Any], after: tuple[date, str] | None, size: int) -> Select[Any]:
    query = select(DOSSIERS, DUE.label("sort_due")).where(*conditions)
    if after is not None:
        due, code = after
        query = query.where(due <= DUE, or_(due < DUE, DOSSIERS.c.code > code))
    return query.order_by(DUE, DOSSIERS.c.code).limit(size)


def search(
    sessions: Sessions,
    settings: Settings,
    caller: Caller,
    wanted: DossierFilter,
    *,
    cursor: str | None = None,
    size: int = 50,
    now: datetime | None = None,
) -> DossierPage:
    """One page of the dossiers the filters match within the caller's reach."""
    after = keyset_after(cursor)
    conditions = search_conditions(sessions, settings, caller, wanted, now or datetime.now(UTC))
    with sessions() as session:
        rows = session.connection().execute(_page_query(conditions, after, size + 1)).all()
    more, rows = len(rows) > size, rows[:size]
    last = rows[-1] if rows else None
    return DossierPage(
        items=[_summary(row) for row in rows],
        next_cursor=keyset_cursor(last.sort_due, last.code) if more and last else None,
    )


def count(
    sessions: Sessions, settings: Settings, caller: Caller, wanted: DossierFilter
) -> DossierCount:
    """How many dossiers the filters match within the caller's reach."""
    conditions = search_conditions(sessions, settings, caller, wanted, datetime.now(UTC))
    query = select(func.count()).select_from(DOSSIERS).where(*conditions)
    with sessions() as session:
        return DossierCount(count=int(session.connection().execute(query).scalar_one()))


async def with_ends(client: Client, settings: Settings, page: DossierPage) -> DossierPage:
    """The page with `ended` set on each open dossier whose latest run Temporal ended (the
    projection still shows it where it stood): one visibility query for the page's codes."""
    codes = [item.code for item in page.items if item.status not in CLOSED_VALUES]
    if not codes:
        return page
    ended = {d.code: d.ended for d in await ended_dossiers(client, settings.task_queue, codes)}
    items = [item.model_copy(update={"ended": ended.get(item.code)}) for item in page.items]
    return page.model_copy(update={"items": items})
