"""RESULTS.md keeps one section per benchmark: a new run replaces its own section only."""

from __future__ import annotations

from pathlib import Path

from bench.results import percentiles, write_section
from tests.bench.helpers import section


def test_a_new_run_replaces_its_own_section_and_keeps_the_others(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    write_section("throughput", "Throughput", "| a | 1 |", path=results)
    write_section("latency", "Latency", "first latency figures", path=results)
    write_section("throughput", "Throughput", "| a | 2 |", path=results)

    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results")
    assert "| a | 2 |" in section(results, "throughput")
    assert "| a | 1 |" not in text
    assert "first latency figures" in section(results, "latency")
    assert text.index("bench:throughput") < text.index("bench:latency")  # order kept


def test_percentiles_of_a_single_sample_are_that_sample() -> None:
    assert percentiles([0.25]) == {"p50": 250.0, "p95": 250.0, "p99": 250.0, "max": 250.0}
    spread = percentiles([n / 1000 for n in range(1, 101)])
    assert spread["p50"] < spread["p95"] < spread["p99"] <= spread["max"] == 100.0
