"""Dossiers whose workflow Temporal ended while the dossier was still open: terminated (by an
operator, or by the server when its history passed Temporal's limits), failed, timed out or
cancelled. Such a dossier takes no action, no timer of it fires, and its search attributes still
say where it stood: `status`, `list`, `stuck` and `verify` say that it ended.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistoryEventFilterType

from models.dossier import CLOSED_STATUSES
from support.codec import failure_text
from workflows import search_attributes as sa
from workflows.dossier import DossierWorkflow

DOSSIER_CODE = re.compile(r"[a-z0-9-]{1,40}-[0-9]{6}-[0-9]{4}")  # as models.dossier's
NO_CODE = "''"  # an IN list matching no dossier
ENDED = {
    WorkflowExecutionStatus.TERMINATED: "terminated",
    WorkflowExecutionStatus.FAILED: "failed",
    WorkflowExecutionStatus.TIMED_OUT: "timed_out",
    WorkflowExecutionStatus.CANCELED: "canceled",
}


def ended_of(status: WorkflowExecutionStatus | None) -> str | None:
    """How Temporal ended the workflow, or None when it runs, completed or continued."""
    return ENDED.get(status) if status is not None else None


def ended_query(task_queue: str, codes: Sequence[str] | None = None) -> str:
    """Dossiers of the task queue (of `codes`: dossier codes, checked) whose workflow ended
    while their status was an open one."""
    closed = ", ".join(f"'{s.value}'" for s in sorted(CLOSED_STATUSES))
    query = (
        f"WorkflowType = '{DossierWorkflow.__name__}' AND TaskQueue = '{task_queue}'"
        " AND ExecutionStatus != 'Running' AND ExecutionStatus != 'Completed'"
        f" AND ExecutionStatus != 'ContinuedAsNew' AND {sa.STATUS.name} NOT IN ({closed})"
    )
    if codes is not None:
        listed = ", ".join(f"'{code}'" for code in codes if DOSSIER_CODE.fullmatch(code))
        query += f" AND WorkflowId IN ({listed or NO_CODE})"
    return query


@dataclass(frozen=True)
class EndedDossier:
    code: str
    ended: str  # terminated | failed | timed_out | canceled
    status: str | None  # where the dossier stood (its search attribute)
    agency: str | None


async def ended_dossiers(
    client: Client, task_queue: str, codes: Sequence[str] | None = None
) -> list[EndedDossier]:
    """Every open dossier whose latest run Temporal ended, by code (a run an operator's reset
    left, terminated, is not: the dossier goes on in the new run)."""
    found = {}
    async for execution in client.list_workflows(ended_query(task_queue, codes)):
        ended = ended_of(execution.status)
        if ended is None or execution.id in found:
            continue
        if await latest_run(client, execution.id) == execution.run_id:
            attrs = execution.typed_search_attributes
            found[execution.id] = EndedDossier(
                execution.id, ended, attrs.get(sa.STATUS), attrs.get(sa.AGENCY)
            )
    return [found[code] for code in sorted(found)]


async def latest_run(client: Client, code: str) -> str:
    """The run id of the dossier's latest run."""
    # raw: `describe()` would parse search attributes, which some servers send as it does not
    described = await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace, execution=WorkflowExecution(workflow_id=code)
        )
    )
    return described.workflow_execution_info.execution.run_id


async def end_reason(client: Client, code: str) -> str:
    """Why the latest run ended, as its last event says (the termination's reason, the failure's
    message; neither holds personal data: hoso's failures name codes and rules)."""
    events = client.get_workflow_handle(code).fetch_history_events(
        event_filter_type=WorkflowHistoryEventFilterType.CLOSE_EVENT
    )
    async for event in events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
            return event.workflow_execution_terminated_event_attributes.reason or "-"
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
            failure = event.workflow_execution_failed_event_attributes.failure
            return await failure_text(client.data_converter, failure)
    return "-"
