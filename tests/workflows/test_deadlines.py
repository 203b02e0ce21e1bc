"""Deadlines as the law counts them, over weeks and months of the time-skipping server.

Each test gets its own server so that it can set the clock to a date of its choosing. Dates are
Vietnam time (ICT, UTC+7); the holidays are those of the `holidays` package for Vietnam.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.actions import CalendarChange, Supplement
from models.calendar import VIETNAM, Holiday
from models.dossier import DossierStatus
from models.procedure import DeliveryChannel
from models.state import DossierState
from models.tables import NotificationRecord
from support.devserver import register_search_attributes
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

pytestmark = pytest.mark.timeout(120)
EIA = procedure("eia")


@pytest_asyncio.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    server = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(Path(sys.executable).parent / "temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    await register_search_attributes(server.client, "default")
    yield server
    await server.shutdown()


def ict(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=VIETNAM)  # type: ignore[misc]


async def until(env: WorkflowEnvironment, moment: datetime) -> None:
    now = await env.get_current_time()
    assert moment > now, f"the test clock is already at {now}"
    await env.sleep(moment - now)


async def state_of(handle: WorkflowHandle) -> DossierState:
    return await handle.query(DossierWorkflow.state)


async def received(
    env: WorkflowEnvironment, queue: str, sample: str, at: datetime
) -> WorkflowHandle:
    """A dossier submitted and accepted at reception at `at`."""
    proc = procedure(sample)
    await until(env, at)
    handle = await start(env.client, queue, submission(sample, DeliveryChannel.online))
    await act(handle, assignee(proc, proc.chain[0].id), "accept")
    return handle


async def test_due_date_skips_tet_2027(env: WorkflowEnvironment, settings: Settings) -> None:
    async with running_worker(env, settings) as queue:
        handle = await received(env, queue, "eia", ict(2027, 1, 25, 9, 0))
        state = await state_of(handle)
    # 30 working days after Monday 25 January 2027; Tết is Thursday 4 to Wednesday 10 February.
    assert state.received_at is not None
    assert state.received_at.astimezone(VIETNAM).date() == date(2027, 1, 25)
    assert state.due_date == date(2027, 3, 15)


async def test_received_after_15_00_on_a_friday_counts_from_monday(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        early = await received(env, queue, "extract", ict(2026, 12, 4, 14, 58))
        late = await received(env, queue, "extract", ict(2026, 12, 4, 15, 1))
        assert (await state_of(early)).due_date == date(2026, 12, 9)  # Fri counts as received
        assert (await state_of(late)).due_date == date(2026, 12, 10)  # Mon counts as received


async def test_supplement_over_a_weekend_moves_the_dates_by_the_working_days_used(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle = await received(env, queue, "eia", ict(2026, 12, 7, 10, 0))
        state = await state_of(handle)
        assert state.due_date == date(2027, 1, 19)
        assert state.stage_due_at == ict(2026, 12, 23, 17, 0)
        await until(env, ict(2026, 12, 9, 10, 0))
        await act(handle, assignee(EIA, "specialist"), "request_supplement", missing=["Bản vẽ"])
        await until(env, ict(2026, 12, 18, 10, 0))  # nine calendar days later
        state = await send(handle, DossierWorkflow.supplement, Supplement(note="Đã nộp"))
        await record_history(handle, "supplement_suspends_the_clock")
    # Working days used: 10, 11, 14, 15, 16, 17, 18 December — seven.
    assert [s.working_days for s in state.suspensions] == [7]
    assert state.due_date == date(2027, 1, 28)
    assert state.stage_due_at == ict(2027, 1, 4, 17, 0)
    assert [f.kind for f in state.forms] == ["receipt", "supplement_request", "receipt"]
    assert state.status == DossierStatus.in_review and state.stage == "specialist"


async def test_a_second_supplement_request_is_recorded_against_the_agency(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle = await received(env, queue, "eia", ict(2026, 12, 7, 10, 0))
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
        handle = await received(env, queue, "eia", ict(2026, 12, 7, 10, 0))
        await until(env, ict(2026, 12, 24, 9, 0))  # the specialist's budget ended on the 23rd
        state = await state_of(handle)
        assert state.visits[-1].late and not state.overdue
        await until(env, ict(2027, 1, 5, 9, 0))
        state = await state_of(handle)
        assert not state.at_risk
        await until(env, ict(2027, 1, 18, 9, 0))  # the working day before the due date
        assert (await state_of(handle)).at_risk
        await until(env, ict(2027, 1, 20, 9, 0))
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
        handle = await received(env, queue, "eia", ict(2026, 12, 7, 10, 0))
        await until(env, ict(2027, 1, 18, 9, 0))
        state = await act(
            handle,
            specialist,
            "apologize",
            comment="Chờ ý kiến liên ngành",
            new_due_date=date(2027, 2, 26),
        )
        assert state.due_date == date(2027, 2, 26)
        assert state.apology and state.apology.previous_due_date == date(2027, 1, 19)
        assert [f.kind for f in state.forms] == ["receipt", "apology"]
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await act(
                handle, specialist, "apologize", comment="Lần hai", new_due_date=date(2027, 3, 31)
            )
        assert "only once" in str(refused.value.cause)
        await until(env, ict(2027, 1, 21, 9, 0))
        assert not (await state_of(handle)).overdue  # the new date holds
        await record_history(handle, "apology_sets_a_new_date")


async def test_an_apology_on_the_due_date_is_too_late(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle = await received(env, queue, "eia", ict(2026, 12, 7, 10, 0))
        await until(env, ict(2027, 1, 19, 9, 0))
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await act(
                handle,
                assignee(EIA, "specialist"),
                "apologize",
                comment="Trễ",
                new_due_date=date(2027, 2, 26),
            )
    assert "at least one working day before the due date 2027-01-19" in str(refused.value.cause)


async def test_consultation_consents_at_its_deadline_to_the_minute(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle = await received(env, queue, "eia", ict(2026, 12, 7, 10, 0))
        await act(handle, assignee(EIA, "specialist"), "approve")
        await until(env, ict(2026, 12, 17, 9, 0))
        state = await state_of(handle)
    consult = next(v for v in state.visits if v.stage == "consult")
    assert consult.due_at == ict(2026, 12, 16, 17, 0)
    assert consult.left_at is not None and consult.late
    assert timedelta(0) <= consult.left_at - ict(2026, 12, 16, 17, 0) < timedelta(minutes=1)
    assert state.stage == "head"
    assert {o.opinion for o in state.opinions} == {"silent"}


async def test_a_holiday_announced_while_the_dossier_is_open_moves_its_due_date(
    env: WorkflowEnvironment, settings: Settings
) -> None:
    async with running_worker(env, settings) as queue:
        handle = await received(env, queue, "eia", ict(2026, 12, 7, 10, 0))
        sub = submission("eia")
        extra = Holiday(day=date(2026, 12, 24), name="Ngày nghỉ bù (thử nghiệm)")
        calendar = sub.calendar.model_copy(update={"holidays": [*sub.calendar.holidays, extra]})
        state = await send(
            handle,
            DossierWorkflow.change_calendar,
            CalendarChange(officer=officer_for(role="operator"), calendar=calendar),
        )
    assert state.due_date == date(2027, 1, 20)
    assert state.stage_due_at == ict(2026, 12, 23, 17, 0)  # its budget ends before the 24th
    assert state.actions[-1].action == "calendar_changed"
    assert "2027-01-19 → 2027-01-20" in state.actions[-1].comment
