"""A dossier's workflow history read as domain events: its submission, each update accepted and
answered, the activities that ran, its timers and how its run ended.

The one reader of histories: the timeline (`hoso history`), `hoso verify` and `hoso rebuild` are
passes over these events. Payloads are decoded with the client's data converter, so an encrypted
history reads as the worker reads it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from temporalio.api.common.v1 import Payload, WorkflowExecution
from temporalio.api.enums.v1 import WorkflowTaskFailedCause
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client

from models.activity_interfaces import (
    ACTIVITY_INPUTS,
    DELIVER_RESULT,
    ISSUE_FORM,
    LOAD_TRUST,
    RECORD_CHANGE,
    RECORD_DOSSIER,
)
from models.continuation import ActionReceipt, Continuation
from models.credentials import TrustAnchors
from models.dossier import DossierSubmission
from models.effects import DeliveryReceipt
from models.state import DossierState, FormRef
from models.updates import PAYMENT_UPDATES, UPDATE_INPUTS
from support.codec import EncryptionError, failure_text

ModelT = TypeVar("ModelT", bound=BaseModel)
CONTINUATION_FIELDS = frozenset(
    {"submission", "state"}
)  # a continued run's start, not a submission
# What the projection was told: the payloads the record and the projection are rebuilt from.
PROJECTION_ACTIVITIES = frozenset({RECORD_CHANGE.name, RECORD_DOSSIER.name})
# Activities whose inputs the projection's rows are checked against and rebuilt from.
TRUTH_ACTIVITIES = PROJECTION_ACTIVITIES | {DELIVER_RESULT.name}


@dataclass(frozen=True)
class DossierEvent:
    """Something the history holds, at the time the server wrote it."""

    at: datetime


@dataclass(frozen=True)
class Submitted(DossierEvent):
    """A run's start: the dossier's submission; in a run that continued the one before, the
    state it took over too (`continuation`)."""

    submission: DossierSubmission | None  # None: unreadable (a lenient read)
    workflow_type: str
    continuation: Continuation | None = None


@dataclass(frozen=True)
class UpdateAccepted(DossierEvent):
    """An update the validator let in: its registered input (signed), a dict for an update
    hoso does not know, None when unreadable."""

    update_id: str
    name: str
    item: Any

    @property
    def registered(self) -> bool:
        return self.name in UPDATE_INPUTS


@dataclass(frozen=True)
class UpdateAnswered(DossierEvent):
    """An update's outcome: its receipt (the whole state it answered, for dossiers started
    before receipts), or why it was overtaken (`failure`)."""

    accepted: UpdateAccepted | None
    state: DossierState | None
    failure: str | None
    receipt: ActionReceipt | None = None


@dataclass(frozen=True)
class ActivityScheduled(DossierEvent):
    """An activity asked for: its input decoded by its interface (a dict for others)."""

    event_id: int
    activity_id: str
    name: str
    input: Any


@dataclass(frozen=True)
class ActivityCompleted(DossierEvent):
    scheduled: ActivityScheduled | None
    form: FormRef | None  # the form issued, for issue_form
    receipt: DeliveryReceipt | None = None  # the hand-over, for deliver_result
    trust: TrustAnchors | None = None  # the anchors loaded, for load_trust


@dataclass(frozen=True)
class ActivityFailed(DossierEvent):
    scheduled: ActivityScheduled | None
    failure: str


@dataclass(frozen=True)
class ActivityTimedOut(DossierEvent):
    scheduled: ActivityScheduled | None


@dataclass(frozen=True)
class TimerStarted(DossierEvent):
    fires_at: datetime


@dataclass(frozen=True)
class TimerFired(DossierEvent):
    pass


@dataclass(frozen=True)
class RunEnded(DossierEvent):
    """The run's last event (as is, when it timed out or was cancelled)."""


@dataclass(frozen=True)
class Closed(RunEnded):
    state: DossierState | None  # the workflow's result


@dataclass(frozen=True)
class RunFailed(RunEnded):
    failure: str


@dataclass(frozen=True)
class Terminated(RunEnded):
    reason: str


@dataclass(frozen=True)
class ContinuedAsNew(RunEnded):
    pass


@dataclass(frozen=True)
class Reset(DossierEvent):
    """An operator reset the dossier to an earlier point; the run `base_run_id` was left."""

    reason: str
    base_run_id: str


