"""Paying a dossier's fee online: the applicant's attempt, sent to the gateway with a signed order,
and the gateway's IPN, believed only when it matches an open attempt, or a superseded one the
applicant paid after all (support/vnpay.py signs and reads both). Only the gateway's own signed
word records a payment: its IPN, or its answer to the transaction query when the IPN never came
(operations/payment_queries.py), both through `believe`; the browser's return only shows where
it is.

Every attempt is a row of `payment` (one unique transaction reference each); the dossier waits
for the reference of its newest attempt (the `open_payment` update) and moves on once the
`pay` update it validates holds the payment. An IPN refused is kept for operators
(`payment_refusal`), with the answer code the gateway got.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from pydantic import BaseModel, Field
from sqlmodel import select
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from config import Settings
from models.dossier import CLOSED_STATUSES, DossierStatus
from models.payment import PaymentConfirmation, PaymentOpening
from models.payment_records import PaymentRecord, PaymentRefusalRecord
from models.state import DossierState
from operations.actions import refusal_reason
from operations.dossiers import public_state, read_state
from operations.errors import Conflict, NotFound
from support import update_delivery, vnpay
from support.intake import Sessions
from support.vnpay import IpnAnswer
from workflows.dossier import DossierWorkflow

log = structlog.get_logger()
IPN_PATH = "/api/v1/payments/vnpay/ipn"
"""Where the gateway sends its IPN (GET), under `public_url`: the merchant's IPN URL."""
RETURN_PATH = "/payments/return"
"""Where the gateway sends the browser back, under `public_url` (vnp_ReturnUrl)."""
ATTEMPT_LIFETIME = timedelta(minutes=15)
"""How long the gateway's page takes an attempt (vnp_ExpireDate); then the applicant tries again."""


class PaymentsUnavailable(RuntimeError):
    """Online payment is not configured here (no gateway): the fee is paid at the counter."""


class PaymentStarted(BaseModel):
    """An attempt opened: the browser goes to `gateway_url` to pay."""

    code: str
    reference: str = Field(description="the attempt's transaction reference (vnp_TxnRef)")
    amount: int = Field(description="in đồng")
    gateway_url: str = Field(description="the gateway's page, with the signed order")


def gateway(settings: Settings) -> tuple[str, str, str]:
    """The gateway's page, hoso's merchant code and the hash secret (PaymentsUnavailable when
    online payment is not configured)."""
    url, merchant, secret = (
        settings.payment_gateway_url,
        settings.payment_merchant,
        settings.payment_hash_secret,
    )
    if not (url and merchant and secret):
        raise PaymentsUnavailable("online payment is not offered here: pay at the counter")
    return url, merchant, secret.get_secret_value()


async def start_payment(
    client: Client,
    sessions: Sessions,
    settings: Settings,
    code: str,
    secret: str,
    payer_address: str,
) -> PaymentStarted:
    """A new attempt for whoever holds the dossier's code and lookup secret (NotFound
    otherwise); Conflict when the dossier is not waiting for its fee. An earlier open attempt
    is superseded."""
    url, merchant, hash_secret = gateway(settings)
    state = await public_state(client, sessions, code, secret)
    if state.status != DossierStatus.awaiting_payment or state.payment is None:
        raise Conflict(f"dossier {code} is not waiting for a payment")
    opening = PaymentOpening(
        reference=f"{code}-{secrets.token_hex(4)}", amount=state.payment.amount
    )
    handle = client.get_workflow_handle_for(DossierWorkflow.run, code)
    try:
        await update_delivery.execute(handle, DossierWorkflow.open_payment, opening)
    except WorkflowUpdateFailedError as exc:
        raise Conflict(refusal_reason(exc)) from None
    now = datetime.now(UTC)
    await asyncio.to_thread(_open, sessions, state.procedure_code, state.agency, code, opening, now)
    log.info("payment_started", dossier=code, reference=opening.reference)
    order = vnpay.PaymentOrder(
        reference=opening.reference,
        amount=opening.amount,
        description=f"Thanh toan phi ho so {code}",
        return_url=f"{settings.public_url.rstrip('/')}{RETURN_PATH}",
        payer_address=payer_address,
        created_at=now,
        expires_at=now + ATTEMPT_LIFETIME,
    )
    return PaymentStarted(
        code=code,
        reference=opening.reference,
        amount=opening.amount,
        gateway_url=vnpay.payment_url(url, merchant, hash_secret, order),
    )


def _open(
    sessions: Sessions,
    procedure: str,
    agency: str,
    code: str,
    opening: PaymentOpening,
    now: datetime,
) -> None:
    """The new attempt's row; the dossier's open ones superseded, in one transaction."""
    with sessions() as session:
        for row in session.exec(
            select(PaymentRecord).where(
                PaymentRecord.dossier_code == code, PaymentRecord.status == "open"
            )
        ):
            row.status = "superseded"
            session.add(row)
        session.add(
            PaymentRecord(
                reference=opening.reference,
                dossier_code=code,
                procedure_code=procedure,
                agency=agency,
                amount=opening.amount,
                status="open",
                created_at=now,
            )
        )
        session.commit()


