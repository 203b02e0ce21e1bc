"""A TLS-terminating Temporal frontend for tests: it demands a client certificate of the CA
(`ssl.CERT_REQUIRED`, ALPN h2, as Temporal's own frontend with TEMPORAL_TLS_REQUIRE_CLIENT_AUTH)
and forwards the bytes of each verified connection to the session's dev server, which has no TLS
of its own. It counts the connections it forwarded: a refused client reaches nothing."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from support.client import split_address


@dataclass
class TlsFrontend:
    address: str
    forwarded: int = 0
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)


def server_context(certs: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs / "frontend.pem", certs / "frontend.key")
    context.load_verify_locations(certs / "ca.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])
    return context


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.CancelledError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(OSError, RuntimeError):
        writer.close()


@contextlib.asynccontextmanager
async def tls_frontend(certs: Path, upstream: str) -> AsyncIterator[TlsFrontend]:
    """A frontend on 127.0.0.1 (a free port) in front of `upstream` (host:port)."""
    host, port = split_address(upstream)
    frontend = TlsFrontend("")

    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Called only once the handshake verified the client's certificate.
        frontend.forwarded += 1
        up_reader, up_writer = await asyncio.open_connection(host, port)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(forward(reader, writer))
        frontend._tasks.add(task)
        task.add_done_callback(frontend._tasks.discard)

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_context(certs))
    frontend.address = f"127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield frontend
    finally:
        server.close()
        for task in list(frontend._tasks):
            task.cancel()
        await asyncio.gather(*frontend._tasks, return_exceptions=True)
