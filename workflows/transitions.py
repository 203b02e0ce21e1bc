"""The dossier's lifecycle as transitions of its state, each followed by its side effects.

Transitions puts together the parts of a dossier's lifecycle, each a class of its own sharing one
`DossierContext`: the chain (moving between stages, the review actions), reception and
supplements, consultation, the appraisal council, lateness, and the outcome. It dispatches an
officer's action to its part by (action, stage kind), and a passed deadline to the part it
concerns. Called by DossierWorkflow's loop after the rules allowed the input; deterministic: the
clock is `workflow.now()` and working days come from the calendar snapshotted in the submission.
"""

from __future__ import annotations

from models.actions import OfficerAction, RetryRequest
from models.calendar import WorkingCalendar
from models.dossier import DossierStatus, DossierSubmission
from models.payment import PaymentConfirmation, PaymentOpening
from models.procedure import ConsultationStage, StageKind
from models.state import DossierState
from workflows import record, rules
from workflows.chain import Chain
from workflows.consultation import Consultation
from workflows.context import DossierContext
from workflows.council_transitions import CouncilTransitions
from workflows.deadlines import Clock
from workflows.effects import Effects
from workflows.lateness import Lateness
from workflows.outcome import Outcome
from workflows.payment import Payment, dong
from workflows.reception import Reception


class Transitions:
    def __init__(
        self,
        submission: DossierSubmission,
        state: DossierState,
        effects: Effects,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        """`calendar`: the one in force when a previous run handed the dossier over."""
        clock = Clock(submission.procedure, state, calendar or submission.calendar)
        self._ctx = ctx = DossierContext(submission, state, effects, clock)
        self.lateness = Lateness(ctx)
        self.chain = Chain(ctx, self.lateness)
        self.payment = Payment(ctx)
        self.reception = Reception(ctx, self.chain, self.lateness, self.payment)
        self.consultation = Consultation(ctx, self.chain)
        self.council = CouncilTransitions(ctx, self.chain)
        self.outcome = Outcome(ctx, self.chain, self.payment)

    @property
    def clock(self) -> Clock:
        return self._ctx.clock

    def deadline_due(self) -> bool:
        """True once the alarm rang: a stage budget, the risk point or the due date passed."""
        return self._ctx.clock.rang()

    # --- the dossier's life --------------------------------------------------------------------

    def open(self) -> None:
        """Puts the dossier at reception; done at once so that early actions find it there.
        The record begins with the submission and its documents."""
        record.submission(self._ctx.state, self._ctx.submission)
        self.chain.enter(0)

    async def start(self) -> None:
        await self._ctx.sync()
        await self._ctx.effects.notify_applicant("dossier_submitted")
        await self.chain.notify_assignees()

    def resume(self) -> None:
        """A continued run: the alarm points at the next deadline again (the record, the
        projection and the notices are where the previous run left them)."""
        self._ctx.clock.reschedule()

    async def act(self, action: OfficerAction) -> None:
        """An officer's action, on the control sheet and the record, then its transition."""
        ctx = self._ctx
        stage = ctx.stage()
        name = action.action
        ctx.state.documents.extend(action.documents)
        target = (
            rules.return_target(ctx.procedure, stage, action.to_stage) if name == "return" else None
        )
        ctx.log(name, action.officer, action.comment, to_stage=target, source=action)
        record.documents(ctx.state, action.documents, action.officer.id)
        await self._dispatch(action, stage.kind, target)

    async def _dispatch(self, action: OfficerAction, kind: StageKind, target: str | None) -> None:
        match (action.action, kind):
            case ("apologize", _):
                await self.lateness.apologize(action)
            case ("accept", _):
                await self.reception.accept(action.officer)
            case ("request_supplement", _):
                await self.reception.request_supplement(action.missing, action.comment)
            case ("refuse", _):
                await self.outcome.refuse(action.comment)
            case ("approve" | "reject", StageKind.decision):
                await self.outcome.decide(action)
            case ("concur" | "object", _):
                await self.consultation.opinion(action)
            case ("convene" | "pass" | "pass_with_revisions" | "fail" | "conclude", _):
                await self.council.act(action)
            case _:  # at a review stage, and `return` anywhere
                await self.chain.review(action, target)

    async def deadline_passed(self) -> None:
        """The alarm rang: handle each deadline that has passed, then re-arm it."""
        for what in self._ctx.clock.passed():
            await self._deadline(what)
        await self._ctx.sync()

    async def _deadline(self, what: str) -> None:
        state = self._ctx.state
        match what:
            case "stage" if state.stage is not None:
                await self._stage_late()
            case "risk" if not state.at_risk:
                await self.lateness.at_risk("less than two working days are left")
            case "overdue" if not state.overdue:
                await self.lateness.overdue()
            case "payment":
                await self.outcome.expire_unpaid()

    async def _stage_late(self) -> None:
        """A stage past its budget: consultations apply their policy; others warn the unit, once."""
        stage = self._ctx.stage()
        self._ctx.state.visits[-1].late = True
        if isinstance(stage, ConsultationStage):
            await self.consultation.deadline_passed(stage)
        else:
            await self.lateness.stage_late(stage)

    def open_payment(self, opening: PaymentOpening) -> None:
        """The applicant started an attempt to pay: the dossier waits for its reference."""
        self.payment.open(opening)

    async def paid(self, confirmation: PaymentConfirmation) -> None:
        """The fee is paid: reception or delivery goes on where it waited."""
        state = self._ctx.state
        await self.payment.confirm(confirmation)
        if state.received_at is None:
            state.status = DossierStatus.received
            await self.reception.accept()
        else:
            await self.outcome.deliver_paid()
        await self._ctx.effects.notify_applicant(
            "payment_received", amount=dong(confirmation.amount)
        )

    def record_retry(self, request: RetryRequest) -> None:
        note = request.note or "failing activities run again"
        self._ctx.log("retry", request.officer, note, source=request)

    async def settle(self) -> None:
        """Before the workflow ends: every notice sent, and a failed one in the projection."""
        effects = self._ctx.effects
        await effects.notices_sent()
        if effects.failed_unrecorded:
            await self._ctx.sync()
