"""The IPN (Instant Payment Notification): the gateway tells the merchant's server what became of
a payment, with a GET of the signed answer to the IPN URL configured for the merchant, until the
merchant answers `{"RspCode": "00"}` (recorded) or `"02"` (already recorded). Any other answer, an
HTTP error or no answer at all is tried again after a growing pause, a few times, as VNPAY does.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import structlog
from yarl import URL

from support.vnpay import IpnAnswer

log = structlog.get_logger(__name__)
RECORDED = (IpnAnswer.recorded.value, IpnAnswer.already_confirmed.value)


@dataclass(frozen=True)
class IpnPolicy:
    """How hard the gateway tries: `attempts` in all, the n-th pause `first_pause × factor^(n-1)`
    seconds, each attempt given `timeout` seconds."""

    attempts: int = 5
    first_pause: float = 2.0
    factor: float = 3.0
    timeout: float = 10.0

    def pause(self, attempt: int) -> float:
        """The pause before attempt number `attempt` (0 for the first)."""
        return 0.0 if attempt == 0 else self.first_pause * self.factor ** (attempt - 1)


@dataclass(frozen=True)
class IpnAttempt:
    """One GET of the IPN, and how the merchant answered it."""

    at: datetime
    status: int | None  # the HTTP status; None when no answer came
    answer: str | None  # the RspCode, when the body was the protocol's JSON
    duplicate: bool = False  # sent again on purpose (the gateway's "duplicate IPN" switch)

    @property
    def recorded(self) -> bool:
        return self.status == 200 and self.answer in RECORDED


def ipn_address(ipn_url: str, signed_query: str) -> str:
    return f"{ipn_url}{'&' if '?' in ipn_url else '?'}{signed_query}"


async def send_once(
    session: aiohttp.ClientSession, address: str, timeout: float, *, duplicate: bool = False
) -> IpnAttempt:
    """One attempt; never raises for the merchant's failures, it records them."""
    at = datetime.now(UTC)
    try:
        target = URL(address, encoded=True)  # sent as signed, not re-quoted
        limit = aiohttp.ClientTimeout(total=timeout)
        async with session.get(target, timeout=limit, allow_redirects=False) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                body = None
            answer = body.get("RspCode") if isinstance(body, dict) else None
            return IpnAttempt(at, response.status, str(answer) if answer else None, duplicate)
    except (aiohttp.ClientError, TimeoutError):
        return IpnAttempt(at, None, None, duplicate)


async def deliver(
    session: aiohttp.ClientSession,
    address: str,
    policy: IpnPolicy,
    attempts: list[IpnAttempt],
    first_done: asyncio.Event,
    reference: str,
) -> bool:
    """Tries until the merchant records the IPN or the attempts run out; appends each attempt to
    `attempts` and sets `first_done` after the first. Returns whether it was recorded."""
    try:
        for number in range(policy.attempts):
            await asyncio.sleep(policy.pause(number))
            attempt = await send_once(session, address, policy.timeout)
            attempts.append(attempt)
            first_done.set()
            log.info(
                "payment_ipn_sent",
                reference=reference,
                attempt=number + 1,
                status=attempt.status,
                answer=attempt.answer,
            )
            if attempt.recorded:
                return True
        log.warning("payment_ipn_abandoned", reference=reference, attempts=policy.attempts)
        return False
    finally:
        first_done.set()
