"""Throughput with portals subscribed to every dossier's changes (`bench.throughput --webhooks N`).

Three sides on one server, in rounds: the floor; hoso with its webhook relay running and no
subscriber; hoso with N portals subscribed to every event, registered as an operator registers
them, each a receiver on 127.0.0.1 in a process of its own (bench/portals.py) that checks every
signature. Each round runs every side on its share of the dossiers, in the order floor, hoso,
hoso with subscribers, the next round in the reverse order, so that the server's growth and the
machine's other load fall on all three alike. The relay runs beside each hoso worker as it does
in `hoso worker` (same process, production settings); after the subscribers' run it is left to
post what is still queued (timed, outside the rate), and the subscribers are removed again.

After the run: every portal received every status change of every dossier, once, each dossier's
as one chain in order (`previous_status` of each event the status of the one before), and as
many as the outbox queued for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bench.floor import Shape, activity_count, describe
from bench.portals import Portals, Received
from bench.results import percentiles, ratio, table
from bench.stack import Stack
from bench.throughput import Phase, measure_shape, run_floor_phase, run_hoso
from models.dossier import DossierStatus
from models.webhooks import STATUS_CHANGED, WebhookSubscription
from operations import webhooks
from operations.access import Caller
from operations.services import Services
from support.intake import Sessions
from support.webhook_relay import DELIVERIES, WebhookRelay

SIDES = ("floor", "hoso", "webhooks")
OPERATOR = "ops.operator"  # the sample registry's operator, of the province's service centre
DRAIN_SECONDS = 600.0


@dataclass
class Run:
    """Every side's phases added up, each round's, and the subscribers' side's codes."""

    shape: Shape
    totals: dict[str, Phase] = field(default_factory=dict)
    rounds: list[dict[str, Phase]] = field(default_factory=list)
    orders: list[tuple[str, ...]] = field(default_factory=list)
    drains: list[float] = field(default_factory=list)

    def add(self, side: str, phase: Phase) -> None:
        self.rounds[-1][side] = phase
        self.totals[side] = self.totals[side] + phase if side in self.totals else phase


@asynccontextmanager
async def relaying(stack: Stack, sessions: Sessions) -> AsyncIterator[None]:
    """The webhook relay beside the worker, as `hoso worker` runs it."""
    stop = asyncio.Event()
    task = asyncio.create_task(WebhookRelay(sessions, stack.settings).run(stop))
    try:
        yield
    finally:
        stop.set()
        await task


def _operator(stack: Stack) -> Caller:
    return Caller(officer=stack.officers[OPERATOR], token_id="bench")  # noqa: S106 - a token's id, no secret


@asynccontextmanager
async def subscribed(stack: Stack, services: Services, portals: Portals) -> AsyncIterator[None]:
    """The portals registered to every event of every agency, then removed."""
    caller = _operator(stack)
    for name, url, secret in zip(portals.names, portals.urls, portals.secrets, strict=True):
        wanted = WebhookSubscription(name=name, url=url, secret=secret, events=[STATUS_CHANGED])
        await asyncio.to_thread(webhooks.register, caller, services, wanted)
    try:
        yield
    finally:
        for name in portals.names:
            await asyncio.to_thread(webhooks.remove, caller, services, name)


def _pending(sessions: Sessions) -> int:
    with sessions() as session:
        query = select(func.count()).where(DELIVERIES.c.next_attempt_at.is_not(None))
        return int(session.connection().execute(query).scalar_one())


async def until_delivered(sessions: Sessions) -> float:
    """Seconds until the outbox holds nothing to post (RuntimeError past DRAIN_SECONDS)."""
    began = time.perf_counter()
    while await asyncio.to_thread(_pending, sessions):
        if time.perf_counter() - began > DRAIN_SECONDS:
            raise RuntimeError("the relay did not post the outbox's deliveries in time")
        await asyncio.sleep(0.05)
    return time.perf_counter() - began


async def _side(
    side: str, stack: Stack, services: Services, portals: Portals, run: Run, size: int, args: Any
) -> None:
    dossiers, concurrency, shape = size, args.concurrency, run.shape
    if side == "floor":
        run.add(side, await run_floor_phase(stack, dossiers, concurrency, shape))
        return
    sessions = services.sessions
    if side == "hoso":
        async with relaying(stack, sessions):
            run.add(side, await run_hoso(stack, dossiers, concurrency))
        return
    async with subscribed(stack, services, portals), relaying(stack, sessions):
        run.add(side, await run_hoso(stack, dossiers, concurrency))
        run.drains.append(await until_delivered(sessions))


async def run_rounds(stack: Stack, services: Services, portals: Portals, args: Any) -> Run:
    """`args.rounds` rounds of the three sides, `args.dossiers` dossiers a side in all."""
    run = Run(await measure_shape(stack))
    for n in range(args.rounds):
        size = args.dossiers // args.rounds + (1 if n < args.dossiers % args.rounds else 0)
        order = SIDES if n % 2 == 0 else SIDES[::-1]
        run.rounds.append({})
        run.orders.append(order)
        for side in order:
            await _side(side, stack, services, portals, run, size, args)
    return run


# -- the check ------------------------------------------------------------------------------


def queued(sessions: Sessions) -> dict[str, tuple[int, int, int]]:
    """Per subscriber: deliveries queued, delivered, and delivered after more than one try."""
    d = DELIVERIES.c
    query = select(
        d.subscriber,
        func.count(),
        func.count(d.delivered_at),
        func.count(d.delivered_at).filter(d.attempts > 1),
    ).group_by(d.subscriber)
    with sessions() as session:
        rows: list[Any] = list(session.connection().execute(query))
    return {name: (total, delivered, retried) for name, total, delivered, retried in rows}


def check(
    received: dict[str, Received], outbox: dict[str, tuple[int, int, int]], codes: list[str]
) -> list[str]:
    """What is wrong with the deliveries (nothing: every change reached every portal, in order)."""
    problems = []
    counts = {name: got.count for name, got in received.items()}
    if len(set(counts.values())) > 1:
        problems.append(f"the portals received different numbers of events: {counts}")
    for name, got in received.items():
        total, delivered, _ = outbox.get(name, (0, 0, 0))
        if not got.count == total == delivered:
            problems.append(f"{name}: {got.count} received, {total} queued, {delivered} delivered")
        wrong = got.out_of_order(codes, DossierStatus.completed.value)
        if wrong:
            problems.append(f"{name}: {len(wrong)} dossiers' events missing or out of order")
        if got.refused:
            problems.append(f"{name}: {len(got.refused)} deliveries refused ({got.refused[0]})")
    return problems


# -- the report -----------------------------------------------------------------------------


def _rates(phases: dict[str, Phase]) -> list[object]:
    floor, hoso, hooks = (phases[side] for side in SIDES)
    return [
        f"{floor.rate:.2f}",
        f"{hoso.rate:.2f}",
        f"{hooks.rate:.2f}",
        ratio(hoso.rate, floor.rate),
        ratio(hooks.rate, floor.rate),
        ratio(hooks.rate, hoso.rate),
    ]


def _names(order: tuple[str, ...]) -> str:
    return ", ".join({"floor": "floor", "hoso": "hoso", "webhooks": "subscribed"}[s] for s in order)


def _row(label: str, values: list[float | None], unit: str = " ms") -> list[object]:
    """A row of the sides' values (floor, hoso, subscribed) and their three ratios."""
    floor, hoso, hooks = values

    def show(value: float | None) -> str:
        return "–" if value is None else f"{value:,.{2 if unit == '' else 0}f}{unit}"

    pairs = ((hoso, floor), (hooks, floor), (hooks, hoso))
    return [label, *(show(v) for v in values), *(ratio(a, b) if a and b else "–" for a, b in pairs)]


