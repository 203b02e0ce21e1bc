"""The load generator of the fault tests: EIA dossiers started as intake starts them and driven
through the chain by their officers with bounded concurrency, each action signed (the harness's
credentials) and sent again, under the same update id, whenever a fault leaves its fate unknown."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from temporalio.api.enums.v1 import PendingWorkflowTaskState
from temporalio.client import (
    Client,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError

from models.actions import OfficerAction
from models.dossier import DossierSubmission
from models.officer import OfficerIdentity
from models.procedure import ConsultationStage, Procedure, ReceptionStage
from models.state import DossierState
from support.intake import start_dossier
from tests.workflows.harness import (
    assignee,
    credential,
    officer_for,
    procedure,
    sealed_for,
    submission,
)
from workflows.dossier import DossierWorkflow

T = TypeVar("T")
RPC_TIMEOUT = timedelta(seconds=10)
# The SDK polls for an update's outcome and a workflow's result with no deadline of its own: an
# update the server forgot in a restart would be waited for forever. A try is given this long.
CALL_WAIT = 30.0
# What a fault does to a call in flight: the server or the dossier's worker went away mid-call.
TRANSIENT = (
    RPCError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowQueryFailedError,
    TimeoutError,
)


@dataclass(frozen=True)
class Step:
    """One officer action of the happy path at its stage; (officer, action) is unique along the
    path."""

    stage: str
    officer: OfficerIdentity
    action: str

    def landed(self, state: DossierState) -> bool:
        return any(a.actor == self.officer.id and a.action == self.action for a in state.actions)


def eia_path(proc: Procedure | None = None) -> list[Step]:
    """Every EIA stage approved: accept, approve, three concurring agencies, approve, approve."""
    proc = proc or procedure("eia")
    steps = []
    for stage in proc.chain:
        if isinstance(stage, ReceptionStage):
            steps.append(Step(stage.id, assignee(proc, stage.id), "accept"))
        elif isinstance(stage, ConsultationStage):
            steps += [
                Step(stage.id, officer_for(role="specialist", agency=agency), "concur")
                for agency in stage.agencies
            ]
        else:
            steps.append(Step(stage.id, assignee(proc, stage.id), "approve"))
    return steps


async def patiently(call: Callable[[], Awaitable[T]], *, deadline: float) -> T:
    """`call()` again until it gets through a fault (the server restarting, a worker killed);
    each try given CALL_WAIT at most, since the SDK's own polls have no deadline."""
    while True:
        try:
            return await asyncio.wait_for(call(), CALL_WAIT)
        except TRANSIENT:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


