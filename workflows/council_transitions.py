"""The appraisal council's part of the lifecycle: convened, voting, deciding.

Mixed into Transitions (through LateTransitions, whose declarations of the state, the clock, the
effects and the helpers these use). `pass` moves the dossier on; `fail` takes the proposed refusal
to the decision stage; `pass_with_revisions` sends it back to the applicant with the clock stopped,
and the revised dossier goes on to the stage after the council.
"""

from __future__ import annotations

from temporalio import workflow

from models.actions import OfficerAction
from models.dossier import DossierStatus
from models.state import Council, CouncilVote, Suspension
from workflows import council
from workflows.lateness import LateTransitions


class CouncilTransitions(LateTransitions):
    async def convene(self, action: OfficerAction) -> None:
        """Seats the council the action names (replacing one that has not voted yet) and tells
        its members."""
        state, appointment, now = self._state, action.council, workflow.now()
        assert appointment is not None and state.stage is not None
        self._dissolve_sitting()
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
        await self._sync()
        await self._effects.notify_officers(
            "council_convened",
            role=None,
            unit=None,
            agency=None,
            officers=state.councils[-1].members,
            stage=state.stage,
        )

    def _dissolve_sitting(self) -> None:
        """A council that has not decided ends undecided (replaced, or its stage left)."""
        undecided = council.sitting(self._state)
        if undecided is not None:
            undecided.outcome, undecided.decided_at = "dissolved", workflow.now()

    async def vote(self, action: OfficerAction) -> None:
        sitting = council.sitting(self._state)
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
            await self._council_decides(sitting)
        else:
            await self._sync()

    async def conclude(self, action: OfficerAction) -> None:
        sitting = council.sitting(self._state)
        assert sitting is not None
        await self._council_decides(sitting, action.comment)

    async def _council_decides(self, sitting: Council, conclusion: str = "") -> None:
        state, stage = self._state, self._stage()
        outcome = council.verdict(sitting.votes)
        sitting.outcome, sitting.decided_at = outcome, workflow.now()
        self._log("council_decided", None, f"{outcome} ({council.tally(sitting)})")
        position = self._procedure.index(stage.id)
        if outcome == "pass":
            await self._move(position + 1, "council: pass")
        elif outcome == "fail":
            why = "; ".join(council.reasons(sitting, ("fail",), conclusion))
            state.proposal = f"reject: council: {why}"
            await self._move(len(self._procedure.chain) - 1, "council: fail")
        else:  # the chair's conclusion stays on the record (the `conclude` action), not a revision
            await self._ask_revisions(council.reasons(sitting, ("pass_with_revisions", "fail")))

    async def _ask_revisions(self, revisions: list[str]) -> None:
        """Back to the applicant: the council's revisions, the clock stopped until they come."""
        state = self._state
        state.status = DossierStatus.awaiting_supplement
        state.missing = revisions
        state.suspensions.append(
            Suspension(stage=state.stage, started_at=workflow.now(), reason="revisions")
        )
        listed = "\n".join(revisions)
        await self._effects.issue_form("revision_request", missing=listed)
        await self._sync()
        await self._effects.notify_applicant("revisions_requested", missing=listed)
