"""A dossier refused after it paid owes the fee back; an operator records the refund made, signed
with their token; a refund written into the database by anyone else shows as not signed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from models.actions import Cancellation
from models.dossier import DossierStatus
from models.payment import RefundStatement
from models.payment_records import PaymentRecord
from models.tables import DossierRecord
from support import vnpay
from support.credentials import Credential, issue_token
from support.vnpay import IpnAnswer, ipn_reply
from tests.payments.conftest import Payments
from tests.payments.gateway import answer, ipn, pay_online, signed, start

pytestmark = pytest.mark.timeout(180)
FEE = 8_000  # the bundled civil-status extract's (procedures/civil-status-extract.yaml)


def refund(
    payments: Payments,
    officer: str,
    reference: str,
    code: str,
    *,
    amount: int = FEE,
    note: str = "Chuyển khoản hoàn phí",
    at: datetime | None = None,
    credential: Credential | None = None,
) -> dict[str, Any]:
    """The refund statement `officer` signs for the payment of dossier `code`, as JSON."""
    statement = RefundStatement(reference=reference, amount=amount, note=note)
    signer = credential or payments.credential(officer)
    return signer.sign(statement, dossier=code, stage=None, update="refund", at=at).model_dump(
        mode="json"
    )


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

    path = f"/api/v1/payments/{reference}/refund"
    clerk = await payments.http.post(
        path,
        json=refund(payments, "xa.reception", reference, code),
        auth=payments.auth("xa.reception"),
    )
    assert clerk.status_code == 403
    refused = {
        "unsigned": {"reference": reference, "amount": FEE, "note": "Chuyển khoản"},
        "another amount": refund(payments, "ops.operator", reference, code, amount=FEE - 1),
        "another dossier": refund(payments, "ops.operator", reference, "ubnd-xa-000000-0000"),
        "signed long ago": refund(
            payments, "ops.operator", reference, code, at=datetime.now(UTC) - timedelta(minutes=11)
        ),
        "another token": refund(
            payments,
            "ops.operator",
            reference,
            code,
            credential=issue_token(payments.sessions, payments.settings, "ops.operator"),
        ),
    }
    for why, body in refused.items():
        answer = await payments.http.post(path, json=body, auth=operator)
        assert answer.status_code == 422, (why, answer.text)
        assert answer.json()["type"] == "/api/v1/problems/invalid-refund", why
    tampered = refund(payments, "ops.operator", reference, code)
    tampered["note"] = "Đã hoàn tiền mặt"  # altered after signing
    answer = await payments.http.post(path, json=tampered, auth=operator)
    assert answer.status_code == 422 and "does not match the refund" in answer.json()["detail"]
    assert (await payments.http.get("/api/v1/payments?refund_owed=true", auth=operator)).json()

    made = await payments.http.post(
        path, json=refund(payments, "ops.operator", reference, code), auth=operator
    )
    assert made.status_code == 200, made.text
    assert made.json()["refund_made_by"] == "ops.operator" and made.json()["refund_made_at"]
    assert made.json()["refund_problem"] is None, "signed by its operator"
    again = await payments.http.post(
        path, json=refund(payments, "ops.operator", reference, code, note="lần nữa"), auth=operator
    )
    assert again.status_code == 409
    owed = await payments.http.get("/api/v1/payments?refund_owed=true", auth=operator)
    assert owed.json() == []
    one = await payments.http.get(f"/api/v1/payments/{reference}", auth=operator)
    assert (one.json()["dossier_code"], one.json()["amount"]) == (code, FEE)

    # written into the database by someone else: it shows
    with payments.sessions() as session:
        row = session.get(PaymentRecord, reference)
        assert row is not None
        row.refund_note = "Đã hoàn 80.000 đồng"
        session.add(row)
        session.commit()
    listed = await payments.http.get(f"/api/v1/payments?dossier={code}", auth=operator)
    assert listed.json()[0]["refund_problem"] == "the row says otherwise than the signed statement"
    with payments.sessions() as session:
        row = session.get(PaymentRecord, reference)
        assert row is not None
        row.refund_statement = None
        session.add(row)
        session.commit()
    listed = await payments.http.get(f"/api/v1/payments/{reference}", auth=operator)
    assert listed.json()["refund_problem"] == "recorded without a signed statement"


async def test_a_paid_dossier_that_owes_no_refund_cannot_record_one(payments: Payments) -> None:
    code, secret = await payments.awaiting_payment()
    reference = vnpay.query_params(await pay_online(payments, code, secret))["vnp_TxnRef"]
    made = await payments.http.post(
        f"/api/v1/payments/{reference}/refund",
        json=refund(payments, "ops.operator", reference, code, note="nhầm"),
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
