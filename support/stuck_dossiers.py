"""Dossiers whose workflow task keeps failing: finding them, and where their history still replays.

A workflow task that fails again and again holds its dossier still: no action, timer or activity
result is applied, and nothing tells the officers why. Causes seen, none of them hoso's rules:
- after the Temporal server is killed mid-task, Temporal Core may send an officer's update
  acceptance a second time, which the server refuses for good ("BadUpdateWorkflowExecutionMessage
  … received *update.Acceptance message while in state Accepted"); the history itself is sound;
- after the same kind of crash, Core may complete one task with the commands of two activations
  (an activity's result, then an officer's update) that replay in the other order: the history
  no longer replays ("[TMPRL1100] Nondeterminism error …") from that task on; so does the
  history of a dossier that workers with other workflow code ran (a deploy rolled back).
The server flags such a run in `TemporalReportedProblems` (support/devserver.py's
DYNAMIC_CONFIG); a server without that attribute is asked dossier by dossier. The remedy
(support/dossier_reset.py) resets the dossier to the first task the current code cannot
replay, or to its last completed task when it all replays.
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.update.v1 import Request as UpdateRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client, WorkflowHistory
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.worker import Replayer

from workflows.dossier import DossierWorkflow

FAILING_ATTEMPTS = 2  # failed twice in a row: the threshold the server flags a run at too
REPORTED = "TemporalReportedProblems"
RUNNING_DOSSIERS = "WorkflowType = 'DossierWorkflow' AND ExecutionStatus = 'Running'"
_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
_SCHEDULED = EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
_FAILED = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
_TIMED_OUT = EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
TIMED_OUT = "timed out: no worker completed it in time (workers down, or the server restarting)"
_ACCEPTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
_ADMITTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED


@dataclass(frozen=True)
class StuckTask:
    """A dossier's workflow task failing again and again, why, and where to reset it to."""

    code: str
    run_id: str
    attempt: int
    cause: str
    reset_point: int  # a completed workflow task's event id, redone with all after it (0: none)
    replays: bool  # the whole history replays against this code (else up to reset_point)
    actions: tuple[UpdateRequest, ...]  # officers' updates accepted after reset_point, in order


async def stuck_codes(client: Client, task_queue: str) -> list[str]:
    """The running dossiers of this deployment (its task queue) whose workflow task keeps
    failing."""
    running = f"{RUNNING_DOSSIERS} AND TaskQueue = '{task_queue}'"
    if await _flags_problems(client):
        query = f"{running} AND {REPORTED} IS NOT NULL"
        return sorted([w.id async for w in client.list_workflows(query)])
    codes = []
    async for listed in client.list_workflows(running):
        described = await client.get_workflow_handle(listed.id).describe()
        if described.raw_description.pending_workflow_task.attempt >= FAILING_ATTEMPTS:
            codes.append(listed.id)
    return sorted(codes)


async def stuck_task(client: Client, code: str) -> StuckTask | None:
    """The dossier's failing workflow task, if it has failed FAILING_ATTEMPTS times or more,
    with the reset point found by replaying its history here."""
    handle = client.get_workflow_handle(code)
    described = await handle.describe()
    task = described.raw_description.pending_workflow_task
    if task.attempt < FAILING_ATTEMPTS:
        return None
    history = await handle.fetch_history()
    events = list(history.events)
    cause = failure_cause(events)
    point, replays = await replay_point(history, replayer(client))
    return StuckTask(
        code=code,
        run_id=described.run_id or "",
        attempt=task.attempt,
        cause=cause,
        reset_point=point,
        replays=replays,
        actions=tuple(updates_after(events, point)),
    )


async def replay_point(history: WorkflowHistory, replaying: Replayer) -> tuple[int, bool]:
    """The completed workflow task to reset to, and whether the whole history replays: the
    first task whose commands the current code does not give again, else the last one (0: no
    task completed yet, nothing to reset to)."""
    events = list(history.events)
    completed = [i for i, e in enumerate(events) if e.event_type == _COMPLETED]
    if not completed:
        return 0, True
    if await _replays(history.workflow_id, events, replaying):
        return events[completed[-1]].event_id, True
    low, high = 0, len(completed) - 1  # a prefix that fails stays failing when it grows
    while low < high:
        middle = (low + high) // 2
        end = _task_end(events, completed[middle])
        if await _replays(history.workflow_id, events[:end], replaying):
            low = middle + 1
        else:
            high = middle
    return events[completed[low]].event_id, False


def failure_cause(events: list[HistoryEvent]) -> str:
    """Why the task fails, as the history last recorded it (a retried task's later failures are
    not recorded: the first one stands for them)."""
    for event in reversed(events):
        if event.event_type == _FAILED:
            return event.workflow_task_failed_event_attributes.failure.message
        if event.event_type == _TIMED_OUT:
            return TIMED_OUT
    return "-"


def replayer(client: Client) -> Replayer:
    """A replayer of dossiers with the client's codec, its Core warnings kept quiet (a failed
    replay is an answer here, not news)."""
    from worker import WORKFLOW_RUNNER  # the worker's wiring: only the commands that replay

    return Replayer(
        workflows=[DossierWorkflow],
        workflow_runner=WORKFLOW_RUNNER,
        data_converter=client.data_converter,
        runtime=_quiet_runtime(),
    )


async def _replays(workflow_id: str, events: list[HistoryEvent], replaying: Replayer) -> bool:
    result = await replaying.replay_workflow(
        WorkflowHistory(workflow_id, events), raise_on_replay_failure=False
    )
    return result.replay_failure is None


def _task_end(events: list[HistoryEvent], completed: int) -> int:
    """The end of a completed task's commands: the next workflow task scheduled (exclusive)."""
    for index in range(completed + 1, len(events)):
        if events[index].event_type == _SCHEDULED:
            return index
    return len(events)


def updates_after(events: list[HistoryEvent], point: int) -> list[UpdateRequest]:
    """The updates accepted (or durably admitted) after `point`, once each, in order."""
    requests: dict[str, UpdateRequest] = {}
    for event in events:
        if event.event_id <= point:
            continue
        if event.event_type == _ACCEPTED:
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
        elif event.event_type == _ADMITTED:
            request = event.workflow_execution_update_admitted_event_attributes.request
        else:
            continue
        requests.setdefault(request.meta.update_id, request)
    return list(requests.values())


async def _flags_problems(client: Client) -> bool:
    described = await client.workflow_service.describe_namespace(
        DescribeNamespaceRequest(namespace=client.namespace)
    )
    return described.namespace_info.capabilities.reported_problems_search_attribute


_runtime: Runtime | None = None


def _quiet_runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        quiet = TelemetryFilter(core_level="ERROR", other_level="ERROR")
        _runtime = Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(filter=quiet)))
    return _runtime
