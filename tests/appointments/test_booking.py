"""A citizen books a slot at the counter, gets its code, QR code and reminder, moves and
cancels it; the slots follow the counters' hours and the working calendar."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest

from api.app import create_app
from models.calendar import VIETNAM
from tests.appointments.conftest import EXTRACT, Counters, citizen, situations

pytestmark = pytest.mark.timeout(120)


async def test_slots_are_within_the_hours_on_working_days_only(counters: Counters) -> None:
    slots = await counters.slots(days=14)
    calendar = situations().calendar
    assert slots, "two weeks without a slot"
    for slot in slots:
        start = datetime.fromisoformat(slot["start"]).astimezone(VIETNAM)
        end = datetime.fromisoformat(slot["end"]).astimezone(VIETNAM)
        assert calendar.is_working_day(start.date()), slot
        assert end - start == timedelta(minutes=30)
        begins, ends = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        in_morning = begins >= 7 * 60 + 30 and ends <= 11 * 60 + 30
        in_afternoon = begins >= 13 * 60 + 30 and ends <= 17 * 60
        assert in_morning or in_afternoon, slot
        assert slot["free"] == 2
        assert start > datetime.now(VIETNAM)


async def test_a_booking_gives_a_code_a_qr_code_and_a_reminder(
    counters: Counters, capfd: pytest.CaptureFixture[str]
) -> None:
    first = (await counters.slots())[0]
    response = await counters.book(first["start"])
    assert response.status_code == 201, response.text
    booking = response.json()
    code = booking["code"]
    assert booking["status"] == "booked"
    assert booking["qr"] == f"hoso:booking:{code}"
    assert response.headers["location"] == f"/api/v1/public/appointments/{code}"

    qr = await counters.http.get(
        f"/api/v1/public/appointments/{code}/qr.svg", headers={"Hoso-Phone": "+84912345678"}
    )
    assert qr.status_code == 200
    assert qr.headers["content-type"].startswith("image/svg+xml")
    assert qr.text.lstrip().startswith("<svg") and code in qr.text

    wrong = await counters.http.get(
        f"/api/v1/public/appointments/{code}", headers={"Hoso-Phone": "0987654321"}
    )
    assert wrong.status_code == 404
    assert "Nguyễn" not in wrong.text

    # The first slot's working day before has come already: the reminder goes at once.
    deadline = asyncio.get_running_loop().time() + 30
    while not counters.inbox.messages and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.2)
    assert counters.inbox.messages, "no reminder was sent"
    recipients, message = counters.inbox.messages[0]
    assert recipients == ["an@example.vn"]
    assert code in str(message["Subject"])
    start = datetime.fromisoformat(first["start"]).astimezone(VIETNAM)
    assert start.strftime("%d/%m/%Y") in str(message["Subject"])
    logged = "".join(capfd.readouterr())
    assert "booking_made" in logged and code in logged
    for personal in ("Nguyễn Văn An", "0912345678", "912 345 678", "001000012345", "an@example"):
        assert personal not in logged, f"{personal} was logged"


async def test_a_booking_moves_and_cancels_with_its_code_and_phone(counters: Counters) -> None:
    first, second = (await counters.slots())[:2]
    code = (await counters.book(first["start"])).json()["code"]
    path = f"/api/v1/public/appointments/{code}"

    moved = await counters.http.post(
        f"{path}/move", json={"phone": "0912345678", "start": second["start"]}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["start"] == datetime.fromisoformat(second["start"]).isoformat()
    free = {s["start"]: s["free"] for s in await counters.slots()}
    assert (free[first["start"]], free[second["start"]]) == (2, 1)

    refused = await counters.http.post(f"{path}/cancel", json={"phone": "0900000000"})
    assert refused.status_code == 404
    cancelled = await counters.http.post(f"{path}/cancel", json={"phone": "0912345678"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = await counters.http.post(f"{path}/cancel", json={"phone": "0912345678"})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    free = {s["start"]: s["free"] for s in await counters.slots()}
    assert free[second["start"]] == 2


async def test_one_identity_number_holds_at_most_three_future_bookings(
    counters: Counters,
) -> None:
    slots = await counters.slots()
    for slot in slots[:3]:
        assert (await counters.book(slot["start"])).status_code == 201
    fourth = await counters.book(slots[3]["start"])
    assert fourth.status_code == 422
    assert fourth.json()["type"].endswith("/booking-refused")
    assert "3 future bookings" in fourth.json()["detail"]
    other = await counters.book(slots[3]["start"], **citizen(99))
    assert other.status_code == 201


async def test_no_slot_on_a_day_off_nor_between_slots(counters: Counters) -> None:
    found = situations()
    now = datetime.now(VIETNAM)
    ahead = counters.settings.appointments_days_ahead
    days_off = [
        h.day
        for h in found.calendar.holidays
        if now.date() < h.day <= now.date() + timedelta(days=ahead) and h.day.weekday() < 5
    ]
    first = (await counters.slots())[0]
    between = datetime.fromisoformat(first["start"]) + timedelta(minutes=10)
    response = await counters.book(between.isoformat())
    assert response.status_code == 422
    assert "no slot begins then" in response.json()["detail"]
    bad_phone = await counters.book(first["start"], phone="12345")
    assert bad_phone.status_code == 422
    assert bad_phone.json()["errors"][0]["pointer"] == "/phone"
    if not days_off:
        pytest.skip(f"no weekday holiday within {ahead} days of {now.date()}")
    day = days_off[0]
    listed = await counters.slots(**{"from": day.isoformat(), "days": 1})
    assert listed == []
    at_nine = datetime.combine(day, datetime.min.time().replace(hour=9), VIETNAM)
    refused = await counters.book(at_nine.isoformat())
    assert refused.status_code == 422


async def test_an_unknown_procedure_has_no_slots(counters: Counters) -> None:
    response = await counters.http.get(
        "/api/v1/public/appointments/slots", params={"procedure": "9.999999"}
    )
    assert response.status_code == 404
    assert EXTRACT  # the sample one has slots (above)


async def test_public_booking_requests_are_limited_per_address(counters: Counters) -> None:
    limited = counters.settings.model_copy(update={"api_rate_bookings": "3/minute"})
    app = create_app(limited)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        params = {"procedure": EXTRACT}
        answers = [
            await http.get("/api/v1/public/appointments/slots", params=params) for _ in range(4)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1
