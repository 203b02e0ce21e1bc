"""VNPAY's payment protocol, version 2.1.0: the redirect that sends an applicant to the gateway,
and the signed answers the gateway sends back (the browser's return and the server-to-server IPN).

Both directions carry `vnp_*` parameters signed the same way: every parameter but the signature
itself, sorted by name, each value form-encoded (`quote_plus`), joined as `k=v&k=v`, and the
HMAC-SHA512 of that text under the merchant's hash secret, in hexadecimal (`vnp_SecureHash`).
Amounts are in đồng × 100; times in Vietnam's time (GMT+7) as `yyyyMMddHHmmss`.

Pure functions only: no clock, no network, no settings. The adapter (which URL, which secret)
and the sandbox gateway use them alike, so what one signs the other checks.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from urllib.parse import parse_qsl, quote_plus, urlsplit

VERSION = "2.1.0"
CURRENCY = "VND"
VIETNAM = timezone(timedelta(hours=7))
SIGNATURE = "vnp_SecureHash"
SIGNATURE_TYPE = "vnp_SecureHashType"  # sent by older gateways; never part of what is signed
TIME_FORMAT = "%Y%m%d%H%M%S"
SUCCESS = "00"
"""`vnp_ResponseCode` and `vnp_TransactionStatus` of a paid transaction."""
CANCELLED_BY_PAYER = "24"
"""`vnp_ResponseCode` when the payer cancelled on the gateway's page."""


class IpnAnswer(StrEnum):
    """The `RspCode` of the JSON a merchant answers an IPN with; the gateway retries an IPN until
    it gets one of these that says the IPN was recorded (00 or 02)."""

    recorded = "00"  # "Confirm Success"
    order_not_found = "01"  # "Order not found"
    already_confirmed = "02"  # "Order already confirmed"
    invalid_amount = "04"  # "Invalid amount"
    invalid_signature = "97"  # "Invalid signature"
    unknown_error = "99"  # "Unknown error"


IPN_MESSAGES = {
    IpnAnswer.recorded: "Confirm Success",
    IpnAnswer.order_not_found: "Order not found",
    IpnAnswer.already_confirmed: "Order already confirmed",
    IpnAnswer.invalid_amount: "Invalid amount",
    IpnAnswer.invalid_signature: "Invalid signature",
    IpnAnswer.unknown_error: "Unknown error",
}


def ipn_reply(answer: IpnAnswer) -> dict[str, str]:
    """The body of the merchant's answer to an IPN: `{"RspCode": "00", "Message": "…"}`."""
    return {"RspCode": answer.value, "Message": IPN_MESSAGES[answer]}


def signed_text(params: Mapping[str, str]) -> str:
    """What is signed: every `vnp_` parameter but the signature, sorted, form-encoded."""
    return "&".join(
        f"{name}={quote_plus(str(value))}"
        for name, value in sorted(params.items())
        if name.startswith("vnp_") and name not in (SIGNATURE, SIGNATURE_TYPE) and value != ""
    )


def signature(params: Mapping[str, str], secret: str) -> str:
    """The HMAC-SHA512 of `signed_text(params)` under `secret`, in hexadecimal."""
    return hmac.new(secret.encode(), signed_text(params).encode(), hashlib.sha512).hexdigest()


def signed_query(params: Mapping[str, str], secret: str) -> str:
    """`params` as a query string with their signature last."""
    return f"{signed_text(params)}&{SIGNATURE}={signature(params, secret)}"


def is_signed(params: Mapping[str, str], secret: str) -> bool:
    """Whether `params` carry a signature of their own content under `secret` (compared in
    constant time; a missing signature is not one)."""
    given = params.get(SIGNATURE, "")
    return bool(given) and hmac.compare_digest(given.lower(), signature(params, secret))


def query_params(url_or_query: str) -> dict[str, str]:
    """The parameters of a URL or a query string, as the gateway sent them (one value each)."""
    is_url = url_or_query.startswith(("http://", "https://", "/"))
    query = urlsplit(url_or_query).query if is_url else url_or_query
    return dict(parse_qsl(query, keep_blank_values=True))


