"""The dossier's lifecycle as transitions of its state, each followed by its side effects.

Called by DossierWorkflow's loop after the rules allowed the input; deterministic: the clock is
`workflow.now()` and working days come from the calendar snapshotted in the submission.
"""

from __future__ import annotations

from pydantic import BaseModel
from temporalio import workflow

from models.actions import (
    Cancellation,
    DeliveryConfirmation,
    OfficerAction,
    OfficerIdentity,
    RetryRequest,
    Supplement,
    Withdrawal,
)
from models.dossier import DossierStatus, DossierSubmission
from models.procedure import VERDICTS, ConsultationStage, Stage, StageKind
from models.state import ActionEntry, DossierState, Opinion, StageVisit, Suspension
from workflows import record, rules
from workflows.council_transitions import CouncilTransitions
from workflows.deadlines import Clock
from workflows.effects import Effects
from workflows.visibility import Visibility


class Transitions(CouncilTransitions):
    def __init__(
        self, submission: DossierSubmission, state: DossierState, effects: Effects
    ) -> None:
        self._submission = submission
        self._procedure = submission.procedure
        self._state = state
        self._effects = effects
        self.clock = Clock(submission.procedure, state, submission.calendar)
        self._visibility = Visibility()

    # --- reading the state -------------------------------------------------------------------

    def _stage(self) -> Stage:
        assert self._state.stage is not None
        return self._procedure.stage(self._state.stage)

    def deadline_due(self) -> bool:
        """True once the alarm rang: a stage budget, the risk point or the due date passed."""
        return self.clock.rang()

    # --- lifecycle -----------------------------------------------------------------------------

    def open(self) -> None:
        """Puts the dossier at reception; done at once so that early actions find it there.
        The record begins with the submission and its documents."""
        record.submission(self._state, self._submission)
        self._enter(0)

    async def start(self) -> None:
        await self._sync()
        await self._effects.notify_applicant("dossier_submitted")
        await self._notify_assignees()

    async def act(self, action: OfficerAction) -> None:
        stage = self._stage()
        name = action.action
        self._state.documents.extend(action.documents)
        target = (
            rules.return_target(self._procedure, stage, action.to_stage)
            if name == "return"
            else None
        )
        self._log(name, action.officer, action.comment, to_stage=target, source=action)
        record.documents(self._state, action.documents, action.officer.id)
        if name == "apologize":
            await self.apologize(action)
        elif name == "accept":
            await self._accept()
        elif name == "request_supplement":
            await self._request_supplement(action.missing, action.comment)
        elif name == "refuse":
            await self._refuse(action.comment)
        elif name == "approve" and stage.kind == StageKind.decision:
            await self._decide("approved", action.comment)
        elif name == "reject" and stage.kind == StageKind.decision:
            await self._decide("rejected", action.comment)
        elif name == "reject":
            self._state.proposal = f"reject: {action.comment}"
            await self._move(len(self._procedure.chain) - 1, "proposed refusal")
        elif name == "return" and target is not None:
            await self._move(self._procedure.index(target), f"returned to {target}")
        elif name in ("concur", "object"):
            await self._opinion(action)
        elif name == "convene":
            await self.convene(action)
        elif name in VERDICTS:
            await self.vote(action)
        elif name == "conclude":
            await self.conclude(action)
        else:  # approve at a review stage
            await self._move(self._procedure.index(stage.id) + 1, "approved")

    async def _accept(self) -> None:
        state = self._state
        if state.received_at is None:
            now = workflow.now()
            state.received_at = now
            state.due_date = self.clock.calendar.due_date(now, self._procedure.working_days)
            state.original_due_date = state.due_date
            await self._move(1, "accepted")
            await self._effects.issue_form("receipt", due_date=state.due_date.isoformat())
            await self._sync()
            await self._effects.notify_applicant(
                "receipt_issued", due_date=state.due_date.isoformat()
            )
        else:
            await self._move(1, "accepted again")

    async def _request_supplement(self, missing: list[str], comment: str) -> None:
        state = self._state
        state.status = DossierStatus.awaiting_supplement
        state.missing = list(missing)
        state.supplement_requests += 1
        state.suspensions.append(Suspension(stage=state.stage, started_at=workflow.now()))
        if state.supplement_requests > 1:
            self._log("repeated_supplement_request", None, "counted against the agency")
        listed = "\n".join(missing)
        await self._effects.issue_form("supplement_request", missing=listed, reasons=comment)
        await self._sync()
        await self._effects.notify_applicant("supplement_requested", missing=listed)

    async def supplement(self, supplement: Supplement) -> None:
        state = self._state
        state.documents.extend(supplement.documents)
        state.missing = []
        state.status = (
            DossierStatus.received if state.received_at is None else DossierStatus.in_review
        )
        self._log("supplement", None, supplement.note, actor="applicant", source=supplement)
        record.documents(state, supplement.documents, "applicant")
        pause = state.suspensions[-1]
        pause.ended_at = workflow.now()
        pause.working_days = self.clock.working_days_since(pause.started_at)
        if pause.working_days and state.stage_due_at is not None:
            state.stage_due_at = self.clock.shift(state.stage_due_at, pause.working_days)
            state.visits[-1].due_at = state.stage_due_at
        moved = bool(pause.working_days and state.due_date is not None)
        if moved and state.due_date is not None:
            state.due_date = self.clock.shift_day(state.due_date, pause.working_days)
        if pause.reason == "revisions":  # the council asked for them: on to the next stage
            await self._move(self._procedure.index(self._stage().id) + 1, "revised")
        else:
            await self._sync()
            await self._notify_assignees("supplement_received")
        if moved:
            await self._reissue_receipt()

    async def _refuse(self, reasons: str) -> None:
        self._leave("refused")
        self._state.outcome = "refused"
        await self._effects.issue_form("refusal", reasons=reasons)
        self._close(DossierStatus.refused)
        await self._sync()
        await self._effects.notify_applicant("dossier_refused", reasons=reasons)

    async def _opinion(self, action: OfficerAction) -> None:
        state, stage = self._state, self._stage()
        state.opinions.append(
            Opinion(
                agency=action.officer.agency,
                stage=stage.id,
                opinion=action.action,
                officer=action.officer.id,
                comment=action.comment,
                at=workflow.now(),
            )
        )
        state.awaiting_agencies.remove(action.officer.agency)
        if state.awaiting_agencies:
            await self._sync()
        else:
            await self._move(self._procedure.index(stage.id) + 1, "all agencies answered")

    async def deadline_passed(self) -> None:
        """The alarm rang: handle each deadline that has passed, then re-arm it."""
        for what in self.clock.passed():
            if what == "stage" and self._state.stage is not None:
                await self._stage_late()
            elif what == "risk" and not self._state.at_risk:
                await self._at_risk("less than two working days are left")
            elif what == "overdue" and not self._state.overdue:
                await self._overdue()
        await self._sync()

    async def _decide(self, outcome: str, comment: str) -> None:
        state = self._state
        self._leave(outcome)
        state.outcome = outcome
        state.status = DossierStatus(outcome)
        form = await self._effects.issue_form(
            "result" if outcome == "approved" else "refusal", reasons=comment, outcome=outcome
        )
        state.status = DossierStatus.delivering
        await self._sync()
        receipt = await self._effects.deliver(form)
        state.tracking = receipt.tracking
        if receipt.needs_confirmation:
            state.awaiting_confirmation = True
            template = "result_posted" if receipt.channel == "post" else "result_ready_at_counter"
            await self._sync()
            await self._effects.notify_applicant(
                template, tracking=receipt.tracking or "", outcome=outcome
            )
        else:
            self._close(DossierStatus.completed)
            await self._sync()
            await self._effects.notify_applicant("result_ready_online", outcome=outcome)

    def record_retry(self, request: RetryRequest) -> None:
        note = request.note or "failing activities run again"
        self._log("retry", request.officer, note, source=request)

    async def confirm_delivery(self, confirmation: DeliveryConfirmation) -> None:
        self._log("delivered", confirmation.officer, confirmation.note, source=confirmation)
        self._state.awaiting_confirmation = False
        self._close(DossierStatus.completed)
        await self._sync()

    async def withdraw(self, withdrawal: Withdrawal) -> None:
        self._log("withdraw", None, withdrawal.reason, actor="applicant", source=withdrawal)
        self._leave("withdrawn")
        self._close(DossierStatus.withdrawn)
        await self._sync()
        await self._effects.notify_applicant("dossier_withdrawn")

    async def cancel(self, cancellation: Cancellation) -> None:
        self._log("cancel", cancellation.officer, cancellation.reason, source=cancellation)
        self._leave("cancelled")
        self._close(DossierStatus.cancelled)
        await self._sync()
        await self._effects.notify_applicant("dossier_cancelled", reasons=cancellation.reason)

    # --- moving between stages -----------------------------------------------------------------

    async def _move(self, index: int, outcome: str) -> None:
        self._leave(outcome)
        self._enter(index)
        await self._sync()
        await self._notify_assignees()
        left = self.clock.days_left()
        state = self._state
        fits = left is None or self.clock.budgets_left() <= left
        if not fits and not state.at_risk and state.apology is None:
            await self._at_risk(f"the remaining stages need more than the {left} days left")

    def _enter(self, index: int) -> None:
        state, stage, now = self._state, self._procedure.chain[index], workflow.now()
        due = self.clock.stage_due(now, stage.working_days)
        state.stage, state.stage_kind, state.stage_due_at = stage.id, stage.kind.value, due
        state.stage_role = getattr(stage, "role", None)
        state.stage_unit = getattr(stage, "unit", None)
        consulted = isinstance(stage, ConsultationStage)
        state.awaiting_agencies = list(stage.agencies) if consulted else []  # type: ignore[union-attr]
        state.status = DossierStatus.received if index == 0 else DossierStatus.in_review
        state.visits.append(StageVisit(stage=stage.id, entered_at=now, due_at=due))

    def _leave(self, outcome: str) -> None:
        state = self._state
        self._dissolve_sitting()
        if state.visits and state.visits[-1].left_at is None:
            state.visits[-1].left_at, state.visits[-1].outcome = workflow.now(), outcome
        state.stage = state.stage_kind = state.stage_role = state.stage_unit = None
        state.stage_due_at, state.awaiting_agencies = None, []

    def _close(self, status: DossierStatus) -> None:
        self._state.status = status
        self._state.closed_at = workflow.now()

    def _log(
        self,
        action: str,
        officer: OfficerIdentity | None,
        comment: str,
        *,
        actor: str = "system",
        to_stage: str | None = None,
        source: BaseModel | None = None,
    ) -> None:
        """A row of the control sheet, and its entry in the record (`source`: the signed input
        that caused it; None for the dossier's own events)."""
        row = ActionEntry(
            seq=len(self._state.actions) + 1,
            stage=self._state.stage,
            action=action,
            actor=officer.id if officer else actor,
            role=officer.role if officer else None,
            unit=officer.unit if officer else None,
            agency=officer.agency if officer else None,
            comment=comment,
            to_stage=to_stage,
            at=workflow.now(),
        )
        self._state.actions.append(row)
        record.action(self._state, row, source)

    async def _notify_assignees(self, template: str = "stage_assigned") -> None:
        state = self._state
        if state.stage_kind == StageKind.consultation:
            for agency in state.awaiting_agencies:
                await self._effects.notify_officers(
                    "consultation_requested",
                    role=None,
                    unit=None,
                    agency=agency,
                    stage=state.stage or "",
                )
        elif state.stage is not None:
            await self._effects.notify_officers(
                template,
                role=state.stage_role,
                unit=state.stage_unit,
                agency=self._procedure.agency,
                stage=state.stage,
            )

    async def settle(self) -> None:
        """Before the workflow ends: every notice sent, and a failed one in the projection."""
        await self._effects.notices_sent()
        if self._effects.failed_unrecorded:
            await self._sync()

    async def _sync(self) -> None:
        """Keeps the search attributes and the projection current with the state."""
        self._visibility.upsert(self._state)
        self.clock.reschedule()
        await self._effects.record()
