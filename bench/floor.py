"""The bare-Temporal floor: a no-op workflow doing what an EIA dossier does on the server.

Counted from tests/histories/eia_approved_online.json: 7 updates (accept, approve, 3 concur,
approve, approve) and 23 activities (10 record_dossier, 10 send_notification, 2 issue_form,
1 deliver_result), all with no-op bodies.

    uv run python -m bench.floor --dossiers 20 --concurrency 5
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

UPDATES = 7
ACTIVITIES_AT_START = 3  # record, notify submitted, notify assigned
ACTIVITIES_PER_UPDATE = (3, 3, 0, 0, 3, 3, 8)  # with the start: 23 (split approximate)
assert ACTIVITIES_AT_START + sum(ACTIVITIES_PER_UPDATE) == 23


@activity.defn
async def noop(_: str) -> str:
    return ""


@workflow.defn
class FloorWorkflow:
    def __init__(self) -> None:
        self.done = 0

    async def _activities(self, n: int) -> None:
        for _ in range(n):
            await workflow.execute_activity(noop, "", start_to_close_timeout=timedelta(seconds=30))

    @workflow.run
    async def run(self) -> int:
        await self._activities(ACTIVITIES_AT_START)
        await workflow.wait_condition(
            lambda: self.done == UPDATES and workflow.all_handlers_finished()
        )
        return self.done

    @workflow.update
    async def act(self, _: str) -> int:
        n = ACTIVITIES_PER_UPDATE[self.done]
        self.done += 1
        await self._activities(n)
        return self.done


def floor_worker(client: Client, task_queue: str) -> Worker:
    return Worker(client, task_queue=task_queue, workflows=[FloorWorkflow], activities=[noop])


async def run_floor(client: Client, dossiers: int, concurrency: int) -> dict[str, float]:
    """Runs `dossiers` floor workflows, `concurrency` at a time; returns rate and latencies."""
    queue = f"floor-{uuid.uuid4()}"
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)

    async def one() -> None:
        async with gate:
            handle = await client.start_workflow(
                FloorWorkflow.run, id=f"floor-{uuid.uuid4()}", task_queue=queue
            )
            for _ in range(UPDATES):
                began = time.perf_counter()
                await handle.execute_update(FloorWorkflow.act, "")
                latencies.append(time.perf_counter() - began)
            await handle.result()

    async with floor_worker(client, queue):
        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(dossiers)))
        elapsed = time.perf_counter() - began
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "dossiers_per_s": dossiers / elapsed,
        "p50_ms": q[49] * 1000,
        "p95_ms": q[94] * 1000,
        "p99_ms": q[98] * 1000,
    }


async def _main(dossiers: int, concurrency: int) -> dict[str, float]:
    binary = Path(sys.executable).parent / "temporal"
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(binary), ip="127.0.0.1", ui=False
    )
    try:
        return await run_floor(env.client, dossiers, concurrency)
    finally:
        await env.shutdown()


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
