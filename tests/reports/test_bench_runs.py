"""The report benchmark still runs (at a tiny size: the real figure is measured by hand)."""

from __future__ import annotations

from bench.report_bench import main


def test_report_benchmark_runs_at_a_tiny_size() -> None:
    timings = main(200, runs=1)
    assert set(timings) == {"agency", "unit", "procedure"}
    assert all(seconds > 0 for seconds in timings.values())
