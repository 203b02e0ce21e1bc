"""Where the worker's time goes during the throughput run (`bench.throughput --profile`).

Three views of the same hoso run (no floor; the profilers slow it, so its rate is not reported
as throughput):
- CPU of every thread of the process, charged to the running code (bench.sampler);
- the event loop thread's call tree (pyinstrument), written in full to `--profile-out`;
- from the dossiers' histories: what the server recorded for each activity, update and workflow
  task (queue time, run time), i.e. where an officer's wait goes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from pyinstrument import Profiler
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from bench.results import publish, table
from bench.sampler import Profile, ThreadSampler, ranked
from bench.stack import Stack
from bench.throughput import Phase, measure_shape, run_hoso

SAMPLE = 20  # histories read for the timing breakdown


def _seconds(event: object) -> float:
    return event.event_time.ToDatetime().timestamp()  # type: ignore[attr-defined, no-any-return]


def timing_breakdown(histories: list[WorkflowHistory]) -> dict[str, list[float]]:
    """Durations (seconds) by kind: `activity <type> queued|ran`, `update`, `workflow task ...`."""
    out: dict[str, list[float]] = defaultdict(list)
    for history in histories:
        by_id = {e.event_id: e for e in history.events}
        accepted: dict[str, float] = {}
        for event in history.events:
            kind = event.event_type
            if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                scheduled = by_id[event.activity_task_started_event_attributes.scheduled_event_id]
                name = scheduled.activity_task_scheduled_event_attributes.activity_type.name
                out[f"activity {name}: queued"].append(_seconds(event) - _seconds(scheduled))
            elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
                attributes = event.activity_task_completed_event_attributes
                started = by_id[attributes.started_event_id]
                scheduled = by_id[attributes.scheduled_event_id]
                name = scheduled.activity_task_scheduled_event_attributes.activity_type.name
                out[f"activity {name}: ran"].append(_seconds(event) - _seconds(started))
                out["activity: scheduled → completed"].append(_seconds(event) - _seconds(scheduled))
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
                scheduled = by_id[event.workflow_task_started_event_attributes.scheduled_event_id]
                out["workflow task: queued"].append(_seconds(event) - _seconds(scheduled))
            elif kind == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                started = by_id[event.workflow_task_completed_event_attributes.started_event_id]
                out["workflow task: ran"].append(_seconds(event) - _seconds(started))
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                meta = event.workflow_execution_update_accepted_event_attributes
                accepted[meta.accepted_request.meta.update_id] = _seconds(event)
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
                update_id = (
                    event.workflow_execution_update_completed_event_attributes.meta.update_id
                )
                if update_id in accepted:
                    out["update: accepted → completed"].append(
                        _seconds(event) - accepted.pop(update_id)
                    )
    return out


def _top(counter: dict[str, float], total: float, n: int) -> list[list[str]]:
    return [
        [f"`{name}`", f"{cpu:.1f} s", f"{cpu / total:.0%}"] for name, cpu in ranked(counter)[:n]
    ]


def render(
    profile: Profile, phase: Phase, timings: dict[str, list[float]], sampled: int, full: Path
) -> str:
    total = profile.seconds or 1.0
    per = phase.dossiers
    groups = [
        [name, f"{cpu:.1f} s", f"{cpu / per * 1000:.0f} ms", f"{cpu / total:.0%}"]
        for name, cpu in ranked(profile.groups)
    ]
    areas = [
        [name, f"{cpu:.1f} s", f"{cpu / per * 1000:.0f} ms", f"{cpu / total:.0%}"]
        for name, cpu in ranked(profile.areas)
    ]
    waits = [
        [name, len(values), f"{statistics.mean(values) * 1000:.1f} ms",
         f"{statistics.median(values) * 1000:.1f} ms", f"{max(values) * 1000:.0f} ms"]
        for name, values in sorted(timings.items())
    ]  # fmt: skip
    return "\n\n".join(
        [
            f"hoso alone, {phase.dossiers:,} EIA dossiers, the throughput run's concurrency, "
            f"under the profilers ({phase.rate:.2f} dossiers/s with them; not a throughput "
            f"figure). CPU used by the benchmark process: {profile.seconds:.1f} s over "
            f"{profile.wall:.1f} s of wall time ({profile.seconds / profile.wall:.2f} cores); "
            f"the Temporal server used {phase.server_cpu or 0:.1f} s. The event loop's full "
            f"call tree (pyinstrument) is in `{full}`.",
            "**CPU by thread** (per dossier: CPU seconds / dossiers):\n\n"
            + table(["threads", "CPU", "per dossier", "share"], groups),
            "**CPU by the code running** (the first known library from the leaf up):\n\n"
            + table(["area", "CPU", "per dossier", "share"], areas),
            "**Functions using the most CPU themselves:**\n\n"
            + table(["function", "CPU", "share"], _top(profile.own, total, 15)),
            "**hoso code, with everything it calls** (the innermost hoso frame of each "
            "sample):\n\n" + table(["function", "CPU", "share"], _top(profile.ours, total, 15)),
            f"**Where an update's time goes**, from {sampled} "
            "dossiers' histories (server timestamps; an update runs its activities one after "
            "the other, each a round trip worker → server → worker):\n\n"
            + table(["what", "count", "mean", "median", "max"], waits),
        ]
    )


async def profiled_benchmark(stack: Stack, args: argparse.Namespace) -> str:
    await measure_shape(stack)  # the warm-up
    profiler = Profiler(interval=0.002, async_mode="disabled")
    with ThreadSampler(0.01) as sampler:
        profiler.start()
        try:
            phase = await run_hoso(stack, args.dossiers, args.concurrency)
        finally:
            profiler.stop()
    out: Path = args.profile_out or Path(tempfile.gettempdir()) / (
        f"hoso-profile-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / "event-loop.txt").write_text(
        profiler.output_text(unicode=True, show_all=False), encoding="utf-8"
    )
    (out / "event-loop.html").write_text(profiler.output_html(), encoding="utf-8")
    codes = random.Random(6).sample(phase.codes, min(SAMPLE, len(phase.codes)))
    histories = [await stack.client.get_workflow_handle(c).fetch_history() for c in codes]
    text = render(sampler.profile, phase, timing_breakdown(histories), len(histories), out)
    title = "Profile: where the worker's time goes (throughput run)"
    return publish(args, "profile", title, text)
