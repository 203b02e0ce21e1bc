"""The API, worklist and web pages benchmarks still run (tiny sizes) and each writes its own
section."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import api_actions, api_submissions, web_pages, worklist
from tests.bench.helpers import section

pytestmark = pytest.mark.timeout(180)


async def test_an_action_through_the_api_against_the_temporal_client(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--actions", "2", "--results", str(results), "--no-worker-log"]
    await api_actions._main(api_actions.parser().parse_args(args))

    body = section(results, "api_actions")
    assert "| whole action p99 |" in body
    assert "| `hoso act` from the worklist | / straight |" in body
    assert "| `hoso act`, not in the worklist | / straight |" in body and "| GET stage |" in body


async def test_submissions_through_the_api_against_intake_in_process(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--submissions", "2", "--concurrency", "1", "--results", str(results)]
    await api_submissions._main(api_submissions.parser().parse_args(args))

    body = section(results, "api_submissions")
    assert "| submissions a second |" in body and "| API / in process |" in body


async def test_a_worklist_page_at_two_sizes_with_its_query_plans(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--dossiers", "200,400", "--samples", "3", "--results", str(results)]
    await worklist._main(worklist.parser().parse_args(args))

    body = section(results, "worklist")
    assert "| first page, p95 |" in body and "200 open" in body and "400 open" in body
    assert "ix_dossier_waiting_queue" in body.split("At 400 open dossiers", 1)[1]


async def test_the_web_pages_at_two_sizes(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--dossiers", "200,400", "--samples", "3", "--results", str(results)]
    await web_pages._main(web_pages.parser().parse_args(args + ["--no-worker-log"]))

    body = section(results, "web_pages")
    assert "| worklist page, p95 |" in body and "| dossier page, p95 |" in body
    assert "200 open" in body and "400 open" in body
