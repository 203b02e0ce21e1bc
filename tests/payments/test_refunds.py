"""A dossier refused after it paid owes the fee back; an operator records the refund made."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from models.actions import Cancellation
from models.dossier import DossierStatus
from models.tables import DossierRecord
from support import vnpay
from support.vnpay import IpnAnswer, ipn_reply
from tests.payments.conftest import Payments
from tests.payments.gateway import answer, ipn, pay_online, signed, start

pytestmark = pytest.mark.timeout(180)


async def _projected_refund_owed(payments: Payments, code: str) -> bool:
    for _ in range(100):
        with payments.sessions() as session:
            row = session.exec(select(DossierRecord).where(DossierRecord.code == code)).first()
        if row is not None and row.refund_owed:
            return True
        await asyncio.sleep(0.2)
    return False


async def test_a_dossier_rejected_after_paying_owes_a_refund_an_operator_records_once(
    payments: Payments,
) -> None:
    payments.publish_paid_before_reception()
    code, secret = await payments.submit()
    await payments.until_stage(code, "reception")
    view = await payments.act("xa.reception", "reception", code, "accept")
    assert view["status"] == "awaiting_payment"
    reference = vnpay.query_params(await pay_online(payments, code, secret))["vnp_TxnRef"]
    state = await payments.state(code)
    assert state.status == DossierStatus.in_review and state.received_at is not None
    await payments.act("xa.civil-status", "review", code, "approve")
    await payments.act("xa.chairman", "decide", code, "reject", comment="Không có trong sổ")
    assert await _projected_refund_owed(payments, code)

    followed = await payments.http.get(
        f"/api/v1/public/dossiers/{code}", headers={"Hoso-Lookup-Secret": secret}
    )
    assert followed.json()["refund_owed"] is True
    operator = payments.auth("ops.operator")
    owed = await payments.http.get("/api/v1/payments?refund_owed=true", auth=operator)
    assert [p["reference"] for p in owed.json()] == [reference]

    clerk = await payments.http.post(
        f"/api/v1/payments/{reference}/refund",
        json={"note": "Chuyển khoản hoàn phí"},
        auth=payments.auth("xa.reception"),
    )
    assert clerk.status_code == 403
    made = await payments.http.post(
        f"/api/v1/payments/{reference}/refund",
        json={"note": "Chuyển khoản hoàn phí"},
        auth=operator,
    )
    assert made.status_code == 200, made.text
    assert made.json()["refund_made_by"] == "ops.operator" and made.json()["refund_made_at"]
    again = await payments.http.post(
        f"/api/v1/payments/{reference}/refund", json={"note": "lần nữa"}, auth=operator
    )
    assert again.status_code == 409
    owed = await payments.http.get("/api/v1/payments?refund_owed=true", auth=operator)
    assert owed.json() == []


async def test_a_paid_dossier_that_owes_no_refund_cannot_record_one(payments: Payments) -> None:
    code, secret = await payments.awaiting_payment()
    reference = vnpay.query_params(await pay_online(payments, code, secret))["vnp_TxnRef"]
    made = await payments.http.post(
        f"/api/v1/payments/{reference}/refund",
        json={"note": "nhầm"},
        auth=payments.auth("ops.operator"),
    )
    assert made.status_code == 409


async def test_a_payment_after_the_dossier_ended_is_not_believed_and_owes_a_refund(
    payments: Payments,
) -> None:
    code, secret = await payments.awaiting_payment()
    started = await start(payments, code, secret)
    url = started.json()["gateway_url"]
    operator = payments.credential("ops.operator")
    cancellation = Cancellation(officer=operator.officer, reason="Người nộp đề nghị dừng")  # type: ignore[arg-type]
    signed_cancel = operator.sign(cancellation, dossier=code, stage=None, update="cancel")
    cancelled = await payments.http.post(
        f"/api/v1/dossiers/{code}/cancel",
        json=signed_cancel.model_dump(mode="json"),
        auth=payments.auth("ops.operator"),
    )
    assert cancelled.status_code == 200, cancelled.text
    reply = await ipn(payments, signed(answer(url)))
    assert reply == ipn_reply(IpnAnswer.already_confirmed)  # the gateway stops asking
    assert (await payments.state(code)).status == DossierStatus.cancelled
    owed = await payments.http.get(
        "/api/v1/payments?refund_owed=true", auth=payments.auth("ops.operator")
    )
    assert [p["dossier_code"] for p in owed.json()] == [code]
    listed = await payments.http.get(
        "/api/v1/payments/refusals", auth=payments.auth("ops.operator")
    )
    assert "refund owed" in listed.json()[0]["reason"]
