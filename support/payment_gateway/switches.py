"""The sandbox's fault switches, for tests and demos, on its own loopback port:

- `GET`/`PUT /sandbox/faults` read and set `Faults` (a JSON object of booleans);
- `POST /sandbox/outage?seconds=N` closes the gateway's port for N seconds (1 to 600), then
  listens again: a gateway that does not answer at all, even under `hoso up`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, fields
from typing import Any

import structlog
from aiohttp import web

log = structlog.get_logger(__name__)

FAULTS_PATH = "/sandbox/faults"
OUTAGE_PATH = "/sandbox/outage"
LONGEST_OUTAGE = 600


@dataclass
class Faults:
    """What the sandbox gets wrong on purpose."""

    unavailable: bool = False  # pages and querydr answer 503, as a gateway under maintenance
    drop_ipn: bool = False  # no IPN at all: the merchant must ask with querydr
    duplicate_ipn: bool = False  # each IPN, once recorded, is sent once more

    def update(self, changes: Any) -> None:
        """Sets the switches a JSON object names (ValueError for anything else)."""
        names = {f.name for f in fields(self)}
        if not isinstance(changes, dict) or not changes:
            raise ValueError(f"send a JSON object with some of {sorted(names)}")
        for name, value in changes.items():
            if name not in names or not isinstance(value, bool):
                raise ValueError(f"{name!r} is not a switch (true or false): {sorted(names)}")
        for name, value in changes.items():
            setattr(self, name, value)


class Switches:
    """The switches' handlers, for a gateway that can close and reopen its port."""

    def __init__(
        self,
        faults: Faults,
        close: Callable[[], Awaitable[None]],
        reopen: Callable[[], Awaitable[None]],
    ) -> None:
        self.faults = faults
        self._close = close
        self._reopen = reopen
        self._outages: set[asyncio.Task[None]] = set()

    def add_to(self, app: web.Application) -> None:
        app.router.add_get(FAULTS_PATH, self._read)
        app.router.add_put(FAULTS_PATH, self._set)
        app.router.add_post(OUTAGE_PATH, self._outage)

    async def _read(self, request: web.Request) -> web.Response:
        return web.json_response(asdict(self.faults))

    async def _set(self, request: web.Request) -> web.Response:
        try:
            self.faults.update(await request.json())
        except ValueError as exc:
            return web.json_response({"detail": str(exc)}, status=400)
        log.info("payment_gateway_faults_set", **asdict(self.faults))
        return web.json_response(asdict(self.faults))

    async def _outage(self, request: web.Request) -> web.Response:
        seconds = request.query.get("seconds", "")
        if not seconds.isdigit() or not 1 <= int(seconds) <= LONGEST_OUTAGE:
            detail = f"seconds: a whole number from 1 to {LONGEST_OUTAGE}"
            return web.json_response({"detail": detail}, status=400)
        task = asyncio.create_task(self._closed_for(int(seconds)))
        self._outages.add(task)
        task.add_done_callback(self._outages.discard)
        return web.json_response({"closed_for_seconds": int(seconds)}, status=202)

    async def _closed_for(self, seconds: int) -> None:
        await asyncio.sleep(0.05)  # the answer above leaves first
        log.info("payment_gateway_closed", seconds=seconds)
        await self._close()
        await asyncio.sleep(seconds)
        await self._reopen()
        log.info("payment_gateway_reopened")

    async def cancel(self) -> None:
        for task in self._outages:
            task.cancel()
        await asyncio.gather(*self._outages, return_exceptions=True)
