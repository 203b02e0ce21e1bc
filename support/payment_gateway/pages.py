"""The sandbox gateway's pages, in Vietnamese: the payment page (the amount in đồng, the order's
description, "Thanh toán" and "Hủy"), the error page with VNPAY's code, and the outage page."""

from __future__ import annotations

from jinja2 import DictLoader, Environment, select_autoescape

from support import vnpay
from support.payment_gateway.orders import Transaction

BANKS = {"NCB": "Ngân hàng NCB", "VIETCOMBANK": "Vietcombank", "VNPAYQR": "Ví / QR VNPAY"}
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_LAYOUT = """<!doctype html><html lang="vi"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} — Cổng thanh toán thử nghiệm</title>
<body style="font-family:sans-serif;max-width:34em;margin:2em auto;padding:0 1em">
<p style="color:#a33"><strong>Cổng thanh toán thử nghiệm (sandbox)</strong>:
không có tiền thật.</p>
{% block body %}{% endblock %}</body></html>"""
_PAYMENT = """{% extends "layout.html" %}{% block title %}Thanh toán{% endblock %}
{% block body %}<h1>Thanh toán trực tuyến</h1>
<dl>
<dt>Đơn vị nhận tiền</dt><dd>{{ t.merchant.name }} ({{ t.merchant.code }})</dd>
<dt>Nội dung</dt><dd>{{ t.description }}</dd>
<dt>Mã giao dịch</dt><dd>{{ t.reference }}</dd>
<dt>Số tiền</dt><dd><strong>{{ amount }}</strong></dd>
<dt>Hết hạn thanh toán</dt><dd>{{ expires }}</dd>
</dl>
<form method="post" action="{{ action }}">
<label>Ngân hàng <select name="bank">{% for code, name in banks.items() %}
<option value="{{ code }}"{% if code == t.requested_bank %} selected{% endif %}>{{ name }}</option>
{% endfor %}</select></label>
<p><button name="decision" value="pay">Thanh toán</button>
<button name="decision" value="cancel">Hủy</button></p>
</form>{% endblock %}"""
_ERROR = """{% extends "layout.html" %}{% block title %}Lỗi{% endblock %}
{% block body %}<h1>Giao dịch không thành công</h1>
<p>Mã lỗi: <strong>{{ code }}</strong></p><p>{{ message }}</p>{% endblock %}"""
_UNAVAILABLE = """{% extends "layout.html" %}{% block title %}Bảo trì{% endblock %}
{% block body %}<h1>Hệ thống đang bảo trì</h1>
<p>Cổng thanh toán tạm thời không phục vụ. Vui lòng thử lại sau.</p>{% endblock %}"""

_pages = Environment(
    loader=DictLoader(
        {
            "layout.html": _LAYOUT,
            "payment.html": _PAYMENT,
            "error.html": _ERROR,
            "unavailable.html": _UNAVAILABLE,
        }
    ),
    autoescape=select_autoescape(default=True),
)


def dong(amount: int) -> str:
    """An amount as Vietnamese write it: 150.000 đ."""
    return f"{amount:,}".replace(",", ".") + " đ"


def payment_page(transaction: Transaction, action: str) -> str:
    expires = transaction.expires_at.astimezone(vnpay.VIETNAM)
    return _pages.get_template("payment.html").render(
        t=transaction,
        amount=dong(transaction.amount),
        expires=expires.strftime("%H:%M:%S %d/%m/%Y"),
        banks=BANKS,
        action=action,
    )


def error_page(code: str, message: str) -> str:
    return _pages.get_template("error.html").render(code=code, message=message)


def unavailable_page() -> str:
    return _pages.get_template("unavailable.html").render()
