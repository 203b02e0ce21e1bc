"""A flood of forged IPNs from one address: answered 97, but read and recorded only up to the
failed-authentication limit, so it cannot fill the operators' record of refusals."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from models.dossier import DossierStatus
from models.payment_records import PaymentRefusalRecord
from support.vnpay import IpnAnswer, ipn_reply
from tests.payments.conftest import Payments
from tests.payments.gateway import answer, ipn, signed, start

pytestmark = pytest.mark.timeout(180)


async def test_forged_ipns_past_the_limit_are_not_recorded(payments: Payments) -> None:
    limit = int(payments.settings.api_rate_failed_authentications.split("/")[0])
    code, secret = await payments.awaiting_payment()
    url = (await start(payments, code, secret)).json()["gateway_url"]
    forged = signed(answer(url), secret="not-the-merchant-secret")
    for _ in range(limit + 5):
        assert await ipn(payments, forged) == ipn_reply(IpnAnswer.invalid_signature)
    with payments.sessions() as session:
        recorded = session.exec(select(func.count()).select_from(PaymentRefusalRecord)).one()
    assert recorded == limit
    # the address is no longer heard: even a genuine IPN from it is not read (the gateway's own
    # addresses never send a forged one)
    assert await ipn(payments, signed(answer(url))) == ipn_reply(IpnAnswer.invalid_signature)
    assert (await payments.state(code)).status == DossierStatus.awaiting_payment