class HistoryReader:
    """Turns history events into domain events, pairing each outcome with what it answers.

    `lenient` (for people reading): a payload that cannot be decoded reads as None instead of
    failing, except for a missing key, which must be said. Payloads only shown to people
    (notices, forms asked for, deliveries) are always read leniently.
    """

    def __init__(self, client: Client, *, lenient: bool) -> None:
        self._client = client
        self._lenient = lenient
        self._accepted: dict[str, UpdateAccepted] = {}
        self._scheduled: dict[int, ActivityScheduled] = {}
        self._read: dict[str, Callable[[HistoryEvent, datetime], Awaitable[DossierEvent | None]]]
        self._read = {
            "workflow_execution_started_event_attributes": self._started,
            "workflow_execution_update_accepted_event_attributes": self._update_accepted,
            "workflow_execution_update_completed_event_attributes": self._update_completed,
            "activity_task_scheduled_event_attributes": self._activity_scheduled,
            "activity_task_completed_event_attributes": self._activity_completed,
            "activity_task_failed_event_attributes": self._activity_failed,
            "activity_task_timed_out_event_attributes": self._activity_timed_out,
            "timer_started_event_attributes": self._timer_started,
            "timer_fired_event_attributes": self._timer_fired,
            "workflow_execution_completed_event_attributes": self._completed,
            "workflow_execution_failed_event_attributes": self._failed,
            "workflow_execution_terminated_event_attributes": self._terminated,
            "workflow_execution_continued_as_new_event_attributes": self._continued,
            "workflow_execution_timed_out_event_attributes": self._ended,
            "workflow_execution_canceled_event_attributes": self._ended,
            "workflow_task_failed_event_attributes": self._task_failed,
        }

    async def read(self, event: HistoryEvent) -> DossierEvent | None:
        which = event.WhichOneof("attributes")
        reader = self._read.get(which or "")
        return await reader(event, event.event_time.ToDatetime(tzinfo=UTC)) if reader else None

    async def _decode(self, payloads: Sequence[Payload], hint: Any, *, lenient: bool) -> Any:
        if not payloads:
            return None
        try:
            return (await self._client.data_converter.decode(list(payloads), [hint]))[0]
        except EncryptionError:
            raise  # a missing key must be said, not hidden
        except Exception:
            if lenient:  # an old or foreign payload: the event without its details
                return None
            raise

    async def _truth(self, payloads: Sequence[Payload], hint: Any) -> Any:
        """A payload the record or the projection is read from."""
        return await self._decode(payloads, hint, lenient=self._lenient)

    async def _failure(self, failure: Any) -> str:
        return await failure_text(self._client.data_converter, failure)

    async def _started(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        started = event.workflow_execution_started_event_attributes
        start = await self._truth(started.input.payloads, dict)
        name = started.workflow_type.name
        if isinstance(start, dict) and start.keys() >= CONTINUATION_FIELDS:
            continued = self._validated(Continuation, start)
            return Submitted(at, continued.submission if continued else None, name, continued)
        return Submitted(at, self._validated(DossierSubmission, start), name)

    def _validated(self, model: type[ModelT], value: Any) -> ModelT | None:
        """`value` as `model`; None when it is none or (read leniently) does not fit."""
        if value is None:
            return None
        try:
            return model.model_validate(value)
        except ValidationError:
            if self._lenient:
                return None
            raise

    async def _update_accepted(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        request = event.workflow_execution_update_accepted_event_attributes.accepted_request
        name, payloads = request.input.name, request.input.args.payloads
        hint = UPDATE_INPUTS.get(name) or PAYMENT_UPDATES.get(name)
        item = (
            await self._truth(payloads, hint)
            if hint is not None
            else await self._decode(payloads, dict, lenient=True)
        )
        accepted = UpdateAccepted(at, request.meta.update_id, name, item)
        self._accepted[accepted.update_id] = accepted
        return accepted

    async def _update_completed(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        done = event.workflow_execution_update_completed_event_attributes
        accepted = self._accepted.pop(done.meta.update_id, None)
        if done.outcome.HasField("failure"):
            return UpdateAnswered(at, accepted, None, await self._failure(done.outcome.failure))
        answer = await self._truth(done.outcome.success.payloads, dict)
        # dossiers started before receipts answered their whole state
        state = (
            self._validated(DossierState, answer) if "procedure_code" in (answer or {}) else None
        )
        receipt = self._validated(ActionReceipt, answer)
        return UpdateAnswered(at, accepted, state, None, receipt)

    async def _activity_scheduled(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        attributes = event.activity_task_scheduled_event_attributes
        name, payloads = attributes.activity_type.name, attributes.input.payloads
        hint = ACTIVITY_INPUTS.get(name, dict)
        value = (
            await self._truth(payloads, hint)
            if name in TRUTH_ACTIVITIES
            else await self._decode(payloads, hint, lenient=True)
        )
        scheduled = ActivityScheduled(at, event.event_id, attributes.activity_id, name, value)
        self._scheduled[event.event_id] = scheduled
        return scheduled

    async def _activity_completed(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        done = event.activity_task_completed_event_attributes
        scheduled = self._scheduled.get(done.scheduled_event_id)
        name = scheduled.name if scheduled is not None else ""
        form = receipt = trust = None
        if name == ISSUE_FORM.name:
            form = await self._truth(done.result.payloads, FormRef)
        elif name == DELIVER_RESULT.name:
            receipt = await self._truth(done.result.payloads, DeliveryReceipt)
        elif name == LOAD_TRUST.name:
            trust = await self._decode(done.result.payloads, TrustAnchors, lenient=True)
        return ActivityCompleted(at, scheduled, form, receipt, trust)

    async def _activity_failed(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        failed = event.activity_task_failed_event_attributes
        scheduled = self._scheduled.get(failed.scheduled_event_id)
        return ActivityFailed(at, scheduled, await self._failure(failed.failure))

    async def _activity_timed_out(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        late = event.activity_task_timed_out_event_attributes
        return ActivityTimedOut(at, self._scheduled.get(late.scheduled_event_id))

    async def _timer_started(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        timeout = event.timer_started_event_attributes.start_to_fire_timeout
        return TimerStarted(at, at + timeout.ToTimedelta())

    async def _timer_fired(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        return TimerFired(at)

    async def _completed(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        payloads = event.workflow_execution_completed_event_attributes.result.payloads
        return Closed(at, await self._truth(payloads, DossierState))

    async def _failed(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        failure = event.workflow_execution_failed_event_attributes.failure
        return RunFailed(at, await self._failure(failure))

    async def _terminated(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        return Terminated(at, event.workflow_execution_terminated_event_attributes.reason)

    async def _continued(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        return ContinuedAsNew(at)

    async def _ended(self, event: HistoryEvent, at: datetime) -> DossierEvent:
        return RunEnded(at)

    async def _task_failed(self, event: HistoryEvent, at: datetime) -> DossierEvent | None:
        task = event.workflow_task_failed_event_attributes
        if task.cause != WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW:
            return None  # a bug or a non-determinism, retried by the worker: not the dossier's
        return Reset(at, task.failure.message, task.base_run_id)


MAX_RUNS = 10_000  # far beyond what a dossier's life makes: a loop in the chain is a defect


async def dossier_runs(client: Client, code: str) -> list[str]:
    """The run ids of the dossier's workflow, first to latest: the latest run, then each run it
    continued (its start names the run before), back to the dossier's start."""
    # raw: `describe()` would parse search attributes, which some servers send as it does not
    latest = await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace, execution=WorkflowExecution(workflow_id=code)
        )
    )
    runs = [latest.workflow_execution_info.execution.run_id]
    while len(runs) < MAX_RUNS:
        handle = client.get_workflow_handle(code, run_id=runs[-1])
        before = ""
        async for event in handle.fetch_history_events(page_size=1):
            before = event.workflow_execution_started_event_attributes.continued_execution_run_id
            break
        if not before or before in runs:
            break
        runs.append(before)
    return runs[::-1]


async def dossier_events(
    client: Client, code: str, *, lenient: bool = False
) -> AsyncIterator[DossierEvent]:
    """The dossier's history as domain events: every run of its workflow in order (a dossier
    whose history grew long continued as new), each in the history's order. Raises the server's
    RPCError when it does not hold the history."""
    for run_id in await dossier_runs(client, code):
        reader = HistoryReader(client, lenient=lenient)  # event ids start again in each run
        handle = client.get_workflow_handle(code, run_id=run_id)
        async for event in handle.fetch_history_events():
            found = await reader.read(event)
            if found is not None:
                yield found
