"""How a dossier ends: refused at reception, decided and delivered, withdrawn or cancelled.

The decision issues the result or the refusal and delivers it on the applicant's channel; a
delivery by post or at the counter waits for its confirmation before the dossier completes.
"""

from __future__ import annotations

from temporalio import workflow

from models.actions import Cancellation, DeliveryConfirmation, OfficerAction, Withdrawal
from models.calendar import VIETNAM
from models.dossier import DossierStatus
from models.procedure import FeePayment
from models.state import FormRef
from workflows.chain import Chain
from workflows.context import DossierContext
from workflows.payment import Payment

DECIDED = {"approve": "approved", "reject": "rejected"}  # the decision stage's action → outcome


class Outcome:
    def __init__(self, ctx: DossierContext, chain: Chain, payment: Payment) -> None:
        self._ctx = ctx
        self._chain = chain
        self._payment = payment

    async def refuse(self, reasons: str) -> None:
        """Refused at reception (form 03)."""
        ctx, state = self._ctx, self._ctx.state
        self._chain.leave("refused")
        state.outcome = "refused"
        self._payment.owe_refund()
        await ctx.effects.issue_form("refusal", reasons=reasons)
        self._close(DossierStatus.refused)
        await ctx.sync()
        await ctx.effects.notify_applicant("dossier_refused", reasons=reasons)

    async def decide(self, action: OfficerAction) -> None:
        """The competent leader signs: the result, or the refusal; then its delivery."""
        ctx, state, outcome, comment = (
            self._ctx,
            self._ctx.state,
            DECIDED[action.action],
            action.comment,
        )
        self._chain.leave(outcome)
        state.outcome = outcome
        state.status = DossierStatus(outcome)
        if outcome == "rejected":
            self._payment.owe_refund()
        form = await ctx.effects.issue_form(
            "result" if outcome == "approved" else "refusal", reasons=comment, outcome=outcome
        )
        if outcome == "approved" and self._payment.due(FeePayment.before_delivery):
            await self._payment.wait()  # the result is delivered once the fee is paid
            return
        await self.deliver(form)

    async def deliver_paid(self) -> None:
        """The fee of an approved result is paid: the result goes out."""
        result = next(form for form in reversed(self._ctx.state.forms) if form.kind == "result")
        await self.deliver(result)

    async def expire_unpaid(self) -> None:
        """The time to pay passed: the dossier ends unpaid, and the applicant is told."""
        ctx, state = self._ctx, self._ctx.state
        pay_by = state.payment.pay_by if state.payment else None
        day = f"{pay_by.astimezone(VIETNAM):%d/%m/%Y}" if pay_by else "-"
        ctx.log("payment_expired", None, f"chưa thanh toán phí, hạn {day}")
        self._chain.leave("unpaid")
        state.outcome = "unpaid"
        self._close(DossierStatus.cancelled)
        await ctx.sync()
        await ctx.effects.notify_applicant("payment_expired")

    async def deliver(self, form: FormRef) -> None:
        """The result (or refusal) to the applicant's channel; by post or at the counter, it
        waits for the handover's confirmation."""
        ctx, state = self._ctx, self._ctx.state
        outcome = state.outcome or ""
        state.status = DossierStatus.delivering
        await ctx.sync()
        receipt = await ctx.effects.deliver(form)
        state.tracking = receipt.tracking
        if receipt.needs_confirmation:
            state.awaiting_confirmation = True
            template = "result_posted" if receipt.channel == "post" else "result_ready_at_counter"
            await ctx.sync()
            await ctx.effects.notify_applicant(
                template, tracking=receipt.tracking or "", outcome=outcome
            )
        else:
            self._close(DossierStatus.completed)
            await ctx.sync()
            await ctx.effects.notify_applicant("result_ready_online", outcome=outcome)

    async def confirm_delivery(self, confirmation: DeliveryConfirmation) -> None:
        ctx = self._ctx
        ctx.log("delivered", confirmation.officer, confirmation.note, source=confirmation)
        ctx.state.awaiting_confirmation = False
        self._close(DossierStatus.completed)
        await ctx.sync()

    async def withdraw(self, withdrawal: Withdrawal) -> None:
        ctx = self._ctx
        ctx.log("withdraw", None, withdrawal.reason, actor="applicant", source=withdrawal)
        self._chain.leave("withdrawn")
        self._close(DossierStatus.withdrawn)
        await ctx.sync()
        await ctx.effects.notify_applicant("dossier_withdrawn")

    async def cancel(self, cancellation: Cancellation) -> None:
        ctx = self._ctx
        ctx.log("cancel", cancellation.officer, cancellation.reason, source=cancellation)
        self._chain.leave("cancelled")
        self._close(DossierStatus.cancelled)
        await ctx.sync()
        await ctx.effects.notify_applicant("dossier_cancelled", reasons=cancellation.reason)

    def _close(self, status: DossierStatus) -> None:
        self._ctx.state.status = status
        self._ctx.state.closed_at = workflow.now()
