"""The throughput and latency benchmarks, and the profile, still run (at a tiny size: the real
figures are measured by hand and never asserted)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from bench import latency, throughput
from tests.bench.helpers import address, section

pytestmark = pytest.mark.timeout(180)


async def test_throughput_compares_hoso_with_the_floor(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--dossiers", "3", "--concurrency", "2", "--address", address(dev_env)]
    await throughput._main(
        throughput.parser().parse_args([*args, "--results", str(results), "--no-worker-log"])
    )

    body = section(results, "throughput")
    assert "| dossiers per second |" in body and "hoso / floor" in body
    assert "3 EIA dossiers" in body and "7 signed updates" in body


async def test_profile_says_where_the_time_goes(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--dossiers", "2", "--concurrency", "2", "--address", address(dev_env), "--profile"]
    args += ["--profile-out", str(tmp_path / "profile"), "--results", str(results)]
    await throughput._main(throughput.parser().parse_args([*args, "--no-worker-log"]))

    body = section(results, "profile")
    assert "CPU by thread" in body and "activity record_change: ran" in body
    assert (tmp_path / "profile" / "event-loop.txt").read_text(encoding="utf-8").strip()


async def test_latency_at_each_load(dev_env: WorkflowEnvironment, tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--dossiers", "2", "--concurrency", "1,2", "--address", address(dev_env)]
    await latency._main(
        latency.parser().parse_args([*args, "--results", str(results), "--no-worker-log"])
    )

    body = section(results, "latency")
    assert "| 1 in flight, update p99 |" in body and "| 2 in flight, update p99 |" in body
