"""Portals' webhook receivers on 127.0.0.1 (aiohttp), for the tests and the benchmarks: each
checks every delivery's Standard Webhooks signature and keeps what it was sent in the order it
came. The tests run one in their own event loop (`receiving()`: it can go down, its port closed,
and come back, fail on some statuses or hold its answers); the benchmarks run several in a
process of their own (`Portals`: a portal is not hoso's CPU) and read what each received.

    async with receiving() as receiver:  # a test's portal: receiver.url, receiver.secret
        ...
    with Portals(3) as portals:          # the benchmark's: started, their URLs and secrets known
        ...                              # register them, run dossiers
        tally = portals.tally()          # what each received
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from aiohttp import web

from support import event_loop
from support.webhook_signing import WebhookVerificationError, new_secret, verify

PATH = "/hoso-events"


@dataclass
class Delivery:
    """One delivery that checked out: its webhook-id and the event it carried."""

    message_id: str
    event: dict[str, Any]


@dataclass
class Receiver:
    """A portal's receiver: every delivery it accepted (a webhook-id seen before too, counted in
    `duplicates`), the ones it refused and why, and each event's lag (seconds from the change in
    the workflow to its arrival)."""

    secret: str = field(default_factory=new_secret)
    received: list[Delivery] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    duplicates: int = 0
    lags: list[float] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)  # statuses whose events it answers 500
    held: asyncio.Event | None = None  # when given, it answers only once this is set
    port: int = 0
    _seen: set[str] = field(default_factory=set)
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.held is not None:
            await self.held.wait()
        now = time.time()
        try:
            message_id = verify(self.secret, request.headers, body, now=now)
        except WebhookVerificationError as exc:
            self.refused.append(str(exc))
            return web.Response(status=400)
        event = json.loads(body)
        if event["data"]["status"] in self.failing:
            return web.Response(status=500)
        if message_id in self._seen:
            self.duplicates += 1
        else:
            self._seen.add(message_id)
            self.lags.append(now - datetime.fromisoformat(event["data"]["changed_at"]).timestamp())
        self.received.append(Delivery(message_id, event))
        return web.Response(status=204)

    async def start(self) -> None:
        """Up, on its port (a free one the first time, the same one when it comes back)."""
        app = web.Application()
        app.router.add_post(PATH, self._handle)
        self._runner = web.AppRunner(app, access_log=None)
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

    def events_of(self, code: str) -> list[Delivery]:
        return [r for r in self.received if r.event["data"]["code"] == code]

    async def wait_for(self, code: str, status: str, seconds: float = 30) -> list[Delivery]:
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
    """A receiver up for the block, down after it."""
    receiver = Receiver()
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()


@dataclass
class Received:
    """What one portal was sent, as a benchmark reads it: per dossier, (previous status,
    status) in the order received (each webhook-id once), the webhook-ids it saw twice, the
    deliveries it refused, and each event's lag."""

    events: dict[str, list[tuple[str | None, str]]] = field(default_factory=dict)
    duplicates: int = 0
    refused: list[str] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, receiver: Receiver) -> Received:
        events: dict[str, list[tuple[str | None, str]]] = {}
        seen: set[str] = set()
        for delivery in receiver.received:
            if delivery.message_id in seen:
                continue
            seen.add(delivery.message_id)
            data = delivery.event["data"]
            events.setdefault(data["code"], []).append((data["previous_status"], data["status"]))
        return cls(events, receiver.duplicates, list(receiver.refused), list(receiver.lags))

    @property
    def count(self) -> int:
        return sum(len(events) for events in self.events.values())

    def out_of_order(self, codes: list[str], final: str) -> list[str]:
        """The dossiers whose events do not run as one chain, in order, from their opening
        (`previous_status` null) to `final`; a dossier with none counts too."""
        wrong = []
        for code in codes:
            chain = self.events.get(code, [])
            previous = [None] + [status for _, status in chain]
            follows = all(before == previous[n] for n, (before, _) in enumerate(chain))
            if not chain or not follows or chain[-1][1] != final:
                wrong.append(code)
        return wrong


async def _serve(secrets: list[str], conn: Connection) -> None:
    receivers = [Receiver(secret=secret) for secret in secrets]
    for receiver in receivers:
        await receiver.start()
    conn.send([receiver.port for receiver in receivers])
    loop = asyncio.get_running_loop()
    while (command := await loop.run_in_executor(None, conn.recv)) != "stop":
        if command == "tally":
            conn.send([_plain(Received.of(receiver)) for receiver in receivers])
    for receiver in receivers:
        await receiver.stop()


def _plain(received: Received) -> dict[str, Any]:
    return {
        "events": received.events,
        "duplicates": received.duplicates,
        "refused": received.refused,
        "lags": received.lags,
    }


def _main(secrets: list[str], conn: Connection) -> None:
    event_loop.run(_serve(secrets, conn))


class Portals:
    """`count` receivers in a child process (spawned: never a fork of a process running a
    Temporal worker), each with its own secret; stopped on exit."""

    def __init__(self, count: int) -> None:
        self.secrets = [new_secret() for _ in range(count)]
        self.names = [f"bench-portal-{n + 1}" for n in range(count)]
        self.urls: list[str] = []
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_main, args=(self.secrets, child), daemon=True)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def __enter__(self) -> Portals:
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError("the portals' receivers did not start")
        self.urls = [f"http://127.0.0.1:{port}{PATH}" for port in self._conn.recv()]
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._process.is_alive():
            self._conn.send("stop")
            self._process.join(10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    def tally(self) -> dict[str, Received]:
        """What each portal has received so far, by name."""
        self._conn.send("tally")
        return {
            name: Received(
                events={code: [tuple(e) for e in events] for code, events in got["events"].items()},
                duplicates=got["duplicates"],
                refused=got["refused"],
                lags=got["lags"],
            )
            for name, got in zip(self.names, self._conn.recv(), strict=True)
        }
