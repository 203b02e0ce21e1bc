"""The tests' part of the payment gateway: what VNPAY 2.1.0 sends back after a payment, signed
with the merchant's secret (support/vnpay.py), and the shared step that pays a dossier the way the
gateway does (an attempt started on the public API, then the gateway's IPN over HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

import httpx

from support import vnpay
from tests.payments.conftest import MERCHANT, SECRET


class Front(Protocol):
    """hoso's API as a test reaches it (`Payments`, the API tests' `Api`)."""

    http: httpx.AsyncClient


def answer(order_url: str, *, paid: bool = True, **changes: str) -> dict[str, str]:
    """The parameters the gateway sends for the order of `order_url` (its return and its IPN
    carry the same), before signing; `changes` overrides any of them."""
    order = vnpay.query_params(order_url)
    params = {
        "vnp_TmnCode": MERCHANT,
        "vnp_Amount": order["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP14000001",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": order["vnp_OrderInfo"],
        "vnp_PayDate": vnpay.gateway_time(datetime.now(UTC)),
        "vnp_ResponseCode": "00" if paid else vnpay.CANCELLED_BY_PAYER,
        "vnp_TransactionNo": "14000001",
        "vnp_TransactionStatus": "00" if paid else "02",
        "vnp_TxnRef": order["vnp_TxnRef"],
    }
    return params | changes


def signed(params: dict[str, str], secret: str = SECRET) -> str:
    return vnpay.signed_query(params, secret)


async def start(payments: Front, code: str, secret: str) -> httpx.Response:
    return await payments.http.post(
        f"/api/v1/public/dossiers/{code}/payments", headers={"Hoso-Lookup-Secret": secret}
    )


async def ipn(payments: Front, query: str) -> dict[str, str]:
    """The gateway's IPN as it sends it: a GET whose query is the signed answer."""
    response = await payments.http.get(f"/api/v1/payments/vnpay/ipn?{query}")
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


async def pay_online(payments: Front, code: str, secret: str) -> str:
    """The applicant pays the fee online and the gateway confirms it: the attempt's order URL."""
    started = await start(payments, code, secret)
    assert started.status_code == 201, started.text
    url: str = started.json()["gateway_url"]
    assert await ipn(payments, signed(answer(url))) == vnpay.ipn_reply(vnpay.IpnAnswer.recorded)
    return url
