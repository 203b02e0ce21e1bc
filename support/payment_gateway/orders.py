"""What the sandbox gateway checks in an order before it shows its page, and the transactions it
keeps (in memory: a sandbox forgets its payments when it stops, as a test wants).

An order is refused with VNPAY's codes for its error page: 03 malformed (a missing parameter, a
wrong version, command, currency, amount or time), 72 an unknown merchant, 70 a signature that does
not match, 15 an order past its `vnp_ExpireDate`, 01 a reference already paid or cancelled.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from support import vnpay
from support.payment_gateway.ipn import IpnAttempt

PAGE_ERRORS = {
    "01": "Giao dịch đã tồn tại",
    "03": "Dữ liệu gửi sang không đúng định dạng",
    "15": "Giao dịch đã quá thời gian chờ thanh toán",
    "70": "Sai chữ ký",
    "72": "Không tìm thấy website (mã website vnp_TmnCode không đúng)",
}
REQUIRED = (
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_Amount",
    "vnp_CurrCode",
    "vnp_TxnRef",
    "vnp_OrderInfo",
    "vnp_OrderType",
    "vnp_Locale",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
    vnpay.SIGNATURE,
)
PENDING = "01"
"""`vnp_TransactionStatus` of a transaction shown to the payer and not yet paid or cancelled."""
FAILED = "02"
EXPIRED_AT_PAYMENT = "11"
"""`vnp_ResponseCode` when the payer pays after the order's expiry."""


@dataclass(frozen=True)
class Merchant:
    """A merchant as the gateway knows it: its code, its hash secret, and where its IPNs go (in
    VNPAY, configured with the merchant, never sent in an order)."""

    code: str
    secret: str = field(repr=False)
    ipn_url: str
    name: str = "hoso"


class OrderRefused(ValueError):
    """An order the gateway will not show, with the code its error page gives."""

    def __init__(self, code: str) -> None:
        super().__init__(f"{code}: {PAGE_ERRORS[code]}")
        self.code = code
        self.message = PAGE_ERRORS[code]


@dataclass
class Transaction:
    """One order shown to a payer, and what became of it."""

    merchant: Merchant
    reference: str
    amount: int  # in đồng
    description: str
    return_url: str
    created: str  # the order's vnp_CreateDate, as it came: querydr finds a transaction by it
    expires_at: datetime
    requested_bank: str
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    status: str = PENDING  # vnp_TransactionStatus
    response_code: str = ""  # vnp_ResponseCode, once decided
    number: str = "0"  # vnp_TransactionNo: the gateway's own number, once paid
    bank: str = ""
    decided_at: datetime | None = None
    ipn: list[IpnAttempt] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        return self.status == PENDING

    def answer(self) -> dict[str, str]:
        """The parameters of the return and of the IPN (unsigned)."""
        params = {
            "vnp_Amount": vnpay.to_gateway_amount(self.amount),
            "vnp_BankCode": self.bank,
            "vnp_OrderInfo": self.description,
            "vnp_ResponseCode": self.response_code,
            "vnp_TmnCode": self.merchant.code,
            "vnp_TransactionNo": self.number,
            "vnp_TransactionStatus": self.status,
            "vnp_TxnRef": self.reference,
        }
        if self.decided_at is not None:
            params["vnp_PayDate"] = vnpay.gateway_time(self.decided_at)
        if self.status == vnpay.SUCCESS:
            params |= {"vnp_BankTranNo": f"VNP{self.number}", "vnp_CardType": "ATM"}
        return params


def check_order(
    params: Mapping[str, str], merchants: Mapping[str, Merchant], now: datetime
) -> Transaction:
    """The transaction an order opens, or `OrderRefused` with the error page's code."""
    if any(not params.get(name) for name in REQUIRED):
        raise OrderRefused("03")
    merchant = merchants.get(params["vnp_TmnCode"])
    if merchant is None:
        raise OrderRefused("72")
    if not vnpay.is_signed(params, merchant.secret):
        raise OrderRefused("70")
    amount, expires_at = _well_formed(params)
    if expires_at < now:
        raise OrderRefused("15")
    return Transaction(
        merchant=merchant,
        reference=params["vnp_TxnRef"],
        amount=amount,
        description=params["vnp_OrderInfo"],
        return_url=params["vnp_ReturnUrl"],
        created=params["vnp_CreateDate"],
        expires_at=expires_at,
        requested_bank=params.get("vnp_BankCode", ""),
    )


def _well_formed(params: Mapping[str, str]) -> tuple[int, datetime]:
    """The order's amount in đồng and its expiry, once its fixed parameters are the protocol's."""
    fixed = (
        params["vnp_Version"] == vnpay.VERSION
        and params["vnp_Command"] == "pay"
        and params["vnp_CurrCode"] == vnpay.CURRENCY
        and urlsplit(params["vnp_ReturnUrl"]).scheme in ("http", "https")
    )
    amount = vnpay.from_gateway_amount(params["vnp_Amount"])
    try:
        vnpay.parse_gateway_time(params["vnp_CreateDate"])
        expires_at = vnpay.parse_gateway_time(params["vnp_ExpireDate"])
    except ValueError:
        raise OrderRefused("03") from None
    if not fixed or amount is None or amount <= 0:
        raise OrderRefused("03")
    return amount, expires_at


class Ledger:
    """The gateway's transactions: by the payment page's token and by merchant and reference."""

    def __init__(self) -> None:
        self._by_token: dict[str, Transaction] = {}
        self._by_reference: dict[tuple[str, str], Transaction] = {}
        self._numbers = itertools.count(14_000_000 + secrets.randbelow(1_000_000))

    def open(self, transaction: Transaction) -> Transaction:
        """Keeps a shown order; showing a reference again replaces its pending order, and a
        reference already decided is refused (01)."""
        key = (transaction.merchant.code, transaction.reference)
        known = self._by_reference.get(key)
        if known is not None and not known.pending:
            raise OrderRefused("01")
        if known is not None:
            self._by_token.pop(known.token, None)
        self._by_token[transaction.token] = transaction
        self._by_reference[key] = transaction
        return transaction

    def by_token(self, token: str) -> Transaction | None:
        return self._by_token.get(token)

    def find(self, merchant: str, reference: str) -> Transaction | None:
        return self._by_reference.get((merchant, reference))

    def next_number(self) -> str:
        return str(next(self._numbers))
