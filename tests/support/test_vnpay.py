"""VNPAY 2.1.0's signing, as a gateway and a merchant both need it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from support import vnpay

SECRET = "SANDBOXSECRETSANDBOXSECRET123456"
# A browser return as VNPAY's sandbox sends it (its signature is under a secret we do not hold):
# what is signed is exactly the query before the signature.
SANDBOX_RETURN = (
    "vnp_Amount=1000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14226112&vnp_CardType=ATM"
    "&vnp_OrderInfo=Thanh+toan+don+hang+thoi+gian%3A+2023-12-07+17%3A00%3A44"
    "&vnp_PayDate=20231207170112&vnp_ResponseCode=00&vnp_TmnCode=CTTVNP01"
    "&vnp_TransactionNo=14226112&vnp_TransactionStatus=00&vnp_TxnRef=166117"
)


def _order(amount: int = 150_000) -> vnpay.PaymentOrder:
    now = datetime.now(UTC)
    return vnpay.PaymentOrder(
        reference="G01-2026-000123-1",
        amount=amount,
        description="Le phi G01.2026.000123: cap giay phep xay dung",
        return_url="http://127.0.0.1:8000/thanh-toan/ket-qua",
        payer_address="127.0.0.1",
        created_at=now,
        expires_at=now + timedelta(minutes=15),
    )


def test_the_signed_text_is_the_query_the_gateway_sends() -> None:
    params = vnpay.query_params(SANDBOX_RETURN + "&vnp_SecureHash=abc&vnp_SecureHashType=SHA512")
    assert vnpay.signed_text(params) == SANDBOX_RETURN


def test_a_payment_url_carries_the_amount_times_100_and_its_signature() -> None:
    url = vnpay.payment_url(
        "http://127.0.0.1:8010/paymentv2/vpcpay.html", "HOSO0001", SECRET, _order()
    )
    params = vnpay.query_params(url)
    assert params["vnp_Amount"] == "15000000"
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_TmnCode"] == "HOSO0001"
    assert params["vnp_OrderInfo"].startswith("Le phi G01.2026.000123")
    assert vnpay.is_signed(params, SECRET)
    assert not vnpay.is_signed(params, SECRET + "x")


def test_an_answer_changed_after_signing_is_refused() -> None:
    params = vnpay.query_params(vnpay.signed_query(vnpay.query_params(SANDBOX_RETURN), SECRET))
    answer = vnpay.read_answer(params, SECRET)
    assert answer.paid and answer.amount == 10_000 and answer.reference == "166117"
    assert answer.paid_at == datetime(2023, 12, 7, 10, 1, 12, tzinfo=UTC)
    forged = {**params, "vnp_Amount": "100"}
    with pytest.raises(vnpay.UnsignedAnswer):
        vnpay.read_answer(forged, SECRET)
    with pytest.raises(vnpay.UnsignedAnswer):
        vnpay.read_answer({k: v for k, v in params.items() if k != vnpay.SIGNATURE}, SECRET)


def test_amounts_are_whole_dong() -> None:
    assert vnpay.from_gateway_amount("15000000") == 150_000
    assert vnpay.from_gateway_amount("15000050") is None
    assert vnpay.from_gateway_amount("-100") is None
    with pytest.raises(ValueError, match="positive"):
        vnpay.to_gateway_amount(0)


def test_an_ipn_reply_names_its_code() -> None:
    assert vnpay.ipn_reply(vnpay.IpnAnswer.invalid_signature) == {
        "RspCode": "97",
        "Message": "Invalid signature",
    }


def test_a_querydr_request_signs_its_fields_joined_with_pipes_in_the_protocols_order() -> None:
    created = datetime(2026, 1, 5, 9, 30, tzinfo=vnpay.VIETNAM)  # a fixed text, not a day to run
    body = vnpay.query_request(
        "HOSO0001",
        SECRET,
        request_id="r1",
        reference="G01-1",
        order_created_at=created,
        asked_at=created + timedelta(hours=1),
        requester_address="127.0.0.1",
        description="Tra cuu G01-1",
    )
    text = "r1|2.1.0|querydr|HOSO0001|G01-1|20260105093000|20260105103000|127.0.0.1|Tra cuu G01-1"
    expected = hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    assert body["vnp_SecureHash"] == expected
    assert vnpay.is_signed_query_request(body, SECRET)
    assert not vnpay.is_signed_query_request(body | {"vnp_TxnRef": "G01-2"}, SECRET)


def test_a_querydr_answer_is_read_only_when_its_pipe_signature_matches() -> None:
    answer = {
        "vnp_ResponseId": "a1",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "Yêu cầu thành công",
        "vnp_TmnCode": "HOSO0001",
        "vnp_TxnRef": "G01-1",
        "vnp_Amount": "800000",
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20260105093512",
        "vnp_TransactionNo": "14226112",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
        "vnp_OrderInfo": "Le phi",
    }
    signed = vnpay.signed_query_answer(answer, SECRET)
    text = "|".join(answer.get(name, "") for name in vnpay.QUERY_ANSWER_FIELDS)
    assert (
        signed["vnp_SecureHash"]
        == hmac.new(SECRET.encode(), text.encode(), hashlib.sha512).hexdigest()
    )
    read = vnpay.read_query_answer(signed, SECRET)
    assert read.paid and read.amount == 8_000 and read.transaction_number == "14226112"
    with pytest.raises(vnpay.UnsignedAnswer):
        vnpay.read_query_answer(signed | {"vnp_Amount": "100"}, SECRET)
