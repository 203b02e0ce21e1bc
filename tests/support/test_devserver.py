"""The embedded dev server: started from the pip-installed binary, stopped by its own pid."""

from __future__ import annotations

import sys
from pathlib import Path

from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment

from config import Settings
from support.devserver import (
    DevServer,
    embedded_stack,
    free_port,
    is_reachable,
    register_search_attributes,
    start_dev_command,
)
from workflows import search_attributes

BIN = Path(sys.executable).parent


def settings_for(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        temporal_address=f"127.0.0.1:{free_port()}",
        temporal_ui_port=free_port(),
    )


async def custom_attributes(client, namespace: str = "default") -> dict[str, int]:  # type: ignore[no-untyped-def]
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    return dict(listed.custom_attributes)


def test_command_uses_wal_file_state_search_attributes_and_dynamic_config(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    command = start_dev_command(settings)
    assert Path(command[0]) == BIN / "temporal"
    assert command[1:3] == ["server", "start-dev"]
    joined = " ".join(command)
    assert f"--port {settings.temporal_address.rsplit(':', 1)[1]}" in joined
    assert f"--ui-port {settings.temporal_ui_port}" in joined
    assert f"--db-filename {settings.temporal_db_file.resolve()}" in joined
    assert "--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal" in joined
    assert "--search-attribute HosoStatus=Keyword" in joined
    assert "--search-attribute HosoDueDate=Datetime" in joined
    # hoso stuck's flag, and transfer-queue reads that do not hold every workflow task 50 ms
    assert "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute=2" in joined
    assert "--dynamic-config-value history.transferProcessorMaxPollRPS=200" in joined
    assert "--namespace" not in command


def test_unreachable_address_is_reported() -> None:
    assert not is_reachable(f"127.0.0.1:{free_port()}")


async def test_embedded_stack_starts_and_stops_only_its_own_server(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    async with embedded_stack(settings) as stack:
        assert stack.server is not None
        assert is_reachable(settings.temporal_address)
        assert settings.temporal_db_file.exists()
        attributes = await custom_attributes(stack.client)
        assert {key.name for key in search_attributes.ALL} <= set(attributes)
        async with embedded_stack(settings) as reused:
            assert reused.server is None
        assert is_reachable(settings.temporal_address), "the inner stack stopped a server"
        pid = stack.server.pid
    assert not is_reachable(settings.temporal_address)
    assert stack.server.process.poll() is not None, f"process {pid} still runs"


async def test_restart_reuses_the_state_file(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    first = await DevServer.start(settings)
    first.stop()
    second = await DevServer.start(settings)
    try:
        assert is_reachable(settings.temporal_address)
    finally:
        second.stop()
    assert (settings.data_dir / "temporal.log").exists()


async def test_search_attributes_registered_on_a_running_server() -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(BIN / "temporal"), ip="127.0.0.1", ui=False
    )
    try:
        added = await register_search_attributes(env.client, "default")
        assert set(added) == {key.name for key in search_attributes.ALL}
        assert await register_search_attributes(env.client, "default") == []
        assert {key.name for key in search_attributes.ALL} <= set(
            await custom_attributes(env.client)
        )
    finally:
        await env.shutdown()