def _per(phase: Phase, cpu: float | None) -> float | None:
    return None if cpu is None else cpu / phase.dossiers * 1000


def report(args: Any, run: Run, portals: Portals, received: dict[str, Received],
           outbox: dict[str, tuple[int, int, int]], problems: list[str]) -> str:  # fmt: skip
    shape = run.shape
    phases = [run.totals[side] for side in SIDES]
    n = len(portals.names)
    header = ["", "floor", "hoso", f"hoso, {n} subscribers", "hoso / floor", "subscribed / floor"]
    header.append("subscribed / hoso")
    latencies = [percentiles(p.updates) for p in phases]
    rows = [_row("dossiers per second", [p.rate for p in phases], "")]
    rows += [_row(f"update round trip {q}", [x[q] for x in latencies]) for q in ("p50", "p99")]
    rows.append(_row("CPU of the process per dossier", [_per(p, p.process_cpu) for p in phases]))
    rows.append(_row("CPU of the server per dossier", [_per(p, p.server_cpu) for p in phases]))
    hooks = phases[2]
    per_round = [
        [f"{i + 1} ({_names(order)})", *_rates(phases)]
        for i, (order, phases) in enumerate(zip(run.orders, run.rounds, strict=True))
    ]
    lags = percentiles([lag for got in received.values() for lag in got.lags])
    events = sum(got.count for got in received.values())
    retried = sum(r for _, _, r in outbox.values())
    duplicates = sum(got.duplicates for got in received.values())
    verdict = (
        f"every status change of the {hooks.dossiers:,} subscribed dossiers reached every portal"
        f" ({events:,} events, {events // max(n, 1) / max(hooks.dossiers, 1):.1f} a dossier each),"
        " signatures checked, in order per dossier from its opening to `completed`, as many as"
        " the outbox queued"
        if not problems
        else "**deliveries wrong**: " + "; ".join(problems)
    )
    return (
        f"`uv run python -m bench.throughput --webhooks {n} --dossiers {args.dossiers} "
        f"--concurrency {args.concurrency} --rounds {args.rounds}`: {args.dossiers:,} EIA dossiers "
        f"a side ({len(shape) - 1} signed updates and {activity_count(shape)} activities each, "
        f"shape {describe(shape)}), {args.concurrency} in flight, one dev server: the floor; hoso "
        f"with its webhook relay running and no subscriber; hoso with {n} portals subscribed to "
        "every event of every agency (registered by an operator, each a receiver on 127.0.0.1 in "
        "a process of its own checking every Standard Webhooks signature; its CPU is not "
        f"counted). {args.rounds} rounds, each running every side on its share, in alternating "
        "order (below).\n\n"
        + table(header, rows)
        + "\n\nEach round:\n\n"
        + table(
            [
                "round (order)",
                "floor /s",
                "hoso /s",
                "subscribed /s",
                "hoso / floor",
                "subscribed / floor",
                "subscribed / hoso",
            ],
            per_round,
        )  # fmt: skip
        + f"\n\nDeliveries: {verdict}. From the change in the workflow to its arrival at the "
        f"portal: p50 {lags['p50']:,.0f} ms, p99 {lags['p99']:,.0f} ms; after the last subscribed "
        f"dossier completed, the outbox was empty {max(run.drains, default=0):.1f} s later at "
        f"most; {retried} deliveries needed a second attempt, {duplicates} arrived twice."
    )


async def benchmark(stack: Stack, args: Any) -> str:
    """The run, its check and its report."""
    services = Services.from_settings(stack.settings)
    with Portals(args.webhooks) as portals:
        stack.others.add(portals.pid or 0)
        run = await run_rounds(stack, services, portals, args)
        received = portals.tally()
    outbox = await asyncio.to_thread(queued, services.sessions)
    problems = check(received, outbox, run.totals["webhooks"].codes)
    return report(args, run, portals, received, outbox, problems)
