"""BookingReminderWorkflow: the reminder of a booking at the counter, sent the working day
before its slot. One workflow per booking and slot (`booking-reminder-<code>-<slot>`): a booking
moved gets a new one, and the old one, waking, finds its slot changed and sends nothing; nor does
one whose booking was cancelled (the activity reads the booking when it is time)."""

from __future__ import annotations

from temporalio import workflow

from models.activity_interfaces import REMIND_BOOKING
from models.booking import BookingReminder
from workflows.effects import run


def reminder_id(code: str, slot_start_epoch: int) -> str:
    return f"booking-reminder-{code}-{slot_start_epoch}"


@workflow.defn
class BookingReminderWorkflow:
    def __init__(self) -> None:
        self._reminder: BookingReminder | None = None

    @workflow.run
    async def run(self, reminder: BookingReminder) -> str:
        self._reminder = reminder
        wait = reminder.remind_at - workflow.now()
        if wait.total_seconds() > 0:
            await workflow.sleep(wait)
        return await run(REMIND_BOOKING, reminder)

    @workflow.query
    def reminder(self) -> BookingReminder | None:
        """The booking and slot it reminds of, and when."""
        return self._reminder
