"""Rate limits, checked before the work: public lookups and bookings by the client's address,
submissions by the submitting account, failed authentications by the client's address (once
over, that address's signed requests wait too). Over a limit: 429 with Retry-After, nothing done.

The counts live in `api_rate_storage`: one process's memory by default; API processes behind one
balancer share a store (`async+redis://…`) so that a limit holds across them."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from api.problems import RateLimited, SignatureError
from config import Settings
from limits import RateLimitItem, parse
from operations.access import Caller
from support.credentials import CredentialError

T = TypeVar("T")


def address(request: Request) -> str:
    """The client's address (the proxy's forwarded one where `api_trusted_proxies` says so)."""
    return request.client.host if request.client else "unknown"


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        storage = storage_from_string(settings.api_rate_storage)
        self.limiter = MovingWindowRateLimiter(storage)
        self.lookups = parse(settings.api_rate_lookups)
        self.submissions = parse(settings.api_rate_submissions)
        self.failed_authentications = parse(settings.api_rate_failed_authentications)
        self.bookings = parse(settings.api_rate_bookings)

    async def _retry_after(self, item: RateLimitItem, *keys: str) -> int:
        stats = await self.limiter.get_window_stats(item, *keys)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def _take(self, item: RateLimitItem, what: str, *keys: str) -> None:
        if not await self.limiter.hit(item, *keys):
            raise RateLimited(what, await self._retry_after(item, *keys))

    async def lookup(self, request: Request) -> None:
        await self._take(self.lookups, "lookups", "lookup", address(request))

    async def booking(self, request: Request) -> None:
        await self._take(self.bookings, "booking requests", "booking", address(request))

    async def ipn_heard(self, request: Request) -> bool:
        """Whether an IPN from this address is still heard: an address whose IPNs failed their
        signature too often (`api_rate_failed_authentications`) is answered without being read
        or recorded, so a flood of forged IPNs cannot fill the refusals' record."""
        return await self.limiter.test(self.failed_authentications, "ipn", address(request))

    async def ipn_forged(self, request: Request) -> None:
        await self.limiter.hit(self.failed_authentications, "ipn", address(request))

    async def submission(self, caller: Caller) -> None:
        await self._take(self.submissions, "submissions", "submission", caller.token_id)

    async def authenticated(self, request: Request, check: Callable[[], Awaitable[T]]) -> T:
        """`check`'s caller, unless this address failed too often; a failure counts against it."""
        keys = ("authentication", address(request))
        if not await self.limiter.test(self.failed_authentications, *keys):
            retry = await self._retry_after(self.failed_authentications, *keys)
            raise RateLimited("failed authentications", retry)
        try:
            return await check()
        except Exception as exc:
            if isinstance(exc, SignatureError | CredentialError):
                await self.limiter.hit(self.failed_authentications, *keys)
            raise
