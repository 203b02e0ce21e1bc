"""A portal's webhook receiver on 127.0.0.1 (aiohttp), checking every delivery's signature with
the Standard Webhooks algorithm; it can go down (its port closed) and come back."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from support.webhook_signing import WebhookVerificationError, new_secret, verify


@dataclass
class Received:
    message_id: str
    event: dict[str, Any]


@dataclass
class Receiver:
    secret: str = field(default_factory=new_secret)
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)  # statuses whose events it answers 500
    held: asyncio.Event | None = None  # when given, it answers only once this is set
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hoso-events"

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.held is not None:
            await self.held.wait()
        try:
            message_id = verify(self.secret, request.headers, body, now=time.time())
        except WebhookVerificationError as exc:
            self.refused.append(str(exc))
            return web.Response(status=400)
        event = json.loads(body)
        if event["data"]["status"] in self.failing:
            return web.Response(status=500)
        self.received.append(Received(message_id, event))
        return web.Response(status=204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hoso-events", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        if not self.port:
            self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Down: the port is closed, a delivery finds no one."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def events_of(self, code: str) -> list[Received]:
        return [r for r in self.received if r.event["data"]["code"] == code]

    async def wait_for(self, code: str, status: str, seconds: float = 30) -> list[Received]:
        """The events of `code` once one says `status` (AssertionError past the deadline)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            events = self.events_of(code)
            if any(r.event["data"]["status"] == status for r in events):
                return events
            await asyncio.sleep(0.1)
        raise AssertionError(f"{code}: no {status} event; got {self.events_of(code)}")


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()
