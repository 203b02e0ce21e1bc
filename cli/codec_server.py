"""`hoso codec-server`: the remote codec that lets operators read encrypted payloads.

Web UI: sign in at <url>/login with an operator token, then set the UI's Codec Server to <url>
with "include cross-origin credentials" (open both under the same host name). Temporal CLI:
`--codec-endpoint <url>` and TEMPORAL_CODEC_AUTH="Bearer <token>".
"""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import ssl
from pathlib import Path
from typing import Annotated

import structlog
import typer

from cli import render
from cli.context import CommandError, command, open_context
from config import get_settings
from logs import configure_logging
from support.codec import codec_from_settings
from support.codec_server import allowed_origins, build_app, serving

log = structlog.get_logger(__name__)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _tls(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise CommandError("--tls-cert and --tls-key go together")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise CommandError(f"cannot load the TLS certificate {cert}: {exc}") from exc
    return context


async def codec_server(
    host: Annotated[
        str,
        typer.Option(
            help="listen address; in production 0.0.0.0 behind TLS (--tls-cert or a proxy)"
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option(help="port (default HOSO_CODEC_SERVER_PORT)", show_default=False)
    ] = None,
    tls_cert: Annotated[
        Path | None, typer.Option(help="serve HTTPS with this certificate (PEM)")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="the certificate's private key")] = None,
) -> None:
    """Decode payloads for the Temporal Web UI: operators' tokens only, until Ctrl-C."""
    configure_logging("INFO")
    settings = get_settings()
    tls = _tls(tls_cert, tls_key)
    # A missing keyring is one clear line, before listening.
    codec = codec_from_settings(settings, reading=True)
    ctx = open_context(settings)
    if tls is None and not _loopback(host):
        log.warning("codec_server_without_tls", host=host)  # tokens would cross the network bare
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    chosen = settings.codec_server_port if port is None else port
    try:
        async with serving(build_app(settings, ctx.sessions, codec), host, chosen, tls) as url:
            origins = ", ".join(sorted(allowed_origins(settings))) or "none"
            log.info("codec_server_started", url=url, namespace=settings.temporal_namespace)
            render.info(f"codec server on {url} for the Web UI at {origins} — Ctrl-C to stop")
            render.info(f"operators sign in at {url}/login")
            await stop.wait()
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{chosen}: {exc.strerror}") from exc
    log.info("codec_server_stopped")


def register(app: typer.Typer) -> None:
    app.command("codec-server")(command(codec_server))
