"""A dossier's time in working days, as its status shows it (the API and `hoso status`): used, left,
suspended, apology."""

from __future__ import annotations

from datetime import UTC, datetime

from models.calendar import VIETNAM, WorkingCalendar
from models.state import DossierState


def time_counts(
    state: DossierState, calendar: WorkingCalendar, now: datetime | None = None
) -> tuple[int, int, int] | None:
    """(used, left, late) in working days, suspensions excluded; None before reception."""
    if state.received_at is None or state.due_date is None:
        return None
    moment = state.closed_at or now or datetime.now(UTC)
    today = moment.astimezone(VIETNAM).date()
    start = calendar.receipt_day(state.received_at)
    suspended = state.suspended_days()
    used = max(calendar.working_days_between(start, today) - suspended, 0)
    left = calendar.working_days_left(state.received_at, today, state.due_date)
    late = calendar.working_days_between(state.due_date, today)
    return used, left, late


def time_fields(
    state: DossierState, calendar: WorkingCalendar, now: datetime | None = None
) -> list[tuple[str, str]]:
    """Rows for the status panel; empty until the dossier is received (no clock runs before)."""
    counted = time_counts(state, calendar, now)
    if counted is None:
        return []
    used, left, late = counted
    fields = [("time used", f"{used} working days (suspensions excluded)")]
    if state.closed_at is None:
        fields.append(
            ("time left", f"{left} working days" if not late else f"{late} working days late")
        )
    if state.earlier.suspensions:
        fields.append(
            (
                "suspended",
                f"{state.earlier.suspensions} earlier suspensions:"
                f" {state.earlier.suspended_days} working days",
            )
        )
    for pause in state.suspensions:
        until = pause.ended_at.astimezone(VIETNAM).strftime("%Y-%m-%d") if pause.ended_at else "now"
        began = pause.started_at.astimezone(VIETNAM).strftime("%Y-%m-%d")
        fields.append(
            (
                "suspended",
                f"{began} → {until}: {pause.working_days} working days ({pause.stage}"
                + (", the council's revisions)" if pause.reason == "revisions" else ")"),
            )
        )
    if state.apology is not None:
        apology = state.apology
        fields.append(
            (
                "apology",
                f"{apology.officer}: due {apology.previous_due_date} → {apology.new_due_date}"
                f" “{apology.reason}”",
            )
        )
    flags = [name for name, on in (("overdue", state.overdue), ("at risk", state.at_risk)) if on]
    if flags:
        fields.append(("flags", ", ".join(flags)))
    late_stages = [v.stage for v in state.visits if v.late]
    if late_stages:
        fields.append(("late stages", ", ".join(late_stages)))
    return fields
