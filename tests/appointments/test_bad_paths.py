"""Each bad path of an appointment, end to end through the API: a clear error, and nothing
changed in the bookings: a full slot, a slot on the next holiday (found from the calendar and the
clock), a slot past, a cancelled booking presented at the counter, a booking checked in twice, a
booking moved to a full slot (it keeps its old one)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import select

from models.calendar import VIETNAM
from models.tables import BookingRecord
from tests.appointments.conftest import EXTRACT, Counters, citizen, situations
from tests.appointments.test_counter import booked_today

pytestmark = pytest.mark.timeout(180)
PHONE = {"Hoso-Phone": "0912345678"}


@pytest.fixture
def days_ahead() -> int:
    """As far ahead as a unit may open its slots: a weekday holiday always falls within."""
    return 180


def rows(counters: Counters) -> list[tuple[Any, ...]]:
    """Every booking as the counter and the reports see it."""
    with counters.sessions() as session:
        found = session.exec(select(BookingRecord).order_by(BookingRecord.code)).all()
        return [
            (b.code, b.status, b.slot_start, b.counter, b.place, b.checked_in_at, b.closed_at)
            for b in found
        ]


def next_weekday_holiday(counters: Counters) -> date:
    """The first holiday on a weekday after today, from the working calendar and the clock."""
    today = datetime.now(VIETNAM).date()
    last = today + timedelta(days=counters.settings.appointments_days_ahead)
    days = sorted(
        h.day
        for h in situations().calendar.holidays
        if today < h.day <= last and h.day.weekday() < 5
    )
    if not days:
        pytest.skip(f"no weekday holiday between {today} and {last}")
    return days[0]


async def test_a_full_slot_is_refused_and_records_nothing(counters: Counters) -> None:
    slot = (await counters.slots())[0]
    for n in (1, 2):
        assert (await counters.book(slot["start"], **citizen(n))).status_code == 201
    before = rows(counters)
    full = await counters.book(slot["start"], **citizen(3))
    assert full.status_code == 409
    assert full.json()["type"].endswith("/slot-full")
    assert "every place of this slot is taken" in full.json()["detail"]
    assert rows(counters) == before


async def test_a_slot_on_the_next_holiday_is_neither_listed_nor_booked(
    counters: Counters,
) -> None:
    holiday = next_weekday_holiday(counters)
    calendar = situations().calendar
    assert await counters.slots(**{"from": holiday.isoformat(), "days": 1}) == []
    after = holiday + timedelta(days=1)
    while not calendar.is_working_day(after):
        after += timedelta(days=1)
    if after > datetime.now(VIETNAM).date() + timedelta(
        days=counters.settings.appointments_days_ahead
    ):
        pytest.skip(f"the working day after {holiday} is beyond the days one may book")
    listed = await counters.slots(**{"from": after.isoformat(), "days": 1})
    at_nine = datetime.combine(after, time(9), VIETNAM)
    assert at_nine in [datetime.fromisoformat(s["start"]) for s in listed], "the day after opens"

    before = rows(counters)
    refused = await counters.book(datetime.combine(holiday, time(9), VIETNAM).isoformat())
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/booking-refused")
    assert "no slot begins then (a day off" in refused.json()["detail"]
    assert rows(counters) == before


async def test_a_slot_past_is_refused_and_records_nothing(counters: Counters) -> None:
    first = datetime.fromisoformat((await counters.slots())[0]["start"])
    before = rows(counters)
    for past in (first - timedelta(days=7), datetime.now(VIETNAM) - timedelta(minutes=1)):
        refused = await counters.book(past.isoformat())
        assert refused.status_code == 422, refused.text
        assert "this slot has begun or is past" in refused.json()["detail"]
    assert rows(counters) == before


async def test_a_cancelled_booking_is_not_checked_in_nor_a_booking_twice(
    counters: Counters,
) -> None:
    came, cancelled = booked_today(counters.sessions, 1), booked_today(counters.sessions, 2)
    gone = await counters.http.post(
        f"/api/v1/public/appointments/{cancelled}/cancel", json={"phone": "0912345678"}
    )
    assert gone.status_code == 200
    reception = counters.auth("xa.reception")
    before = rows(counters)
    refused = await counters.http.post(
        "/api/v1/counter/check-ins", json={"code": f"hoso:booking:{cancelled}"}, auth=reception
    )
    assert refused.status_code == 409
    assert "cancelled" in refused.json()["detail"]
    assert rows(counters) == before

    first = await counters.http.post(
        "/api/v1/counter/check-ins", json={"code": came}, auth=reception
    )
    assert first.status_code == 200 and first.json()["status"] == "checked_in"
    checked = rows(counters)
    twice = await counters.http.post(
        "/api/v1/counter/check-ins", json={"code": came}, auth=reception
    )
    assert twice.status_code == 409
    assert "checked in" in twice.json()["detail"]
    assert rows(counters) == checked


async def test_a_booking_moved_to_a_full_slot_keeps_its_old_one(counters: Counters) -> None:
    first, second = (await counters.slots())[:2]
    for n in (1, 2):
        assert (await counters.book(second["start"], **citizen(n))).status_code == 201
    code = (await counters.book(first["start"], **citizen(3))).json()["code"]
    before = rows(counters)
    moved = await counters.http.post(
        f"/api/v1/public/appointments/{code}/move",
        json={"phone": "0912345678", "start": second["start"]},
    )
    assert moved.status_code == 409
    assert moved.json()["type"].endswith("/slot-full")
    assert rows(counters) == before
    kept = await counters.http.get(f"/api/v1/public/appointments/{code}", headers=PHONE)
    assert datetime.fromisoformat(kept.json()["start"]) == datetime.fromisoformat(first["start"])
    free = {s["start"]: s["free"] for s in await counters.slots()}
    assert (free[first["start"]], free[second["start"]]) == (1, 0)
    assert kept.json()["procedure"] == EXTRACT
