"""A fee paid online whose IPN never reaches hoso is not lost: the reconciliation asks the gateway
(querydr) about the attempts still open, on real servers on 127.0.0.1 — the session's dev
Temporal server, a worker, hoso's API under uvicorn and the sandbox gateway, whose `drop_ipn`
switch keeps its IPN from ever being sent."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import secrets
import threading
import uuid
from collections.abc import AsyncIterator, Iterator, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
import pytest_asyncio
import structlog
import yaml
from aiohttp import web
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.database import create_schema, make_engine, session_factory
from config import Settings, get_settings
from models.dossier import DossierStatus
from models.payment_records import PaymentRecord, PaymentRefusalRecord
from models.state import DossierState
from operations.payment_queries import (
    SUPERSEDED_ASKED_FOR,
    PaymentQueried,
    QueryOutcome,
    reconcile,
)
from operations.payments import ATTEMPT_LIFETIME, IPN_PATH
from starter import app
from support import vnpay
from support.bootstrap import publish_bundled
from support.catalogue import publish_paths
from support.client import connect
from support.devserver import free_port
from support.payment_gateway import Merchant, PaymentGateway
from support.payment_gateway.ipn import ipn_address, send_once
from support.private_files import write_private
from support.publishers import machine_publisher
from tests.cli.api_server import api_thread
from tests.payments.conftest import MERCHANT, PROCEDURES, SECRET, Payments
from tests.payments.gateway import start
from tests.workflows.harness import worker_thread

pytestmark = pytest.mark.timeout(240)
AGENCY_OPERATOR = "huyen.operator"  # an operator of another agency than the commune's
OTHER_SECRET = "another-secret-not-the-merchants"


@dataclass
class Sandbox:
    payments: Payments
    gateway: PaymentGateway
    browser: httpx.AsyncClient
    url: str

    @property
    def settings(self) -> Settings:
        return self.payments.settings

    async def paid_without_ipn(self) -> tuple[str, str, str]:
        """A dossier waiting for its fee, paid on the gateway's page while the gateway drops
        its IPN: the dossier's code and secret, and the attempt's reference."""
        self.gateway.faults.drop_ipn = True
        code, secret = await self.payments.awaiting_payment()
        started = await start(self.payments, code, secret)
        assert started.status_code == 201, started.text
        order_url = started.json()["gateway_url"]
        return code, secret, await self.pay_on_gateway(order_url)

    async def pay_on_gateway(self, order_url: str) -> str:
        """The applicant pays the order on the gateway's page: its reference."""
        page = await self.browser.get(order_url)
        assert page.status_code == 200, page.text
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert action is not None
        decided = await self.browser.post(
            self.gateway.url + html.unescape(action.group(1)),
            data={"decision": "pay", "bank": "NCB"},
            follow_redirects=False,
        )
        assert decided.status_code == 303, decided.text
        assert vnpay.read_answer(vnpay.query_params(decided.headers["location"]), SECRET).paid
        return vnpay.query_params(order_url)["vnp_TxnRef"]

    async def round(self, age: float = 0, **changes: object) -> list[PaymentQueried]:
        """One round of the reconciliation, as the worker runs it (`changes` to the settings)."""
        settings = self.settings.model_copy(update=changes)
        async with httpx.AsyncClient(timeout=10) as http:
            return await reconcile(
                self.payments.client,
                self.payments.sessions,
                settings,
                http,
                age=timedelta(seconds=age),
            )

    def attempt(self, reference: str) -> PaymentRecord:
        with self.payments.sessions() as session:
            row = session.get(PaymentRecord, reference)
        assert row is not None
        return row

    async def late_ipn(self, reference: str) -> str | None:
        """The gateway's IPN of `reference` reaching hoso after all: hoso's answer code."""
        transaction = self.gateway.ledger.find(MERCHANT, reference)
        assert transaction is not None
        query = vnpay.signed_query(transaction.answer(), SECRET)
        async with aiohttp.ClientSession() as session:
            sent = await send_once(session, ipn_address(transaction.merchant.ipn_url, query), 10)
        assert sent.status == 200
        return sent.answer


@contextlib.contextmanager
def running_worker(settings: Settings) -> Iterator[None]:
    """`run_worker` as `hoso worker` runs it (the worker and its background tasks), in a thread
    of its own until the block ends."""
    from worker import run_worker

    ready = threading.Event()
    held: dict[str, object] = {}

    async def serve() -> None:
        stop = asyncio.Event()
        held["stop"], held["loop"] = stop, asyncio.get_running_loop()
        client = await connect(settings)
        ready.set()
        await run_worker(client, settings, stop)

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert ready.wait(30), "the worker did not start"
    try:
        yield
    finally:
        loop, stop = held["loop"], held["stop"]
        assert isinstance(loop, asyncio.AbstractEventLoop) and isinstance(stop, asyncio.Event)
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)


