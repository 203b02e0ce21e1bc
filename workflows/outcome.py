"""How a dossier ends: refused at reception, decided and delivered, withdrawn or cancelled.

The decision issues the result or the refusal and delivers it on the applicant's channel; a
delivery by post or at the counter waits for its confirmation before the dossier completes.
"""

from __future__ import annotations

from temporalio import workflow

from models.actions import Cancellation, DeliveryConfirmation, OfficerAction, Withdrawal
from models.dossier import DossierStatus
from workflows.chain import Chain
from workflows.context import DossierContext

DECIDED = {"approve": "approved", "reject": "rejected"}  # the decision stage's action → outcome


class Outcome:
    def __init__(self, ctx: DossierContext, chain: Chain) -> None:
        self._ctx = ctx
        self._chain = chain

    async def refuse(self, reasons: str) -> None:
        """Refused at reception (form 03)."""
        ctx, state = self._ctx, self._ctx.state
        self._chain.leave("refused")
        state.outcome = "refused"
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
        form = await ctx.effects.issue_form(
            "result" if outcome == "approved" else "refusal", reasons=comment, outcome=outcome
        )
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
