"""Officer action latency: the update round trip of an officer's action, p50 / p95 / p99, against
the floor's, on the same server, at one or more loads (dossiers in flight).

At concurrency 1 one officer acts alone: the round trip is the path's own cost. At higher
concurrency the same dossiers run side by side, as in an office at work. A p99 is decided by its
slowest few round trips, so the default takes 300 dossiers a load (2,100 round trips per system):
at 350 round trips (50 dossiers) the same code gave anything from 1.3x to 1.9x the floor's p99
at 10 in flight.

    uv run python -m bench.latency                       # 300 EIA dossiers at 1 and at 10 in flight
    uv run python -m bench.latency --dossiers 100 --concurrency 1,10,50
"""

from __future__ import annotations

import argparse

from bench.floor import Shape
from bench.results import percentiles, publish, run_benchmark, table
from bench.stack import Stack, add_server_arguments, bench_stack, log_file, worker_logs
from bench.throughput import ORDER, Phase, measure_shape, paired, row


async def benchmark(
    stack: Stack, dossiers: int, levels: list[int]
) -> tuple[Shape, list[tuple[int, Phase, Phase]]]:
    shape = await measure_shape(stack)
    runs = []
    for concurrency in levels:
        hoso, floor = await paired(stack, dossiers, concurrency, shape)
        runs.append((concurrency, hoso, floor))
    return shape, runs


def report(dossiers: int, shape: Shape, runs: list[tuple[int, Phase, Phase]]) -> str:
    rows = []
    for concurrency, hoso, floor in runs:
        h, f = percentiles(hoso.updates), percentiles(floor.updates)
        for p in ("p50", "p95", "p99"):
            label = f"{concurrency} in flight, update {p}"
            rows.append(row(label, h[p], f[p]))
        ha, fa = percentiles(hoso.actions), percentiles(floor.actions)
        rows.append(row(f"{concurrency} in flight, whole action p99", ha["p99"], fa["p99"]))
    levels = ",".join(str(c) for c, _, _ in runs)
    updates = len(shape) - 1
    return (
        f"`uv run python -m bench.latency --dossiers {dossiers} --concurrency {levels}`: at each "
        f"load, {dossiers} EIA dossiers ({updates} signed updates each, {dossiers * updates:,} "
        f"round trips per system), in the order {ORDER}. The update round trip is "
        "`execute_update` from the call to its answer; the whole action adds what an "
        "officer's client does before it (query the stage, sign).\n\n"
        + table(["", "hoso", "floor", "hoso / floor"], rows)
    )


async def _main(args: argparse.Namespace) -> str:
    levels = [int(level) for level in args.concurrency.split(",")]
    async with bench_stack(args.address, server_pid=args.server_pid) as stack:
        with worker_logs(log_file(stack, args)):
            shape, runs = await benchmark(stack, args.dossiers, levels)
    text = report(args.dossiers, shape, runs)
    return publish(args, "latency", "Officer action latency (update round trip)", text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=300, help="dossiers at each load")
    parser.add_argument("--concurrency", default="1,10", help="loads, comma-separated")
    add_server_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
