"""An officer's worklist: the dossiers waiting for them, soonest due first across pages.

Four kinds of waiting: a stage held by their role in their unit of their agency; a consultation
addressed to their agency that it has not answered yet; a council where they have not voted yet;
a council they chair and have voted in, still sitting (their conclusion, once a quorum voted).
Each is a range of the projection's `dossier_waiting` index (kind, party, due, code): a page reads
at most one page of each, whatever the number of open dossiers, and the cursor is the last row's
(due, code).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import Select, Table, literal, or_, select, union_all

from models.calendar import VIETNAM, close_of_day
from models.dossier import DossierStatus
from models.procedure import ProcedureCode
from models.projection import CHAIR, CONSULTATION, COUNCIL, STAGE, stage_party
from models.tables import DossierRecord, WaitingRecord
from operations.access import Caller
from operations.paging import BadCursor, keyset_after, keyset_cursor
from support.dossier_queries import FilterError, checked_day, checked_filter
from support.intake import Sessions

Waiting = Literal["stage", "consultation", "council", "chair"]
DOSSIERS: Table = DossierRecord.__table__  # type: ignore[attr-defined]
WAITING: Table = WaitingRecord.__table__  # type: ignore[attr-defined]


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
        " of their agency, their council vote, or the conclusion of a council they chair"
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


def first_due_not_past(now: datetime) -> date:
    """The first due date whose office hours have not closed yet at `now`."""
    today = now.astimezone(VIETNAM).date()
    return today + timedelta(days=1) if close_of_day(today) <= now else today


def _conditions(wanted: WorklistFilter, now: datetime) -> list[Any]:
    """The filters as conditions on the dossier row and the waiting row (FilterError when one
    is malformed)."""
    found: list[Any] = []
    if wanted.status:
        found.append(DOSSIERS.c.status == checked_filter(wanted.status, DossierStatus, "status"))
    if wanted.procedure:
        procedure = checked_filter(wanted.procedure, ProcedureCode, "procedure")
        found.append(DOSSIERS.c.procedure_code == procedure)
    if wanted.overdue:  # the workflow flags it at the close of the due date; the clock catches up
        found.append(or_(DOSSIERS.c.overdue, WAITING.c.due < first_due_not_past(now)))
    if wanted.at_risk:
        found.append(DOSSIERS.c.at_risk)
    due_before = checked_day(wanted.due_before, "due_before")
    if due_before is not None:
        found.append(WAITING.c.due < due_before)
    return found


def _branch(kind: str, party: str, conditions: list[Any], after: Any, size: int) -> Select[Any]:
    """One kind of waiting for one party: a range of the index, soonest due first."""
    query = (
        select(WAITING.c.due, WAITING.c.dossier_code, literal(kind).label("waiting"), DOSSIERS)
        .join(DOSSIERS, DOSSIERS.c.code == WAITING.c.dossier_code)
        .where(WAITING.c.kind == kind, WAITING.c.party == party, *conditions)
    )
    if after is not None:
        due, code = after
        query = query.where(
            WAITING.c.due >= due, or_(WAITING.c.due > due, WAITING.c.dossier_code > code)
        )
    return query.order_by(WAITING.c.due, WAITING.c.dossier_code).limit(size)


def worklist_query(
    caller: Caller,
    wanted: WorklistFilter,
    *,
    after: tuple[date, str] | None,
    size: int,
    now: datetime,
) -> Select[Any]:
    """The caller's four kinds of waiting, merged soonest due first: `size` rows at most."""
    officer = caller.officer
    conditions = _conditions(wanted, now)
    parties = (
        (STAGE, stage_party(officer.agency, officer.unit, officer.role)),
        (CONSULTATION, officer.agency),
        (COUNCIL, officer.id),
        (CHAIR, officer.id),
    )
    branches = [select(_branch(k, p, conditions, after, size).subquery()) for k, p in parties]
    merged = union_all(*branches).subquery()
    return select(merged).order_by(merged.c.due, merged.c.dossier_code).limit(size)


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes: they were written in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _item(row: Any) -> WorklistItem:
    return WorklistItem(
        code=row.code,
        waiting=row.waiting,
        status=row.status,
        procedure=row.procedure_code,
        agency=row.agency,
        stage=row.stage,
        unit=row.unit,
        due_at=close_of_day(row.due_date) if row.due_date else None,
        stage_due_at=_utc(row.stage_due_at),
        overdue=bool(row.overdue),
        at_risk=bool(row.at_risk),
    )


def worklist(
    sessions: Sessions,
    caller: Caller,
    wanted: WorklistFilter,
    *,
    cursor: str | None = None,
    size: int = 50,
    now: datetime | None = None,
) -> WorklistPage:
    """One page of the caller's worklist, soonest due first (then by code) across pages."""
    after = keyset_after(cursor)
    moment = now or datetime.now(UTC)
    query = worklist_query(caller, wanted, after=after, size=size + 1, now=moment)
    with sessions() as session:
        rows = session.connection().execute(query).all()
    more, rows = len(rows) > size, rows[:size]
    items: dict[str, WorklistItem] = {}
    for row in rows:  # a dossier waiting for the caller twice (their stage, their vote): once
        items.setdefault(row.code, _item(row))
    last = rows[-1] if rows else None
    next_cursor = keyset_cursor(last.due, last.dossier_code) if more and last else None
    return WorklistPage(items=list(items.values()), next_cursor=next_cursor)


__all__ = ["BadCursor", "FilterError", "WorklistFilter", "WorklistPage", "worklist"]
