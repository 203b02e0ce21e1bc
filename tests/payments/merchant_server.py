"""A merchant's IPN endpoint on 127.0.0.1 (aiohttp), as a test's stand-in for hoso's: it checks
each IPN's signature, records a reference once (02 after), and can fail its first answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from aiohttp import web

from support import vnpay
from support.vnpay import GatewayAnswer, IpnAnswer


@dataclass
class MerchantServer:
    secret: str
    failures: int = 0  # answer 99 to that many IPNs first
    received: list[dict[str, str]] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    recorded: dict[str, GatewayAnswer] = field(default_factory=dict)
    port: int = 0
    _runner: web.AppRunner | None = None

    @property
    def ipn_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ipn"

    def _answer(self, params: dict[str, str]) -> IpnAnswer:
        if self.failures > 0:
            self.failures -= 1
            return IpnAnswer.unknown_error
        try:
            answer = vnpay.read_answer(params, self.secret)
        except vnpay.UnsignedAnswer:
            return IpnAnswer.invalid_signature
        if answer.reference in self.recorded:
            return IpnAnswer.already_confirmed
        self.recorded[answer.reference] = answer
        return IpnAnswer.recorded

    async def _ipn(self, request: web.Request) -> web.Response:
        params = dict(parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True))
        self.received.append(params)
        answer = self._answer(params)
        self.answers.append(answer.value)
        return web.json_response(vnpay.ipn_reply(answer))

    async def __aenter__(self) -> MerchantServer:
        app = web.Application()
        app.router.add_get("/ipn", self._ipn)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, count: int, seconds: float = 10) -> list[dict[str, str]]:
        """The IPNs received once there are `count` (AssertionError past the deadline)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while len(self.received) < count:
            assert asyncio.get_running_loop().time() < deadline, self.answers
            await asyncio.sleep(0.02)
        return self.received
