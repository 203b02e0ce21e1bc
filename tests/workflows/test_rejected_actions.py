"""Actions that are not allowed now are refused with a reason and leave no trace in the history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.actions import (
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    OfficerIdentity,
    Supplement,
    Withdrawal,
)
from models.dossier import DossierStatus
from models.procedure import DeliveryChannel
from models.state import DossierState
from support.calendars import resolve_calendar
from tests.workflows.harness import (
    act,
    assignee,
    officer_for,
    procedure,
    running_worker,
    send,
    sign,
    start,
    submission,
)
from workflows import rules
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


async def accepted_updates(handle: WorkflowHandle) -> int:
    history = await handle.fetch_history()
    return sum(
        1
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    )


async def refused(handle: WorkflowHandle, update, arg) -> str:
    """Sends an update that must be refused; returns the reason and checks nothing was recorded."""
    before = await accepted_updates(handle)
    state_before: DossierState = await handle.query(DossierWorkflow.state)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await send(handle, update, await sign(handle, update, arg))
    assert await accepted_updates(handle) == before
    assert (await handle.query(DossierWorkflow.state)) == state_before
    return str(failure.value.cause)


async def test_every_kind_of_forbidden_action_is_refused_with_its_reason(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    reception = assignee(proc, "reception")
    specialist = assignee(proc, "specialist")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)

        reason = await refused(
            handle, DossierWorkflow.act, OfficerAction(officer=specialist, action="accept")
        )
        assert "may not act at stage 'reception'" in reason
        reason = await refused(
            handle, DossierWorkflow.act, OfficerAction(officer=reception, action="approve")
        )
        assert "'approve' is not available at stage 'reception'" in reason
        other_unit = OfficerIdentity(
            id="x.officer", role="reception_officer", unit="one-stop", agency="so-xay-dung"
        )
        reason = await refused(
            handle, DossierWorkflow.act, OfficerAction(officer=other_unit, action="accept")
        )
        assert "x.officer" in reason
        reason = await refused(
            handle,
            DossierWorkflow.act,
            OfficerAction(officer=reception, action="request_supplement"),
        )
        assert "everything that is missing" in reason
        reason = await refused(
            handle, DossierWorkflow.act, OfficerAction(officer=reception, action="refuse")
        )
        assert "needs a comment" in reason
        reason = await refused(handle, DossierWorkflow.supplement, Supplement(note="x"))
        assert "not waiting for a supplement" in reason
        reason = await refused(
            handle, DossierWorkflow.cancel, Cancellation(officer=reception, reason="x")
        )
        assert "only an operator" in reason
        reason = await refused(
            handle, DossierWorkflow.confirm_delivery, DeliveryConfirmation(officer=reception)
        )
        assert "no result awaiting delivery" in reason

        await act(handle, reception, "accept")
        reason = await refused(
            handle,
            DossierWorkflow.act,
            OfficerAction(officer=specialist, action="return", to_stage="head", comment="x"),
        )
        assert "does not come before 'specialist'" in reason
        reason = await refused(
            handle,
            DossierWorkflow.act,
            OfficerAction(officer=specialist, action="return", to_stage="nowhere", comment="x"),
        )
        assert "no stage 'nowhere'" in reason
        await act(handle, specialist, "approve")

        agency = proc.stage("consult").agencies[0]
        consulted = next(o for o in _all() if o.agency == agency)
        await act(handle, consulted, "concur")
        reason = await refused(
            handle,
            DossierWorkflow.act,
            OfficerAction(officer=consulted, action="object", comment="x"),
        )
        assert "already given its opinion" in reason
        reason = await refused(
            handle, DossierWorkflow.act, OfficerAction(officer=specialist, action="concur")
        )
        assert "not consulted" in reason

        operator = officer_for(role="operator")
        await send(
            handle, DossierWorkflow.cancel, Cancellation(officer=operator, reason="Thử nghiệm")
        )
        await handle.result()
        # The servers word it differently ("completed", "not found"); what counts is the refusal.
        with pytest.raises((WorkflowUpdateFailedError, RPCError)):
            await send(handle, DossierWorkflow.withdraw, Withdrawal())


async def test_actions_while_waiting_for_the_applicant_are_refused(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    reception = assignee(proc, "reception")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        await act(handle, reception, "request_supplement", missing=["Bản vẽ"])
        reason = await refused(
            handle, DossierWorkflow.act, OfficerAction(officer=reception, action="accept")
        )
        assert "waiting for the applicant's supplement" in reason
        await send(handle, DossierWorkflow.withdraw, Withdrawal(reason="Không bổ sung được"))
        await handle.result()


def _all() -> list[OfficerIdentity]:
    from tests.workflows.harness import officers

    return list(officers().values())


async def test_an_apology_to_a_day_off_is_refused_and_a_working_day_is_taken(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    sub = submission("eia")
    reception, specialist = assignee(proc, "reception"), assignee(proc, "specialist")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, sub)
        state = await act(handle, reception, "accept")
        assert state.due_date is not None
        day_off = state.due_date + timedelta(days=1)
        while sub.calendar.is_working_day(day_off):
            day_off += timedelta(days=1)
        apology = OfficerAction(
            officer=specialist, action="apologize", comment="Chờ ý kiến", new_due_date=day_off
        )
        reason = await refused(handle, DossierWorkflow.act, apology)
        working = sub.calendar.next_working_day(day_off)
        assert f"the new date {day_off.isoformat()} is not a working day" in reason
        assert f"e.g. {working.isoformat()}" in reason

        state = await act(
            handle, specialist, "apologize", comment="Chờ ý kiến", new_due_date=working
        )
        assert state.apology is not None and state.apology.new_due_date == working
        assert state.due_date == working and [f.kind for f in state.forms][-1] == "apology"


def test_an_apology_to_a_tet_holiday_names_the_holiday() -> None:
    """The refusal form 04 was printed with: 2027-02-10, in Tết (a pure check, fixed dates)."""
    proc = procedure("eia")
    tet = resolve_calendar(2026, 2027, None)
    state = DossierState(
        code="so-tnmt-270120-0001",
        procedure_code=proc.code,
        procedure_version=1,
        procedure_name=proc.name,
        agency=proc.agency,
        status=DossierStatus.in_review,
        delivery=DeliveryChannel.online,
        submitted_at=datetime(2027, 1, 4, 3, tzinfo=UTC),
        due_date=date(2027, 2, 3),
        stage="specialist",
    )
    apology = OfficerAction(
        officer=assignee(proc, "specialist"),
        action="apologize",
        comment="Chờ ý kiến",
        new_due_date=date(2027, 2, 10),
    )
    with pytest.raises(rules.ActionRejected) as refusal:
        rules.check_apology(state, proc, apology, tet)
    assert str(refusal.value) == (
        "the new date 2027-02-10 is not a working day (Mùng năm Tết Nguyên Đán): choose a working"
        " day after the due date 2027-02-03, e.g. 2027-02-11"
    )
