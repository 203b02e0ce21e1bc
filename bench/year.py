"""A simulated year: a district's year of dossiers under the time-skipping server, wall time.

The plan (seeded): dossiers arrive on each working day of a year, of the three sample procedures
in a district's mix; the one-stop counter accepts each on its day of arrival, then every stage
acts one to a few working days later (within its budget), the consulted agencies together; a
result by post or at the counter is confirmed a few days after it is issued. Each simulated
working day starts at 09:00 (Vietnam time); between days the server skips the time (stage
deadlines and risk alarms fire on the way). The floor runs the same plan (no-op workflows of each
procedure's shape, measured on one hoso dossier of each) on a time-skipping server of its own,
then hoso runs it: a server that has held the other system's year spends more per workflow.

    uv run python -m bench.year                      # 20,000 dossiers
    uv run python -m bench.year --dossiers 2000      # a tenth of it
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select
from temporalio.testing import WorkflowEnvironment

from activities.database import make_engine
from bench.dossiers import Step, Submitter, confirmation, drive, perform, settle, stage_steps
from bench.floor import (
    FloorWorkflow,
    Shape,
    activity_count,
    floor_worker,
    shape_of,
    start_floor,
    worker_tuning,
)
from bench.results import add_result_arguments, publish, ratio, run_benchmark, table
from bench.stack import Stack, bench_stack, log_file, new_queue, worker_logs
from models.calendar import VIETNAM, WorkingCalendar
from models.procedure import DeliveryChannel
from models.tables import DossierRecord
from support.calendars import resolve_calendar

MIX = {"extract": 0.70, "permit": 0.27, "eia": 0.03}  # a district: mostly civil status
DELIVERY = {"extract": DeliveryChannel.online, "eia": DeliveryChannel.online}
PERMIT_DELIVERY = (DeliveryChannel.counter, DeliveryChannel.post, DeliveryChannel.online)
WORKDAY_START = 9  # o'clock, Vietnam time


@dataclass
class Plan:
    """One dossier: its procedure, delivery, arrival day and the delay before each later group
    of actions (working days)."""

    procedure: str
    delivery: DeliveryChannel
    arrival: int
    delays: list[int]


def plan_year(stack: Stack, dossiers: int, days: int, seed: int = 2026) -> list[Plan]:
    rng = random.Random(seed)
    names, weights = list(MIX), list(MIX.values())
    plans = []
    for n in range(dossiers):
        name = rng.choices(names, weights)[0]
        procedure = stack.procedures[name]
        delivery = DELIVERY.get(name) or rng.choice(PERMIT_DELIVERY)
        delays = [
            rng.randint(1, max(1, min(3, procedure.chain[i].working_days - 1)))
            for i in range(1, len(procedure.chain))
        ]
        if delivery != DeliveryChannel.online:
            delays.append(rng.randint(1, 3))
        plans.append(Plan(name, delivery, n * days // dossiers, delays))
    return plans


def groups(stack: Stack, plan: Plan) -> list[list[Step]]:
    """The actions of each group, in order: a stage's (all the agencies of a consultation), then
    the delivery's confirmation."""
    procedure = stack.procedures[plan.procedure]
    out = [stage_steps(stack, procedure, stage.id) for stage in procedure.chain]
    extra = confirmation(stack, procedure, plan.delivery)
    return out + ([extra] if extra else [])


def working_days_until(calendar: WorkingCalendar, first: date, end: date) -> list[date]:
    return [d for d in working_days(calendar, first, 400) if d < end]


def working_days(calendar: WorkingCalendar, first: date, count: int) -> list[date]:
    days: list[date] = []
    day = first
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


