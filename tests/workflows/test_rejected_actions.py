"""Actions that are not allowed now are refused with a reason and leave no trace in the history."""

from __future__ import annotations

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
from models.state import DossierState
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
