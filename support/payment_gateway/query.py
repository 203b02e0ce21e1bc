"""The transaction query (querydr) as the sandbox gateway answers it: a signed JSON request names
the merchant, the reference and the order's `vnp_CreateDate`; the signed answer gives the payment's
status (`vnp_TransactionStatus`: 00 paid, 01 not finished, 02 failed or cancelled)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from support import vnpay
from support.payment_gateway.orders import Ledger, Merchant
from support.vnpay import QueryCode

QUERY_MESSAGES = {
    QueryCode.answered: "Yêu cầu thành công",
    QueryCode.unknown_merchant: "Mã định danh kết nối không hợp lệ (kiểm tra lại TmnCode)",
    QueryCode.malformed: "Dữ liệu gửi sang không đúng định dạng",
    QueryCode.not_found: "Không tìm thấy giao dịch yêu cầu",
    QueryCode.duplicate_request: "Yêu cầu trùng lặp",
    QueryCode.invalid_signature: "Checksum không hợp lệ",
    QueryCode.other_error: "Các lỗi khác",
}


class QueryDesk:
    """Answers querydr requests from a ledger; a request id is answered once (94 after)."""

    def __init__(self, merchants: Mapping[str, Merchant], ledger: Ledger) -> None:
        self._merchants = merchants
        self._ledger = ledger
        self._request_ids: set[tuple[str, str]] = set()

    def answer(self, body: Any) -> dict[str, str]:
        """The answer to a request body (any JSON), signed when the merchant is known."""
        if not isinstance(body, dict) or not all(
            isinstance(body.get(name), str) and body.get(name)
            for name in (*vnpay.QUERY_REQUEST_FIELDS, vnpay.SIGNATURE)
        ):
            return self._reply(QueryCode.malformed, None, {})
        merchant = self._merchants.get(body["vnp_TmnCode"])
        if merchant is None:
            return self._reply(QueryCode.unknown_merchant, None, {})
        code, params = self._find(merchant, body)
        return self._reply(code, merchant, params)

    def _find(self, merchant: Merchant, body: dict[str, str]) -> tuple[QueryCode, dict[str, str]]:
        if not vnpay.is_signed_query_request(body, merchant.secret):
            return QueryCode.invalid_signature, {}
        if body["vnp_Version"] != vnpay.VERSION or body["vnp_Command"] != vnpay.QUERY_COMMAND:
            return QueryCode.malformed, {}
        request = (merchant.code, body["vnp_RequestId"])
        if request in self._request_ids:
            return QueryCode.duplicate_request, {}
        self._request_ids.add(request)
        found = self._ledger.find(merchant.code, body["vnp_TxnRef"])
        if found is None or found.created != body["vnp_TransactionDate"]:
            return QueryCode.not_found, {"vnp_TxnRef": body["vnp_TxnRef"]}
        params = found.answer() | {"vnp_TransactionType": vnpay.PAYMENT_TRANSACTION}
        params.pop("vnp_ResponseCode")  # the query's own code takes its place
        return QueryCode.answered, params

    def _reply(
        self,
        code: QueryCode,
        merchant: Merchant | None,
        params: dict[str, str],
    ) -> dict[str, str]:
        answer = {
            "vnp_ResponseId": secrets.token_hex(16),
            "vnp_Command": vnpay.QUERY_COMMAND,
            "vnp_ResponseCode": code.value,
            "vnp_Message": QUERY_MESSAGES[code],
        } | params
        if merchant is None:
            return answer
        return vnpay.signed_query_answer(answer | {"vnp_TmnCode": merchant.code}, merchant.secret)
