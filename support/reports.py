"""Reports over the projection: dossier counts per agency, unit or procedure over a period, and
the Decision 766/QĐ-TTg indicators hoso's data supports (2.1, 2.2, 3.3, 4.1, 4.2, 5.4).

One aggregate query (COUNT/SUM over CASE, GROUP BY) answers every figure; the average resolution
time is exact in working days: the query joins each dossier's receipt and closing days to a
temporary table of working-day ordinals built from the calendar (support/report_calendar.py), so
holidays and swapped weekends count as the law counts them, with no loop over rows in Python.

Definitions (a period is `start`..`end`, whole days in Vietnam time):
- received: received in the period, by reception channel (online / counter / post);
- handled: received before the period's end and not closed before its start (carried over + new);
- finished: closed in the period, except withdrawn and cancelled dossiers; on time when closed by
  its (possibly once re-set) due date — the suspension for a supplement already moved it;
- in progress: open at the period's end; late when its due date had passed by then (or by now);
- 2.1 on-time rate: (finished on time + in progress on time) / (finished + in progress);
- 2.2 average resolution time: working days from the receipt day to the closing day, less the
  working days the dossier waited for the applicant, over finished dossiers;
- 3.3 online share: received online / received (full marks at 50%);
- fees: dossiers whose fee was paid in the period (online or at the counter) and the đồng
  collected; 3.6 online payment share: paid online / paid;
- 4.1 electronic results: finished with delivery online / finished;
- 4.2 digitised: finished dossiers whose components are held as files (the applicant's documents
  in the document register) and whose result is an electronic document (the result or refusal
  form hoso issued) / finished;
- 5.4 satisfaction proxy: 100% − (% late among finished + in progress) − (% with complaints:
  complaints are not recorded by hoso yet, counted as 0: the report's notes say so).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, and_, case, false, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from models.calendar import OFFICE_CLOSE, VIETNAM, WorkingCalendar
from models.tables import DocumentRecord, DossierRecord
from support.report_calendar import (
    drop_working_days,
    fill_working_days,
    local_date,
    receipt_date,
    receipt_ordinal,
    working_day,
)

ONLINE_FULL_MARKS = 50.0
COMPLAINTS_NOTE = (
    "5.4 counts only the late share: complaints and petitions (khiếu nại, phản ánh, kiến nghị)"
    " are not recorded by hoso, so their share is taken as 0 and 5.4 is an upper bound"
)
RESULT_FORMS = ("result", "refusal")  # the electronic result of a finished dossier
COUNTS = (
    "received",
    "received_online",
    "received_counter",
    "received_post",
    "carried_over",
    "handled",
    "finished",
    "finished_on_time",
    "finished_late",
    "in_progress",
    "in_progress_on_time",
    "in_progress_late",
    "supplement_requested",
    "refused",
    "withdrawn",
    "cancelled",
    "electronic_results",
    "digitised",
    "timed",
    "working_days",
    "fees_paid",
    "fees_paid_online",
    "fees_collected",
)


class GroupBy(StrEnum):
    agency = "agency"
    unit = "unit"
    procedure = "procedure"


class Indicators(BaseModel):
    """Decision 766 indicators in percent (None where nothing was there to measure)."""

    on_time_rate: float | None = Field(description="2.1")
    average_resolution_days: float | None = Field(description="2.2, working days")
    online_share: float | None = Field(description="3.3, full marks at 50%")
    online_payment_share: float | None = Field(
        default=None, description="3.6: fee-paying dossiers paid online"
    )
    electronic_result_share: float | None = Field(description="4.1")
    digitised_share: float | None = Field(description="4.2: components and result digitised")
    satisfaction_proxy: float | None = Field(description="5.4: 100 − % late − % complaints")


class GroupFigures(BaseModel):
    """One row of the report: a group's counts and indicators."""

    group: str
    received: int = 0
    received_online: int = 0
    received_counter: int = 0
    received_post: int = 0
    carried_over: int = 0
    handled: int = 0
    finished: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    in_progress: int = 0
    in_progress_on_time: int = 0
    in_progress_late: int = 0
    supplement_requested: int = Field(default=0, description="dossiers asked to supplement")
    refused: int = Field(default=0, description="refused at reception or rejected at decision")
    withdrawn: int = 0
    cancelled: int = 0
    electronic_results: int = 0
    digitised: int = Field(default=0, description="finished with components and result as files")
    timed: int = Field(default=0, description="finished dossiers with a resolution time")
    working_days: int = Field(default=0, description="sum of their resolution times")
    fees_paid: int = Field(default=0, description="dossiers whose fee was paid in the period")
    fees_paid_online: int = Field(default=0, description="of them, paid online")
    fees_collected: int = Field(default=0, description="đồng paid in the period")

    @property
    def indicators(self) -> Indicators:
        judged = self.finished + self.in_progress
        late = self.finished_late + self.in_progress_late
        return Indicators(
            on_time_rate=_percent(self.finished_on_time + self.in_progress_on_time, judged),
            average_resolution_days=(
                round(self.working_days / self.timed, 1) if self.timed else None
            ),
            online_share=_percent(self.received_online, self.received),
            online_payment_share=_percent(self.fees_paid_online, self.fees_paid),
            electronic_result_share=_percent(self.electronic_results, self.finished),
            digitised_share=_percent(self.digitised, self.finished),
            satisfaction_proxy=(
                round(100.0 - 100.0 * late / judged, 1) if judged else None
            ),  # + % complaints, 0 until complaints are recorded
        )

    def plus(self, other: GroupFigures, group: str) -> GroupFigures:
        sums = {name: getattr(self, name) + getattr(other, name) for name in COUNTS}
        return GroupFigures(group=group, **sums)


