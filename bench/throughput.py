"""Throughput: dossiers per second through the EIA chain, hoso against the floor, same server.

A load generator keeps `--concurrency` dossiers in flight: each is started as intake starts it,
then every officer action is signed and sent as an officer's client sends it (query the stage,
sign, update); the dossier's result closes it. The floor runs the same number of updates and
activities, in the shape measured on a real hoso dossier in the same run.

    uv run python -m bench.throughput                    # 1,000 dossiers, 50 in flight
    uv run python -m bench.throughput --profile          # and where the worker's time goes
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.dossiers import Submitter, Timings, drive, happy_path
from bench.floor import (
    Latencies,
    Shape,
    activity_count,
    describe,
    run_floor,
    shape_of,
    worker_tuning,
)
from bench.results import mib, percentiles, publish, ratio, run_benchmark, table
from bench.stack import (
    Stack,
    add_server_arguments,
    bench_stack,
    log_file,
    new_queue,
    worker_logs,
)
from models.dossier import DossierStatus
from models.procedure import DeliveryChannel


@dataclass
class Phase:
    """One system's run: wall time, CPU seconds of this process and of the server."""

    dossiers: int
    seconds: float
    process_cpu: float
    server_cpu: float | None
    updates: list[float] = field(default_factory=list)
    actions: list[float] = field(default_factory=list)
    process_rss: int = 0
    server_rss: int | None = None
    codes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.dossiers / self.seconds

    def __add__(self, other: Phase) -> Phase:
        """Two runs of one system as one: dossiers, time and CPU added, latencies pooled."""
        server = (
            None
            if self.server_cpu is None or other.server_cpu is None
            else self.server_cpu + other.server_cpu
        )
        return Phase(
            self.dossiers + other.dossiers,
            self.seconds + other.seconds,
            self.process_cpu + other.process_cpu,
            server,
            self.updates + other.updates,
            self.actions + other.actions,
            max(self.process_rss, other.process_rss),
            other.server_rss if other.server_rss is not None else self.server_rss,
            self.codes + other.codes,
        )


class CpuMeter:
    """CPU seconds (user + system) of this process and of the server between start and stop."""

    def __init__(self, stack: Stack) -> None:
        self._me = psutil.Process()
        self._server = stack.server
        self._others = stack.others

    @staticmethod
    def _cpu(process: psutil.Process | None) -> float | None:
        if process is None:
            return None
        times = process.cpu_times()
        return float(times.user + times.system)

    def _worker_cpu(self) -> dict[int, float]:
        """This process and its helpers (the form renderers), not the server it started."""
        server = {self._server.pid} if self._server is not None else set()
        cpu = {self._me.pid: self._cpu(self._me) or 0.0}
        for child in self._me.children():
            if child.pid in server or child.pid in self._others:
                continue
            with contextlib.suppress(psutil.Error):
                cpu[child.pid] = self._cpu(child) or 0.0
                for grandchild in child.children(recursive=True):
                    cpu[grandchild.pid] = self._cpu(grandchild) or 0.0
        return cpu

    def __enter__(self) -> CpuMeter:
        self.began = time.perf_counter()
        self._mine, self._theirs = self._worker_cpu(), self._cpu(self._server)
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.began
        now = self._worker_cpu()
        self.process_cpu = sum(cpu - self._mine.get(pid, 0.0) for pid, cpu in now.items())
        theirs = self._cpu(self._server)
        self.server_cpu = None if theirs is None else theirs - (self._theirs or 0.0)


async def measure_shape(stack: Stack, procedure: str = "eia") -> Shape:
    """One hoso dossier through the chain (also the warm-up): its activities per update."""
    proc = stack.procedures[procedure]
    async with stack.hoso_worker(queue := new_queue()):
        submitter = Submitter(stack, queue)
        handle = await submitter.start(proc)
        await drive(stack, handle, happy_path(stack, proc, DeliveryChannel.online), settled=True)
        return shape_of(await handle.fetch_history())


async def run_hoso(
    stack: Stack, dossiers: int, concurrency: int, procedure: str = "eia", **worker: Any
) -> Phase:
    """`dossiers` hoso dossiers through the chain, `concurrency` at a time, on one worker."""
    proc = stack.procedures[procedure]
    queue = new_queue()
    timings = Timings()
    gate = asyncio.Semaphore(concurrency)
    steps = happy_path(stack, proc, DeliveryChannel.online)
    codes: list[str] = []
    async with stack.hoso_worker(queue):
        submitter = Submitter(stack, queue)

        async def one() -> None:
            async with gate:
                handle = await submitter.start(proc)
                codes.append(handle.id)
                state = await drive(stack, handle, steps, timings)
                if state.status != DossierStatus.completed:
                    raise RuntimeError(f"dossier {state.code} ended {state.status.value}")

        with CpuMeter(stack) as meter:
            await asyncio.gather(*(one() for _ in range(dossiers)))
    phase = Phase(dossiers, meter.seconds, meter.process_cpu, meter.server_cpu)
    phase.updates, phase.actions, phase.codes = timings.updates, timings.actions, codes
    phase.process_rss, phase.server_rss = psutil.Process().memory_info().rss, stack.server_rss()
    return phase


async def run_floor_phase(stack: Stack, dossiers: int, concurrency: int, shape: Shape) -> Phase:
    latencies = Latencies()
    with CpuMeter(stack) as meter:
        await run_floor(
            stack.client,
            dossiers,
            concurrency,
            shape,
            latencies=latencies,
            **worker_tuning(stack.settings),
        )
    phase = Phase(dossiers, meter.seconds, meter.process_cpu, meter.server_cpu)
    phase.updates, phase.actions = latencies.updates, latencies.actions
    return phase


