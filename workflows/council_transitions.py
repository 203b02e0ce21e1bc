"""The appraisal council's part of the lifecycle: convened, voting, deciding.

`pass` moves the dossier on; `fail` takes the proposed refusal to the decision stage;
`pass_with_revisions` sends it back to the applicant with the clock stopped, and the revised
dossier goes on to the stage after the council (workflows/reception.py receives the revisions).
The rules of who sits and what the votes say are in workflows/council.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from temporalio import workflow

from models.actions import CouncilAppointment, OfficerAction
from models.activity_interfaces import CHECK_COUNCIL
from models.dossier import DossierStatus
from models.state import Council, CouncilVote, DossierState, Suspension
from workflows import council, patches
from workflows.context import DossierContext
from workflows.effects import RETRY
from workflows.rules import ActionRejected

if TYPE_CHECKING:
    from workflows.chain import Chain


def dissolve_sitting(state: DossierState) -> None:
    """A council that has not decided ends undecided (replaced, or its stage left)."""
    undecided = council.sitting(state)
    if undecided is not None:
        undecided.outcome, undecided.decided_at = "dissolved", workflow.now()


class CouncilTransitions:
    def __init__(self, ctx: DossierContext, chain: Chain) -> None:
        self._ctx = ctx
        self._chain = chain

    async def act(self, action: OfficerAction) -> None:
        """`convene`, a member's vote (`pass`, `pass_with_revisions`, `fail`), or `conclude`."""
        match action.action:
            case "convene":
                await self.convene(action)
            case "conclude":
                await self.conclude(action)
            case _:
                await self.vote(action)

    async def convene(self, action: OfficerAction) -> None:
        """Seats the council the action names (replacing one that has not voted yet) and tells
        its members."""
        ctx, state, appointment, now = self._ctx, self._ctx.state, action.council, workflow.now()
        assert appointment is not None and state.stage is not None
        if workflow.patched(patches.COUNCIL_REGISTRY):
            await self._check_members(appointment)
        dissolve_sitting(state)
        state.councils.append(
            Council(
                stage=state.stage,
                convened_by=action.officer.id,
                convened_at=now,
                chair=appointment.chair,
                members=[member.id for member in appointment.members],
                experts=[member.id for member in appointment.members if member.expert],
            )
        )
        await ctx.sync()
        await ctx.effects.notify_officers(
            "council_convened",
            role=None,
            unit=None,
            agency=None,
            officers=state.councils[-1].members,
            stage=state.stage,
        )

    async def _check_members(self, appointment: CouncilAppointment) -> None:
        """The registry seats the council as named (its members are officers of it, its experts
        marked as experts), or the convening is refused with the member it cannot seat."""
        verdict = await workflow.execute_activity(
            CHECK_COUNCIL.name,
            appointment,
            result_type=CHECK_COUNCIL.result,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RETRY,
        )
        if verdict.refusal is not None:
            raise ActionRejected(verdict.refusal)

    async def vote(self, action: OfficerAction) -> None:
        sitting = council.sitting(self._ctx.state)
        assert sitting is not None
        sitting.votes.append(
            CouncilVote(
                member=action.officer.id,
                verdict=action.action,
                comment=action.comment,
                at=workflow.now(),
            )
        )
        if council.complete(sitting):
            await self._decides(sitting)
        else:
            await self._ctx.sync()

    async def conclude(self, action: OfficerAction) -> None:
        sitting = council.sitting(self._ctx.state)
        assert sitting is not None
        await self._decides(sitting, action.comment)

    async def _decides(self, sitting: Council, conclusion: str = "") -> None:
        ctx, state, stage = self._ctx, self._ctx.state, self._ctx.stage()
        outcome = council.verdict(sitting.votes)
        sitting.outcome, sitting.decided_at = outcome, workflow.now()
        ctx.log("council_decided", None, f"{outcome} ({council.tally(sitting)})")
        position = ctx.procedure.index(stage.id)
        if outcome == "pass":
            await self._chain.move(position + 1, "council: pass")
        elif outcome == "fail":
            why = "; ".join(council.reasons(sitting, ("fail",), conclusion))
            state.proposal = f"reject: council: {why}"
            await self._chain.move(len(ctx.procedure.chain) - 1, "council: fail")
        else:  # the chair's conclusion stays on the record (the `conclude` action), not a revision
            await self._ask_revisions(council.reasons(sitting, ("pass_with_revisions", "fail")))

    async def _ask_revisions(self, revisions: list[str]) -> None:
        """Back to the applicant: the council's revisions, the clock stopped until they come."""
        ctx, state = self._ctx, self._ctx.state
        state.status = DossierStatus.awaiting_supplement
        state.missing = revisions
        state.suspensions.append(
            Suspension(stage=state.stage, started_at=workflow.now(), reason="revisions")
        )
        listed = "\n".join(revisions)
        await ctx.effects.issue_form("revision_request", missing=listed)
        await ctx.sync()
        await ctx.effects.notify_applicant("revisions_requested", missing=listed)
