"""Dossiers whose workflow task keeps failing, and the operator's remedy: a reset.

A workflow task that fails again and again holds its dossier still: no action, timer or activity
result is applied. One cause is outside hoso: after the Temporal server is killed mid-task,
Temporal Core may send an officer's update acceptance a second time, which the server refuses for
good ("BadUpdateWorkflowExecutionMessage … received *update.Acceptance message while in state
Accepted"); every retry of the task fails the same way. Resetting the dossier to its last
completed workflow task replays what it had done, and the server re-applies the officers'
updates and signals received after that point (the officers' signatures, nonces and the
activities' idempotency keys make a repeat harmless).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, ResetReapplyType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client

FAILING_ATTEMPTS = 3  # a task failed this many times in a row is stuck, not unlucky


@dataclass(frozen=True)
class StuckTask:
    """A dossier's workflow task failing again and again, and why."""

    code: str
    run_id: str
    attempt: int
    cause: str
    last_completed: int  # the event id of its last completed workflow task: the reset point


async def stuck_task(client: Client, code: str) -> StuckTask | None:
    """The dossier's failing workflow task, if it has failed FAILING_ATTEMPTS times or more."""
    handle = client.get_workflow_handle(code)
    described = await handle.describe()
    task = described.raw_description.pending_workflow_task
    if task.attempt < FAILING_ATTEMPTS:
        return None
    cause, last_completed = "-", 0
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            cause = event.workflow_task_failed_event_attributes.failure.message
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            last_completed = event.event_id
    return StuckTask(code, described.run_id or "", task.attempt, cause, last_completed)


async def reset_stuck(client: Client, namespace: str, stuck: StuckTask, reason: str) -> str:
    """Resets the dossier to its last completed workflow task; returns the new run's id."""
    if not stuck.last_completed:
        raise ValueError(f"{stuck.code}: no workflow task completed yet; nothing to reset to")
    response = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=namespace,
            workflow_execution=WorkflowExecution(workflow_id=stuck.code, run_id=stuck.run_id),
            reason=reason,
            workflow_task_finish_event_id=stuck.last_completed,
            request_id=str(uuid.uuid4()),
            reset_reapply_type=ResetReapplyType.RESET_REAPPLY_TYPE_ALL_ELIGIBLE,
        )
    )
    return response.run_id
