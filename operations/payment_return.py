"""The page the gateway sends the browser back to: where the attempt is, as hoso knows it. It
records nothing (only the IPN does: operations/payments.py), so a paid attempt whose IPN has not
come yet reads as being confirmed."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from config import Settings
from operations.payments import PaymentsUnavailable, attempt, gateway
from support import vnpay
from support.intake import Sessions


class ReturnOutcome(BaseModel):
    """What the return page shows: `paid` (the dossier holds it), `confirming` (the gateway
    says paid, its IPN not yet here), `failed` (not paid or cancelled: pay again), `unreadable`
    (not signed by the gateway, or no attempt of hoso's)."""

    outcome: str
    code: str | None = None
    reference: str | None = None
    amount: int | None = None


def payment_return(
    sessions: Sessions, settings: Settings, params: Mapping[str, str]
) -> ReturnOutcome:
    """Where the attempt the browser comes back from is; it records nothing (only the IPN
    does)."""
    try:
        _, _, hash_secret = gateway(settings)
        answer = vnpay.read_answer(params, hash_secret)
    except (PaymentsUnavailable, vnpay.UnsignedAnswer):
        return ReturnOutcome(outcome="unreadable")
    row = attempt(sessions, answer.reference)
    if row is None:
        return ReturnOutcome(outcome="unreadable")
    found = ReturnOutcome(
        outcome="failed", code=row.dossier_code, reference=row.reference, amount=row.amount
    )
    if row.status == "paid":
        return found.model_copy(update={"outcome": "paid"})
    if answer.paid and row.status == "open":
        return found.model_copy(update={"outcome": "confirming"})
    return found