async def simulate(
    stack: Stack,
    plans: list[Plan],
    start: Callable[[Plan], Awaitable[Any]],
    act: Callable[[Any, Plan, int], Awaitable[None]],
    days: list[date],
    concurrency: int,
    progress: str | None,
) -> float:
    """Runs the plan day by day, skipping the server's time between days; returns wall seconds."""
    env = stack.env
    assert env is not None
    arrivals: dict[int, list[int]] = defaultdict(list)
    for n, plan in enumerate(plans):
        arrivals[plan.arrival].append(n)
    due: dict[int, list[tuple[int, int]]] = defaultdict(list)  # day -> (dossier, group)
    handles: dict[int, Any] = {}
    gate = asyncio.Semaphore(concurrency)
    began = time.perf_counter()

    async def work(n: int, group: int, today: int) -> None:
        async with gate:
            if group == 0:
                handles[n] = await start(plans[n])
            await act(handles[n], plans[n], group)
        delays = plans[n].delays
        if group < len(delays):
            due[today + delays[group]].append((n, group + 1))
        else:
            handles.pop(n)

    today = 0
    with env.auto_time_skipping_disabled():
        await _skip_to(stack, days[0])
        while today < len(days) and (today <= max(arrivals, default=0) or handles):
            jobs = [work(n, 0, today) for n in arrivals.pop(today, [])]
            jobs += [work(n, g, today) for n, g in due.pop(today, [])]
            await asyncio.gather(*jobs)
            if progress and today % 20 == 0:
                print(f"  {progress}: day {today}, {len(handles):,} open", flush=True)
            today += 1
            if today < len(days):
                await _skip_to(stack, days[today])
    if handles:
        raise RuntimeError(f"{len(handles)} dossiers still open after {len(days)} working days")
    return time.perf_counter() - began


async def _skip_to(stack: Stack, day: date) -> None:
    """Skips the server's clock to 09:00 (Vietnam time) of `day`."""
    env = stack.env
    assert env is not None
    now = await env.get_current_time()
    target = datetime.combine(day, datetime.min.time(), VIETNAM) + timedelta(hours=WORKDAY_START)
    if target > now:
        await env.sleep(target - now)


async def measure_shapes(stack: Stack, queue: str) -> dict[tuple[str, DeliveryChannel], Shape]:
    """Each procedure and delivery's shape, from one hoso dossier each (also the warm-up)."""
    shapes = {}
    submitter = Submitter(stack, queue)
    wanted = {(name, DELIVERY.get(name) or d) for name in MIX for d in PERMIT_DELIVERY}
    for name, delivery in sorted(wanted):
        plan = Plan(name, delivery, 0, [])
        handle = await submitter.start(stack.procedures[name], delivery=delivery)
        steps = [step for group in groups(stack, plan) for step in group]
        await drive(stack, handle, steps, settled=True)
        await settle(handle)
        shapes[(name, delivery)] = shape_of(await handle.fetch_history())
    return shapes


async def _year_days(env: WorkflowEnvironment, year_days: int | None) -> tuple[list[date], int]:
    """The working days from the server's next one: a year's arrivals (or `year_days`), then
    150 more for the last dossiers to finish; and the arrivals' count."""
    now = await env.get_current_time()
    calendar = resolve_calendar(now.year, now.year + 3)
    first = calendar.next_working_day(now.astimezone(VIETNAM).date())
    arrivals = year_days or len(
        working_days_until(calendar, first, first.replace(year=first.year + 1))
    )
    return working_days(calendar, first, arrivals + 150), arrivals


async def floor_year(
    plans: list[Plan],
    plan_groups: dict[int, list[list[Step]]],
    shapes: dict[tuple[str, DeliveryChannel], Shape],
    year_days: int,
    concurrency: int,
    progress: bool,
) -> float:
    """The same plan as no-op workflows of each procedure's shape, on a time-skipping server of
    their own (one that held hoso's year would spend more per workflow); wall seconds."""
    async with bench_stack(time_skipping=True) as own:
        assert own.env is not None
        days, _ = await _year_days(own.env, year_days)
        queue = new_queue("floor")
        async with floor_worker(own.client, queue, **worker_tuning(own.settings)):

            async def start(plan: Plan) -> Any:
                return await start_floor(own.client, queue, shapes[(plan.procedure, plan.delivery)])

            async def act(handle: Any, plan: Plan, group: int) -> None:
                for _ in plan_groups[id(plan)][group]:
                    await handle.query(FloorWorkflow.state)
                    await handle.execute_update(FloorWorkflow.act, "")

            label = "floor" if progress else None
            return await simulate(own, plans, start, act, days, concurrency, label)


