"""An applicant pays a dossier's fee online: the attempt, the gateway's IPN and what it changes,
through the real API (the test plays the gateway, signing as it does)."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from models.dossier import DossierStatus
from models.payment_records import PaymentRecord, PaymentRefusalRecord
from support import vnpay
from support.vnpay import IpnAnswer, ipn_reply
from tests.payments.conftest import Payments
from tests.payments.gateway import answer, ipn, pay_online, signed, start
from tests.reports.test_driven_dossiers import pdf_text

pytestmark = pytest.mark.timeout(180)


def attempts(payments: Payments, code: str) -> dict[str, str]:
    with payments.sessions() as session:
        rows = session.exec(select(PaymentRecord).where(PaymentRecord.dossier_code == code))
        return {row.reference: row.status for row in rows}


def refusals(payments: Payments) -> list[PaymentRefusalRecord]:
    with payments.sessions() as session:
        return list(session.exec(select(PaymentRefusalRecord)))


async def test_a_fee_paid_online_delivers_the_result_and_its_sealed_receipt(
    payments: Payments,
) -> None:
    code, secret = await payments.awaiting_payment()
    followed = await payments.http.get(
        f"/api/v1/public/dossiers/{code}", headers={"Hoso-Lookup-Secret": secret}
    )
    assert followed.json()["status"] == "awaiting_payment" and followed.json()["fee"] == 8000
    started = await start(payments, code, secret)
    assert started.status_code == 201, started.text
    url = started.json()["gateway_url"]
    order = vnpay.query_params(url)
    assert url.startswith(payments.settings.payment_gateway_url or "-")
    assert (order["vnp_Amount"], order["vnp_TmnCode"]) == ("800000", "HOSOTEST")
    assert order["vnp_ReturnUrl"].endswith("/payments/return")
    assert vnpay.is_signed(order, "test-hash-secret-of-the-merchant")

    returned = signed(answer(url))
    page = await payments.http.get(f"/payments/return?{returned}")
    assert "đang xác nhận thanh toán" in page.text  # the IPN has not come: nothing recorded
    assert (await payments.state(code)).status == DossierStatus.awaiting_payment

    assert await ipn(payments, returned) == ipn_reply(IpnAnswer.recorded)
    state = await payments.state(code)
    assert state.status == DossierStatus.completed
    assert state.payment is not None and state.payment.channel == "online"
    assert attempts(payments, code) == {order["vnp_TxnRef"]: "paid"}
    page = await payments.http.get(f"/payments/return?{returned}")
    assert "Đã thanh toán thành công" in page.text

    receipt = next(f for f in state.forms if f.kind == "payment_receipt")
    assert receipt.seal is not None
    pdf = await payments.http.get(
        f"/api/v1/public/dossiers/{code}/payment-receipt", headers={"Hoso-Lookup-Secret": secret}
    )
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ" in text and "8.000 đồng" in text
    assert order["vnp_TxnRef"] in text and code in text
    wrong = await payments.http.get(
        f"/api/v1/public/dossiers/{code}/payment-receipt", headers={"Hoso-Lookup-Secret": "x"}
    )
    assert wrong.status_code == 404
    timeline = await payments.http.get(
        f"/api/v1/dossiers/{code}/timeline", auth=payments.auth("xa.reception")
    )
    assert timeline.status_code == 200, timeline.text
    details = [entry["detail"] for entry in timeline.json()]
    assert any("the gateway confirmed 8000 đồng paid" in d for d in details), details


async def test_a_duplicate_ipn_answers_02_and_changes_nothing(payments: Payments) -> None:
    code, secret = await payments.awaiting_payment()
    url = await pay_online(payments, code, secret)
    before = await payments.state(code)
    assert await ipn(payments, signed(answer(url))) == ipn_reply(IpnAnswer.already_confirmed)
    after = await payments.state(code)
    assert (len(after.forms), len(after.actions)) == (len(before.forms), len(before.actions))
    assert await verified(payments, code) == "intact"  # the payment's entries on the record


async def verified(payments: Payments, code: str) -> str:
    """`hoso verify`'s outcome for the dossier once its projection caught up."""
    outcome = ""
    for _ in range(50):
        found = await payments.http.get(
            f"/api/v1/verification?code={code}", auth=payments.auth("ops.operator")
        )
        outcome = found.json()[0]["outcome"]
        if outcome == "intact":
            break
        await asyncio.sleep(0.2)
    return outcome


async def test_a_forged_ipn_is_refused_97_recorded_and_changes_nothing(payments: Payments) -> None:
    code, secret = await payments.awaiting_payment()
    url = (await start(payments, code, secret)).json()["gateway_url"]
    forged = signed(answer(url), secret="not-the-merchant-secret")
    assert await ipn(payments, forged) == ipn_reply(IpnAnswer.invalid_signature)
    unsigned = signed(answer(url)).rsplit("&vnp_SecureHash=", 1)[0]
    assert await ipn(payments, unsigned) == ipn_reply(IpnAnswer.invalid_signature)
    state = await payments.state(code)
    assert state.status == DossierStatus.awaiting_payment and state.payment.paid_at is None  # type: ignore[union-attr]
    assert set(attempts(payments, code).values()) == {"open"}
    assert [r.answer for r in refusals(payments)] == ["97", "97"]
    listed = await payments.http.get(
        "/api/v1/payments/refusals", auth=payments.auth("ops.operator")
    )
    assert listed.status_code == 200, listed.text
    assert [r["answer"] for r in listed.json()] == ["97", "97"]
    officer = await payments.http.get(
        "/api/v1/payments/refusals", auth=payments.auth("xa.reception")
    )
    assert officer.status_code == 403


