"""The CLI against the session's dev server, through a real API (HOSO_API_URL), with a worker
running in a thread of its own.

CliRunner commands call `asyncio.run`, so CLI tests are synchronous; the worker and the API get
their own loops and clients in background threads.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from config import Settings, get_settings
from tests.cli.api_server import api_thread
from tests.workflows.harness import worker_thread

HERE = Path(__file__).parent


@pytest.fixture
def cli_settings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dev_env: WorkflowEnvironment,
    settings: Settings,
) -> Iterator[Settings]:
    """HOSO_* variables for this test: own data folder, database and task queue, the session's
    server, and an API of its own over them (HOSO_API_URL)."""
    catalogue = tmp_path / "catalogue"
    shutil.copytree(HERE / "samples", catalogue)
    monkeypatch.setenv("HOSO_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    monkeypatch.setenv("HOSO_TASK_QUEUE", f"cli-{uuid.uuid4()}")
    monkeypatch.setenv("HOSO_PROCEDURES_DIR", str(catalogue))
    monkeypatch.setenv("HOSO_CLI_CACHE_DIR", str(tmp_path / "cli-cache"))
    get_settings.cache_clear()
    with api_thread(get_settings()) as url:
        monkeypatch.setenv("HOSO_API_URL", url)
        get_settings.cache_clear()
        yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def worker(cli_settings: Settings) -> Iterator[Settings]:
    """A worker on the test's task queue until the test ends."""
    from worker import build_worker

    with worker_thread(cli_settings, build_worker):
        yield cli_settings


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def dossier_file(tmp_path: Path) -> Path:
    folder = tmp_path / "dossier"
    shutil.copytree(HERE / "dossier", folder)
    return folder / "dossier.yaml"
