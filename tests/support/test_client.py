"""hoso's Temporal client: Temporal Core's own warnings come out through hoso's logging; its
messages go uncompressed."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest
from temporalio.service import GrpcCompression
from temporalio.testing import WorkflowEnvironment

from config import Settings
from support.client import CORE_LOGGER, connect
from worker import build_worker


async def test_temporal_core_warnings_come_out_through_hosos_logging(
    skip_env: WorkflowEnvironment, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    address = skip_env.client.service_client.config.target_host
    client = await connect(settings.model_copy(update={"temporal_address": address}))
    caplog.set_level(logging.WARNING, logger=CORE_LOGGER)

    def core_lines() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == CORE_LOGGER]

    # The time-skipping server lacks a capability the worker asks for: Core warns at its start.
    async with build_worker(client, settings, task_queue=f"core-logs-{uuid.uuid4()}"):
        for _ in range(100):  # Core hands its lines over every few milliseconds
            if core_lines():
                break
            await asyncio.sleep(0.05)
    [line, *_] = core_lines()
    assert line.levelno == logging.WARNING
    assert "Temporal Server 1.16.0 or newer is required" in line.getMessage()


async def test_the_client_sends_its_messages_uncompressed(
    skip_env: WorkflowEnvironment, settings: Settings
) -> None:
    """Its payloads are ciphertext: gzip would only spend CPU on both ends (bench/RESULTS.md)."""
    address = skip_env.client.service_client.config.target_host
    client = await connect(settings.model_copy(update={"temporal_address": address}))
    assert client.service_client.config.grpc_compression == GrpcCompression.NONE
    assert await client.service_client.check_health()  # and the server takes them so