# --- the gateway's IPN ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    answer: IpnAnswer
    reason: str


async def receive_ipn(
    client: Client,
    sessions: Sessions,
    settings: Settings,
    params: Mapping[str, str],
    remote: str | None,
) -> dict[str, str]:
    """The answer to the gateway's IPN (`{"RspCode", "Message"}`): 00 once the dossier holds
    the payment (or the failure is recorded), 02 for one already recorded, else the protocol's
    refusal, kept for operators."""
    try:
        answer = await _believe_ipn(client, sessions, settings, params)
    except Refused as refused:
        await asyncio.to_thread(record_refusal, sessions, refused.refusal, params, remote)
        log.warning("payment_ipn_refused", answer=refused.refusal.answer.value)
        return vnpay.ipn_reply(refused.refusal.answer)
    return vnpay.ipn_reply(answer)


class Refused(Exception):
    """A gateway answer hoso does not believe, with the code its IPN is answered with."""

    def __init__(self, answer: IpnAnswer, reason: str) -> None:
        super().__init__(reason)
        self.refusal = Refusal(answer, reason)


async def _believe_ipn(
    client: Client, sessions: Sessions, settings: Settings, params: Mapping[str, str]
) -> IpnAnswer:
    try:
        _, _, hash_secret = gateway(settings)
    except PaymentsUnavailable:
        raise Refused(IpnAnswer.unknown_error, "no gateway is configured here") from None
    try:
        answer = vnpay.read_answer(params, hash_secret)
    except vnpay.UnsignedAnswer:
        raise Refused(IpnAnswer.invalid_signature, "the signature does not match") from None
    return await believe(client, sessions, answer)


async def believe(client: Client, sessions: Sessions, answer: vnpay.GatewayAnswer) -> IpnAnswer:
    """What the gateway's signed answer (its signature checked) changes: the attempt of its
    reference, of its amount and currency, is paid (the dossier holds it; one superseded or
    closed failed but paid after all, see `_paid_after_all`) or failed; `already_confirmed`
    when that was recorded before; `Refused` otherwise."""
    row = await asyncio.to_thread(attempt, sessions, answer.reference)
    if row is None:
        raise Refused(IpnAnswer.order_not_found, "no attempt has this reference")
    if row.status == "paid" or (row.status == "failed" and not answer.paid):
        return IpnAnswer.already_confirmed
    if answer.amount != row.amount or answer.currency not in (None, vnpay.CURRENCY):
        raise Refused(
            IpnAnswer.invalid_amount,
            f"{answer.amount} {answer.currency or 'VND'} for an attempt of {row.amount} VND",
        )
    if answer.paid and row.status != "open":
        return await _paid_after_all(client, sessions, row, answer)
    if not answer.paid:
        await asyncio.to_thread(_close, sessions, row.reference, "failed", answer)
        return IpnAnswer.recorded
    return await _hand_to_dossier(client, sessions, row, answer)


async def _paid_after_all(
    client: Client, sessions: Sessions, row: PaymentRecord, answer: vnpay.GatewayAnswer
) -> IpnAnswer:
    """An attempt the applicant left for a newer one (superseded), or one closed as failed,
    paid after all (its IPN late, a payment finished in another tab): the citizen's money is
    never lost. While the dossier still waits
    for its fee, it waits for this attempt again (the newer one superseded, refunded if it is
    paid too) and takes the payment; once the fee is paid or the dossier ended, it is owed back."""
    try:
        state = await read_state(client, row.dossier_code)
    except RPCError:
        raise Refused(IpnAnswer.unknown_error, "the dossier could not be reached") from None
    except NotFound:
        state = None
    if state is not None and state.status == DossierStatus.awaiting_payment and state.payment:
        opening = PaymentOpening(reference=row.reference, amount=row.amount)
        handle = client.get_workflow_handle_for(DossierWorkflow.run, row.dossier_code)
        try:
            await update_delivery.execute(handle, DossierWorkflow.open_payment, opening)
        except WorkflowUpdateFailedError:
            pass  # paid or ended meanwhile: owed back, below
        else:
            await asyncio.to_thread(_reopen, sessions, row.dossier_code, row.reference)
            log.info("payment_superseded_taken", dossier=row.dossier_code, reference=row.reference)
            return await _hand_to_dossier(client, sessions, row, answer)
    await asyncio.to_thread(_close, sessions, row.reference, "paid", answer, refund=True)
    raise Refused(
        IpnAnswer.already_confirmed,
        f"a {row.status} attempt paid after the dossier's fee was paid or the dossier ended:"
        " refund owed",
    )


def _reopen(sessions: Sessions, code: str, reference: str) -> None:
    """The dossier waits for attempt `reference` again: it is open, the others superseded."""
    with sessions() as session:
        for row in session.exec(select(PaymentRecord).where(PaymentRecord.dossier_code == code)):
            if row.reference == reference or row.status == "open":
                row.status = "open" if row.reference == reference else "superseded"
                session.add(row)
        session.commit()