@dataclass
class Load:
    """Dossiers through the EIA chain, at most `concurrency` in flight; `progress` counts the
    actions done so far (the fault schedule watches it)."""

    client: Client
    task_queue: str
    concurrency: int
    timeout: float = 170.0
    path: list[Step] = field(default_factory=eia_path)
    progress: int = 0
    retried: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    # What each unfinished dossier is waiting on, for the report of a load that runs out of time,
    # and what else that report should say (the workers' state and logs).
    waiting: dict[str, str] = field(default_factory=dict)
    context: Callable[[], str] | None = None
    sealed: dict[str, DossierSubmission] = field(default_factory=dict)

    @property
    def per_dossier(self) -> int:
        return len(self.path)

    async def run(
        self, subs: list[DossierSubmission], upto: int | None = None
    ) -> list[DossierState]:
        """Starts the dossiers (a repeat start is a no-op) and drives each through the path's
        actions up to `upto`; without `upto`, to the end and its result."""
        deadline = time.monotonic() + self.timeout
        gate = asyncio.Semaphore(self.concurrency)

        async def one(sub: DossierSubmission) -> DossierState:
            async with gate:
                state = await self.dossier(sub, deadline, upto)
                self.waiting.pop(sub.code, None)
                return state

        try:
            return await asyncio.wait_for(
                asyncio.gather(*(one(sub) for sub in subs)), self.timeout + 15
            )
        except TRANSIENT as err:  # a hang, or a fault that outlasted the deadline
            raise AssertionError(f"{err!r}\n{await self.stuck()}") from err

    async def stuck(self) -> str:
        """Each dossier still unfinished: what the load waits for and what the server says."""
        lines = [f"{len(self.waiting)} dossiers unfinished:"]
        for code, what in sorted(self.waiting.items())[:10]:
            lines.append(f"{code}: {what}")
            try:
                described = await self.client.get_workflow_handle(code).describe(
                    rpc_timeout=RPC_TIMEOUT
                )
            except RPCError as err:
                lines.append(f"  describe failed: {err}")
                continue
            raw = described.raw_description
            lines.append(
                f"  {described.status.name if described.status else '?'},"
                f" {described.history_length} events,"
                f" workflow task {PendingWorkflowTaskState.Name(raw.pending_workflow_task.state)}"
                f" (attempt {raw.pending_workflow_task.attempt})"
            )
            for pending in raw.pending_activities:
                lines.append(
                    f"  activity {pending.activity_type.name}: attempt {pending.attempt},"
                    f" {pending.last_failure.message[:200]}"
                )
        if self.context is not None:
            lines.append(self.context())
        return "\n".join(lines)

    async def dossier(
        self, sub: DossierSubmission, deadline: float, upto: int | None = None
    ) -> DossierState:
        self.waiting[sub.code] = "start"
        if sub.code not in self.sealed:  # sealed once: a later run may find the database away
            self.sealed[sub.code] = sealed_for(self.task_queue, sub)  # as intake seals it
        sub = self.sealed[sub.code]
        await patiently(lambda: start_dossier(self.client, sub, self.task_queue), deadline=deadline)
        handle = self.client.get_workflow_handle_for(DossierWorkflow.run, sub.code)
        for n, step in enumerate(self.path[:upto]):
            self.waiting[sub.code] = f"action {n} ({step.officer.id} {step.action} at {step.stage})"
            await self.act(handle, step, n, deadline)
            self.progress += 1
        self.waiting[sub.code] = "its state" if upto is not None else "its result"
        if upto is not None:
            return await self.state(handle, deadline)
        return await patiently(lambda: handle.result(rpc_timeout=RPC_TIMEOUT), deadline=deadline)

    async def state(
        self, handle: WorkflowHandle[DossierWorkflow, DossierState], deadline: float
    ) -> DossierState:
        return await patiently(
            lambda: handle.query(DossierWorkflow.state, rpc_timeout=RPC_TIMEOUT),
            deadline=deadline,
        )

    async def act(
        self,
        handle: WorkflowHandle[DossierWorkflow, DossierState],
        step: Step,
        n: int,
        deadline: float,
    ) -> None:
        """Signs for the step's stage and sends. After a fault, looks at the dossier and sends
        again only if the action did not land, under the same update id (the server answers a
        repeat with the first outcome); a fresh id only after a rejection."""
        rejected = 0
        stage: str | None = step.stage  # known along the path: no query before each action
        while True:
            if stage is None:
                state = await self.state(handle, deadline)
                if step.landed(state):
                    return
                stage = state.stage
            item = OfficerAction(officer=step.officer, action=step.action)
            signed = credential(step.officer).sign(
                item, dossier=handle.id, stage=stage, update="act"
            )
            try:
                await asyncio.wait_for(
                    handle.execute_update(
                        DossierWorkflow.act,
                        signed,
                        id=f"{handle.id}/{n}/{rejected}",
                        rpc_timeout=RPC_TIMEOUT,
                    ),
                    CALL_WAIT,
                )
                return
            except TRANSIENT as err:
                self.retried += 1
                self.faults[type(err).__name__] += 1
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)
            except WorkflowUpdateFailedError as err:
                # A repeat overtaken by its own first copy, or a stage moved on: look again.
                rejected += 1
                assert rejected < 3, f"{handle.id}: {step} rejected {rejected} times: {err.cause}"
                # A dossier being reset (a stuck workflow task) answers queries from before the
                # actions re-sent to it: give those a moment to land.
                await asyncio.sleep(1.0)
            stage = None


def eia_submissions(count: int) -> list[DossierSubmission]:
    return [submission("eia") for _ in range(count)]
