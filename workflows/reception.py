"""Reception (tiếp nhận) and the applicant's supplements (bổ sung, hoàn thiện hồ sơ).

Accepting sets the due date and issues the receipt (form 01). A supplement request (form 02) stops
the clock until the applicant answers; the answer resumes it with the remaining time, moving the
stage's and the dossier's dates by the working days it took (the council's revisions too).
"""

from __future__ import annotations

from temporalio import workflow

from models.actions import OfficerIdentity, Supplement
from models.dossier import DossierStatus
from models.procedure import FeePayment
from models.state import Suspension
from workflows import record
from workflows.chain import Chain
from workflows.context import DossierContext
from workflows.lateness import Lateness
from workflows.payment import Payment


class Reception:
    def __init__(
        self, ctx: DossierContext, chain: Chain, lateness: Lateness, payment: Payment
    ) -> None:
        self._ctx = ctx
        self._chain = chain
        self._lateness = lateness
        self._payment = payment

    async def accept(self, officer: OfficerIdentity | None = None) -> None:
        """The dossier is complete: the first time, its due date and receipt (once its fee is
        paid, where it is paid before reception: at the counter, or online while it waits). A fee
        paid before delivery waits for the result, wherever the dossier was received."""
        ctx, state = self._ctx, self._ctx.state
        payment = self._payment
        at_counter = state.received_at is None and officer is not None and payment.at_counter()
        if at_counter and payment.due(FeePayment.before_reception):
            assert officer is not None
            payment.counter_paid(officer)  # the applicant stands at the counter: paid in cash
        if state.received_at is None and payment.due(FeePayment.before_reception):
            await payment.wait()
            return
        if state.received_at is None:
            now = workflow.now()
            state.received_at = now
            state.due_date = ctx.clock.calendar.due_date(now, ctx.procedure.working_days)
            state.original_due_date = state.due_date
            await self._chain.move(1, "accepted")
            await ctx.effects.issue_form("receipt", due_date=state.due_date.isoformat())
            await ctx.sync()
            await ctx.effects.notify_applicant(
                "receipt_issued", due_date=state.due_date.isoformat()
            )
        else:
            await self._chain.move(1, "accepted again")

    async def request_supplement(self, missing: list[str], comment: str) -> None:
        ctx, state = self._ctx, self._ctx.state
        state.status = DossierStatus.awaiting_supplement
        state.missing = list(missing)
        state.supplement_requests += 1
        state.suspensions.append(Suspension(stage=state.stage, started_at=workflow.now()))
        if state.supplement_requests > 1:
            ctx.log("repeated_supplement_request", None, "counted against the agency")
        listed = "\n".join(missing)
        await ctx.effects.issue_form("supplement_request", missing=listed, reasons=comment)
        await ctx.sync()
        await ctx.effects.notify_applicant("supplement_requested", missing=listed)

    async def supplement(self, supplement: Supplement) -> None:
        ctx, state = self._ctx, self._ctx.state
        state.documents.extend(supplement.documents)
        state.missing = []
        state.status = (
            DossierStatus.received if state.received_at is None else DossierStatus.in_review
        )
        ctx.log("supplement", None, supplement.note, actor="applicant", source=supplement)
        record.documents(state, supplement.documents, "applicant")
        moved = self._resume()
        if state.suspensions[-1].reason == "revisions":  # the council asked: on to the next stage
            await self._chain.move(ctx.procedure.index(ctx.stage().id) + 1, "revised")
        else:
            await ctx.sync()
            await self._chain.notify_assignees("supplement_received")
        if moved:
            await self._lateness.reissue_receipt()

    def _resume(self) -> bool:
        """Ends the pause: the stage's and the dossier's dates move by the working days it took.
        True when the due date moved."""
        ctx, state = self._ctx, self._ctx.state
        pause = state.suspensions[-1]
        pause.ended_at = workflow.now()
        pause.working_days = ctx.clock.working_days_since(pause.started_at)
        if pause.working_days and state.stage_due_at is not None:
            state.stage_due_at = ctx.clock.shift(state.stage_due_at, pause.working_days)
            state.visits[-1].due_at = state.stage_due_at
        moved = bool(pause.working_days and state.due_date is not None)
        if moved and state.due_date is not None:
            state.due_date = ctx.clock.shift_day(state.due_date, pause.working_days)
        return moved
