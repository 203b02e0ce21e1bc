"""Portals' webhook receivers for the benchmarks: one HTTP server per portal on 127.0.0.1, in a
process of their own (a portal is not hoso's CPU), each checking every delivery's Standard
Webhooks signature and keeping, per dossier, the statuses it was told in the order they came.

    with Portals(3) as portals:         # started, their URLs and secrets known
        ...                             # register them, run dossiers
        tally = portals.tally()         # what each received
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from aiohttp import web

from support import event_loop
from support.webhook_signing import WebhookVerificationError, new_secret, verify


@dataclass
class Received:
    """What one portal was sent: per dossier, (previous status, status) in the order received,
    the webhook-ids it saw twice, the deliveries it refused, and each event's lag (seconds from
    the change in the workflow to its arrival)."""

    events: dict[str, list[tuple[str | None, str]]] = field(default_factory=dict)
    duplicates: int = 0
    refused: list[str] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

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


class _Portal:
    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received = Received()

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        now = time.time()
        try:
            message_id = verify(self.secret, request.headers, body, now=now)
        except WebhookVerificationError as exc:
            self.received.refused.append(str(exc))
            return web.Response(status=400)
        got = self.received
        if message_id in got.seen:
            got.duplicates += 1
            return web.Response(status=204)
        got.seen.add(message_id)
        data = json.loads(body)["data"]
        got.events.setdefault(data["code"], []).append((data["previous_status"], data["status"]))
        got.lags.append(now - datetime.fromisoformat(data["changed_at"]).timestamp())
        return web.Response(status=204)


async def _serve(secrets: list[str], conn: Connection) -> None:
    portals = [_Portal(secret) for secret in secrets]
    runners = []
    for portal in portals:
        app = web.Application()
        app.router.add_post("/hoso-events", portal.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
    conn.send([runner.addresses[0][1] for runner in runners])
    loop = asyncio.get_running_loop()
    while (command := await loop.run_in_executor(None, conn.recv)) != "stop":
        if command == "tally":
            conn.send([_plain(portal.received) for portal in portals])
    for runner in runners:
        await runner.cleanup()


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
        self.urls = [f"http://127.0.0.1:{port}/hoso-events" for port in self._conn.recv()]
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
