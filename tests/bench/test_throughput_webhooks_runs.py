"""The throughput benchmark with portals subscribed to webhooks still runs (at a tiny size), and
checks what a portal would notice: every status change of every dossier, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from bench import throughput
from tests.bench.helpers import address, section

pytestmark = pytest.mark.timeout(240)


async def test_throughput_with_subscribers_reaches_every_portal(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    results = tmp_path / "RESULTS.md"
    args = ["--dossiers", "2", "--concurrency", "2", "--address", address(dev_env)]
    args += ["--webhooks", "2", "--rounds", "2", "--results", str(results), "--no-worker-log"]
    await throughput._main(throughput.parser().parse_args(args))

    body = section(results, "throughput_webhooks")
    assert "| dossiers per second |" in body and "hoso, 2 subscribers" in body
    assert "every status change of the 2 subscribed dossiers reached every portal" in body
    assert "**deliveries wrong**" not in body
    assert "bench:throughput -->" not in results.read_text(encoding="utf-8")  # its own section
