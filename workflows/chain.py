"""Moving a dossier along its review chain: entering and leaving stages, the review actions.

Each move tells the new stage's officers (or consulted agencies), and warns once when the stages
left need more working days than the dossier has.
"""

from __future__ import annotations

from temporalio import workflow

from models.actions import OfficerAction
from models.dossier import DossierStatus
from models.procedure import ConsultationStage, StageKind
from models.state import StageVisit
from workflows.context import DossierContext
from workflows.council_transitions import dissolve_sitting
from workflows.lateness import Lateness


class Chain:
    def __init__(self, ctx: DossierContext, lateness: Lateness) -> None:
        self._ctx = ctx
        self._lateness = lateness

    async def review(self, action: OfficerAction, target: str | None) -> None:
        """A review action: `approve` forwards, `return` goes back to `target`, `reject` takes
        the proposed refusal to the decision stage."""
        ctx = self._ctx
        match action.action:
            case "reject":
                ctx.state.proposal = f"reject: {action.comment}"
                await self.move(len(ctx.procedure.chain) - 1, "proposed refusal")
            case "return" if target is not None:
                await self.move(ctx.procedure.index(target), f"returned to {target}")
            case _:  # approve
                await self.move(ctx.procedure.index(ctx.stage().id) + 1, "approved")

    async def move(self, index: int, outcome: str) -> None:
        """Leaves the current stage with `outcome` for the chain's stage at `index`."""
        ctx, state = self._ctx, self._ctx.state
        self.leave(outcome)
        self.enter(index)
        await ctx.sync()
        await self.notify_assignees()
        left = ctx.clock.days_left()
        fits = left is None or ctx.clock.budgets_left() <= left
        if not fits and not state.at_risk and state.apology is None:
            await self._lateness.at_risk(
                f"the remaining stages need more than the {left} days left"
            )

    def enter(self, index: int) -> None:
        ctx, state, now = self._ctx, self._ctx.state, workflow.now()
        stage = ctx.procedure.chain[index]
        due = ctx.clock.stage_due(now, stage.working_days)
        state.stage, state.stage_kind, state.stage_due_at = stage.id, stage.kind.value, due
        state.stage_role = getattr(stage, "role", None)
        state.stage_unit = getattr(stage, "unit", None)
        consulted = isinstance(stage, ConsultationStage)
        state.awaiting_agencies = list(stage.agencies) if consulted else []  # type: ignore[union-attr]
        state.status = DossierStatus.received if index == 0 else DossierStatus.in_review
        state.visits.append(StageVisit(stage=stage.id, entered_at=now, due_at=due))

    def leave(self, outcome: str) -> None:
        state = self._ctx.state
        dissolve_sitting(state)
        if state.visits and state.visits[-1].left_at is None:
            state.visits[-1].left_at, state.visits[-1].outcome = workflow.now(), outcome
        state.stage = state.stage_kind = state.stage_role = state.stage_unit = None
        state.stage_due_at, state.awaiting_agencies = None, []

    async def notify_assignees(self, template: str = "stage_assigned") -> None:
        """Tells who holds the stage now: each consulted agency, or the stage's officers."""
        ctx, state = self._ctx, self._ctx.state
        if state.stage_kind == StageKind.consultation:
            for agency in state.awaiting_agencies:
                await ctx.effects.notify_officers(
                    "consultation_requested",
                    role=None,
                    unit=None,
                    agency=agency,
                    stage=state.stage or "",
                )
        elif state.stage is not None:
            await ctx.effects.notify_officers(
                template,
                role=state.stage_role,
                unit=state.stage_unit,
                agency=ctx.procedure.agency,
                stage=state.stage,
            )
