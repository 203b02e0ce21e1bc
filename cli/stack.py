"""`hoso up`: the embedded stack in one command (dev server, catalogue, worker)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
from collections.abc import Generator

import structlog
import uvicorn
from temporalio.client import Client

from cli import render
from cli.context import CommandError, Context, command, open_context
from config import Settings, get_settings
from logs import configure_logging
from support.bootstrap import publish_bundled
from support.credentials import WEB_ISSUER_PREFIX, development_tokens
from support.devserver import embedded_stack
from support.open_dossiers import refresh_trust
from support.payment_gateway import PaymentGateway
from support.payment_gateway.development import development_gateway as development_payments
from support.payment_gateway.development import secret_file
from support.sms_receiver import development_gateway

log = structlog.get_logger(__name__)


def load_catalogue(ctx: Context) -> tuple[int, int]:
    """Publishes the sample officers, calendar and procedures of the procedures folder (officers
    first: the chains name their roles and units), signed by this machine's issuer key (the
    development administrator: created on first use in development). Returns (officers,
    procedures)."""
    with ctx.sessions() as session:
        report = publish_bundled(session, ctx.settings)
    officers, procedures = len(report.officers), len(report.procedures)
    log.info("catalogue_loaded", officers=officers, procedures=procedures)
    return officers, procedures


class EmbeddedApi:
    """The HTTP API served by `hoso up` beside the worker, on the same event loop."""

    def __init__(self, server: uvicorn.Server) -> None:
        self.server = server
        self.task = asyncio.create_task(server.serve())

    async def listening(self) -> None:
        """Returns once the API listens; CommandError when it cannot (its port is taken)."""
        while not self.server.started:
            if self.task.done():
                config = self.server.config
                raise CommandError(
                    f"the API cannot listen on {config.host}:{config.port} (taken by another"
                    " program?): set HOSO_API_PORT to a free port"
                )
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


class _QuietServer(uvicorn.Server):
    """`up` handles SIGINT and SIGTERM itself (it stops the worker, then the API); a start that
    fails (its port taken) ends the server's task instead of the process (uvicorn exits)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        except SystemExit:
            self.should_exit = True


def serve_api(settings: Settings, client: Client) -> EmbeddedApi:
    from api.app import create_app

    config = uvicorn.Config(
        create_app(settings, client=client),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,  # paths carry dossier codes, queries may carry lookup secrets
    )
    return EmbeddedApi(_QuietServer(config))


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def up() -> None:
    """Start the embedded stack: Temporal dev server, database, sample catalogue and a worker.

    Runs until Ctrl-C or SIGTERM, then stops the worker and the server it started.
    """
    from worker import run_worker  # the worker pulls in the workflows; only `up` needs it

    configure_logging()
    settings = get_settings()
    ctx = open_context(settings)
    officers, procedures = load_catalogue(ctx)
    tokens = (
        development_tokens(ctx.sessions, settings)
        if settings.environment == "development"
        else None
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    async with (
        embedded_stack(settings) as stack,
        development_payments(settings) as (app_settings, payments),
    ):
        started = "started" if stack.server else "already running"
        render.info(f"Temporal server at {settings.temporal_address} ({started})")
        render.info(f"Web UI: http://127.0.0.1:{settings.temporal_ui_port}")
        render.info(f"data folder: {settings.data_dir.resolve()}")
        render.info(
            f"catalogue: {officers} officers, {procedures} procedures, published with this"
            " machine's issuer key"
        )
        if tokens is not None:
            render.info(f"sample officers' tokens (development only): {tokens}/<officer>.token")
        fresh_web_issuer = settings.environment == "development" and not any(
            settings.resolved_keys_dir.glob(f"{WEB_ISSUER_PREFIX}*.key")
        )
        api = serve_api(app_settings, stack.client)
        if fresh_web_issuer:  # the open dossiers learn to trust the browser sessions' keys
            await refresh_trust(stack.client, settings.task_queue)
        try:
            await api.listening()
            render.info(f"web pages: http://{settings.api_host}:{settings.api_port}/")
            render.info(f"API: http://{settings.api_host}:{settings.api_port}/api/v1")
            _show_payment_gateway(settings, app_settings, payments)
            with development_gateway(app_settings) as (worker_settings, sms_log):
                if sms_log is not None:
                    render.info(
                        f"SMS (development): a local gateway at"
                        f" {worker_settings.sms_gateway_url}, messages in {sms_log}"
                    )
                render.info(f"worker on task queue '{settings.task_queue}' — Ctrl-C to stop")
                await run_worker(stack.client, worker_settings, stop)
        finally:
            await api.stop()
    render.info("stopped")


def _show_payment_gateway(
    configured: Settings, settings: Settings, gateway: PaymentGateway | None
) -> None:
    """Where applicants pay; never the merchant's secret, only where it is kept."""
    if gateway is not None:
        kept = (
            "HOSO_PAYMENT_HASH_SECRET" if configured.payment_hash_secret else secret_file(settings)
        )
        render.info(
            f"payments (development): a sandbox gateway at {gateway.payment_url}, merchant"
            f" {settings.payment_merchant}, its secret in {kept}"
        )
    elif settings.payment_gateway_url:
        render.info(f"payments: the gateway at {settings.payment_gateway_url}")


def register(app) -> None:  # type: ignore[no-untyped-def]
    app.command("up")(command(up))
