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
    @workflow.run
    async def run(self, reminder: BookingReminder) -> str:
        wait = reminder.remind_at - workflow.now()
        if wait.total_seconds() > 0:
            await workflow.sleep(wait)
        return await run(REMIND_BOOKING, reminder)
