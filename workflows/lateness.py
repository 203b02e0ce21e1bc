"""Late and at-risk dossiers: late stages, the risk point, overdue, apology, calendar changes.

A consultation past its deadline applies its own policy (workflows/consultation.py); every other
late stage warns its unit here.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

from models.actions import CalendarChange, OfficerAction
from models.calendar import VIETNAM
from models.procedure import Stage
from models.state import Apology
from workflows.context import DossierContext


class Lateness:
    def __init__(self, ctx: DossierContext) -> None:
        self._ctx = ctx

    async def stage_late(self, stage: Stage) -> None:
        """A stage past its budget warns the assignee's unit, once."""
        ctx, state = self._ctx, self._ctx.state
        ctx.log("stage_late", None, f"{stage.working_days} working days passed")
        await ctx.sync()
        await ctx.effects.notify_officers(
            "stage_overdue",
            role=None,
            unit=state.stage_unit,
            agency=ctx.procedure.agency,
            stage=stage.id,
            due_date=_day(state.stage_due_at),
        )

    async def at_risk(self, reason: str) -> None:
        ctx, state = self._ctx, self._ctx.state
        state.at_risk = True
        ctx.log("at_risk", None, reason)
        await ctx.sync()
        await ctx.effects.notify_officers(
            "apology_requested",
            role=state.stage_role,
            unit=state.stage_unit,
            agency=ctx.procedure.agency,
            stage=state.stage or "",
            due_date=state.due_date.isoformat() if state.due_date else "",
        )

    async def overdue(self) -> None:
        ctx, state = self._ctx, self._ctx.state
        state.overdue = True
        ctx.log("overdue", None, "the due date passed" + ("" if state.apology else ", no apology"))
        await ctx.sync()
        await ctx.effects.notify_officers(
            "dossier_overdue",
            role="operator",
            unit=None,
            agency=None,
            stage=state.stage or "",
            due_date=state.due_date.isoformat() if state.due_date else "",
        )

    async def apologize(self, action: OfficerAction) -> None:
        """Form 04 with the reason and the new appointment date, which can be set only once."""
        ctx, state = self._ctx, self._ctx.state
        assert state.due_date is not None and action.new_due_date is not None
        state.apology = Apology(
            officer=action.officer.id,
            reason=action.comment,
            previous_due_date=state.due_date,
            new_due_date=action.new_due_date,
            at=workflow.now(),
        )
        state.due_date, state.at_risk = action.new_due_date, False
        await ctx.effects.issue_form(
            "apology", reasons=action.comment, new_due_date=action.new_due_date.isoformat()
        )
        await ctx.sync()
        await ctx.effects.notify_applicant(
            "apology_issued", reasons=action.comment, due_date=action.new_due_date.isoformat()
        )

    async def change_calendar(self, change: CalendarChange) -> None:
        """An announced holiday reaches a running dossier: its dates are counted anew."""
        ctx, state, clock = self._ctx, self._ctx.state, self._ctx.clock
        clock.calendar = change.calendar
        before = state.due_date
        if state.received_at is not None and state.apology is None:
            used = state.suspended_days()
            state.due_date = clock.calendar.add_working_days(
                clock.calendar.receipt_day(state.received_at), ctx.procedure.working_days + used
            )
        if state.stage is not None and state.visits:
            stage = ctx.stage()
            state.stage_due_at = clock.stage_due(state.visits[-1].entered_at, stage.working_days)
        moved = f"due date {before} → {state.due_date}" if before != state.due_date else ""
        ctx.log("calendar_changed", change.officer, moved or "no date moved", source=change)
        if state.stage is not None and state.visits:
            state.visits[-1].due_at = state.stage_due_at
        await ctx.sync()
        if before is not None and state.due_date != before:
            await self.reissue_receipt()

    async def reissue_receipt(self) -> None:
        """The due date moved: a new receipt (form 01) with it, and the applicant told."""
        ctx, state = self._ctx, self._ctx.state
        due = state.due_date.isoformat() if state.due_date else ""
        await ctx.effects.issue_form("receipt", due_date=due)
        await ctx.sync()
        await ctx.effects.notify_applicant("due_date_moved", due_date=due)


def _day(moment: datetime | None) -> str:
    return moment.astimezone(VIETNAM).date().isoformat() if moment else ""