class Report(BaseModel):
    start: date
    end: date
    agency: str | None
    by: GroupBy
    as_of: datetime = Field(description="open dossiers are judged late or not at this moment")
    groups: list[GroupFigures]
    total: GroupFigures
    notes: list[str] = Field(default_factory=lambda: [COMPLAINTS_NOTE])

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: every group with its counts and its indicators."""
        data = self.model_dump(mode="json", exclude={"groups", "total"})
        data["groups"] = [_group_dict(g) for g in self.groups]
        data["total"] = _group_dict(self.total)
        return data


def _group_dict(figures: GroupFigures) -> dict[str, Any]:
    return figures.model_dump(mode="json") | {"indicators": figures.indicators.model_dump()}


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def day_start(day: date) -> datetime:
    """Midnight of a Vietnam day, in UTC."""
    return datetime.combine(day, time(0), VIETNAM).astimezone(UTC)


def last_passed_due_date(as_of: datetime) -> date:
    """The latest due date already passed at `as_of` (a due day ends when the office closes)."""
    local = as_of.astimezone(VIETNAM)
    return local.date() if local.time() > OFFICE_CLOSE else local.date() - timedelta(days=1)


def _group_key(by: GroupBy) -> ColumnElement[Any]:
    d = DossierRecord.__table__.c  # type: ignore[attr-defined]
    if by is GroupBy.agency:
        return d.agency  # type: ignore[no-any-return]
    if by is GroupBy.procedure:
        return d.procedure_code  # type: ignore[no-any-return]
    # The unit now holding the dossier: a finished one is held by none and groups under '-'.
    return func.coalesce(d.unit, "-")


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


EARLIEST_REPORT_DAY = date(2000, 1, 1)
MAX_REPORT_YEARS = 10


def period_problem(start: date, end: date, today: date) -> str | None:
    """Why a report cannot cover `start`..`end`, or None: a period runs forwards, from 2000 at
    the earliest to the end of next year at the latest, over ten years at most (each year's
    calendar is resolved and counted day by day)."""
    if end < start:
        return f"the period ends ({end}) before it starts ({start})"
    if start < EARLIEST_REPORT_DAY:
        return (
            f"the period starts on {start}, before {EARLIEST_REPORT_DAY}: hoso has no dossiers then"
        )
    latest = date(today.year + 1, 12, 31)
    if end > latest:
        return f"the period ends on {end}, after {latest}: reports cover the past and the present"
    if end.year - start.year >= MAX_REPORT_YEARS:
        return f"the period spans more than {MAX_REPORT_YEARS} years: report it in parts"
    return None


def compute_report(
    connection: Connection,
    calendar: WorkingCalendar,
    start: date,
    end: date,
    *,
    agency: str | None = None,
    by: GroupBy = GroupBy.agency,
    now: datetime | None = None,
) -> Report:
    """The report for the days `start`..`end` (inclusive), one aggregate query."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    now = now or datetime.now(UTC)
    start_at, end_at = day_start(start), day_start(end + timedelta(days=1))
    as_of = min(now, end_at)
    cutoff = last_passed_due_date(as_of)

    d = DossierRecord.__table__.c  # type: ignore[attr-defined]
    scope = and_(d.submitted_at < end_at, or_(d.closed_at.is_(None), d.closed_at >= start_at))
    if agency:
        scope = and_(scope, d.agency == agency)
    earliest = connection.execute(select(func.min(d.submitted_at)).where(scope)).scalar()
    first = (_as_datetime(earliest) if earliest else start_at).astimezone(VIETNAM).date()
    first -= timedelta(days=2)
    fill_working_days(connection, calendar, first, end + timedelta(days=2))
    try:
        rows = connection.execute(_query(by, scope, start_at, end_at, cutoff)).mappings().all()
    finally:
        drop_working_days(connection)

    groups = [
        GroupFigures(group=str(row["group"]), **{n: int(row[n] or 0) for n in COUNTS})
        for row in rows
    ]
    total = GroupFigures(group="total")
    for figures in groups:
        total = total.plus(figures, "total")
    return Report(
        start=start, end=end, agency=agency, by=by, as_of=as_of, groups=groups, total=total
    )


