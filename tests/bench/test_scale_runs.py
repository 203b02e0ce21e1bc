"""The open-dossiers, simulated-year and reports benchmarks still run (tiny sizes)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import open_dossiers, reports, year
from tests.bench.helpers import section

pytestmark = pytest.mark.timeout(180)


async def test_open_dossiers_memory_and_an_action_on_one(tmp_path: Path) -> None:
    """As docs/benchmarks.md runs it: each system on a dev server of its own, started and stopped
    here."""
    results = tmp_path / "RESULTS.md"
    args = ["--dossiers", "6", "--batch", "3"]
    await open_dossiers._main(
        open_dossiers.parser().parse_args([*args, "--results", str(results), "--no-worker-log"])
    )

    body = section(results, "open_dossiers")
    assert "6 EIA dossiers waiting at reception" in body
    assert "each on a fresh dev server of its own" in body
    assert "| action on an open one: update p50 (6 sampled) |" in body
    assert re.search(r"\| server RSS, after \| [\d,]+ MiB \| [\d,]+ MiB \|", body)  # both read


async def test_simulated_year_on_the_time_skipping_server(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--dossiers", "6", "--days", "3", "--concurrency", "4"]
    await year._main(
        year.parser().parse_args([*args, "--results", str(results), "--no-worker-log"])
    )

    body = section(results, "year")
    assert "6 dossiers (" in body and "| wall time |" in body
    assert "one for each system (the floor first)" in body
    assert "completed" in body and "in_review" not in body  # every dossier finished


def test_reports_section(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    reports.main(["--dossiers", "300", "--runs", "1", "--results", str(results)])

    body = section(results, "reports")
    assert "| by agency |" in body and "| by procedure |" in body
