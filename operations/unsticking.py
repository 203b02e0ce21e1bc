"""An operator resets a stuck dossier from the pages, as `hoso unstick` does on the machine.

`hoso unstick` signs its note with the operator's token after the reset; a browser signs with
the session's key, which never leaves it, so the pages do it in three requests. The first
prepares the reset request (`ResetRequest`: the reason, for the dossier, update name `unstick`);
the second carries it signed by the browser's key — checked here (the session's certificate,
signed less than 10 minutes ago, its nonce never seen before), so a stolen session cookie alone
resets nothing — then resets the dossier (Temporal's reset, within the operator's scope) and
answers with the note to sign: a `RetryRequest` for the reset run's stage, naming the reason and
readmitting the officers' actions about to be sent again; the third takes the signed note,
records it, and re-sends the actions, then rewrites the projection. A re-sending cut short before
the third (a closed tab) is found again from the histories (support/reset_leftovers.py): the
second request then only prepares the note."""

from __future__ import annotations

import structlog
from pydantic import BaseModel, Field, ValidationError
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.client import Client, WorkflowExecutionStatus

from models.actions import ResetRequest, RetryRequest
from models.credentials import Certificate
from operations import actions
from operations.access import Caller, utc_now
from operations.browser_actions import Prepared, bind, signed_item
from operations.dossiers import readable_state
from operations.errors import ActionRefused, Forbidden
from operations.mending import require_operator
from operations.services import Services
from support.credentials import CredentialError
from support.dossier_reset import Resent, resend, reset_run, signed_nonces, workers_polling
from support.dossier_retry import rerun_failing
from support.rebuild import rebuild
from support.reset_leftovers import ResetLeftover, reset_leftover
from support.stuck_dossiers import FAILING_ATTEMPTS, TIMED_OUT, StuckTask, stuck_task
from workflows.identity import CLOCK_SKEW, SIGNATURE_LIFETIME

MAX_REASON = 2000
UNSTICK = "unstick"
"""The name a reset request is signed under (no workflow update has it)."""
log = structlog.get_logger()


class Unstuck(BaseModel):
    reset_point: int
    resent: list[str] = Field(description="each action sent again, and what became of it")
    applied: int
    rerun: list[str] = Field(description="failing activities run again")


def _refused(text: str) -> ActionRefused:
    return ActionRefused(text, moved_on=False)


async def _reset(
    client: Client, caller: Caller, services: Services, task: StuckTask, reason: str
) -> None:
    """Temporal's reset of the stuck run, or why a reset would not mend it (as `hoso unstick`
    says it)."""
    code = task.code
    if not task.reset_point:
        raise _refused(f"{code}: no workflow task of it completed yet; nothing to reset to")
    if task.cause == TIMED_OUT:
        raise _refused(
            f"{code}: its workflow task times out, no worker completes it: start the workers;"
            " a reset would not help"
        )
    if not await workers_polling(client, services.settings.task_queue):
        raise _refused(
            f"no worker polls the task queue {services.settings.task_queue}: start the workers"
            " first (the actions re-sent after the reset need one)"
        )
    who = caller.officer.id
    await reset_run(
        client, task, reason=f"hoso unstick by {who}: {reason}", identity=f"hoso web {who}"
    )
    log.info("dossier_reset", dossier=code, operator=who, reset_point=task.reset_point)


def _note(leftover: ResetLeftover, reason: str) -> str:
    count = len(leftover.actions)
    return f"reset to event {leftover.reset_point}: {reason}; {count} action(s) re-sent"


async def prepare_reset(
    client: Client, caller: Caller, services: Services, code: str, *, reason: str
) -> Prepared:
    """The reset request the operator's browser is to sign, for a dossier of their scope that
    is stuck (or whose reset's re-sending was cut short)."""
    require_operator(caller)
    state = await readable_state(client, caller, services.settings, code)  # else NotFound
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise _refused(f"say why the dossier is reset (at most {MAX_REASON} characters)")
    if await stuck_task(client, code) is None and await reset_leftover(client, code) is None:
        raise _refused(f"{code}: its workflow task is not failing; nothing to reset")
    return bind(ResetRequest(officer=caller.officer, reason=reason), code, state.stage, UNSTICK)