def _as_datetime(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _digitised(code: ColumnElement[str]) -> ColumnElement[bool]:
    """The dossier's components are files in the document register, and so is its result."""
    documents = DocumentRecord.__table__.c  # type: ignore[attr-defined]
    of_dossier = select(documents.dossier_code).where(documents.dossier_code == code)
    return and_(
        of_dossier.where(documents.source == "applicant").exists(),
        of_dossier.where(documents.source == "form", documents.kind.in_(RESULT_FORMS)).exists(),
    )


def _query(
    by: GroupBy,
    scope: ColumnElement[bool],
    start_at: datetime,
    end_at: datetime,
    cutoff: date,
) -> Any:
    table = DossierRecord.__table__  # type: ignore[attr-defined]
    d = table.c
    received_day = working_day.alias("received_day")
    closed_day = working_day.alias("closed_day")
    receipt_at = func.coalesce(d.received_at, d.submitted_at)

    received = and_(receipt_at >= start_at, receipt_at < end_at)
    handled = receipt_at < end_at
    closed_in = and_(d.closed_at >= start_at, d.closed_at < end_at)
    finished = and_(closed_in, d.status.not_in(("withdrawn", "cancelled")))
    late_finish = d.on_time == false()
    in_progress = and_(handled, or_(d.closed_at.is_(None), d.closed_at >= end_at))
    late_open = and_(d.due_date.is_not(None), d.due_date <= cutoff)
    elapsed = closed_day.c.ordinal - receipt_ordinal(received_day) - d.suspended_days
    timed = and_(finished, closed_day.c.ordinal.is_not(None), received_day.c.ordinal.is_not(None))
    key = _group_key(by).label("group")
    paid = and_(d.fee_paid_at >= start_at, d.fee_paid_at < end_at)

    joined = table.outerjoin(
        received_day, received_day.c.day == receipt_date(receipt_at)
    ).outerjoin(closed_day, closed_day.c.day == local_date(d.closed_at))
    return (
        select(
            key,
            _count(received).label("received"),
            _count(and_(received, d.received_via == "online")).label("received_online"),
            _count(and_(received, d.received_via == "counter")).label("received_counter"),
            _count(and_(received, d.received_via == "post")).label("received_post"),
            _count(receipt_at < start_at).label("carried_over"),
            _count(handled).label("handled"),
            _count(finished).label("finished"),
            _count(and_(finished, or_(d.on_time.is_(None), d.on_time))).label("finished_on_time"),
            _count(and_(finished, late_finish)).label("finished_late"),
            _count(in_progress).label("in_progress"),
            _count(and_(in_progress, ~late_open)).label("in_progress_on_time"),
            _count(and_(in_progress, late_open)).label("in_progress_late"),
            _count(and_(handled, d.supplement_requests > 0)).label("supplement_requested"),
            _count(and_(closed_in, d.outcome.in_(("refused", "rejected")))).label("refused"),
            _count(and_(closed_in, d.status == "withdrawn")).label("withdrawn"),
            _count(and_(closed_in, d.status == "cancelled")).label("cancelled"),
            _count(and_(finished, d.delivery == "online")).label("electronic_results"),
            _count(and_(finished, _digitised(d.code))).label("digitised"),
            _count(timed).label("timed"),
            func.sum(case((and_(timed, elapsed > 0), elapsed), else_=literal(0))).label(
                "working_days"
            ),
            _count(paid).label("fees_paid"),
            _count(and_(paid, d.fee_channel == "online")).label("fees_paid_online"),
            func.sum(case((paid, d.fee_amount), else_=literal(0))).label("fees_collected"),
        )
        .select_from(joined)
        .where(scope)
        .group_by(key)
        .order_by(key)
    )