async def run_year(
    stack: Stack, dossiers: int, concurrency: int, days: int | None, progress: bool
) -> dict[str, Any]:
    """hoso's warm-up (each procedure's shape), the floor's year on a server of its own, then
    hoso's year on `stack`'s server."""
    env = stack.env
    assert env is not None
    now = await env.get_current_time()
    calendar_days, year_days = await _year_days(env, days)
    plans = plan_year(stack, dossiers, year_days)
    for officer in stack.officers.values():  # valid over the whole simulated year
        stack.credential(officer, since=now - timedelta(days=1))

    queue = new_queue()
    async with stack.hoso_worker(queue):
        with env.auto_time_skipping_disabled():
            shapes = await measure_shapes(stack, queue)
    plan_groups = {id(p): groups(stack, p) for p in plans}
    floor_seconds = await floor_year(plans, plan_groups, shapes, year_days, concurrency, progress)

    async with stack.hoso_worker(queue):
        submitter = Submitter(stack, queue)

        async def start_hoso(plan: Plan) -> Any:
            at = await env.get_current_time()
            procedure = stack.procedures[plan.procedure]
            return await submitter.start(procedure, delivery=plan.delivery, submitted_at=at)

        async def act_hoso(handle: Any, plan: Plan, group: int) -> None:
            for step in plan_groups[id(plan)][group]:
                await perform(stack, handle, step)

        label = "hoso" if progress else None
        hoso_seconds = await simulate(
            stack, plans, start_hoso, act_hoso, calendar_days, concurrency, label
        )
        statuses = _statuses(stack)
    return {
        "plans": plans,
        "hoso": hoso_seconds,
        "floor": floor_seconds,
        "statuses": statuses,
        "updates": sum(len(s) - 1 for s in (shapes[(p.procedure, p.delivery)] for p in plans)),
        "activities": sum(activity_count(shapes[(p.procedure, p.delivery)]) for p in plans),
        "year_days": year_days,
        "whole_year": days is None,
        "warmups": len(shapes),
    }


def _statuses(stack: Stack) -> Counter[str]:
    engine = make_engine(stack.settings.resolved_database_url)
    try:
        with Session(engine) as session:
            query = select(DossierRecord.status, func.count()).group_by(DossierRecord.status)
            return Counter({status: int(n) for status, n in session.exec(query)})
    finally:
        engine.dispose()


def report(dossiers: int, concurrency: int, figures: dict[str, Any]) -> str:
    plans: list[Plan] = figures["plans"]
    mix = Counter(p.procedure for p in plans)
    names = {"extract": "civil-status extracts", "permit": "construction permits", "eia": "EIA"}
    mixed = ", ".join(f"{mix[k]:,} {names[k]}" for k in MIX if mix[k])
    hoso, floor = figures["hoso"], figures["floor"]
    statuses = ", ".join(f"{n:,} {s}" for s, n in sorted(figures["statuses"].items()))
    rows = [
        ["wall time", f"{hoso / 60:.1f} min", f"{floor / 60:.1f} min", ratio(hoso, floor)],
        ["dossiers per second", f"{dossiers / hoso:.2f}", f"{dossiers / floor:.2f}",
         ratio(floor, hoso)],
    ]  # fmt: skip
    return (
        f"`uv run python -m bench.year --dossiers {dossiers} --concurrency {concurrency}"
        f"{'' if figures['whole_year'] else ' --days ' + str(figures['year_days'])}`: "
        f"{dossiers:,} dossiers ({mixed}) arriving over {figures['year_days']} working days"
        f"{' (a year)' if figures['whole_year'] else ''}, {figures['updates']:,} signed updates "
        f"and {figures['activities']:,} activities in all; the time-skipping test server "
        "(in memory), one for each system (the floor first), one in-process "
        f"worker, at most {concurrency} dossiers acted on at once. The projection at the end "
        f"(hoso, with the {figures['warmups']} warm-up dossiers that measured each procedure's "
        f"shape for the floor): {statuses}.\n\n"
        + table(["", "hoso", "floor", "hoso / floor"], rows)
    )


async def _main(args: argparse.Namespace) -> str:
    async with bench_stack(time_skipping=True) as stack:
        with worker_logs(log_file(stack, args)):
            figures = await run_year(
                stack, args.dossiers, args.concurrency, args.days, progress=True
            )
    text = report(args.dossiers, args.concurrency, figures)
    return publish(args, "year", "A simulated year (time-skipping server)", text)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=50, help="dossiers acted on at once")
    parser.add_argument(
        "--days", type=int, help="arrivals over this many working days (default: a year's)"
    )
    parser.add_argument("--no-worker-log", action="store_true", help="leave logging alone")
    add_result_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> str:
    return run_benchmark(_main, parser(), argv)


if __name__ == "__main__":
    main()
