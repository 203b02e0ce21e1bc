"""A dossier reset whose officers' actions are still to be sent again: its current run began
with a reset (Temporal's reset event names the run it came from and the point it forked at)
and no operator's note (a `retry` update) is on record since. The pages reset a dossier in one
request and re-send its actions in the next, once the operator's browser has signed the note
that readmits them; read from the histories, a re-sending cut short is found again here."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.update.v1 import Request as UpdateRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from models.actions import RetryRequest
from models.updates import UPDATE_OF
from support.stuck_dossiers import updates_after

_FAILED = EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
_ACCEPTED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
_RESET = WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW
RETRY = UPDATE_OF[RetryRequest].name


@dataclass(frozen=True)
class ResetLeftover:
    code: str
    run_id: str  # the reset run's
    reset_point: int
    actions: tuple[UpdateRequest, ...]  # the run it came from accepted after the point


def _reset_at(events: list[HistoryEvent]) -> int | None:
    """The index of the run's own reset event (the last one: an earlier one was copied over)."""
    found = None
    for index, event in enumerate(events):
        if (
            event.event_type == _FAILED
            and event.workflow_task_failed_event_attributes.cause == _RESET
        ):
            found = index
    return found


def _noted_since(events: list[HistoryEvent], index: int) -> bool:
    return any(
        event.event_type == _ACCEPTED
        and event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        == RETRY
        for event in events[index:]
    )


async def reset_leftover(client: Client, code: str) -> ResetLeftover | None:
    """The dossier's reset still awaiting its note and its actions, or None."""
    handle = client.get_workflow_handle(code)
    history = await handle.fetch_history()
    events = list(history.events)
    index = _reset_at(events)
    if index is None or _noted_since(events, index):
        return None
    reset = events[index]
    base_run = reset.workflow_task_failed_event_attributes.base_run_id
    try:
        base = await client.get_workflow_handle(code, run_id=base_run).fetch_history()
    except RPCError as exc:  # past the namespace's retention: nothing left to send again
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        return None
    return ResetLeftover(
        code=code,
        run_id=reset.workflow_task_failed_event_attributes.new_run_id or history.run_id,
        reset_point=reset.event_id,
        actions=tuple(updates_after(list(base.events), reset.event_id)),
    )