def _per(phase: Phase, value: float | None) -> float | None:
    return None if value is None else value / phase.dossiers * 1000


def row(label: str, hoso: float | None, floor: float | None, unit: str = "ms") -> list[object]:
    """A table row: both values with their unit, and their ratio."""

    def show(value: float | None) -> str:
        if value is None:
            return "–"
        return f"{value:.2f}" if unit == "/s" else f"{value:,.{1 if unit == 's' else 0}f} {unit}"

    both = hoso is not None and floor is not None
    return [label, show(hoso), show(floor), ratio(hoso, floor) if both else "–"]  # type: ignore[arg-type]


def latency_rows(hoso: Phase, floor: Phase) -> list[list[object]]:
    h, f = percentiles(hoso.updates), percentiles(floor.updates)
    ha, fa = percentiles(hoso.actions), percentiles(floor.actions)
    rows = [row(f"update round trip {p}", h[p], f[p]) for p in ("p50", "p95", "p99")]
    rows += [row(f"action (query + sign + update) {p}", ha[p], fa[p]) for p in ("p50", "p99")]
    return rows


def report(dossiers: int, concurrency: int, shape: Shape, hoso: Phase, floor: Phase) -> str:
    rows = [
        row("dossiers per second", hoso.rate, floor.rate, "/s"),
        row("wall time", hoso.seconds, floor.seconds, "s"),
        *latency_rows(hoso, floor),
        row("CPU of the benchmark process (and its form renderers) per dossier",
            _per(hoso, hoso.process_cpu), _per(floor, floor.process_cpu)),
        row("CPU of the Temporal server per dossier", _per(hoso, hoso.server_cpu),
            _per(floor, floor.server_cpu)),
    ]  # fmt: skip
    memory = f"Benchmark process RSS after the hoso run {mib(hoso.process_rss)}" + (
        f", server RSS {mib(hoso.server_rss)}." if hoso.server_rss else "."
    )
    return (
        f"`uv run python -m bench.throughput --dossiers {dossiers} --concurrency {concurrency}`: "
        f"{dossiers:,} EIA dossiers (online delivery, every stage approved: {len(shape) - 1} "
        f"signed updates and {activity_count(shape)} activities each, shape {describe(shape)}), "
        f"{concurrency} in flight; in the order {ORDER}, each with its own in-process "
        "worker (same limits) on the same dev server (SQLite file, WAL).\n\n"
        + table(["", "hoso", "floor", "hoso / floor"], rows)
        + f"\n\n{memory} The process runs the load generator and the worker together; the "
        "server and the process share the machine's cores."
    )


# The order both systems run in, half the dossiers each time: the dev server spends more CPU per
# dossier the more workflows it holds (measured at 1,000 dossiers, 50 in flight: hoso 4.17/s on a
# fresh server, 2.88/s after 2,000 other dossiers; the floor 7.92/s first, 6.94/s after 1,000
# of hoso's), so the system that ran second paid for the first one's. Floor, hoso, hoso, floor
# gives both the same server on average.
ORDER = "the floor, hoso, hoso, the floor (half the dossiers each time)"


async def paired(
    stack: Stack, dossiers: int, concurrency: int, shape: Shape
) -> tuple[Phase, Phase]:
    """hoso's and the floor's runs of `dossiers`, in the order ORDER; (hoso, floor)."""
    if dossiers < 2:
        floor = await run_floor_phase(stack, dossiers, concurrency, shape)
        return await run_hoso(stack, dossiers, concurrency), floor
    half = dossiers // 2
    floor = await run_floor_phase(stack, half, concurrency, shape)
    hoso = await run_hoso(stack, half, concurrency)
    hoso += await run_hoso(stack, dossiers - half, concurrency)
    floor += await run_floor_phase(stack, dossiers - half, concurrency, shape)
    return hoso, floor


async def benchmark(stack: Stack, dossiers: int, concurrency: int) -> tuple[Shape, Phase, Phase]:
    shape = await measure_shape(stack)
    hoso, floor = await paired(stack, dossiers, concurrency, shape)
    return shape, hoso, floor


async def _main(args: argparse.Namespace) -> str:
    if args.webhooks and not 1 <= args.rounds <= args.dossiers:
        raise SystemExit("--rounds: from 1 to --dossiers (each round runs every side)")
    async with bench_stack(args.address, server_pid=args.server_pid) as stack:
        with worker_logs(log_file(stack, args)):
            if args.profile:
                from bench.profile import profiled_benchmark

                return await profiled_benchmark(stack, args)
            if args.webhooks:
                from bench import throughput_webhooks

                text = await throughput_webhooks.benchmark(stack, args)
                title = "Throughput with webhook subscribers"
                return publish(args, "throughput_webhooks", title, text)
            shape, hoso, floor = await benchmark(stack, args.dossiers, args.concurrency)
    text = report(args.dossiers, args.concurrency, shape, hoso, floor)
    return publish(args, "throughput", "Throughput: EIA dossiers per second", text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50, help="dossiers in flight")
    parser.add_argument(
        "--profile", action="store_true", help="profile the worker (section 'profile')"
    )
    parser.add_argument("--profile-out", type=Path, help="folder for the full profiles")
    parser.add_argument(
        "--webhooks",
        type=int,
        default=0,
        metavar="N",
        help="also run hoso with N portals subscribed to every event, in rounds (section"
        " 'throughput_webhooks'; --dossiers is then a side's)",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="with --webhooks: rounds, in alternating order"
    )
    add_server_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