def gateway_time(moment: datetime) -> str:
    """`moment` as the gateway writes times: Vietnam's time, `yyyyMMddHHmmss`."""
    return moment.astimezone(VIETNAM).strftime(TIME_FORMAT)


def parse_gateway_time(text: str) -> datetime:
    """A gateway time back to an aware datetime (ValueError when it is not one)."""
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=VIETNAM)


def to_gateway_amount(dong: int) -> str:
    """An amount in đồng as the gateway writes it: × 100, no decimals."""
    if dong <= 0:
        raise ValueError(f"an amount to pay must be positive, not {dong} đồng")
    return str(dong * 100)


def from_gateway_amount(text: str) -> int | None:
    """The gateway's amount back in đồng, or None when it is not a whole number of đồng."""
    if not text.isdigit() or int(text) % 100:
        return None
    return int(text) // 100


@dataclass(frozen=True)
class PaymentOrder:
    """What the merchant asks the gateway to collect."""

    reference: str  # vnp_TxnRef: unique per payment attempt
    amount: int  # in đồng
    description: str  # vnp_OrderInfo: shown to the payer; ASCII is safest
    return_url: str
    payer_address: str  # vnp_IpAddr
    created_at: datetime
    expires_at: datetime
    locale: str = "vn"
    order_type: str = "other"


def payment_url(gateway_url: str, merchant: str, secret: str, order: PaymentOrder) -> str:
    """The URL the applicant's browser is sent to, signed for `merchant` (`vnp_TmnCode`)."""
    params = {
        "vnp_Version": VERSION,
        "vnp_Command": "pay",
        "vnp_TmnCode": merchant,
        "vnp_Amount": to_gateway_amount(order.amount),
        "vnp_CurrCode": CURRENCY,
        "vnp_TxnRef": order.reference,
        "vnp_OrderInfo": order.description,
        "vnp_OrderType": order.order_type,
        "vnp_Locale": order.locale,
        "vnp_ReturnUrl": order.return_url,
        "vnp_IpAddr": order.payer_address,
        "vnp_CreateDate": gateway_time(order.created_at),
        "vnp_ExpireDate": gateway_time(order.expires_at),
    }
    return f"{gateway_url}?{signed_query(params, secret)}"


@dataclass(frozen=True)
class GatewayAnswer:
    """A return or an IPN, read: what the gateway says happened to one payment."""

    reference: str
    amount: int | None  # in đồng; None when the gateway's amount is not one
    currency: str | None  # absent from most answers: VND is implied
    response_code: str
    transaction_status: str
    transaction_number: str  # the gateway's own number for the transaction
    bank: str
    paid_at: datetime | None

    @property
    def paid(self) -> bool:
        return self.response_code == SUCCESS and self.transaction_status == SUCCESS


class UnsignedAnswer(ValueError):
    """A return or an IPN whose signature does not match its content under the secret."""


def read_answer(params: Mapping[str, str], secret: str) -> GatewayAnswer:
    """Read a return or an IPN after checking its signature (`UnsignedAnswer` otherwise)."""
    if not is_signed(params, secret):
        raise UnsignedAnswer("the gateway's answer is not signed with this merchant's secret")
    pay_date = params.get("vnp_PayDate", "")
    try:
        paid_at = parse_gateway_time(pay_date) if pay_date else None
    except ValueError:
        paid_at = None
    return GatewayAnswer(
        reference=params.get("vnp_TxnRef", ""),
        amount=from_gateway_amount(params.get("vnp_Amount", "")),
        currency=params.get("vnp_CurrCode") or None,
        response_code=params.get("vnp_ResponseCode", ""),
        transaction_status=params.get("vnp_TransactionStatus", ""),
        transaction_number=params.get("vnp_TransactionNo", ""),
        bank=params.get("vnp_BankCode", ""),
        paid_at=paid_at,
    )


