"""The CLI against the session's dev server, with a worker running in a thread of its own.

CliRunner commands call `asyncio.run`, so CLI tests are synchronous; the worker gets its own loop
and client in a background thread.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker
from typer.testing import CliRunner

from config import Settings, get_settings
from support.client import connect

HERE = Path(__file__).parent


@pytest.fixture
def cli_settings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dev_env: WorkflowEnvironment,
    settings: Settings,
) -> Iterator[Settings]:
    """HOSO_* variables for this test: own data folder, database and task queue, the session's
    server."""
    catalogue = tmp_path / "catalogue"
    shutil.copytree(HERE / "samples", catalogue)
    monkeypatch.setenv("HOSO_TEMPORAL_ADDRESS", dev_env.client.service_client.config.target_host)
    monkeypatch.setenv("HOSO_TASK_QUEUE", f"cli-{uuid.uuid4()}")
    monkeypatch.setenv("HOSO_PROCEDURES_DIR", str(catalogue))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@contextmanager
def worker_thread(
    settings: Settings, build: Callable[[Client, Settings], Worker]
) -> Iterator[None]:
    """The worker `build` makes, on the settings' task queue, running in a thread of its own
    until the block ends."""
    ready, stopped = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    async def serve() -> None:
        client = await connect(settings)
        async with build(client, settings):
            ready.set()
            while not stopped.is_set():
                await asyncio.sleep(0.05)

    def target() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported by the fixture
            errors.append(exc)
            ready.set()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    assert ready.wait(30), "the worker did not start"
    assert not errors, errors
    try:
        yield
    finally:
        stopped.set()
        thread.join(30)


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
