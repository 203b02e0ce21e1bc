"""The bare-Temporal floor: a no-op workflow doing what a dossier does on the server.

A shape is the number of activities at the start, then after each update: the EIA chain's default
below was counted from a recorded history; the benchmarks measure the shape of a real hoso dossier
in the same run (`shape_of`) and give it to the floor. Its driver calls what an officer's client
calls: a query (hoso's client reads the stage it signs for), then the update.

    uv run python -m bench.floor --dossiers 20 --concurrency 5
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle, WorkflowHistory
from temporalio.worker import Worker

# EIA, online delivery, measured by bench.throughput: load_trust, record and 2 notices at the
# start; then per update (accept, approve, 3 concurs, approve, approve).
EIA_SHAPE = (4, 5, 3, 1, 1, 3, 3, 4)
UPDATES = len(EIA_SHAPE) - 1


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
        self.shape: list[int] = []

    async def _activities(self, n: int) -> None:
        for _ in range(n):
            await workflow.execute_activity(noop, "", start_to_close_timeout=timedelta(seconds=30))

    @workflow.run
    async def run(self, shape: list[int]) -> int:
        self.shape = shape
        await self._activities(shape[0])
        self.started = True
        await workflow.wait_condition(
            lambda: self.done == len(shape) - 1 and workflow.all_handlers_finished()
        )
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
    """The floor's worker; `tuning` takes the same limits as hoso's worker."""
    return Worker(
        client, task_queue=task_queue, workflows=[FloorWorkflow], activities=[noop], **tuning
    )


def worker_tuning(settings: Any) -> dict[str, Any]:
    """hoso's worker limits (config.Settings), for the floor's worker."""
    return {
        "max_concurrent_workflow_tasks": settings.worker_max_concurrent_workflow_tasks,
        "max_concurrent_activities": settings.worker_max_concurrent_activities,
        "max_cached_workflows": settings.worker_max_cached_workflows,
    }


def shape_of(history: WorkflowHistory) -> tuple[int, ...]:
    """Activities at the start, then those each update ran (scheduled while it was the one open
    update); whatever ran outside an update counts with the start."""
    per_update: list[int] = []
    open_updates: dict[str, int] = {}
    total = 0
    for event in history.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            accepted = event.workflow_execution_update_accepted_event_attributes
            open_updates[accepted.accepted_request.meta.update_id] = len(per_update)
            per_update.append(0)
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            completed = event.workflow_execution_update_completed_event_attributes
            open_updates.pop(completed.meta.update_id, None)
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            total += 1
            if len(open_updates) == 1:
                per_update[next(iter(open_updates.values()))] += 1
    return (total - sum(per_update), *per_update)


@dataclass
class Latencies:
    updates: list[float] = field(default_factory=list)
    actions: list[float] = field(default_factory=list)


async def start_floor(
    client: Client, queue: str, shape: Sequence[int]
) -> WorkflowHandle[FloorWorkflow, int]:
    return await client.start_workflow(
        FloorWorkflow.run, list(shape), id=f"floor-{uuid.uuid4()}", task_queue=queue
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
    shape: Sequence[int] = EIA_SHAPE,
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
    figures = asyncio.run(_main(args.dossiers, args.concurrency))
    print(figures)
    return figures


if __name__ == "__main__":
    main()