# The transaction query (querydr): the merchant asks the gateway, in a JSON POST, what became of a
# payment whose IPN did not come. Unlike the redirect, both the request and the answer are signed
# over a fixed list of fields joined with "|" (an absent field is empty), with HMAC-SHA512.

QUERY_COMMAND = "querydr"
PAYMENT_TRANSACTION = "01"
"""`vnp_TransactionType` of a payment (02 and 03 are full and partial refunds)."""
QUERY_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERY_ANSWER_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)


class QueryCode(StrEnum):
    """The `vnp_ResponseCode` of a querydr answer: whether the query itself was answered (the
    payment's own outcome is in `vnp_TransactionStatus`)."""

    answered = "00"
    unknown_merchant = "02"
    malformed = "03"
    not_found = "91"
    duplicate_request = "94"
    invalid_signature = "97"
    other_error = "99"


def fields_signature(body: Mapping[str, object], fields: tuple[str, ...], secret: str) -> str:
    """The HMAC-SHA512, in hexadecimal, of `fields`' values in `body` joined with "|"."""
    text = "|".join("" if body.get(name) is None else str(body.get(name)) for name in fields)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha512).hexdigest()


def _signed_fields(body: Mapping[str, object], fields: tuple[str, ...], secret: str) -> bool:
    given = str(body.get(SIGNATURE) or "")
    expected = fields_signature(body, fields, secret)
    return bool(given) and hmac.compare_digest(given.lower(), expected)


def query_request(
    merchant: str,
    secret: str,
    *,
    request_id: str,
    reference: str,
    order_created_at: datetime,
    asked_at: datetime,
    requester_address: str,
    description: str,
) -> dict[str, str]:
    """The signed JSON body that asks the gateway about the payment `reference`, ordered at
    `order_created_at` (its `vnp_CreateDate`, which the gateway finds it by)."""
    body = {
        "vnp_RequestId": request_id,
        "vnp_Version": VERSION,
        "vnp_Command": QUERY_COMMAND,
        "vnp_TmnCode": merchant,
        "vnp_TxnRef": reference,
        "vnp_OrderInfo": description,
        "vnp_TransactionDate": gateway_time(order_created_at),
        "vnp_CreateDate": gateway_time(asked_at),
        "vnp_IpAddr": requester_address,
    }
    return body | {SIGNATURE: fields_signature(body, QUERY_REQUEST_FIELDS, secret)}


def is_signed_query_request(body: Mapping[str, object], secret: str) -> bool:
    """Whether a querydr request carries its signature under `secret` (as the gateway checks)."""
    return _signed_fields(body, QUERY_REQUEST_FIELDS, secret)


def signed_query_answer(answer: Mapping[str, str], secret: str) -> dict[str, str]:
    """A querydr answer with its signature (as the gateway sends it)."""
    return dict(answer) | {SIGNATURE: fields_signature(answer, QUERY_ANSWER_FIELDS, secret)}


def read_query_answer(body: Mapping[str, object], secret: str) -> GatewayAnswer:
    """A querydr answer, read after checking its signature (`UnsignedAnswer` otherwise): its
    `response_code` says whether the query was answered (`QueryCode`), `paid` whether the payment
    went through."""
    if not _signed_fields(body, QUERY_ANSWER_FIELDS, secret):
        raise UnsignedAnswer("the gateway's query answer is not signed with this merchant's secret")
    text = {name: "" if value is None else str(value) for name, value in body.items()}
    pay_date = text.get("vnp_PayDate", "")
    try:
        paid_at = parse_gateway_time(pay_date) if pay_date else None
    except ValueError:
        paid_at = None
    return GatewayAnswer(
        reference=text.get("vnp_TxnRef", ""),
        amount=from_gateway_amount(text.get("vnp_Amount", "")),
        currency=text.get("vnp_CurrCode") or None,
        response_code=text.get("vnp_ResponseCode", ""),
        transaction_status=text.get("vnp_TransactionStatus", ""),
        transaction_number=text.get("vnp_TransactionNo", ""),
        bank=text.get("vnp_BankCode", ""),
        paid_at=paid_at,
    )
