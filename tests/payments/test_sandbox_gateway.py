"""The sandbox payment gateway as a merchant and a payer meet it: a real server on 127.0.0.1, an
order signed by the adapter's `payment_url`, a browser that follows its page, and a merchant's IPN
endpoint that is a real HTTP server too."""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
import pytest_asyncio

from support import vnpay
from support.devserver import is_reachable
from support.payment_gateway import IpnPolicy, Merchant, PaymentGateway
from tests.payments.merchant_server import MerchantServer

SECRET = "HOSOTESTSECRETHOSOTESTSECRET1234"
MERCHANT = "HOSOTEST"
RETURN_URL = "http://127.0.0.1:9/thanh-toan/ket-qua?lang=vi"
QUICK = IpnPolicy(attempts=4, first_pause=0.05, factor=2.0, timeout=5.0)


@dataclass
class Sandbox:
    gateway: PaymentGateway
    merchant: MerchantServer
    browser: aiohttp.ClientSession

    def order_url(
        self, amount: int = 150_000, minutes: int = 15, resign: bool = False, **changes: str
    ) -> str:
        now = datetime.now(UTC)
        order = vnpay.PaymentOrder(
            reference=f"G01-{secrets.token_hex(4)}-1",
            amount=amount,
            description="Le phi ho so G01.2026.000123: cap giay phep xay dung",
            return_url=RETURN_URL,
            payer_address="127.0.0.1",
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        url = vnpay.payment_url(self.gateway.payment_url, MERCHANT, SECRET, order)
        if resign:  # the merchant itself sends something the protocol does not allow
            params = vnpay.query_params(url) | changes
            return f"{self.gateway.payment_url}?{vnpay.signed_query(params, SECRET)}"
        for name, value in changes.items():  # tampering after signing
            url = re.sub(rf"{name}=[^&]*", f"{name}={value}", url)
        return url

    async def open_page(self, url: str) -> tuple[int, str]:
        async with self.browser.get(url) as page:
            return page.status, await page.text()

    async def decide(self, url: str, decision: str) -> dict[str, str]:
        """Opens the order's page and presses a button: the return's parameters."""
        status, page = await self.open_page(url)
        assert status == 200, page
        action = re.search(r'<form method="post" action="([^"]+)"', page)
        assert action is not None
        async with self.browser.post(
            self.gateway.url + action.group(1),
            data={"decision": decision, "bank": "NCB"},
            allow_redirects=False,
        ) as answer:
            assert answer.status == 303
            location = answer.headers["Location"]
        assert location.startswith(RETURN_URL + "&")
        return vnpay.query_params(location)

    async def query(self, reference: str, created: str, **changes: str) -> dict[str, str]:
        body = vnpay.query_request(
            MERCHANT,
            SECRET,
            request_id=secrets.token_hex(8),
            reference=reference,
            order_created_at=vnpay.parse_gateway_time(created),
            asked_at=datetime.now(UTC),
            requester_address="127.0.0.1",
            description=f"Tra cuu {reference}",
        )
        async with self.browser.post(self.gateway.query_url, json=body | changes) as answer:
            assert answer.status == 200
            result: dict[str, str] = await answer.json()
            return result


@pytest_asyncio.fixture(loop_scope="session")
async def sandbox() -> AsyncIterator[Sandbox]:
    async with MerchantServer(SECRET) as merchant:
        shop = Merchant(MERCHANT, SECRET, merchant.ipn_url, name="UBND quận Ba Đình")
        async with (
            PaymentGateway([shop], ipn=QUICK) as gateway,
            aiohttp.ClientSession() as browser,
        ):
            yield Sandbox(gateway, merchant, browser)


async def test_an_order_signed_by_payment_url_shows_its_page_in_dong(sandbox: Sandbox) -> None:
    status, page = await sandbox.open_page(sandbox.order_url(amount=150_000))
    assert status == 200
    assert "150.000 đ" in page
    assert "Le phi ho so G01.2026.000123: cap giay phep xay dung" in page
    assert "UBND quận Ba Đình" in page
    assert ">Thanh toán</button>" in page and ">Hủy</button>" in page
    assert sandbox.gateway.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize(
    ("changes", "resign", "code"),
    [
        ({"vnp_Amount": "100"}, False, "70"),  # the amount lowered after signing
        ({"vnp_TxnRef": "G01-other-1"}, False, "70"),
        ({"vnp_TmnCode": "UNKNOWN1"}, False, "72"),
        ({"vnp_SecureHash": ""}, False, "03"),
        ({"vnp_Version": "2.0.0"}, True, "03"),
        ({"vnp_CurrCode": "USD"}, True, "03"),
        ({"vnp_Amount": "15000050"}, True, "03"),  # not a whole number of đồng
        ({"vnp_Command": "refund"}, True, "03"),
    ],
)
async def test_a_tampered_or_malformed_order_gets_the_error_page_with_its_code(
    sandbox: Sandbox, changes: dict[str, str], resign: bool, code: str
) -> None:
    status, page = await sandbox.open_page(sandbox.order_url(resign=resign, **changes))
    assert status == 400
    assert f"Mã lỗi: <strong>{code}</strong>" in page
    assert "Thanh toán</button>" not in page
    assert sandbox.merchant.received == []


async def test_an_expired_order_is_refused_with_code_15(sandbox: Sandbox) -> None:
    status, page = await sandbox.open_page(sandbox.order_url(minutes=-1))
    assert status == 400 and "Mã lỗi: <strong>15</strong>" in page


async def test_paying_retries_the_ipn_until_recorded_and_returns_a_signed_paid_answer(
    sandbox: Sandbox,
) -> None:
    sandbox.merchant.failures = 1  # the merchant's first answer is 99: the gateway tries again
    url = sandbox.order_url(amount=150_000)
    reference = vnpay.query_params(url)["vnp_TxnRef"]

    returned = await sandbox.decide(url, "pay")

    answer = vnpay.read_answer(returned, SECRET)
    assert answer.paid and answer.amount == 150_000 and answer.reference == reference
    assert answer.bank == "NCB" and answer.transaction_number.isdigit()
    assert answer.paid_at is not None
    assert abs(answer.paid_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert returned["vnp_TmnCode"] == MERCHANT and returned["lang"] == "vi"
    ipns = await sandbox.merchant.wait_for(2)
    assert sandbox.merchant.answers == ["99", "00"]
    assert all(vnpay.is_signed(ipn, SECRET) for ipn in ipns)
    assert sandbox.merchant.recorded[reference].paid
    assert sandbox.merchant.recorded[reference].amount == 150_000
    await sandbox.gateway.deliveries_done()
    assert len(sandbox.merchant.received) == 2  # recorded: no more attempts


async def test_a_merchant_that_never_records_gets_a_few_attempts_then_none(
    sandbox: Sandbox,
) -> None:
    sandbox.merchant.failures = 100
    await sandbox.decide(sandbox.order_url(), "pay")
    await sandbox.gateway.deliveries_done()
    assert sandbox.merchant.answers == ["99"] * QUICK.attempts


async def test_cancelling_returns_24_and_notifies_it(sandbox: Sandbox) -> None:
    url = sandbox.order_url()
    returned = await sandbox.decide(url, "cancel")
    answer = vnpay.read_answer(returned, SECRET)
    assert answer.response_code == "24" and not answer.paid
    ipns = await sandbox.merchant.wait_for(1)
    assert ipns[0]["vnp_ResponseCode"] == "24" and vnpay.is_signed(ipns[0], SECRET)
    status, page = await sandbox.open_page(url)  # the same reference cannot be paid after
    assert status == 400 and "Mã lỗi: <strong>01</strong>" in page


async def test_querydr_answers_a_payments_status_signed(sandbox: Sandbox) -> None:
    url = sandbox.order_url(amount=8_000)
    order = vnpay.query_params(url)
    reference, created = order["vnp_TxnRef"], order["vnp_CreateDate"]

    await sandbox.open_page(url)
    shown = vnpay.read_query_answer(await sandbox.query(reference, created), SECRET)
    assert shown.response_code == "00" and shown.transaction_status == "01"  # not paid yet

    returned = await sandbox.decide(url, "pay")
    paid = vnpay.read_query_answer(await sandbox.query(reference, created), SECRET)
    assert paid.paid and paid.amount == 8_000 and paid.reference == reference
    assert paid.transaction_number == returned["vnp_TransactionNo"]

    unknown = await sandbox.query("G01-never-1", created)
    assert vnpay.read_query_answer(unknown, SECRET).response_code == "91"
    forged = await sandbox.query(reference, created, vnp_TxnRef="G01-other-1")
    assert forged["vnp_ResponseCode"] == "97"
    with pytest.raises(vnpay.UnsignedAnswer):
        vnpay.read_query_answer(paid_answer := await sandbox.query(reference, created), "WRONG")
    assert paid_answer["vnp_TransactionStatus"] == "00"


async def test_a_gateway_down_answers_503_or_not_at_all_and_comes_back(sandbox: Sandbox) -> None:
    url = sandbox.order_url()
    order = vnpay.query_params(url)
    async with sandbox.browser.put(sandbox.gateway.faults_url, json={"unavailable": True}) as put:
        assert put.status == 200 and (await put.json())["unavailable"] is True
    status, page = await sandbox.open_page(url)
    assert status == 503 and "Hệ thống đang bảo trì" in page
    async with sandbox.browser.post(sandbox.gateway.query_url, json={}) as answer:
        assert answer.status == 503
    async with sandbox.browser.put(sandbox.gateway.faults_url, json={"unavailable": "yes"}) as bad:
        assert bad.status == 400
    sandbox.gateway.faults.unavailable = False

    await sandbox.gateway.stop_listening()
    with pytest.raises(aiohttp.ClientConnectionError):
        await sandbox.open_page(url)
    await sandbox.gateway.listen_again()
    assert (await sandbox.open_page(url))[0] == 200
    answer = vnpay.read_query_answer(
        await sandbox.query(order["vnp_TxnRef"], order["vnp_CreateDate"]), SECRET
    )
    assert answer.response_code == "00"


async def test_the_duplicate_switch_sends_each_ipn_twice(sandbox: Sandbox) -> None:
    sandbox.gateway.faults.duplicate_ipn = True
    await sandbox.decide(sandbox.order_url(), "pay")
    first, again = await sandbox.merchant.wait_for(2)
    assert first == again
    assert sandbox.merchant.answers == ["00", "02"]  # the merchant knows it already


async def test_the_drop_switch_sends_no_ipn_and_the_merchant_must_ask(sandbox: Sandbox) -> None:
    sandbox.gateway.faults.drop_ipn = True
    url = sandbox.order_url()
    order = vnpay.query_params(url)
    returned = await sandbox.decide(url, "pay")
    assert vnpay.read_answer(returned, SECRET).paid
    await sandbox.gateway.deliveries_done()
    assert sandbox.merchant.received == []
    answer = await sandbox.query(order["vnp_TxnRef"], order["vnp_CreateDate"])
    assert vnpay.read_query_answer(answer, SECRET).paid


async def test_a_merchant_server_that_is_down_gets_the_ipn_again_when_it_is_back(
    sandbox: Sandbox,
) -> None:
    await sandbox.merchant.__aexit__()  # hoso's API is down when the payer pays
    url = sandbox.order_url()
    reference = vnpay.query_params(url)["vnp_TxnRef"]
    returned = await sandbox.decide(url, "pay")
    assert vnpay.read_answer(returned, SECRET).paid
    await sandbox.merchant.__aenter__()  # back on the same port, before the attempts run out
    await sandbox.gateway.deliveries_done()
    transaction = sandbox.gateway.ledger.find(MERCHANT, reference)
    assert transaction is not None
    assert transaction.ipn[0].status is None and transaction.ipn[-1].recorded
    assert sandbox.merchant.recorded[reference].paid


async def test_the_outage_switch_closes_the_port_for_a_while(sandbox: Sandbox) -> None:
    url = sandbox.order_url()
    async with sandbox.browser.post(sandbox.gateway.outage_url, params={"seconds": "0"}) as bad:
        assert bad.status == 400
    async with sandbox.browser.post(sandbox.gateway.outage_url, params={"seconds": "1"}) as ok:
        assert ok.status == 202
    deadline = asyncio.get_running_loop().time() + 5
    while is_reachable(sandbox.gateway.url.removeprefix("http://"), timeout=0.2):
        assert asyncio.get_running_loop().time() < deadline, "the port stayed open"
        await asyncio.sleep(0.02)
    with pytest.raises(aiohttp.ClientConnectionError):
        await sandbox.open_page(url)
    while not is_reachable(sandbox.gateway.url.removeprefix("http://"), timeout=0.2):
        assert asyncio.get_running_loop().time() < deadline, "the port stayed closed"
        await asyncio.sleep(0.05)
    assert (await sandbox.open_page(url))[0] == 200


async def test_paying_after_the_order_expired_returns_11_and_nothing_is_paid() -> None:
    late = timedelta()
    async with MerchantServer(SECRET) as merchant:
        shop = Merchant(MERCHANT, SECRET, merchant.ipn_url)
        async with (
            PaymentGateway([shop], ipn=QUICK, clock=lambda: datetime.now(UTC) + late) as gateway,
            aiohttp.ClientSession() as browser,
        ):
            sandbox = Sandbox(gateway, merchant, browser)
            url = sandbox.order_url(minutes=15)
            status, page = await sandbox.open_page(url)
            assert status == 200
            late = timedelta(minutes=16)  # the payer left the page open past its expiry
            action = re.search(r'action="([^"]+)"', page)
            assert action is not None
            async with browser.post(
                gateway.url + action.group(1),
                data={"decision": "pay", "bank": "NCB"},
                allow_redirects=False,
            ) as answer:
                returned = vnpay.query_params(answer.headers["Location"])
            assert returned["vnp_ResponseCode"] == "11"
            assert not vnpay.read_answer(returned, SECRET).paid
            ipns = await merchant.wait_for(1)
            assert ipns[0]["vnp_TransactionStatus"] == "02"
