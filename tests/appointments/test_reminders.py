"""The reminder comes the working day before the slot, and only for a booking still held for
that slot: a moved or cancelled booking's old reminder sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from models.booking import BookingReminder
from models.calendar import VIETNAM
from tests.appointments.conftest import Counters, situations
from workflows.booking_reminder import BookingReminderWorkflow, reminder_id

pytestmark = pytest.mark.timeout(120)
PHONE = {"Hoso-Phone": "0912345678"}


async def later_slots(counters: Counters) -> list[dict[str, str]]:
    """Slots on a day whose working day before is after today: their reminders wait."""
    calendar, today = situations().calendar, datetime.now(VIETNAM).date()
    found = []
    for slot in await counters.slots(days=14):
        day = datetime.fromisoformat(slot["start"]).astimezone(VIETNAM).date()
        before = day - timedelta(days=1)
        while not calendar.is_working_day(before):
            before -= timedelta(days=1)
        if before > today:
            found.append(slot)
    assert found, "no slot within two weeks whose reminder waits"
    return found


async def test_the_reminder_waits_for_the_working_day_before(counters: Counters) -> None:
    slot = (await later_slots(counters))[0]
    code = (await counters.book(slot["start"])).json()["code"]
    start = datetime.fromisoformat(slot["start"])
    handle = counters.client.get_workflow_handle_for(
        BookingReminderWorkflow.run, reminder_id(code, int(start.timestamp()))
    )
    reminder = await handle.query(BookingReminderWorkflow.reminder)
    assert reminder is not None
    calendar, before = situations().calendar, start.astimezone(VIETNAM).date() - timedelta(days=1)
    while not calendar.is_working_day(before):
        before -= timedelta(days=1)
    assert reminder.remind_at == datetime.combine(before, time(8), VIETNAM)
    assert reminder.slot_start == start
    assert not counters.inbox.messages


async def test_a_moved_or_cancelled_booking_is_not_reminded(counters: Counters) -> None:
    first, second = (await later_slots(counters))[:2]
    code = (await counters.book(first["start"])).json()["code"]
    path = f"/api/v1/public/appointments/{code}"
    moved = await counters.http.post(
        f"{path}/move", json={"phone": "0912345678", "start": second["start"]}
    )
    assert moved.status_code == 200

    async def reminded_now(slot: dict[str, str]) -> str:
        """The reminder of `slot`, as its workflow sends it when its time comes."""
        start = datetime.fromisoformat(slot["start"])
        reminder = BookingReminder(code=code, slot_start=start, remind_at=datetime.now(UTC))
        return await counters.client.execute_workflow(
            BookingReminderWorkflow.run,
            reminder,
            id=f"test-{reminder_id(code, int(start.timestamp()))}",
            task_queue=counters.settings.task_queue,
        )

    assert await reminded_now(first) == "not sent: the booking moved to another slot"
    cancelled = await counters.http.post(f"{path}/cancel", json={"phone": "0912345678"})
    assert cancelled.status_code == 200
    assert await reminded_now(second) == "not sent: the booking is no longer held"
    assert not counters.inbox.messages
