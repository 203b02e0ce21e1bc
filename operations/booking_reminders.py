"""A booking's reminder (nhắc lịch hẹn), sent the working day before its slot: one
BookingReminderWorkflow per booking and slot, started when the booking is made or moved."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import structlog
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError

from models.booking import BookingReminder
from models.calendar import VIETNAM, WorkingCalendar
from operations.access import utc_now
from operations.appointments import Booking
from operations.services import Services
from support.calendars import calendar_for
from workflows.booking_reminder import BookingReminderWorkflow, reminder_id

log = structlog.get_logger()
REMINDER_TIME = time(8, 0)


def remind_at(calendar: WorkingCalendar, slot_start: datetime, now: datetime) -> datetime:
    """08:00 on the working day before the slot's day; at once when that has passed."""
    day = slot_start.astimezone(VIETNAM).date() - timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return max(datetime.combine(day, REMINDER_TIME, VIETNAM).astimezone(UTC), now)


async def schedule_reminder(services: Services, client: Client, booking: Booking) -> None:
    """Starts the booking's reminder for its slot (one workflow per booking and slot; a slot
    given up leaves its reminder to find that out and send nothing)."""
    now = utc_now()
    slot = booking.start.astimezone(UTC)
    reminder = BookingReminder(
        code=booking.code,
        slot_start=slot,
        remind_at=remind_at(calendar_for(now, services.settings), slot, now),
    )
    try:
        await client.start_workflow(
            BookingReminderWorkflow.run,
            reminder,
            id=reminder_id(booking.code, int(slot.timestamp())),
            task_queue=services.settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    except RPCError as exc:
        # The booking holds without its reminder: the citizen has the code, the counter the queue.
        log.warning("booking_reminder_unscheduled", booking=booking.code, error=type(exc).__name__)
