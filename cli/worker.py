"""`hoso worker`: one worker process, no embedded server (what each compose `worker` runs).

Start as many as the load needs: workers on one task queue share its dossiers. SIGTERM or Ctrl-C
stops polling, lets running activities finish (HOSO_WORKER_GRACEFUL_SHUTDOWN_SECONDS), then exits.
"""

from __future__ import annotations

import asyncio
import signal

import structlog
import typer

from cli import render
from cli.context import command, open_context
from config import get_settings
from logs import configure_logging
from support.client import connect
from support.devserver import register_search_attributes

log = structlog.get_logger(__name__)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def worker() -> None:
    """Run a dossier worker against HOSO_TEMPORAL_ADDRESS until SIGTERM or Ctrl-C."""
    from worker import run_worker  # the worker pulls in the workflows; only this command needs it

    configure_logging("INFO")
    settings = get_settings()
    open_context(settings)  # the database at the latest migration before any activity runs
    client = await connect(settings, attempts=10)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    await run_worker(client, settings, stop)


async def search_attributes() -> None:
    """Register hoso's search attributes on the namespace (once per Temporal cluster)."""
    settings = get_settings()
    client = await connect(settings, attempts=10)
    added = await register_search_attributes(client, settings.temporal_namespace)
    namespace = settings.temporal_namespace
    render.success(
        f"{namespace}: registered {', '.join(added)}" if added else f"{namespace}: already set"
    )


def register(app: typer.Typer) -> None:
    app.command("worker")(command(worker))
    app.command("search-attributes")(command(search_attributes))