async def _hand_to_dossier(
    client: Client, sessions: Sessions, row: PaymentRecord, answer: vnpay.GatewayAnswer
) -> IpnAnswer:
    """The dossier validates the payment; the row says paid once the dossier holds it."""
    confirmation = PaymentConfirmation(
        reference=row.reference,
        amount=row.amount,
        transaction_number=_plain(answer.transaction_number),
        bank=_plain(answer.bank),
        paid_at=answer.paid_at,
    )
    handle = client.get_workflow_handle_for(DossierWorkflow.run, row.dossier_code)
    try:
        await update_delivery.execute(handle, DossierWorkflow.pay, confirmation)
    except WorkflowUpdateFailedError as exc:
        state = await read_state(client, row.dossier_code)
        if _holds(state, row):
            # the same IPN twice at once, or a process that stopped before its row said paid:
            # the dossier holds it; the row says so too
            await asyncio.to_thread(_close, sessions, row.reference, "paid", answer)
            return IpnAnswer.already_confirmed
        await asyncio.to_thread(_close, sessions, row.reference, "paid", answer, refund=True)
        reason = f"the dossier refused it ({refusal_reason(exc)}): refund owed"
        raise Refused(IpnAnswer.already_confirmed, reason) from None
    except RPCError:
        ended = await _ended(client, row.dossier_code)
        if ended is None:
            # Temporal is down: the gateway asks again later
            raise Refused(IpnAnswer.unknown_error, "the dossier could not be reached") from None
        if _holds(ended, row):  # it ended paid by this very attempt: its row had not said so
            await asyncio.to_thread(_close, sessions, row.reference, "paid", answer)
            return IpnAnswer.already_confirmed
        # paid after the dossier ended (unpaid past its time, cancelled): the fee is owed back
        await asyncio.to_thread(_close, sessions, row.reference, "paid", answer, refund=True)
        raise Refused(IpnAnswer.already_confirmed, "the dossier had ended: refund owed") from None
    await asyncio.to_thread(_close, sessions, row.reference, "paid", answer)
    log.info("payment_recorded", dossier=row.dossier_code, reference=row.reference)
    return IpnAnswer.recorded


def _holds(state: DossierState, row: PaymentRecord) -> bool:
    """The dossier holds this attempt's payment."""
    paid = state.payment
    return paid is not None and paid.reference == row.reference and paid.paid_at is not None


async def _ended(client: Client, code: str) -> DossierState | None:
    """The dossier's state when it has ended; None while it runs or cannot be read."""
    try:
        state = await read_state(client, code)
    except (RPCError, NotFound):
        return None
    return state if state.status in CLOSED_STATUSES else None


def _plain(text: str) -> str:
    """The gateway's own words, as the dossier's record takes them."""
    kept = "".join(c for c in text if c.isascii() and (c.isalnum() or c in " ._:/-"))
    return kept[:64]


def attempt(sessions: Sessions, reference: str) -> PaymentRecord | None:
    """The attempt of `reference`, or None."""
    if not reference:
        return None
    with sessions() as session:
        return session.get(PaymentRecord, reference)


def _close(
    sessions: Sessions,
    reference: str,
    status: str,
    answer: vnpay.GatewayAnswer,
    *,
    refund: bool = False,
) -> None:
    with sessions() as session:
        row = session.get(PaymentRecord, reference)
        if row is None:
            return
        row.status = status
        row.response_code = answer.response_code or None
        row.transaction_number = answer.transaction_number or None
        row.bank = answer.bank or None
        if status == "paid":
            row.paid_at = answer.paid_at or datetime.now(UTC)
        row.refund_owed = row.refund_owed or refund
        session.add(row)
        session.commit()


def record_refusal(
    sessions: Sessions, refusal: Refusal, params: Mapping[str, str], remote: str | None
) -> None:
    """The refused answer, kept for operators (`hoso payments refusals`)."""
    with sessions() as session:
        reference = params.get("vnp_TxnRef") or None
        row = session.get(PaymentRecord, reference) if reference else None
        session.add(
            PaymentRefusalRecord(
                at=datetime.now(UTC),
                answer=refusal.answer.value,
                reason=refusal.reason,
                reference=(reference or "")[:64] or None,
                dossier_code=row.dossier_code if row else None,
                remote=remote,
                params={k: v[:200] for k, v in list(params.items())[:40]},
            )
        )
        session.commit()


def close_unseen(sessions: Sessions, reference: str, response_code: str) -> bool:
    """An open attempt the gateway says it never had, past its expiry (the page refuses it
    now): failed. False when it is not open any more."""
    with sessions() as session:
        row = session.get(PaymentRecord, reference)
        if row is None or row.status != "open":
            return False
        row.status = "failed"
        row.response_code = response_code
        session.add(row)
        session.commit()
    return True
