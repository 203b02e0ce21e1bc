"""Capacity holds under contention: many requests at once for the last place of a slot give
exactly one booking (the database's unique place per counter and slot decides, not a count)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime

import httpx
import pytest
from sqlmodel import col, select

from models.tables import BookingRecord
from tests.appointments.conftest import Counters, citizen

pytestmark = pytest.mark.timeout(180)


async def test_fifty_requests_for_the_last_place_give_one_booking(counters: Counters) -> None:
    slot = (await counters.slots())[0]
    assert (await counters.book(slot["start"], **citizen(1))).status_code == 201

    async def one(n: int) -> httpx.Response:
        async with httpx.AsyncClient(base_url=str(counters.http.base_url), timeout=60) as http:
            return await http.post(
                "/api/v1/public/appointments",
                json={"procedure": "2.000635", "start": slot["start"], **citizen(100 + n)},
            )

    answers = await asyncio.gather(*(one(n) for n in range(50)))
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {201: 1, 409: 49}, statuses
    assert all(a.json()["type"].endswith("/slot-full") for a in answers if a.status_code == 409)

    start = datetime.fromisoformat(slot["start"])
    with counters.sessions() as session:
        held = session.exec(
            select(BookingRecord).where(
                BookingRecord.slot_start == start, col(BookingRecord.place).is_not(None)
            )
        ).all()
    assert sorted(b.place for b in held) == [1, 2]
    free = {s["start"]: s["free"] for s in await counters.slots()}
    assert free[slot["start"]] == 0


async def test_a_full_slot_takes_a_move_no_more(counters: Counters) -> None:
    first, second = (await counters.slots())[:2]
    for n in (1, 2):
        assert (await counters.book(first["start"], **citizen(n))).status_code == 201
    code = (await counters.book(second["start"], **citizen(3))).json()["code"]
    moved = await counters.http.post(
        f"/api/v1/public/appointments/{code}/move",
        json={"phone": "0912345678", "start": first["start"]},
    )
    assert moved.status_code == 409
    kept = await counters.http.get(
        f"/api/v1/public/appointments/{code}", headers={"Hoso-Phone": "0912345678"}
    )
    assert kept.json()["start"] == datetime.fromisoformat(second["start"]).isoformat()


async def test_one_person_asking_for_many_slots_at_once_holds_no_more_than_the_limit(
    counters: Counters,
) -> None:
    slots = (await counters.slots(days=14))[:40]
    limit = counters.settings.appointments_per_person

    async def one(start: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=str(counters.http.base_url), timeout=60) as http:
            return await http.post(
                "/api/v1/public/appointments",
                json={"procedure": "2.000635", "start": start, **citizen(7)},
            )

    answers = await asyncio.gather(*(one(slot["start"]) for slot in slots))
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {201: limit, 422: len(slots) - limit}, statuses
    refused = [a.json() for a in answers if a.status_code == 422]
    assert all(r["type"].endswith("/booking-refused") for r in refused)
    with counters.sessions() as session:
        held = session.exec(
            select(BookingRecord).where(BookingRecord.id_number == citizen(7)["id_number"])
        ).all()
    assert len(held) == limit
