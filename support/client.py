"""The Temporal client every entry point uses: pydantic payloads encrypted with the configured
keyring (so the worker, which takes its client's converter, encrypts too), a clear error when
the server is unreachable, TLS with a client certificate where the settings give one
(support/temporal_tls.py), and Temporal Core's own log lines in hoso's logs.

Its gRPC messages go uncompressed (the SDK gzips them by default, and the server then gzips its
answers): most of their bytes are hoso's payloads, AES-GCM ciphertext, which does not compress,
so gzip only spent CPU at both ends — ~7 % of the server's CPU per dossier (bench/RESULTS.md)."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from functools import cache

from temporalio.client import Client
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)
from temporalio.service import GrpcCompression

from config import Settings
from support.codec import data_converter
from support.temporal_tls import tls_config

CORE_LOGGER = "temporalio.core"


@cache
def core_runtime() -> Runtime:
    """The runtime of hoso's clients and workers: Temporal Core (the SDK's Rust part) hands its
    warnings (a gRPC call retried, a worker's trouble with the server) to the Python logger
    `temporalio.core`, each message led by Core's target, so they come out as hoso's other
    lines do (JSON off a terminal, at HOSO_LOG_LEVEL) instead of in Core's format on stderr."""
    forwarding = LogForwardingConfig(
        logger=logging.getLogger(CORE_LOGGER), append_target_to_name=False
    )
    filtered = TelemetryFilter(core_level="WARN", other_level="ERROR")
    return Runtime(
        telemetry=TelemetryConfig(logging=LoggingConfig(filter=filtered, forwarding=forwarding))
    )


class TemporalUnreachable(RuntimeError):
    """The Temporal frontend did not answer."""

    def __init__(self, address: str, *, tls: bool = False) -> None:
        self.address = address
        hint = " over TLS (are the CA, the client certificate and the server name right?)"
        super().__init__(f"cannot reach the Temporal server at {address}{hint if tls else ''}")


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


async def port_open(address: str, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections at host:port."""
    host, port = split_address(address)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with suppress(OSError):
        await writer.wait_closed()
    return True


async def connect(settings: Settings, *, attempts: int = 3, delay: float = 0.5) -> Client:
    """Connects to the configured namespace, retrying briefly before giving up with one line.

    The port is probed first: a refused TCP connection is cheap to retry, a failed gRPC connect
    is not.
    """
    converter = data_converter(settings)  # a missing keyring fails here, before any network
    tls = tls_config(settings)  # so does an unreadable certificate
    address = settings.temporal_address
    for attempt in range(1, attempts + 1):
        if await port_open(address):
            break
        if attempt == attempts:
            raise TemporalUnreachable(address)
        await asyncio.sleep(delay * attempt)
    try:
        return await Client.connect(
            address,
            namespace=settings.temporal_namespace,
            data_converter=converter,
            runtime=core_runtime(),
            grpc_compression=GrpcCompression.NONE,
            tls=tls or False,
        )
    except RuntimeError as exc:
        raise TemporalUnreachable(address, tls=tls is not None) from exc
