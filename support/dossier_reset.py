"""The remedy for a stuck dossier: reset it to where its history replays, then re-send the
officers' actions applied since, one at a time.

The reset (Temporal's ResetWorkflowExecution) starts a new run from the history up to the reset
point and redoes that task with the current code; activities after it run again under the same
idempotency keys, so the outbox, forms and projection keep one row each. The server could
re-apply the officers' updates itself, but it hands them to the new run all in one task, where
every validator sees the state before the first of them and refuses the rest; so the updates
are left out of the reset and re-sent here as they were received (the officer's signed bytes,
the same update id), each waiting for its outcome. An action is then applied at the time of the
re-sending, which the dossier's record shows. Signals are re-applied by the server.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import (
    ResetReapplyExcludeType,
    ResetReapplyType,
    TaskQueueType,
    UpdateWorkflowExecutionLifecycleStage,
)
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.update.v1 import Outcome, UpdateRef, WaitPolicy
from temporalio.api.update.v1 import Request as UpdateRequest
from temporalio.api.workflowservice.v1 import (
    DescribeTaskQueueRequest,
    PollWorkflowExecutionUpdateRequest,
    ResetWorkflowExecutionRequest,
    UpdateWorkflowExecutionRequest,
)
from temporalio.client import Client

from activities.database import SessionFactory
from activities.document_store import DocumentStore
from models.updates import UPDATE_INPUTS
from support.codec import failure_text
from support.credentials import Credential
from support.dossier_retry import retry_dossier
from support.rebuild import rebuild
from support.stuck_dossiers import StuckTask

_STAGES = UpdateWorkflowExecutionLifecycleStage
_COMPLETED = _STAGES.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED


@dataclass(frozen=True)
class Resent:
    """One officer's action sent again to the reset dossier, and what became of it."""

    update_id: str
    name: str
    applied: bool
    detail: str  # why not, when not applied: refused (the reason), or no answer


@dataclass(frozen=True)
class Reset:
    code: str
    run_id: str  # the new run's
    reset_point: int
    resent: tuple[Resent, ...]


async def reset_dossier(
    client: Client,
    sessions: SessionFactory,
    store: DocumentStore,
    stuck: StuckTask,
    *,
    reason: str,
    identity: str,
    wait: float = 60.0,
    operator: Credential | None = None,
    note: str = "",
) -> Reset:
    """Resets the stuck dossier to `stuck.reset_point`, re-sends its later actions (each given
    `wait` seconds to be answered; after one that is not, the rest are not sent), then rewrites
    its projection from the new run (the re-sent actions' rows take their new times). With the
    `operator`'s credential, their signed `note` goes on the record first, naming the actions
    re-sent, which the dossier then admits although signed longer ago than a signature lasts."""
    if not stuck.reset_point:
        raise ValueError(f"{stuck.code}: no workflow task completed yet; nothing to reset to")
    run_id = await reset_run(client, stuck, reason=reason, identity=identity)
    if operator is not None:
        nonces = await signed_nonces(client, stuck.actions)
        namespace = client.namespace
        await retry_dossier(
            client, namespace, stuck.code, operator, note, readmit=nonces, wait=wait
        )
    run = WorkflowExecution(workflow_id=stuck.code, run_id=run_id)
    resent = await resend(client, run, stuck.actions, identity=identity, wait=wait)
    await rebuild(client, sessions, store, [stuck.code])
    return Reset(stuck.code, run_id, stuck.reset_point, resent)


async def reset_run(client: Client, stuck: StuckTask, *, reason: str, identity: str) -> str:
    """Temporal's reset of the stuck run to its reset point, the officers' updates left out
    (`resend` sends them again); the new run's id."""
    response = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=stuck.code, run_id=stuck.run_id),
            reason=reason,
            workflow_task_finish_event_id=stuck.reset_point,
            request_id=str(uuid.uuid4()),
            reset_reapply_type=ResetReapplyType.RESET_REAPPLY_TYPE_ALL_ELIGIBLE,
            reset_reapply_exclude_types=[ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE],
            identity=identity,
        )
    )
    return str(response.run_id)


async def resend(
    client: Client,
    run: WorkflowExecution,
    actions: Sequence[UpdateRequest],
    *,
    identity: str,
    wait: float,
) -> tuple[Resent, ...]:
    """The officers' actions sent again to the reset run, one at a time, each given `wait`
    seconds to be answered; after one that is not, the rest are not sent."""
    resent: list[Resent] = []
    halted = False  # an action gave no answer: those after it would be judged on the wrong state
    for action in actions:
        if halted:
            resent.append(_unsent(action, f"not sent: one before gave no answer in {wait:.0f} s"))
            continue
        try:
            resent.append(await asyncio.wait_for(_resend(client, run, action, identity), wait))
        except TimeoutError:
            halted = True
            resent.append(_unsent(action, f"no answer in {wait:.0f} s: is a worker running?"))
    return tuple(resent)


async def workers_polling(client: Client, task_queue: str) -> bool:
    """Whether a worker has polled the task queue for workflow tasks lately."""
    described = await client.workflow_service.describe_task_queue(
        DescribeTaskQueueRequest(
            namespace=client.namespace,
            task_queue=TaskQueue(name=task_queue),
            task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        )
    )
    return bool(described.pollers)


async def _resend(
    client: Client, run: WorkflowExecution, action: UpdateRequest, identity: str
) -> Resent:
    request = UpdateRequest()
    request.CopyFrom(action)
    request.meta.identity = identity
    sent = await client.workflow_service.update_workflow_execution(
        UpdateWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=run,
            wait_policy=WaitPolicy(lifecycle_stage=_COMPLETED),
            request=request,
        )
    )
    outcome = sent.outcome
    while not outcome.HasField("success") and not outcome.HasField("failure"):
        polled = await client.workflow_service.poll_workflow_execution_update(
            PollWorkflowExecutionUpdateRequest(
                namespace=client.namespace,
                update_ref=UpdateRef(workflow_execution=run, update_id=request.meta.update_id),
                identity=identity,
                wait_policy=WaitPolicy(lifecycle_stage=_COMPLETED),
            )
        )
        outcome = polled.outcome
    return Resent(
        update_id=request.meta.update_id,
        name=request.input.name,
        applied=outcome.HasField("success"),
        detail=await _refusal(client, outcome),
    )


async def signed_nonces(client: Client, actions: Sequence[UpdateRequest]) -> list[str]:
    """The nonces of the officers' signed actions among `actions`."""
    nonces = []
    for action in actions:
        kind = UPDATE_INPUTS.get(action.input.name)
        if kind is None or not action.input.args.payloads:
            continue
        item = (await client.data_converter.decode(action.input.args.payloads, [kind]))[0]
        if item.proof is not None:
            nonces.append(item.proof.nonce)
    return nonces


def _unsent(action: UpdateRequest, detail: str) -> Resent:
    return Resent(action.meta.update_id, action.input.name, applied=False, detail=detail)


async def _refusal(client: Client, outcome: Outcome) -> str:
    if not outcome.HasField("failure"):
        return ""
    return f"refused: {await failure_text(client.data_converter, outcome.failure)}"
