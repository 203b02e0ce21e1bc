"""The bare-Temporal floor: a no-op workflow doing what a dossier does on the server.

A shape is what activities the dossier runs at its start, then in each update, batch by batch (those
hoso schedules together run together in the floor too): the EIA chain's default below was read from
a hoso history; the benchmarks measure the shape of a real hoso dossier in the same run
(`shape_of`) and give it to the floor. Its driver calls what an officer's client
calls: a query (hoso's client reads the stage it signs for), then the update.

    uv run python -m bench.floor --dossiers 20 --concurrency 5
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.worker import Worker

from support import event_loop
from worker import WORKFLOW_RUNNER

# A shape: for the start, then for each update, the batches of activities hoso scheduled in one
# workflow task; each batch as (activities the update waited for, activities left running after
# it returned: notices). The floor runs each batch together, as hoso does, waits inside its update
# for the first kind and lets the second go on, waiting for them only before it ends.
Batch = tuple[int, int]
Phase = tuple[Batch, ...]
Shape = tuple[Phase, ...]
# EIA, online delivery, as bench.throughput measured it: load_trust, record and 2 notices at the
# start; then per update (accept, approve, 3 concurs, approve, approve).
EIA_SHAPE: Shape = (
    ((1, 0), (1, 2)),
    ((1, 0), (1, 1), (1, 1)),
    ((1, 1), (1, 0)),
    ((1, 0),),
    ((1, 0),),
    ((1, 1),),
    ((1, 1),),
    ((1, 0), (1, 0), (1, 0), (1, 1)),
)
UPDATES = len(EIA_SHAPE) - 1


def activity_count(shape: Shape) -> int:
    return sum(a + b for phase in shape for a, b in phase)


def describe(shape: Shape) -> str:
    """[start | update 1 | …], each batch as `n` (all awaited) or `n+m` (m left running)."""
    phases = [" ".join(f"{a}+{b}" if b else f"{a}" for a, b in phase) for phase in shape]
    return "[" + " | ".join(phases) + "]"


@activity.defn
async def noop(_: str) -> str:
    return ""


@workflow.defn
class FloorWorkflow:
    """Applies its updates one at a time after its start, as DossierWorkflow's inbox does."""

    def __init__(self) -> None:
        self.done = 0
        self.started = False
        self.lock = asyncio.Lock()
        self.shape: list[list[list[int]]] = []
        self.running: list[asyncio.Task[Any]] = []

    def _one(self) -> Awaitable[Any]:
        return workflow.execute_activity(noop, "", start_to_close_timeout=timedelta(seconds=30))

    async def _activities(self, phase: list[list[int]]) -> None:
        for awaited, left in phase:
            self.running.extend(asyncio.ensure_future(self._one()) for _ in range(left))
            await asyncio.gather(*(self._one() for _ in range(awaited)))

    @workflow.run
    async def run(self, shape: list[list[list[int]]]) -> int:
        self.shape = shape
        await self._activities(shape[0])
        self.started = True
        await workflow.wait_condition(
            lambda: self.done == len(shape) - 1 and workflow.all_handlers_finished()
        )
        await asyncio.gather(*self.running)
        return self.done

    @workflow.query
    def state(self) -> int:
        return self.done

    @workflow.query
    def ready(self) -> bool:
        """Its start's activities are done: it waits for an update."""
        return self.started

    @workflow.update
    async def act(self, _: str) -> int:
        await workflow.wait_condition(lambda: self.started)
        async with self.lock:
            self.done += 1
            await self._activities(self.shape[self.done])
            return self.done


