"""`hoso serve` for the API benchmarks: the production app under uvicorn, in a process of its own
on a free loopback port, on the benchmark's data folder, Temporal server and task queue; stopped
by its own pid."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.stack import Stack
from support.devserver import free_port

STARTUP_SECONDS = 60


@dataclass(frozen=True)
class ApiServer:
    url: str
    pid: int


def serve_environment(stack: Stack, port: int) -> dict[str, str]:
    """The environment `hoso serve` reads its settings from: the benchmark's own."""
    settings = stack.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOSO_")}
    return env | {
        "HOSO_ENVIRONMENT": settings.environment,
        "HOSO_DATA_DIR": str(settings.data_dir.resolve()),
        "HOSO_DATABASE_URL": settings.resolved_database_url,
        "HOSO_TEMPORAL_ADDRESS": settings.temporal_address,
        "HOSO_TEMPORAL_NAMESPACE": settings.temporal_namespace,
        "HOSO_TASK_QUEUE": settings.task_queue,
        "HOSO_NOTIFICATION_CHANNEL": settings.notification_channel,
        "HOSO_API_HOST": "127.0.0.1",
        "HOSO_API_PORT": str(port),
        "HOSO_API_MAX_DOSSIER_BYTES": str(settings.api_max_dossier_bytes),
        "HOSO_API_TRUST_SECONDS": str(settings.api_trust_seconds),
        # the benchmarks measure the door's cost, not its limit on one account's submissions
        "HOSO_API_RATE_SUBMISSIONS": "1000000/minute",
    }


async def _ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    async with httpx.AsyncClient(base_url=url, timeout=2) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"hoso serve exited ({process.returncode}): see {log}")
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"hoso serve was not ready in {STARTUP_SECONDS} s: see {log}")


@asynccontextmanager
async def api_server(stack: Stack) -> AsyncIterator[ApiServer]:
    """`hoso serve` started here and stopped (by its pid) when the block ends."""
    port = free_port()
    log = stack.settings.data_dir / "api.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    hoso = Path(sys.executable).parent / "hoso"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [str(hoso), "serve"], env=serve_environment(stack, port), stdout=out, stderr=out
        )
    try:
        url = f"http://127.0.0.1:{port}"
        await _ready(url, process, log)
        yield ApiServer(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
