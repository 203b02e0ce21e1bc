"""Late and at-risk dossiers: late stages, the risk point, overdue, apology, calendar changes.

Mixed into Transitions, whose state, clock, effects and helpers these transitions use.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from temporalio import workflow

from models.actions import CalendarChange, OfficerAction
from models.calendar import VIETNAM
from models.procedure import ConsultationStage
from models.state import Apology, Opinion

if TYPE_CHECKING:
    from pydantic import BaseModel

    from models.actions import OfficerIdentity
    from models.procedure import Procedure, Stage
    from models.state import DossierState
    from workflows.deadlines import Clock
    from workflows.effects import Effects


class LateTransitions:
    """Needs what Transitions provides: the state, the clock, the effects, moving and logging."""

    _state: DossierState
    _procedure: Procedure
    _effects: Effects
    clock: Clock

    def _stage(self) -> Stage:
        raise NotImplementedError

    async def _move(self, index: int, outcome: str) -> None:
        raise NotImplementedError

    async def _sync(self) -> None:
        raise NotImplementedError

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
        raise NotImplementedError

    async def _stage_late(self) -> None:
        """A stage past its budget: consultations apply their policy; others warn the unit, once."""
        stage, state = self._stage(), self._state
        state.visits[-1].late = True
        if isinstance(stage, ConsultationStage):
            if stage.on_timeout == "proceed":
                for agency in state.awaiting_agencies:
                    state.opinions.append(
                        Opinion(agency=agency, stage=stage.id, opinion="silent", at=workflow.now())
                    )
                self._log("consultation_timeout", None, ", ".join(state.awaiting_agencies))
                state.awaiting_agencies = []
                await self._move(self._procedure.index(stage.id) + 1, "deadline passed: consent")
                return
            self._log("consultation_escalated", None, ", ".join(state.awaiting_agencies))
            await self._sync()
            for agency in state.awaiting_agencies:
                await self._effects.notify_officers(
                    "consultation_escalated", role=None, unit=None, agency=agency, stage=stage.id
                )
            return
        self._log("stage_late", None, f"{stage.working_days} working days passed")
        await self._sync()
        await self._effects.notify_officers(
            "stage_overdue",
            role=None,
            unit=state.stage_unit,
            agency=self._procedure.agency,
            stage=stage.id,
            due_date=_day(state.stage_due_at),
        )

    async def _at_risk(self, reason: str) -> None:
        state = self._state
        state.at_risk = True
        self._log("at_risk", None, reason)
        await self._sync()
        await self._effects.notify_officers(
            "apology_requested",
            role=state.stage_role,
            unit=state.stage_unit,
            agency=self._procedure.agency,
            stage=state.stage or "",
            due_date=state.due_date.isoformat() if state.due_date else "",
        )

    async def _overdue(self) -> None:
        state = self._state
        state.overdue = True
        self._log(
            "overdue", None, "the due date passed" + ("" if state.apology else ", no apology")
        )
        await self._sync()
        await self._effects.notify_officers(
            "dossier_overdue",
            role="operator",
            unit=None,
            agency=None,
            stage=state.stage or "",
            due_date=state.due_date.isoformat() if state.due_date else "",
        )

    async def apologize(self, action: OfficerAction) -> None:
        """Form 04 with the reason and the new appointment date, which can be set only once."""
        state = self._state
        assert state.due_date is not None and action.new_due_date is not None
        state.apology = Apology(
            officer=action.officer.id,
            reason=action.comment,
            previous_due_date=state.due_date,
            new_due_date=action.new_due_date,
            at=workflow.now(),
        )
        state.due_date, state.at_risk = action.new_due_date, False
        await self._effects.issue_form(
            "apology", reasons=action.comment, new_due_date=action.new_due_date.isoformat()
        )
        await self._sync()
        await self._effects.notify_applicant(
            "apology_issued", reasons=action.comment, due_date=action.new_due_date.isoformat()
        )

    async def change_calendar(self, change: CalendarChange) -> None:
        """An announced holiday reaches a running dossier: its dates are counted anew."""
        state, clock = self._state, self.clock
        clock.calendar = change.calendar
        before = state.due_date
        if state.received_at is not None and state.apology is None:
            used = sum(s.working_days for s in state.suspensions)
            state.due_date = clock.calendar.add_working_days(
                clock.calendar.receipt_day(state.received_at), self._procedure.working_days + used
            )
        if state.stage is not None and state.visits:
            stage = self._stage()
            state.stage_due_at = clock.stage_due(state.visits[-1].entered_at, stage.working_days)
        moved = f"due date {before} → {state.due_date}" if before != state.due_date else ""
        self._log("calendar_changed", change.officer, moved or "no date moved", source=change)
        if state.stage is not None and state.visits:
            state.visits[-1].due_at = state.stage_due_at
        await self._sync()
        if before is not None and state.due_date != before:
            await self._reissue_receipt()

    async def _reissue_receipt(self) -> None:
        due = self._state.due_date.isoformat() if self._state.due_date else ""
        await self._effects.issue_form("receipt", due_date=due)
        await self._sync()
        await self._effects.notify_applicant("due_date_moved", due_date=due)


def _day(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM).date().isoformat() if moment else ""
