"""Deadlines as the law counts them, over weeks and months of the time-skipping server.

Each test gets its own server, finds the next moment on the working calendar that its situation
needs (tests/situations.py: a Friday before the 15:00 cutoff, weeks without a holiday, the days
before Tết), moves the server there and derives the expected dates from the situation. Dates are
Vietnam time (ICT, UTC+7); the holidays are those of the `holidays` package for Vietnam.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.actions import CalendarChange, Supplement
from models.calendar import VIETNAM, Holiday, WorkingCalendar
from models.dossier import DossierStatus
from models.procedure import DeliveryChannel
from models.state import DossierState
from models.tables import NotificationRecord
from tests.situations import FRIDAY, situations, skip_to, weekdays_after
from tests.workflows.harness import (
    act,
    assignee,
    officer_for,
    procedure,
    record_history,
    running_worker,
    send,
    start,
    submission,
)
from tests.workflows.test_lifecycle import rows
from workflows.dossier import DossierWorkflow

pytestmark = [pytest.mark.timeout(120), pytest.mark.situations]
EIA = procedure("eia")
EXTRACT = procedure("extract")
# Enough weeks without a holiday for a 30-day dossier, a supplement and an apology's new date.
PLAIN_WEEKS = 10


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour`:`minute` on `day`, Vietnam time."""
    return datetime.combine(day, time(hour, minute), VIETNAM)


async def state_of(handle: WorkflowHandle) -> DossierState:
    return await handle.query(DossierWorkflow.state)


async def received(
    env: WorkflowEnvironment,
    queue: str,
    sample: str,
    moment: datetime,
    calendar: WorkingCalendar,
) -> WorkflowHandle:
    """A dossier submitted and accepted at reception at `moment`, counted on `calendar`."""
    proc = procedure(sample)
    await skip_to(env, moment)
    sub = submission(sample, DeliveryChannel.online, at=moment, working_calendar=calendar)
    handle = await start(env.client, queue, sub)
    await act(handle, assignee(proc, proc.chain[0].id), "accept")
    return handle


async def plain_monday(
    env: WorkflowEnvironment, queue: str, sample: str = "eia"
) -> tuple[WorkflowHandle, date]:
    """A dossier received at 10:00 on the Monday that begins the next PLAIN_WEEKS weeks without
    a holiday, where working days are exactly weekdays; and that Monday."""
    found = await situations(env)
    monday = found.plain_stretch(PLAIN_WEEKS)
    return await received(env, queue, sample, monday, found.calendar), monday.date()


def test_the_sample_budgets_are_the_ones_these_tests_count_with() -> None:
    assert EIA.working_days == 30 and EXTRACT.working_days == 3
    assert EIA.stage("specialist").working_days == 12
    assert EIA.stage("consult").working_days == 7


async def test_due_date_skips_tet(env: WorkflowEnvironment, settings: Settings) -> None:
    found = await situations(env)
    tet = found.before_tet(EIA.working_days)
    async with running_worker(env, settings) as queue:
        handle = await received(env, queue, "eia", tet.received_at, found.calendar)
        state = await state_of(handle)
    day = tet.received_at.date()
    assert state.received_at is not None
    assert state.received_at.astimezone(VIETNAM).date() == day
    # Every weekday counts but Tết's days off: the due date comes that many weekdays later.
    assert state.due_date == weekdays_after(day, EIA.working_days, skipping=tet.days_off)
    assert state.due_date > max(tet.days_off)