async def test_an_ipn_of_another_amount_is_refused_04(payments: Payments) -> None:
    code, secret = await payments.awaiting_payment()
    url = (await start(payments, code, secret)).json()["gateway_url"]
    cheaper = signed(answer(url, vnp_Amount="100000"))
    assert await ipn(payments, cheaper) == ipn_reply(IpnAnswer.invalid_amount)
    dollars = signed(answer(url, vnp_CurrCode="USD"))
    assert await ipn(payments, dollars) == ipn_reply(IpnAnswer.invalid_amount)
    assert (await payments.state(code)).status == DossierStatus.awaiting_payment
    assert [r.answer for r in refusals(payments)] == ["04", "04"]


async def test_an_ipn_of_an_unknown_reference_is_refused_01(payments: Payments) -> None:
    code, secret = await payments.awaiting_payment()
    url = (await start(payments, code, secret)).json()["gateway_url"]
    unknown = signed(answer(url, vnp_TxnRef=f"{code}-ffffffff"))
    assert await ipn(payments, unknown) == ipn_reply(IpnAnswer.order_not_found)
    assert (await payments.state(code)).status == DossierStatus.awaiting_payment
    assert [(r.answer, r.reference) for r in refusals(payments)] == [("01", f"{code}-ffffffff")]


async def test_trying_again_supersedes_the_open_attempt(payments: Payments) -> None:
    code, secret = await payments.awaiting_payment()
    first = (await start(payments, code, secret)).json()["gateway_url"]
    cancelled = signed(answer(first, paid=False))
    assert await ipn(payments, cancelled) == ipn_reply(IpnAnswer.recorded)  # the failure, noted
    page = await payments.http.get(f"/payments/return?{cancelled}")
    assert "Bạn có thể thanh toán lại" in page.text
    second = (await start(payments, code, secret)).json()["gateway_url"]
    third = await pay_online(payments, code, secret)
    refs = [vnpay.query_params(u)["vnp_TxnRef"] for u in (first, second, third)]
    assert attempts(payments, code) == {refs[0]: "failed", refs[1]: "superseded", refs[2]: "paid"}
    late = signed(answer(second))  # the superseded attempt paid too, after the fee: owed back
    assert await ipn(payments, late) == ipn_reply(IpnAnswer.already_confirmed)
    assert (await payments.state(code)).status == DossierStatus.completed
    assert attempts(payments, code) == {refs[0]: "failed", refs[1]: "paid", refs[2]: "paid"}
    owed = await payments.http.get(
        "/api/v1/payments",
        params={"dossier": code, "refund_owed": "true"},
        auth=payments.auth("ops.operator"),
    )
    assert [p["reference"] for p in owed.json()] == [refs[1]], "the late one is refunded"
    assert [r.reference for r in refusals(payments)] == [refs[1]], "and shown as refused"


async def test_a_superseded_attempt_paid_while_the_dossier_waits_is_the_one_it_takes(
    payments: Payments,
) -> None:
    """The applicant opened a second attempt, then finished paying the first (another tab):
    the dossier takes the first; the second, paid too, is owed back."""
    code, secret = await payments.awaiting_payment()
    first = (await start(payments, code, secret)).json()["gateway_url"]
    second = (await start(payments, code, secret)).json()["gateway_url"]
    refs = [vnpay.query_params(u)["vnp_TxnRef"] for u in (first, second)]
    assert attempts(payments, code) == {refs[0]: "superseded", refs[1]: "open"}

    assert await ipn(payments, signed(answer(first))) == ipn_reply(IpnAnswer.recorded)
    state = await payments.state(code)
    assert state.status != DossierStatus.awaiting_payment
    assert state.payment is not None and state.payment.reference == refs[0]
    assert state.payment.paid_at is not None
    assert attempts(payments, code) == {refs[0]: "paid", refs[1]: "superseded"}

    assert await ipn(payments, signed(answer(second))) == ipn_reply(IpnAnswer.already_confirmed)
    owed = await payments.http.get(
        "/api/v1/payments",
        params={"dossier": code, "refund_owed": "true"},
        auth=payments.auth("ops.operator"),
    )
    assert [p["reference"] for p in owed.json()] == [refs[1]]
    assert (await payments.state(code)).payment.reference == refs[0], "the fee paid once"


async def test_a_left_attempt_cancelled_is_failed_and_one_failed_but_paid_is_taken(
    payments: Payments,
) -> None:
    """The old tab cancelled: the superseded attempt is failed, no refusal kept. An attempt
    closed failed that the gateway then says paid is the citizen's money: the dossier takes it."""
    code, secret = await payments.awaiting_payment()
    first = (await start(payments, code, secret)).json()["gateway_url"]
    second = (await start(payments, code, secret)).json()["gateway_url"]
    refs = [vnpay.query_params(u)["vnp_TxnRef"] for u in (first, second)]
    cancelled = signed(answer(first, paid=False))
    assert await ipn(payments, cancelled) == ipn_reply(IpnAnswer.recorded)
    assert attempts(payments, code) == {refs[0]: "failed", refs[1]: "open"}
    assert refusals(payments) == []

    paid_after_all = signed(answer(first))
    assert await ipn(payments, paid_after_all) == ipn_reply(IpnAnswer.recorded)
    state = await payments.state(code)
    assert state.payment is not None and state.payment.reference == refs[0]
    assert state.status != DossierStatus.awaiting_payment
    assert attempts(payments, code) == {refs[0]: "paid", refs[1]: "superseded"}


async def test_an_attempt_is_refused_unless_the_dossier_waits_for_its_fee(
    payments: Payments,
) -> None:
    code, secret = await payments.submit()
    response = await start(payments, code, secret)
    assert response.status_code in (404, 409), response.text  # not started yet, or not waiting
    wrong = await start(payments, code, "not-its-secret")
    assert wrong.status_code == 404