def floor_worker(client: Client, task_queue: str, **tuning: Any) -> Worker:
    """The floor's worker, with hoso's workflow runner (no sandbox, as hoso's worker runs);
    `tuning` takes the same limits as hoso's worker."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=[FloorWorkflow],
        activities=[noop],
        workflow_runner=WORKFLOW_RUNNER,
        **tuning,
    )


def worker_tuning(settings: Any) -> dict[str, Any]:
    """hoso's worker limits (config.Settings), for the floor's worker."""
    return {
        "max_concurrent_workflow_tasks": settings.worker_max_concurrent_workflow_tasks,
        "max_concurrent_activities": settings.worker_max_concurrent_activities,
        "max_cached_workflows": settings.worker_max_cached_workflows,
    }


def shape_of(history: WorkflowHistory) -> Shape:
    """The shape of a hoso dossier from its history: activities scheduled in one workflow task
    form a batch; those scheduled while an update was the one open belong to its phase (the rest
    to the start); an activity that completed after its update did was left running."""
    phases: list[dict[int, list[int]]] = [{}]  # per phase: batch (workflow task) → activity ids
    phase_of_update: dict[str, int] = {}
    open_updates: set[str] = set()
    completed_update_at: dict[int, int] = {}  # phase → event id of its update's completion
    done_at: dict[int, int] = {}  # activity (scheduled event id) → event id of its end
    for event in history.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            accepted = event.workflow_execution_update_accepted_event_attributes
            phase_of_update[accepted.accepted_request.meta.update_id] = len(phases)
            open_updates.add(accepted.accepted_request.meta.update_id)
            phases.append({})
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            update_id = event.workflow_execution_update_completed_event_attributes.meta.update_id
            open_updates.discard(update_id)
            if update_id in phase_of_update:
                completed_update_at[phase_of_update[update_id]] = event.event_id
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            task = event.activity_task_scheduled_event_attributes.workflow_task_completed_event_id
            owner = phase_of_update[next(iter(open_updates))] if len(open_updates) == 1 else 0
            phases[owner].setdefault(task, []).append(event.event_id)
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            scheduled = event.activity_task_completed_event_attributes.scheduled_event_id
            done_at[scheduled] = event.event_id
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
            done_at[event.activity_task_failed_event_attributes.scheduled_event_id] = event.event_id
    shape: list[Phase] = []
    for number, batches in enumerate(phases):
        end = completed_update_at.get(number)
        found: list[Batch] = []
        for ids in batches.values():
            left = sum(1 for i in ids if end is not None and done_at.get(i, 1 << 62) > end)
            found.append((len(ids) - left, left))
        shape.append(tuple(found))
    return tuple(shape)


def as_input(shape: Shape) -> list[list[list[int]]]:
    return [[list(batch) for batch in phase] for phase in shape]


@dataclass
class Latencies:
    updates: list[float] = field(default_factory=list)
    actions: list[float] = field(default_factory=list)


async def start_floor(
    client: Client, queue: str, shape: Shape
) -> WorkflowHandle[FloorWorkflow, int]:
    return await client.start_workflow(
        FloorWorkflow.run, as_input(shape), id=f"floor-{uuid.uuid4()}", task_queue=queue
    )


async def drive_floor(
    handle: WorkflowHandle[FloorWorkflow, int],
    updates: int,
    latencies: Latencies | None = None,
    *,
    query_first: bool = True,
) -> int:
    """`updates` actions as an officer's client sends them (query, then update), then the result."""
    for _ in range(updates):
        began = time.perf_counter()
        if query_first:
            await handle.query(FloorWorkflow.state)
        sent = time.perf_counter()
        await handle.execute_update(FloorWorkflow.act, "")
        if latencies is not None:
            done = time.perf_counter()
            latencies.updates.append(done - sent)
            latencies.actions.append(done - began)
    return await handle.result()


async def run_floor(
    client: Client,
    dossiers: int,
    concurrency: int,
    shape: Shape = EIA_SHAPE,
    *,
    queue: str | None = None,
    latencies: Latencies | None = None,
    query_first: bool = True,
    **tuning: Any,
) -> dict[str, float]:
    """Runs `dossiers` floor workflows, `concurrency` at a time; returns the rate and latencies."""
    from bench.results import percentiles

    queue = queue or f"floor-{uuid.uuid4()}"
    latencies = latencies if latencies is not None else Latencies()
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            handle = await start_floor(client, queue, shape)
            await drive_floor(handle, len(shape) - 1, latencies, query_first=query_first)

    async with floor_worker(client, queue, **tuning):
        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(dossiers)))
        elapsed = time.perf_counter() - began
    q = percentiles(latencies.updates)
    return {
        "dossiers_per_s": dossiers / elapsed,
        "seconds": elapsed,
        "p50_ms": q["p50"],
        "p95_ms": q["p95"],
        "p99_ms": q["p99"],
    }


async def _main(dossiers: int, concurrency: int) -> dict[str, float]:
    from bench.stack import bench_stack  # the floor alone, on a dev server of its own

    async with bench_stack() as stack:
        return await run_floor(stack.client, dossiers, concurrency)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args(argv)
    figures = event_loop.run(_main(args.dossiers, args.concurrency))
    print(figures)
    return figures


if __name__ == "__main__":
    main()
