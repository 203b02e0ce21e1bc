"""The citizen's follow page: a dossier awaiting its fee offers to pay online, sends the citizen
to the gateway with a signed order, and offers the receipt once the IPN recorded the payment."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from support import vnpay
from tests.payments.conftest import SECRET, Payments
from tests.payments.gateway import answer, ipn, signed
from tests.web.test_signin import csrf_of

pytestmark = pytest.mark.timeout(180)


async def test_the_follow_page_pays_online_and_then_offers_the_receipt(payments: Payments) -> None:
    code, secret = await payments.awaiting_payment()
    http = payments.http
    page = await http.get("/follow")
    form = {"code": code, "secret": secret, "csrf": csrf_of(page.text)}
    found = await http.post("/follow", data=form)
    assert "Chờ thanh toán phí" in found.text and "8.000 đồng" in found.text
    assert "Thanh toán trực tuyến" in found.text and "Tải biên lai" not in found.text

    start = await http.post("/follow/pay", data=form)
    assert start.status_code == 200, start.text
    link = re.search(r'href="([^"]+vpcpay\.html\?[^"]+)"', start.text)
    assert link, "no link to the gateway"
    url = html.unescape(link.group(1))
    assert vnpay.is_signed(vnpay.query_params(url), SECRET)

    assert await ipn(payments, signed(answer(url))) == vnpay.ipn_reply(vnpay.IpnAnswer.recorded)
    paid = await http.post("/follow", data=form)
    assert "Đã thanh toán lúc" in paid.text and "Tải biên lai" in paid.text
    receipt = await http.post("/follow/receipt", data=form)
    assert receipt.headers["content-type"] == "application/pdf"
    again = await http.post("/follow/pay", data=form)  # nothing to pay any more
    assert again.status_code == 409 and "Không thanh toán trực tuyến được" in again.text


async def test_the_follow_page_needs_the_secret_to_pay(payments: Payments) -> None:
    code, _ = await payments.awaiting_payment()
    async with httpx.AsyncClient(base_url=str(payments.http.base_url), timeout=60) as http:
        page = await http.get("/follow")
        form = {"code": code, "secret": "guess", "csrf": csrf_of(page.text)}
        refused = await http.post("/follow/pay", data=form)
    assert refused.status_code == 404 and "vpcpay" not in refused.text
