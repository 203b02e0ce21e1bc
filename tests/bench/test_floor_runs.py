"""The floor benchmark still runs (at a tiny size: the real figures are measured by hand)."""

from __future__ import annotations

from temporalio.testing import WorkflowEnvironment

from bench.floor import run_floor


async def test_floor_benchmark_runs_at_a_tiny_size(dev_env: WorkflowEnvironment) -> None:
    figures = await run_floor(dev_env.client, dossiers=3, concurrency=2)
    assert all(value > 0 for value in figures.values())


def test_the_floor_takes_the_shape_of_a_recorded_hoso_dossier() -> None:
    """Same updates, same activities, same batches: counted from a real dossier's history."""
    from pathlib import Path

    from temporalio.api.enums.v1 import EventType
    from temporalio.client import WorkflowHistory

    from bench.floor import activity_count, shape_of

    path = Path(__file__).parents[1] / "histories" / "eia_approved_online.json"
    history = WorkflowHistory.from_json("eia", path.read_text(encoding="utf-8"))
    shape = shape_of(history)
    scheduled = EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    updates = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    assert activity_count(shape) == sum(e.event_type == scheduled for e in history.events)
    assert len(shape) - 1 == sum(e.event_type == updates for e in history.events)
    assert all(phase for phase in shape)  # every update ran activities
    assert any(left for phase in shape[1:] for _, left in phase)  # notices outlive their update