def _publish_roster(settings: Settings, tmp_path: Path) -> None:
    roster = yaml.safe_load((PROCEDURES / "officers.yaml").read_text("utf-8"))
    roster["officers"] += [
        {"id": AGENCY_OPERATOR, "name": "Vận hành huyện", "role": "operator", "unit": "operations"}
        | {"agency": "ubnd-huyen"},
    ]
    (tmp_path / "officers.yaml").write_text(yaml.safe_dump(roster, allow_unicode=True), "utf-8")
    engine = make_engine(settings.resolved_database_url)
    create_schema(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        publish_bundled(session, settings)
    with sessions() as session:
        publish_paths(session, [tmp_path / "officers.yaml"], publisher=machine_publisher(settings))
        session.commit()
    engine.dispose()


@contextlib.asynccontextmanager
async def sandbox_stack(
    dev_env: WorkflowEnvironment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    worker_reconciles: bool,
) -> AsyncIterator[Sandbox]:
    port = free_port()  # hoso's address is known first: the gateway sends its IPNs there
    merchant = Merchant(MERCHANT, SECRET, f"http://127.0.0.1:{port}{IPN_PATH}")
    async with PaymentGateway([merchant]) as gateway:
        for name, value in {
            "HOSO_TEMPORAL_ADDRESS": dev_env.client.service_client.config.target_host,
            "HOSO_TASK_QUEUE": f"payment-queries-{uuid.uuid4()}",
            "HOSO_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "HOSO_PAYMENT_GATEWAY_URL": gateway.payment_url,
            "HOSO_PAYMENT_QUERY_URL": gateway.query_url,
            "HOSO_PAYMENT_MERCHANT": MERCHANT,
            "HOSO_PAYMENT_HASH_SECRET": SECRET,
            "HOSO_PAYMENT_QUERY_AFTER_SECONDS": "1",
            "HOSO_PAYMENT_QUERY_POLL_SECONDS": "0.2",
            "HOSO_API_RATE_LOOKUPS": "1000/minute",
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        own = get_settings()
        _publish_roster(own, tmp_path)
        from worker import build_worker

        worker = running_worker(own) if worker_reconciles else worker_thread(own, build_worker)
        with worker, api_thread(own, port) as url:
            async with (
                httpx.AsyncClient(base_url=url, timeout=60) as http,
                httpx.AsyncClient(timeout=60) as browser,
            ):
                client = await connect(own)
                engine = make_engine(own.resolved_database_url)
                payments = Payments(http, own, session_factory(engine), client, tmp_path)
                yield Sandbox(payments, gateway, browser, url)
                engine.dispose()
    get_settings.cache_clear()


@pytest_asyncio.fixture(loop_scope="session")
async def sandbox(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Sandbox]:
    """The stack without the worker's own reconciliation: the tests run its rounds."""
    async with sandbox_stack(dev_env, tmp_path, monkeypatch, worker_reconciles=False) as found:
        yield found


async def until_status(sandbox: Sandbox, code: str, status: DossierStatus) -> DossierState:
    deadline = asyncio.get_running_loop().time() + 60
    while (state := await sandbox.payments.state(code)).status != status:
        assert asyncio.get_running_loop().time() < deadline, f"{code} stayed {state.status}"
        await asyncio.sleep(0.2)
    return state


async def until_paid(sandbox: Sandbox, reference: str) -> PaymentRecord:
    deadline = asyncio.get_running_loop().time() + 30
    while (row := sandbox.attempt(reference)).status != "paid":
        assert asyncio.get_running_loop().time() < deadline, f"{reference} stayed {row.status}"
        await asyncio.sleep(0.2)
    return row


async def test_a_row_left_open_by_a_stopped_process_is_closed_by_the_next_round(
    sandbox: Sandbox,
) -> None:
    """The dossier took the payment but the process stopped before the row said paid: the next
    round's answer (the gateway: paid) finds the dossier holding it and closes the row."""
    code, _, reference = await sandbox.paid_without_ipn()
    [outcome] = await sandbox.round()
    assert outcome.outcome == QueryOutcome.paid
    await until_status(sandbox, code, DossierStatus.completed)
    with sandbox.payments.sessions() as session:  # as if the process had stopped right then
        row = session.get(PaymentRecord, reference)
        assert row is not None
        row.status, row.transaction_number, row.paid_at = "open", None, None
        session.add(row)
        session.commit()
    [outcome] = await sandbox.round()
    assert outcome.outcome == QueryOutcome.recorded_before, outcome
    assert sandbox.attempt(reference).status == "paid"
    assert await sandbox.round() == [], "asked no more"


async def test_the_worker_finds_a_payment_whose_ipn_was_dropped_and_a_late_ipn_changes_nothing(
    dev_env: WorkflowEnvironment,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with sandbox_stack(dev_env, tmp_path, monkeypatch, worker_reconciles=True) as sandbox:
        code, _, reference = await sandbox.paid_without_ipn()
        await sandbox.gateway.deliveries_done()
        transaction = sandbox.gateway.ledger.find(MERCHANT, reference)
        assert transaction is not None and transaction.ipn == []  # no IPN was ever sent

        state = await until_status(sandbox, code, DossierStatus.completed)  # by itself

        assert state.payment is not None and state.payment.channel == "online"
        assert state.payment.transaction_number == transaction.number
        row = await until_paid(sandbox, reference)  # written once the dossier answered
        assert (row.status, row.transaction_number) == ("paid", transaction.number)
        assert row.queried_at is not None
        receipts = [f for f in state.forms if f.kind == "payment_receipt"]
        assert len(receipts) == 1

        assert await sandbox.late_ipn(reference) == vnpay.IpnAnswer.already_confirmed
        after = await sandbox.payments.state(code)
        assert (len(after.forms), len(after.actions)) == (len(state.forms), len(state.actions))
        assert sandbox.attempt(reference).status == "paid"


async def test_an_answer_signed_with_another_secret_changes_nothing(sandbox: Sandbox) -> None:
    code, _, reference = await sandbox.paid_without_ipn()
    async with forger(amount=8_000) as forged_url, sandbox_logs() as logs:
        [outcome] = await sandbox.round(payment_query_url=forged_url)
    assert (outcome.reference, outcome.outcome) == (reference, QueryOutcome.unsigned)
    assert (await sandbox.payments.state(code)).status == DossierStatus.awaiting_payment
    assert sandbox.attempt(reference).status == "open"
    [logged] = [entry for entry in logs if entry["event"] == "payment_query_unsigned"]
    assert set(logged) <= {"event", "log_level", "dossier", "reference", "code"}
    assert "Nguyễn Văn A" not in repr(logs) and "0912345678" not in repr(logs)

    [outcome] = await sandbox.round()  # the gateway itself, signed: believed
    assert outcome.outcome == QueryOutcome.paid
    await until_status(sandbox, code, DossierStatus.completed)


async def test_the_gateway_down_changes_nothing_and_the_attempt_is_asked_again(
    sandbox: Sandbox,
) -> None:
    code, _, reference = await sandbox.paid_without_ipn()
    await sandbox.gateway.stop_listening()
    try:
        found = await next_round(sandbox, age=1)  # once the attempt is a period old
    finally:
        await sandbox.gateway.listen_again()
    assert [q.outcome for q in found] == [QueryOutcome.unanswered]
    assert (await sandbox.payments.state(code)).status == DossierStatus.awaiting_payment
    assert sandbox.attempt(reference).status == "open"
    assert await sandbox.round(age=1) == []  # asked once a period at most

    sandbox.gateway.faults.unavailable = True  # in maintenance: 503
    assert [q.outcome for q in await next_round(sandbox, age=1)] == [QueryOutcome.unanswered]
    assert sandbox.attempt(reference).status == "open"

    sandbox.gateway.faults.unavailable = False
    assert [q.outcome for q in await next_round(sandbox, age=1)] == [QueryOutcome.paid]
    await until_status(sandbox, code, DossierStatus.completed)


async def next_round(sandbox: Sandbox, age: float) -> list[PaymentQueried]:
    """The first round, polled as the worker does, that asks about something."""
    deadline = asyncio.get_running_loop().time() + 30
    while not (found := await sandbox.round(age=age)):
        assert asyncio.get_running_loop().time() < deadline, "nothing was asked"
        await asyncio.sleep(0.2)
    return found


async def test_an_attempt_the_gateway_never_had_fails_once_expired(sandbox: Sandbox) -> None:
    code, secret = await sandbox.payments.awaiting_payment()
    started = await start(sandbox.payments, code, secret)
    reference = vnpay.query_params(started.json()["gateway_url"])["vnp_TxnRef"]
    [outcome] = await sandbox.round()  # the applicant never opened the gateway's page
    assert outcome.outcome == QueryOutcome.pending  # before its expiry: it may still be paid
    assert sandbox.attempt(reference).status == "open"

    with sandbox.payments.sessions() as session:  # as if it had started past its lifetime
        row = session.get(PaymentRecord, reference)
        assert row is not None
        row.created_at = datetime.now(UTC) - ATTEMPT_LIFETIME - timedelta(minutes=1)
        session.add(row)
        session.commit()
    [outcome] = await sandbox.round()
    assert outcome.outcome == QueryOutcome.failed
    row = sandbox.attempt(reference)
    assert (row.status, row.response_code) == ("failed", "91")
    assert (await sandbox.payments.state(code)).status == DossierStatus.awaiting_payment
    assert (await start(sandbox.payments, code, secret)).status_code == 201  # try again


async def test_an_attempt_left_unfinished_on_the_gateway_page_fails_long_after_its_expiry(
    sandbox: Sandbox,
) -> None:
    code, secret = await sandbox.payments.awaiting_payment()
    started = await start(sandbox.payments, code, secret)
    order_url = started.json()["gateway_url"]
    assert (await sandbox.browser.get(order_url)).status_code == 200  # shown, never decided
    reference = vnpay.query_params(order_url)["vnp_TxnRef"]
    [outcome] = await sandbox.round()
    assert outcome.outcome == QueryOutcome.pending

    long_ago = datetime.now(UTC) - 2 * ATTEMPT_LIFETIME - timedelta(minutes=1)
    with sandbox.payments.sessions() as session:  # as if it had been shown back then
        row = session.get(PaymentRecord, reference)
        assert row is not None
        row.created_at = long_ago
        session.add(row)
        session.commit()
    transaction = sandbox.gateway.ledger.find(MERCHANT, reference)
    assert transaction is not None and transaction.pending
    transaction.created = vnpay.gateway_time(long_ago)
    [outcome] = await sandbox.round()
    assert outcome.outcome == QueryOutcome.failed
    row = sandbox.attempt(reference)
    assert (row.status, row.response_code) == ("failed", "01")
    assert (await sandbox.payments.state(code)).status == DossierStatus.awaiting_payment


async def test_a_superseded_attempt_paid_whose_ipn_was_lost_is_found_and_taken(
    sandbox: Sandbox,
) -> None:
    """The applicant opened a second attempt, then paid the first in another tab, and its IPN
    was lost: the round finds it and the dossier takes it; the second is superseded."""
    sandbox.gateway.faults.drop_ipn = True
    code, secret = await sandbox.payments.awaiting_payment()
    first = (await start(sandbox.payments, code, secret)).json()["gateway_url"]
    second = (await start(sandbox.payments, code, secret)).json()["gateway_url"]
    paid = await sandbox.pay_on_gateway(first)
    newer = vnpay.query_params(second)["vnp_TxnRef"]
    assert (sandbox.attempt(paid).status, sandbox.attempt(newer).status) == ("superseded", "open")

    found = {q.reference: q.outcome for q in await sandbox.round()}
    assert found == {paid: QueryOutcome.paid, newer: QueryOutcome.pending}
    state = await until_status(sandbox, code, DossierStatus.completed)
    assert state.payment is not None and state.payment.reference == paid
    assert (sandbox.attempt(paid).status, sandbox.attempt(newer).status) == ("paid", "superseded")
    assert not sandbox.attempt(paid).refund_owed


async def test_a_superseded_attempt_not_paid_stays_so_and_is_asked_for_a_while_only(
    sandbox: Sandbox,
) -> None:
    code, secret = await sandbox.payments.awaiting_payment()
    first = (await start(sandbox.payments, code, secret)).json()["gateway_url"]
    await start(sandbox.payments, code, secret)
    left = vnpay.query_params(first)["vnp_TxnRef"]
    outcomes = {q.reference: q for q in await sandbox.round()}
    assert outcomes[left].outcome == QueryOutcome.pending
    assert "superseded, not paid" in outcomes[left].detail
    assert sandbox.attempt(left).status == "superseded"
    assert not [r for r in refusals_kept(sandbox)], "an unpaid superseded attempt is no refusal"

    with sandbox.payments.sessions() as session:  # as if it had started long ago
        row = session.get(PaymentRecord, left)
        assert row is not None
        row.created_at = datetime.now(UTC) - SUPERSEDED_ASKED_FOR - timedelta(minutes=1)
        row.queried_at = None
        session.add(row)
        session.commit()
    assert left not in {q.reference for q in await sandbox.round()}
    assert sandbox.attempt(left).status == "superseded"


def refusals_kept(sandbox: Sandbox) -> list[PaymentRefusalRecord]:
    with sandbox.payments.sessions() as session:
        return list(session.exec(select(PaymentRefusalRecord)))


async def test_a_round_asks_a_batch_at_most_the_least_recently_asked_first(
    sandbox: Sandbox,
) -> None:
    references = []
    for _ in range(2):
        code, secret = await sandbox.payments.awaiting_payment()
        started = await start(sandbox.payments, code, secret)
        references.append(vnpay.query_params(started.json()["gateway_url"])["vnp_TxnRef"])
    asked = [[q.reference for q in await sandbox.round(payment_query_batch=1)] for _ in range(3)]
    assert asked == [[references[0]], [references[1]], [references[0]]]


async def test_an_answer_of_another_amount_is_refused_and_kept(sandbox: Sandbox) -> None:
    code, _, reference = await sandbox.paid_without_ipn()
    async with forger(amount=1_000, secret=SECRET) as forged_url:
        [outcome] = await sandbox.round(payment_query_url=forged_url)
    assert outcome.outcome == QueryOutcome.refused
    assert (await sandbox.payments.state(code)).status == DossierStatus.awaiting_payment
    assert sandbox.attempt(reference).status == "open"
    with sandbox.payments.sessions() as session:
        [kept] = session.exec(select(PaymentRefusalRecord)).all()
    assert (kept.answer, kept.reference) == ("04", reference)
    assert kept.reason.startswith("querydr: 1000 VND for an attempt of 8000 VND")


async def test_an_operator_reconciles_now_from_the_cli_within_their_scope(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    code, _, reference = await sandbox.paid_without_ipn()
    path = "/api/v1/payments/reconcile"
    officer = await sandbox.payments.http.post(path, auth=sandbox.payments.auth("xa.reception"))
    assert officer.status_code == 403
    other = await sandbox.payments.http.post(path, auth=sandbox.payments.auth(AGENCY_OPERATOR))
    assert other.status_code == 200 and other.json() == []  # not an attempt of their agency
    assert sandbox.attempt(reference).queried_at is None

    token = sandbox.settings.data_dir / "ops.operator.token"
    write_private(token, sandbox.payments.credential("ops.operator").token.encode())
    monkeypatch.setenv("HOSO_TOKEN_FILE", str(token))
    monkeypatch.setenv("HOSO_API_URL", sandbox.url)
    get_settings.cache_clear()
    ran = await asyncio.to_thread(
        runner.invoke, app, ["payments", "reconcile", "--dossier", code], catch_exceptions=False
    )
    assert ran.exit_code == 0, ran.output
    assert code in ran.output and "paid" in ran.output
    await until_status(sandbox, code, DossierStatus.completed)
    again = await asyncio.to_thread(runner.invoke, app, ["payments", "reconcile", "--json"])
    assert again.exit_code == 0 and again.output.strip() == "[]"  # nothing open any more


@contextlib.asynccontextmanager
async def forger(amount: int, secret: str = OTHER_SECRET) -> AsyncIterator[str]:
    """A querydr endpoint on 127.0.0.1 that says every transaction asked about was paid
    `amount` đồng, signing with `secret`: its URL."""

    async def answer(request: web.Request) -> web.Response:
        asked = await request.json()
        said = {
            "vnp_ResponseId": secrets.token_hex(16),
            "vnp_Command": vnpay.QUERY_COMMAND,
            "vnp_ResponseCode": "00",
            "vnp_Message": "Yêu cầu thành công",
            "vnp_TmnCode": MERCHANT,
            "vnp_TxnRef": asked["vnp_TxnRef"],
            "vnp_Amount": vnpay.to_gateway_amount(amount),
            "vnp_BankCode": "NCB",
            "vnp_PayDate": vnpay.gateway_time(datetime.now(UTC)),
            "vnp_TransactionNo": "99999999",
            "vnp_TransactionType": vnpay.PAYMENT_TRANSACTION,
            "vnp_TransactionStatus": "00",
            "vnp_OrderInfo": asked["vnp_OrderInfo"],
        }
        return web.json_response(vnpay.signed_query_answer(said, secret))

    application = web.Application()
    application.router.add_post("/merchant_webapi/api/transaction", answer)
    served = web.AppRunner(application)
    await served.setup()
    site = web.TCPSite(served, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{served.addresses[0][1]}/merchant_webapi/api/transaction"
    finally:
        await served.cleanup()


@contextlib.asynccontextmanager
async def sandbox_logs() -> AsyncIterator[list[MutableMapping[str, Any]]]:
    with structlog.testing.capture_logs() as logs:
        yield logs
