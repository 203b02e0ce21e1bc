"""A sandbox payment gateway for development and tests that speaks VNPAY 2.1.0's redirect, IPN and
querydr, with its own payment page, on 127.0.0.1 (`hoso up` starts one; `hoso payment-gateway`
runs one alone)."""

from support.payment_gateway.ipn import IpnAttempt, IpnPolicy
from support.payment_gateway.orders import Merchant, Transaction
from support.payment_gateway.server import PaymentGateway
from support.payment_gateway.switches import Faults

__all__ = ["Faults", "IpnAttempt", "IpnPolicy", "Merchant", "PaymentGateway", "Transaction"]