async def test_received_after_15_00_on_a_friday_counts_from_monday(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    found = await situations(env)
    before_cutoff = found.plain_stretch(1, weekday=FRIDAY, at=time(14, 58))
    friday = before_cutoff.date()
    async with running_worker(env, settings) as queue:
        early = await received(env, queue, "extract", before_cutoff, found.calendar)
        late = await received(env, queue, "extract", at(friday, 15, 1), found.calendar)
        # Three working days counted after the day of receipt, in a week without a holiday.
        wednesday, thursday = friday + timedelta(days=5), friday + timedelta(days=6)
        assert (await state_of(early)).due_date == wednesday  # Friday counts as received
        assert (await state_of(late)).due_date == thursday  # Monday counts as received


async def test_supplement_over_a_weekend_moves_the_dates_by_the_working_days_used(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle, monday = await plain_monday(env, queue)
        state = await state_of(handle)
        # 30 working days after a Monday: the Monday six weeks later; the specialist's 12: the
        # Wednesday of the third week.
        assert state.due_date == monday + timedelta(weeks=6)
        assert state.stage_due_at == at(monday + timedelta(weeks=2, days=2), 17)
        await skip_to(env, at(monday + timedelta(days=2), 10))  # Wednesday
        await act(handle, assignee(EIA, "specialist"), "request_supplement", missing=["Bản vẽ"])
        await skip_to(env, at(monday + timedelta(days=11), 10))  # the next week's Friday
        state = await send(handle, DossierWorkflow.supplement, Supplement(note="Đã nộp"))
        await record_history(handle, "supplement_suspends_the_clock")
    # Working days used: Thursday, Friday, then Monday to Friday — seven.
    assert [s.working_days for s in state.suspensions] == [7]
    assert state.due_date == monday + timedelta(weeks=7, days=2)  # a Wednesday
    assert state.stage_due_at == at(monday + timedelta(weeks=3, days=4), 17)  # a Friday
    assert [f.kind for f in state.forms] == ["receipt", "supplement_request", "receipt"]
    assert state.status == DossierStatus.in_review and state.stage == "specialist"


async def test_a_second_supplement_request_is_recorded_against_the_agency(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    found = await situations(env)
    async with running_worker(env, settings) as queue:
        handle = await received(env, queue, "eia", found.working_day(), found.calendar)
        specialist = assignee(EIA, "specialist")
        for _ in range(2):
            await act(handle, specialist, "request_supplement", missing=["Bản vẽ"])
            state = await send(handle, DossierWorkflow.supplement, Supplement(note="x"))
    assert state.supplement_requests == 2
    assert [a.action for a in state.actions].count("repeated_supplement_request") == 1


async def test_a_late_stage_warns_its_unit_once_then_the_dossier_is_flagged_overdue(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle, monday = await plain_monday(env, queue)
        due = monday + timedelta(weeks=6)
        # The specialist's budget ended on the Wednesday of the third week.
        await skip_to(env, at(monday + timedelta(weeks=2, days=3), 9))
        state = await state_of(handle)
        assert state.visits[-1].late and not state.overdue
        await skip_to(env, at(due - timedelta(days=4), 9))  # Thursday: two working days left
        state = await state_of(handle)
        assert not state.at_risk
        await skip_to(env, at(due - timedelta(days=3), 9))  # the working day before the due date
        assert (await state_of(handle)).at_risk
        await skip_to(env, at(due + timedelta(days=1), 9))
        state = await state_of(handle)
        code = state.code
        await record_history(handle, "late_stage_then_overdue")
    assert state.overdue and state.apology is None
    sent = [n.template for n in rows(settings, NotificationRecord, code)]
    assert sent.count("stage_overdue") == 1
    assert sent.count("apology_requested") == 1
    assert sent.count("dossier_overdue") == 1
    operator = [
        n for n in rows(settings, NotificationRecord, code) if n.template == "dossier_overdue"
    ]
    assert "operator" in operator[0].recipient  # the operators, not the unit


async def test_an_apology_sets_one_new_date_and_a_second_is_refused(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    specialist = assignee(EIA, "specialist")
    async with running_worker(env, settings) as queue:
        handle, monday = await plain_monday(env, queue)
        due = monday + timedelta(weeks=6)
        await skip_to(env, at(due - timedelta(days=3), 9))  # the Friday before the due Monday
        new_date = due + timedelta(weeks=2)
        state = await act(
            handle,
            specialist,
            "apologize",
            comment="Chờ ý kiến liên ngành",
            new_due_date=new_date,
        )
        assert state.due_date == new_date
        assert state.apology and state.apology.previous_due_date == due
        assert [f.kind for f in state.forms] == ["receipt", "apology"]
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await act(
                handle,
                specialist,
                "apologize",
                comment="Lần hai",
                new_due_date=new_date + timedelta(weeks=1),
            )
        assert "only once" in str(refused.value.cause)
        await skip_to(env, at(due + timedelta(days=1), 9))
        assert not (await state_of(handle)).overdue  # the new date holds
        await record_history(handle, "apology_sets_a_new_date")


async def test_an_apology_on_the_due_date_is_too_late(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle, monday = await plain_monday(env, queue)
        due = monday + timedelta(weeks=6)
        await skip_to(env, at(due, 9))
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await act(
                handle,
                assignee(EIA, "specialist"),
                "apologize",
                comment="Trễ",
                new_due_date=due + timedelta(weeks=2),
            )
    expected = f"at least one working day before the due date {due.isoformat()}"
    assert expected in str(refused.value.cause)


async def test_consultation_consents_at_its_deadline_to_the_minute(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle, monday = await plain_monday(env, queue)
        await act(handle, assignee(EIA, "specialist"), "approve")
        # Seven working days after Monday: the Wednesday of the next week, at closing time.
        deadline = at(monday + timedelta(days=9), 17)
        await skip_to(env, at(monday + timedelta(days=10), 9))
        state = await state_of(handle)
    consult = next(v for v in state.visits if v.stage == "consult")
    assert consult.due_at == deadline
    assert consult.left_at is not None and consult.late
    assert timedelta(0) <= consult.left_at - deadline < timedelta(minutes=1)
    assert state.stage == "head"
    assert {o.opinion for o in state.opinions} == {"silent"}


async def test_a_holiday_announced_while_the_dossier_is_open_moves_its_due_date(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        found = await situations(env)
        moment = found.plain_stretch(PLAIN_WEEKS)
        handle = await received(env, queue, "eia", moment, found.calendar)
        monday, calendar = moment.date(), found.calendar
        due = monday + timedelta(weeks=6)
        # A day off announced for the Thursday of the third week, after the specialist's budget.
        extra = Holiday(day=monday + timedelta(weeks=2, days=3), name="Ngày nghỉ bù (thử nghiệm)")
        # A new model, not model_copy: a copy would keep the cached days off of the original.
        changed = WorkingCalendar(
            first_year=calendar.first_year,
            last_year=calendar.last_year,
            holidays=[*calendar.holidays, extra],
            working_weekends=calendar.working_weekends,
        )
        state = await send(
            handle,
            DossierWorkflow.change_calendar,
            CalendarChange(officer=officer_for(role="operator"), calendar=changed),
        )
    later = due + timedelta(days=1)
    assert state.due_date == later
    assert state.stage_due_at == at(monday + timedelta(weeks=2, days=2), 17)  # before the day off
    assert state.actions[-1].action == "calendar_changed"
    assert f"{due.isoformat()} → {later.isoformat()}" in state.actions[-1].comment
