"""Running a dossier's failing activities again now, once their cause is fixed (an SMTP server
back, a disk freed): the operator's signed RetryRequest is recorded in the dossier's history
first, then every activity of it that is failing and waiting for its next attempt runs again."""

from __future__ import annotations

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import ResetActivityRequest
from temporalio.client import Client

from models.actions import RetryRequest
from support.codec import failure_text
from support.credentials import Credential, send
from workflows.dossier import DossierWorkflow


async def rerun_failing(client: Client, namespace: str, code: str, operator_id: str) -> list[str]:
    """Makes the dossier's failing activities run again now; returns what was re-run."""
    handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
    description = await handle.describe()
    rerun = []
    for pending in description.raw_description.pending_activities:
        if pending.attempt <= 1 and not pending.HasField("last_failure"):
            continue
        await client.workflow_service.reset_activity(
            ResetActivityRequest(
                namespace=namespace,
                execution=WorkflowExecution(workflow_id=code),
                id=pending.activity_id,
                identity=f"hoso retry by {operator_id}",
            )
        )
        failure = (
            await failure_text(client.data_converter, pending.last_failure)
            if pending.HasField("last_failure")
            else "-"
        )
        rerun.append(f"{pending.activity_type.name} (attempt {pending.attempt}: {failure})")
    return rerun


async def retry_dossier(
    client: Client,
    namespace: str,
    code: str,
    credential: Credential,
    note: str = "",
    *,
    readmit: list[str] | None = None,
    wait: float | None = None,
) -> list[str]:
    """Signs and records the retry with the operator's own credential (where the operator works
    on the machine itself: `hoso unstick`), then re-runs the failing activities. `readmit`: the
    nonces of the actions a reset is about to re-send (signed before their lifetime)."""
    handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
    request = RetryRequest(officer=credential.officer, note=note, readmit=readmit or None)
    await send(handle, DossierWorkflow.retry, request, credential, wait=wait)
    return await rerun_failing(client, namespace, code, credential.officer.id)
