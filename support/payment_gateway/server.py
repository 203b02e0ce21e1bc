"""The sandbox payment gateway's HTTP server (aiohttp), on 127.0.0.1 only.

- `GET /paymentv2/vpcpay.html?…` checks the signed order and shows the payment page (or the error
  page with VNPAY's code); the page's form posts the payer's decision to
  `/paymentv2/transactions/<token>`, which records it, sends the IPN and sends the browser back to
  the order's `vnp_ReturnUrl` with the signed answer (00 paid, 24 cancelled, 11 too late).
- `POST /merchant_webapi/api/transaction` answers querydr.
- `/sandbox/faults` and `/sandbox/outage` are the fault switches (`switches.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
import structlog
from aiohttp import web

from support import vnpay
from support.payment_gateway import pages
from support.payment_gateway.ipn import IpnPolicy, deliver, ipn_address, send_once
from support.payment_gateway.orders import (
    EXPIRED_AT_PAYMENT,
    FAILED,
    Ledger,
    Merchant,
    OrderRefused,
    Transaction,
    check_order,
)
from support.payment_gateway.query import QueryDesk
from support.payment_gateway.switches import FAULTS_PATH, OUTAGE_PATH, Faults, Switches

log = structlog.get_logger(__name__)

PAY_PATH = "/paymentv2/vpcpay.html"
DECISION_PATH = "/paymentv2/transactions/{token}"
QUERY_PATH = "/merchant_webapi/api/transaction"
HOST = "127.0.0.1"


class PaymentGateway:
    """The sandbox gateway: `async with PaymentGateway([merchant]) as gateway:` listens on a free
    loopback port (or `port`); `stop_listening()` and `listen_again()` take it off and back."""

    def __init__(
        self,
        merchants: Iterable[Merchant],
        *,
        port: int = 0,
        ipn: IpnPolicy | None = None,
        faults: Faults | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.merchants = {merchant.code: merchant for merchant in merchants}
        self.port = port
        self.ipn_policy = ipn or IpnPolicy()
        self.faults = faults or Faults()
        self.ledger = Ledger()
        self._query_desk = QueryDesk(self.merchants, self.ledger)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._deliveries: set[asyncio.Task[None]] = set()
        self._switches = Switches(self.faults, self.stop_listening, self.listen_again)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def payment_url(self) -> str:
        return self.url + PAY_PATH

    @property
    def query_url(self) -> str:
        return self.url + QUERY_PATH

    @property
    def faults_url(self) -> str:
        return self.url + FAULTS_PATH

    @property
    def outage_url(self) -> str:
        return self.url + OUTAGE_PATH

    async def __aenter__(self) -> PaymentGateway:
        self._session = aiohttp.ClientSession()
        try:
            await self.listen_again()
        except OSError:
            await self._session.close()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._switches.cancel()
        for task in self._deliveries:
            task.cancel()
        await asyncio.gather(*self._deliveries, return_exceptions=True)
        await self.stop_listening()
        if self._session is not None:
            await self._session.close()

    async def listen_again(self) -> None:
        """Listens (again) on its port; OSError when it is taken."""
        if self._runner is not None:
            return
        runner = web.AppRunner(self._app(), access_log=None)  # the queries carry the orders
        await runner.setup()
        try:
            await web.TCPSite(runner, HOST, self.port, reuse_address=True).start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]

    async def stop_listening(self) -> None:
        """Down: the port is closed, a browser or a query finds no one."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def deliveries_done(self) -> None:
        """Returns once every IPN the gateway is trying to deliver has succeeded or given up."""
        while self._deliveries:
            await asyncio.gather(*list(self._deliveries), return_exceptions=True)

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._outage])
        app.router.add_get(PAY_PATH, self._show_order)
        app.router.add_post(DECISION_PATH, self._decide)
        app.router.add_post(QUERY_PATH, self._query)
        self._switches.add_to(app)
        return app

    @web.middleware
    async def _outage(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        if self.faults.unavailable and request.path not in (FAULTS_PATH, OUTAGE_PATH):
            return _page(pages.unavailable_page(), 503)
        response: web.StreamResponse = await handler(request)
        return response

    async def _show_order(self, request: web.Request) -> web.Response:
        # parsed here, not with vnpay.query_params: a return URL's own "?" may come unescaped
        params = dict(parse_qsl(request.rel_url.raw_query_string, keep_blank_values=True))
        try:
            transaction = self.ledger.open(check_order(params, self.merchants, self._clock()))
        except OrderRefused as refused:
            log.info("payment_order_refused", code=refused.code)
            return _page(pages.error_page(refused.code, refused.message), 400)
        log.info(
            "payment_page_shown",
            merchant=transaction.merchant.code,
            reference=transaction.reference,
        )
        action = DECISION_PATH.format(token=transaction.token)
        return _page(pages.payment_page(transaction, action), 200)

    async def _decide(self, request: web.Request) -> web.Response:
        form = await request.post()  # read first: nothing awaits between the check and the record
        transaction = self.ledger.by_token(request.match_info["token"])
        if transaction is None:
            return _page(pages.error_page("03", "Không tìm thấy giao dịch"), 404)
        if not transaction.pending:
            return _page(pages.error_page("01", "Giao dịch đã được xử lý"), 409)
        decision, bank = str(form.get("decision", "")), str(form.get("bank", ""))
        if decision not in ("pay", "cancel") or bank not in pages.BANKS:
            return _page(pages.error_page("03", "Dữ liệu gửi sang không đúng định dạng"), 400)
        self._settle(transaction, decision, bank)
        query = vnpay.signed_query(transaction.answer(), transaction.merchant.secret)
        await self._notify(transaction, query)
        back = transaction.return_url
        raise web.HTTPSeeOther(f"{back}{'&' if '?' in back else '?'}{query}")

    def _settle(self, transaction: Transaction, decision: str, bank: str) -> None:
        now = self._clock()
        transaction.decided_at, transaction.bank = now, bank
        if decision == "cancel":
            transaction.status, transaction.response_code = FAILED, vnpay.CANCELLED_BY_PAYER
        elif now > transaction.expires_at:
            transaction.status, transaction.response_code = FAILED, EXPIRED_AT_PAYMENT
        else:
            transaction.status = transaction.response_code = vnpay.SUCCESS
            transaction.number = self.ledger.next_number()
        log.info(
            "payment_decided",
            merchant=transaction.merchant.code,
            reference=transaction.reference,
            response_code=transaction.response_code,
        )

    async def _notify(self, transaction: Transaction, query: str) -> None:
        """Starts the IPN's delivery and waits for its first attempt (bounded), so the merchant
        has usually recorded the payment when the browser comes back."""
        if self.faults.drop_ipn:
            log.info("payment_ipn_dropped", reference=transaction.reference)
            return
        first_done = asyncio.Event()
        task = asyncio.create_task(
            self._deliver(transaction, ipn_address(transaction.merchant.ipn_url, query), first_done)
        )
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(first_done.wait(), self.ipn_policy.timeout + 1)

    async def _deliver(
        self, transaction: Transaction, address: str, first_done: asyncio.Event
    ) -> None:
        assert self._session is not None
        recorded = await deliver(
            self._session,
            address,
            self.ipn_policy,
            transaction.ipn,
            first_done,
            transaction.reference,
        )
        if recorded and self.faults.duplicate_ipn:
            again = await send_once(self._session, address, self.ipn_policy.timeout, duplicate=True)
            transaction.ipn.append(again)
            log.info("payment_ipn_sent_again", reference=transaction.reference, answer=again.answer)

    async def _query(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        return web.json_response(self._query_desk.answer(body))


def _page(text: str, status: int) -> web.Response:
    return web.Response(
        text=text, status=status, content_type="text/html", charset="utf-8", headers=pages.HEADERS
    )
