"""Scale of open dossiers: N dossiers waiting at a stage at once (reception, for an officer to
accept them): the worker's and the server's memory, and the time for an action on one of them.

Dossiers open in batches (each batch started, then waited for until its start's activities are
done), the floor first and then hoso, each on a fresh dev server of its own (a server holding
the other system's workflows spends more per workflow); with `--address`, both on that server.
With N above the worker's sticky cache (`HOSO_WORKER_MAX_CACHED_WORKFLOWS`, 1,000 by default) the
dossier acted on is mostly not in the worker's memory: the action pays for replaying its history.

    uv run python -m bench.open_dossiers                  # 10,000
    uv run python -m bench.open_dossiers --dossiers 100000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import time
from dataclasses import dataclass, field
from typing import Any

import psutil
from sqlalchemy import func
from sqlmodel import Session, col, select

from activities.database import make_engine
from bench.dossiers import Step, Submitter, Timings, perform, stage_steps
from bench.floor import (
    FloorWorkflow,
    Latencies,
    Shape,
    floor_worker,
    start_floor,
    worker_tuning,
)
from bench.results import mib, percentiles, publish, run_benchmark, table
from bench.stack import (
    Stack,
    add_server_arguments,
    bench_stack,
    log_file,
    new_queue,
    worker_logs,
)
from bench.throughput import measure_shape, row
from models.tables import NotificationRecord
from workflows.dossier import DossierWorkflow

SAMPLES = 20  # actions timed on random open dossiers


@dataclass
class Opened:
    dossiers: int
    seconds: float
    process_rss: tuple[int, int]
    server_rss: tuple[int | None, int | None]
    updates: list[float] = field(default_factory=list)
    actions: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.dossiers / self.seconds


def _rss() -> int:
    gc.collect()
    return int(psutil.Process().memory_info().rss)


async def _wait(check: Any, target: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while (done := await check()) < target:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {done} of {target} dossiers opened in {timeout:.0f} s")
        await asyncio.sleep(0.25)


async def open_hoso(stack: Stack, n: int, batch: int, progress: bool) -> Opened:
    procedure = stack.procedures["eia"]
    queue = new_queue()
    engine = make_engine(stack.settings.resolved_database_url)

    async def assigned() -> int:
        def count() -> int:
            with Session(engine) as session:
                query = select(func.count()).where(
                    NotificationRecord.template == "stage_assigned",
                    col(NotificationRecord.sent_at).is_not(None),
                )
                return int(session.exec(query).one())

        return await asyncio.to_thread(count)

    codes: list[str] = []
    async with stack.hoso_worker(queue):
        submitter = Submitter(stack, queue)
        base = await assigned()
        before = (_rss(), stack.server_rss())
        began = time.perf_counter()
        for first in range(0, n, batch):
            size = min(batch, n - first)
            handles = await asyncio.gather(*(submitter.start(procedure) for _ in range(size)))
            codes += [h.id for h in handles]
            await _wait(assigned, base + len(codes), timeout=600)
            if progress:
                print(f"  hoso: {len(codes):,} dossiers open", flush=True)
        seconds = time.perf_counter() - began
        opened = Opened(n, seconds, (before[0], _rss()), (before[1], stack.server_rss()))
        accept: Step = stage_steps(stack, procedure, "reception")[0]
        timings = Timings()
        for code in random.Random(7).sample(codes, min(SAMPLES, n)):
            handle = stack.client.get_workflow_handle_for(DossierWorkflow.run, code)
            await perform(stack, handle, accept, timings)
        opened.updates, opened.actions = timings.updates, timings.actions
    engine.dispose()
    return opened


async def open_floor(stack: Stack, n: int, batch: int, shape: Shape, progress: bool) -> Opened:
    queue = new_queue("floor")
    handles = []
    async with floor_worker(stack.client, queue, **worker_tuning(stack.settings)):
        before = (_rss(), stack.server_rss())
        began = time.perf_counter()
        for first in range(0, n, batch):
            size = min(batch, n - first)
            new = await asyncio.gather(
                *(start_floor(stack.client, queue, shape) for _ in range(size))
            )
            handles += new
            pending = list(new)

            async def ready(pending: list[Any] = pending, opened: int = len(handles)) -> int:
                waiting = list(pending)
                answers = await asyncio.gather(*(h.query(FloorWorkflow.ready) for h in waiting))
                pending[:] = [h for h, ok in zip(waiting, answers, strict=True) if not ok]
                return opened - len(pending)

            await _wait(ready, len(handles), timeout=600)
            if progress:
                print(f"  floor: {len(handles):,} workflows open", flush=True)
        seconds = time.perf_counter() - began
        opened = Opened(n, seconds, (before[0], _rss()), (before[1], stack.server_rss()))
        latencies = Latencies()
        for handle in random.Random(7).sample(handles, min(SAMPLES, n)):
            began = time.perf_counter()
            await handle.query(FloorWorkflow.state)
            sent = time.perf_counter()
            await handle.execute_update(FloorWorkflow.act, "")
            latencies.updates.append(time.perf_counter() - sent)
            latencies.actions.append(time.perf_counter() - began)
        opened.updates, opened.actions = latencies.updates, latencies.actions
    return opened


def _delta(pair: tuple[int | None, int | None]) -> float | None:
    before, after = pair
    return None if before is None or after is None else after - before


def report(n: int, hoso: Opened, floor: Opened, cache: int, *, shared: bool) -> str:
    def mem(value: float | None) -> str:
        return "–" if value is None else mib(value)

    h, f = percentiles(hoso.updates), percentiles(floor.updates)
    ha, fa = percentiles(hoso.actions), percentiles(floor.actions)
    rows: list[list[object]] = [
        row("opened per second", hoso.rate, floor.rate, "/s"),
        ["benchmark process RSS, growth while opening", mem(_delta(hoso.process_rss)),
         mem(_delta(floor.process_rss)), "–"],
        ["benchmark process RSS, after", mem(hoso.process_rss[1]), mem(floor.process_rss[1]),
         "–"],
        ["server RSS, growth while opening", mem(_delta(hoso.server_rss)),
         mem(_delta(floor.server_rss)), "–"],
        ["server RSS, after", mem(hoso.server_rss[1]), mem(floor.server_rss[1]), "–"],
        row(f"action on an open one: update p50 ({len(hoso.updates)} sampled)", h["p50"],
            f["p50"]),
        row("action on an open one: update max", h["max"], f["max"]),
        row("action on an open one: query + sign + update p50", ha["p50"], fa["p50"]),
    ]  # fmt: skip
    where = (
        "on the same server (`--address`): the floor's workflows are still in its memory when "
        "hoso's open."
        if shared
        else "each on a fresh dev server of its own. The worker runs in this process for both: "
        "hoso's process growth may reuse memory the floor's worker freed (at most the floor's "
        "growth)."
    )
    return (
        f"`uv run python -m bench.open_dossiers --dossiers {n}`: {n:,} floor workflows waiting "
        f"for their first update, then {n:,} EIA dossiers waiting at reception at once, {where} "
        f"Worker sticky cache: {cache:,} workflows, so most actions replay the dossier's "
        "history first. "
        "The action is `accept` on a random open dossier, one at a time on an idle system.\n\n"
        + table(["", "hoso", "floor", "hoso / floor"], rows)
    )


async def _main(args: argparse.Namespace) -> str:
    async with bench_stack(args.address, server_pid=args.server_pid) as stack:
        with worker_logs(log_file(stack, args)):
            shape = await measure_shape(stack)
            start_shape = shape[:2]  # its start, then an update doing what `accept` does
            if args.address:  # one server for both
                floor = await open_floor(stack, args.dossiers, args.batch, start_shape, True)
            else:
                async with bench_stack() as own:
                    floor = await open_floor(own, args.dossiers, args.batch, start_shape, True)
            hoso = await open_hoso(stack, args.dossiers, args.batch, progress=True)
        cache = stack.settings.worker_max_cached_workflows
    text = report(args.dossiers, hoso, floor, cache, shared=bool(args.address))
    return publish(args, "open_dossiers", "Scale of open dossiers", text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=200, help="dossiers opened at a time")
    add_server_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
