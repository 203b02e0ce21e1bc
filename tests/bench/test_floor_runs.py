"""The floor benchmark still runs (at a tiny size: the real figures are measured by hand)."""

from __future__ import annotations

from temporalio.testing import WorkflowEnvironment

from bench.floor import run_floor


async def test_floor_benchmark_runs_at_a_tiny_size(dev_env: WorkflowEnvironment) -> None:
    figures = await run_floor(dev_env.client, dossiers=3, concurrency=2)
    assert all(value > 0 for value in figures.values())
