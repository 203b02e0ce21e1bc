"""The dossier's clock: stage budgets, the due date, suspension while the applicant works, risk.

One alarm (a single timer) always points at the earliest pending deadline, so a dossier's history
gets a timer when a deadline changes, not at every loop turn. Deterministic: the calendar is the
one snapshotted in the submission (or pushed later by an operator, recorded in the history).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

from temporalio import workflow

from models.calendar import VIETNAM, WorkingCalendar, close_of_day
from models.dossier import DossierStatus
from models.procedure import Procedure
from models.state import DossierState

RUNNING = frozenset({DossierStatus.received, DossierStatus.in_review})


class Clock:
    def __init__(self, procedure: Procedure, state: DossierState, calendar: WorkingCalendar):
        self.procedure = procedure
        self.calendar = calendar
        self._state = state
        self._alarm: asyncio.Task[None] | None = None
        self._target: datetime | None = None
        self._rang = False

    # --- what is pending ------------------------------------------------------------------

    def today(self) -> date:
        return workflow.now().astimezone(VIETNAM).date()

    def stage_due(self, entered_at: datetime, working_days: int) -> datetime:
        start = self.calendar.receipt_day(entered_at)
        return close_of_day(self.calendar.add_working_days(start, working_days))

    def risk_at(self, due: date) -> datetime:
        """From the start of the working day before the due date, less than two days are left:
        the last day on which an apology can still come one working day ahead."""
        day = due - timedelta(days=1)
        while not self.calendar.is_working_day(day):
            day -= timedelta(days=1)
        return datetime.combine(day, time(0, 0), VIETNAM)

    def pending(self) -> list[tuple[datetime, str]]:
        """The deadlines still ahead of a running dossier, as (when, what)."""
        state = self._state
        if state.status == DossierStatus.awaiting_payment and state.payment is not None:
            # only the applicant's time to pay runs (never in histories from before payments)
            return [(state.payment.pay_by, "payment")] if state.payment.pay_by else []
        if state.status not in RUNNING:
            return []
        ahead: list[tuple[datetime, str]] = []
        visit = state.visits[-1] if state.visits else None
        if state.stage_due_at and visit is not None and not visit.late:
            ahead.append((state.stage_due_at, "stage"))
        if state.due_date is not None:
            if not state.at_risk and state.apology is None:
                ahead.append((self.risk_at(state.due_date), "risk"))
            if not state.overdue:
                ahead.append((close_of_day(state.due_date), "overdue"))
        return sorted(ahead)

    def budgets_left(self) -> int:
        """Working days the chain still needs: the current stage's remainder and the rest."""
        state = self._state
        if state.stage is None:
            return 0
        position = self.procedure.index(state.stage)
        rest = sum(s.working_days for s in self.procedure.chain[position + 1 :])
        current = 0
        if state.stage_due_at is not None:
            current = self.calendar.working_days_between(
                self.today(), state.stage_due_at.astimezone(VIETNAM).date()
            )
        return current + rest

    def days_left(self) -> int | None:
        if self._state.due_date is None:
            return None
        return self.calendar.working_days_between(self.today(), self._state.due_date)

    # --- the alarm ------------------------------------------------------------------------

    def reschedule(self) -> None:
        ahead = self.pending()
        target = ahead[0][0] if ahead else None
        if target == self._target and (target is None or self._alarm is not None):
            return
        self.stop()
        self._target = target
        if target is not None:

            async def ring() -> None:
                await workflow.sleep(max(target - workflow.now(), timedelta(seconds=1)))
                self._rang = True

            self._alarm = asyncio.create_task(ring())

    def rang(self) -> bool:
        return self._rang

    def passed(self) -> list[str]:
        """The deadlines that have passed now; the alarm is re-armed by the next reschedule."""
        self._rang = False
        self._alarm, self._target = None, None
        now = workflow.now()
        return [what for when, what in self.pending() if when <= now]

    def stop(self) -> None:
        if self._alarm is not None and not self._alarm.done():
            self._alarm.cancel()
        self._alarm, self._target, self._rang = None, None, False

    # --- moving dates ---------------------------------------------------------------------

    def shift(self, moment: datetime, working_days: int) -> datetime:
        day = self.calendar.add_working_days(moment.astimezone(VIETNAM).date(), working_days)
        return close_of_day(day)

    def shift_day(self, day: date, working_days: int) -> date:
        return self.calendar.add_working_days(day, working_days)

    def working_days_since(self, start: datetime) -> int:
        return self.calendar.working_days_between(start.astimezone(VIETNAM).date(), self.today())
