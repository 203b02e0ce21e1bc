"""`hoso retry`: an operator mends a dossier whose activity keeps failing, once the cause is fixed.

The request is recorded in the dossier's history with the operator's id; then every activity of
the dossier that is failing and waiting for its next attempt is made to run again now.
"""

from __future__ import annotations

from typing import Annotated

import typer
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import ResetActivityRequest
from temporalio.client import Client

from cli import render
from cli.context import command, open_context, signer
from models.actions import RetryRequest
from support.client import connect
from support.codec import failure_text
from support.credentials import Credential, send
from workflows.dossier import DossierWorkflow


async def retry_dossier(
    client: Client,
    namespace: str,
    code: str,
    credential: Credential,
    note: str = "",
    *,
    wait: float | None = None,
) -> list[str]:
    """Records the retry, then re-runs the failing activities; returns what was re-run."""
    handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
    operator = credential.officer
    request = RetryRequest(officer=operator, note=note)
    await send(handle, DossierWorkflow.retry, request, credential, wait=wait)
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
                identity=f"hoso retry by {operator.id}",
            )
        )
        failure = (
            await failure_text(client.data_converter, pending.last_failure)
            if pending.HasField("last_failure")
            else "-"
        )
        rerun.append(f"{pending.activity_type.name} (attempt {pending.attempt}: {failure})")
    return rerun


async def retry(
    code: Annotated[str, typer.Argument(help="dossier code")],
    officer: Annotated[str, typer.Option("--as", help="the operator mending the dossier")],
    note: Annotated[str, typer.Option(help="what was fixed")] = "",
) -> None:
    """Run a dossier's failing activities again now (after their cause is fixed); recorded."""
    ctx = open_context()
    credential = signer(ctx, officer)
    client = await connect(ctx.settings)
    rerun = await retry_dossier(
        client,
        ctx.settings.temporal_namespace,
        code,
        credential,
        note,
        wait=ctx.settings.action_wait_seconds,
    )
    for line in rerun:
        render.info(f"{code}: running again now: {line}")
    if not rerun:
        render.info(f"{code}: no activity is failing; the request is recorded")


def register(app: typer.Typer) -> None:
    app.command("retry")(command(retry))