def _signed_reset(
    caller: Caller,
    certificate: Certificate | None,
    services: Services,
    code: str,
    message: str,
    signature: str,
) -> ResetRequest:
    """The reset request the session's browser signed: Forbidden unless it is the caller's, for
    this dossier, signed by the session's key less than 10 minutes ago, and never seen before."""
    item = signed_item(ResetRequest, caller, certificate, code, message, signature, UNSTICK)
    proof = item.proof
    assert proof is not None  # signed_item gives the item its proof
    now = utc_now()
    if proof.signed_at is None or not -CLOCK_SKEW <= now - proof.signed_at <= SIGNATURE_LIFETIME:
        raise Forbidden("the reset request was signed too long ago: sign it again")
    try:
        services.nonces.remember(proof.nonce, now=now, window=SIGNATURE_LIFETIME + CLOCK_SKEW)
    except CredentialError:
        raise Forbidden("this signed reset request was already used once (replayed)") from None
    return item


async def reset(
    client: Client,
    caller: Caller,
    certificate: Certificate | None,
    services: Services,
    code: str,
    *,
    message: str,
    signature: str,
) -> Prepared:
    """Resets the stuck dossier on the reset request the operator's browser signed, then the
    note it is to sign (only the note when a reset's re-sending was cut short)."""
    require_operator(caller)
    await readable_state(client, caller, services.settings, code)  # another scope's: NotFound
    reason = _signed_reset(caller, certificate, services, code, message, signature).reason
    task = await stuck_task(client, code)
    if task is not None:
        await _reset(client, caller, services, task, reason)
    leftover = await reset_leftover(client, code)  # the reset's, or one cut short before
    if leftover is None and task is None:
        raise _refused(f"{code}: its workflow task is not failing; nothing to reset")
    if leftover is None:  # another operator's re-sending came first
        raise _refused(f"{code}: its actions were sent again meanwhile; nothing to sign")
    state = await readable_state(client, caller, services.settings, code)
    nonces = await signed_nonces(client, leftover.actions)
    try:
        item = RetryRequest(
            officer=caller.officer, note=_note(leftover, reason), readmit=nonces or None
        )
    except ValidationError as exc:
        raise _refused(str(exc.errors()[0]["msg"])) from None
    return bind(item, code, state.stage)


async def resend_signed(
    client: Client,
    caller: Caller,
    certificate: Certificate | None,
    services: Services,
    code: str,
    *,
    message: str,
    signature: str,
) -> Unstuck:
    """The note the operator's browser signed goes on the reset dossier's record, then the
    officers' actions it readmits are sent again and the projection follows the new run."""
    require_operator(caller)
    item = signed_item(RetryRequest, caller, certificate, code, message, signature)
    leftover = await reset_leftover(client, code)
    if leftover is None:
        raise _refused(f"{code}: no reset awaits its actions; nothing to send again")
    if sorted(item.readmit or []) != sorted(await signed_nonces(client, leftover.actions)):
        raise _refused(f"{code}: the actions to send again changed: reset it again from the page")
    await actions.perform(client, caller, services, code, item)
    rerun = await rerun_failing(
        client, services.settings.temporal_namespace, code, caller.officer.id
    )
    run = WorkflowExecution(workflow_id=code, run_id=leftover.run_id)
    wait = services.settings.action_wait_seconds
    done = await resend(
        client, run, leftover.actions, identity=f"hoso web {caller.officer.id}", wait=wait
    )
    await rebuild(client, services.sessions, services.store, [code])
    applied = sum(1 for one in done if one.applied)
    log.info(
        "dossier_actions_resent",
        dossier=code,
        operator=caller.officer.id,
        sent=len(done),
        applied=applied,
    )
    return Unstuck(
        reset_point=leftover.reset_point,
        resent=[_said(one) for one in done],
        applied=applied,
        rerun=rerun,
    )


def _said(one: Resent) -> str:
    return f"{one.name}: {'applied' if one.applied else one.detail}"


async def unstick_offered(client: Client, code: str) -> bool:
    """Whether the dossier's page offers its reset: its workflow task keeps failing, or a reset
    awaits its note and actions."""
    described = await client.get_workflow_handle(code).describe()
    if described.status != WorkflowExecutionStatus.RUNNING:
        return False
    if described.raw_description.pending_workflow_task.attempt >= FAILING_ATTEMPTS:
        return True
    return await reset_leftover(client, code) is not None
