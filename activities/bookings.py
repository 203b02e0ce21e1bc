"""Reminding a citizen of their booking at the counter, the working day before its slot, by
email through the outbox (sent once, like every notice); SMS when hoso has an SMS channel."""

from __future__ import annotations

import asyncio

import structlog
from sqlmodel import select
from temporalio import activity

from activities.database import SessionFactory
from activities.notify import NotificationActivities
from models.booking import BookingReminder
from models.calendar import VIETNAM
from models.counters import UnitCounters
from models.effects import Notification, Recipient
from models.tables import AgencyRecord, BookingRecord, CounterSetRecord, ProcedureRecord

log = structlog.get_logger()


class BookingActivities:
    def __init__(self, session_factory: SessionFactory, notifications: NotificationActivities):
        self._sessions = session_factory
        self._notifications = notifications

    @activity.defn
    async def remind_booking(self, reminder: BookingReminder) -> str:
        """Sends the reminder of a booking still held for this slot; says what it did."""
        structlog.contextvars.bind_contextvars(booking=reminder.code)
        notification = await asyncio.to_thread(self._notification, reminder)
        if isinstance(notification, str):
            log.info("booking_reminder_skipped", reason=notification)
            return notification
        missed = await self._notifications.send_notification(notification)
        return "sent" if missed is None else f"sent ({missed})"

    def _notification(self, reminder: BookingReminder) -> Notification | str:
        with self._sessions() as session:
            booking = session.get(BookingRecord, reminder.code)
            if booking is None or booking.status != "booked":
                return "not sent: the booking is no longer held"
            if booking.slot_start != reminder.slot_start:
                return "not sent: the booking moved to another slot"
            if booking.email is None and not self._notifications.sends_sms:
                return "not sent: the booking gave no email address (and no SMS gateway)"
            counters = session.get(CounterSetRecord, (booking.agency, booking.unit))
            agency = session.get(AgencyRecord, booking.agency)
            named = select(ProcedureRecord.name).where(
                ProcedureRecord.code == booking.procedure_code
            )
            procedure = session.exec(named.limit(1)).first()
        unit = UnitCounters.model_validate(counters.body) if counters else None
        names = {c.id: c.name for c in unit.counters} if unit else {}
        unit_name = (agency.units.get(booking.unit) if agency else None) or booking.unit
        start = booking.slot_start.astimezone(VIETNAM)
        return Notification(
            key=f"booking-reminder:{booking.code}:{start.isoformat()}",
            dossier_code=booking.code,
            template="booking_reminder",
            recipient=Recipient(audience="applicant", email=booking.email, phone=booking.phone),
            context={
                "code": booking.code,
                "name": booking.name,
                "day": start.date().isoformat(),
                "start": start.strftime("%H:%M"),
                "counter_name": names.get(booking.counter, booking.counter),
                "unit_name": f"{unit_name}, {agency.name}" if agency else unit_name,
                "procedure_name": procedure or booking.procedure_code,
            },
        )
