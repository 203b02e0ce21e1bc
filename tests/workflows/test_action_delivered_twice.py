"""The same signed action delivered twice (an aborted call retried by the SDK or by hoso as a
run hands over, a double click): the dossier applies it once and the second delivery is answered
as applied; the dossier itself still refuses the copy, and a forgery never passes for one."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from config import Settings
from models.actions import OfficerAction, RetryRequest
from support import update_delivery
from tests.workflows.harness import (
    assignee,
    officer_for,
    procedure,
    running_worker,
    sign,
    start,
    submission,
)
from tests.workflows.test_rejected_actions import accepted_updates
from workflows.dossier import DossierWorkflow

pytestmark = pytest.mark.timeout(120)


async def test_an_action_delivered_twice_is_applied_once_and_answered_twice(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    proc = procedure("eia")
    reception = assignee(proc, "reception")
    operator = officer_for(role="operator")
    async with running_worker(skip_env, settings) as queue:
        handle = await start(skip_env.client, queue, submission("eia"))
        accept = await sign(
            handle, DossierWorkflow.act, OfficerAction(officer=reception, action="accept")
        )
        first = await update_delivery.execute(handle, DossierWorkflow.act, accept)
        again = await update_delivery.execute(handle, DossierWorkflow.act, accept)
        assert (again.code, again.status, again.stage) == (first.code, first.status, first.stage)
        assert first.seq is not None and again.seq is None, "the row is the first delivery's"
        state = await handle.query(DossierWorkflow.state)
        assert [a.action for a in state.actions].count("accept") == 1
        assert await accepted_updates(handle) == 1

        # the dossier's own answer to the copy is still a refusal, naming why
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await handle.execute_update(DossierWorkflow.act, accept)
        assert "signed for stage 'reception'" in str(failure.value.cause)

        # an altered copy of the spent item is a forgery, never "applied once"
        altered = accept.model_copy(update={"comment": "sửa sau khi ký"})
        with pytest.raises(WorkflowUpdateFailedError) as failure:
            await update_delivery.execute(handle, DossierWorkflow.act, altered)
        assert "does not match the action (altered)" in str(failure.value.cause)
        assert await handle.query(DossierWorkflow.state) == state

        # an operator's retry (answered at once, not queued) the same way
        retry = await sign(
            handle, DossierWorkflow.retry, RetryRequest(officer=operator, note="chạy lại")
        )
        await update_delivery.execute(handle, DossierWorkflow.retry, retry)
        again = await update_delivery.execute(handle, DossierWorkflow.retry, retry)
        assert again.code == handle.id and again.seq is None
        state = await handle.query(DossierWorkflow.state)
        assert [a.comment for a in state.actions if a.action == "retry"] == ["chạy lại"]
