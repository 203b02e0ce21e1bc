"""The fee a dossier pays through hoso (phí, lệ phí): waiting for it, its receipt, its refund.

A procedure's fee is paid before reception (the reception officer's acceptance waits for it, and
the due date runs from the payment) or before delivery (the approved result waits for it). While
the dossier waits its status is `awaiting_payment`: none of the agency's deadlines run, only the
applicant's time to pay (`pay_by`), past which the dossier ends unpaid with a notice. A dossier
received at the counter pays a fee due before reception there, in cash (the applicant stands at the
counter): the accepting officer records it. A fee due before delivery waits for the result however
the dossier was received, and is paid online then.
"""

from __future__ import annotations

from temporalio import workflow

from models.actions import OfficerIdentity
from models.calendar import VIETNAM, close_of_day
from models.dossier import DossierStatus, ReceptionChannel
from models.payment import PaymentChannel, PaymentConfirmation, PaymentOpening, PaymentState
from models.procedure import FeePayment
from workflows import patches
from workflows.context import DossierContext


def dong(amount: int) -> str:
    """An amount as Vietnamese readers write it: 150000 → 150.000."""
    return f"{amount:,}".replace(",", ".")


class Payment:
    def __init__(self, ctx: DossierContext) -> None:
        self._ctx = ctx

    def due(self, when: FeePayment) -> bool:
        """The fee must be paid now (`when`) and has not been."""
        ctx = self._ctx
        if ctx.procedure.payment != when or self.paid():
            return False
        return workflow.patched(patches.FEE_PAYMENT)

    def paid(self) -> bool:
        payment = self._ctx.state.payment
        return payment is not None and payment.paid_at is not None

    def at_counter(self) -> bool:
        """A dossier received at the counter pays a fee due before reception there."""
        return self._ctx.submission.received_via == ReceptionChannel.counter

    def _fresh(self) -> PaymentState:
        ctx = self._ctx
        return PaymentState(
            when=ctx.procedure.payment.value,
            amount=ctx.procedure.fee,
            requested_at=workflow.now(),
        )

    def counter_paid(self, officer: OfficerIdentity) -> None:
        """The reception officer took the fee in cash as they received the dossier."""
        ctx = self._ctx
        payment = ctx.state.payment or self._fresh()
        payment.paid_at, payment.channel = workflow.now(), PaymentChannel.counter
        ctx.state.payment = payment
        ctx.log("fee_paid", officer, f"{payment.amount} đồng, thu tại quầy")

    async def wait(self) -> None:
        """The dossier waits for the applicant's payment, within its time to pay."""
        ctx, state = self._ctx, self._ctx.state
        days = ctx.procedure.payment_working_days or 1
        calendar = ctx.clock.calendar
        pay_by = close_of_day(calendar.add_working_days(calendar.receipt_day(workflow.now()), days))
        state.payment = self._fresh()
        state.payment.pay_by = pay_by
        state.status = DossierStatus.awaiting_payment
        day = pay_by.astimezone(VIETNAM).date().isoformat()
        ctx.log("payment_requested", None, f"{state.payment.amount} đồng, hạn {day}")
        await ctx.sync()
        await ctx.effects.notify_applicant(
            "payment_requested", amount=dong(state.payment.amount), pay_by=day
        )

    def open(self, opening: PaymentOpening) -> None:
        """A new attempt: the dossier waits for its reference (an earlier one is superseded)."""
        ctx = self._ctx
        assert ctx.state.payment is not None
        ctx.state.payment.reference = opening.reference
        ctx.log("payment_started", None, f"giao dịch {opening.reference}", actor="applicant")

    async def confirm(self, confirmation: PaymentConfirmation) -> None:
        """The gateway confirmed the open attempt: on the record, the receipt (biên lai)."""
        ctx, state = self._ctx, self._ctx.state
        payment = state.payment
        assert payment is not None
        payment.paid_at = confirmation.paid_at or workflow.now()
        payment.channel = PaymentChannel.online
        payment.transaction_number = confirmation.transaction_number or None
        ctx.log(
            "fee_paid",
            None,
            f"{confirmation.amount} đồng, giao dịch {confirmation.reference}"
            f" ({confirmation.transaction_number or '-'})",
            actor="applicant",
        )
        await ctx.effects.issue_form(
            "payment_receipt",
            amount=dong(confirmation.amount),
            reference=confirmation.reference,
            transaction_number=confirmation.transaction_number,
            bank=confirmation.bank,
            paid_at_text=f"{payment.paid_at.astimezone(VIETNAM):%H:%M ngày %d/%m/%Y}",
        )

    def owe_refund(self) -> None:
        """Paid, then refused or rejected: the fee is owed back to the applicant."""
        ctx, payment = self._ctx, self._ctx.state.payment
        if payment is None or payment.paid_at is None or payment.refund_owed:
            return
        payment.refund_owed = True
        ctx.log("refund_owed", None, f"{payment.amount} đồng")
