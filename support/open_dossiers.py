"""The dossiers still open, from Temporal's visibility (for commands that reach each of them)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from temporalio.client import Client

from models.dossier import CLOSED_STATUSES
from workflows import search_attributes as sa
from workflows.dossier import DossierWorkflow


def open_dossiers_query(task_queue: str) -> str:
    closed = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
    return (
        f"WorkflowType = 'DossierWorkflow' AND TaskQueue = '{task_queue}'"
        f" AND ExecutionStatus = 'Running' AND {sa.STATUS.name} NOT IN ({closed})"
    )


async def open_dossiers(client: Client, task_queue: str) -> AsyncIterator[str]:
    """Codes of the running dossiers of the task queue."""
    async for execution in client.list_workflows(open_dossiers_query(task_queue)):
        yield execution.id


async def refresh_trust(client: Client, task_queue: str) -> int:
    """Makes every open dossier of the task queue reload its trust anchors (issuer keys,
    revoked tokens) at once; returns how many were reached."""
    count = 0
    async for code in open_dossiers(client, task_queue):
        await client.get_workflow_handle_for(DossierWorkflow.run, code).signal(
            DossierWorkflow.refresh_trust
        )
        count += 1
    return count
