"""Appointments at the counter, the citizen's door (public): the open slots of a procedure, a
booking, and the booking shown, moved or cancelled with its code and phone number. The phone
travels in a header or the body, never in a URL (URLs are logged). Requests from one address are
limited (`HOSO_API_RATE_BOOKINGS`), so codes cannot be tried at speed."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from api.dependencies import ClientDep, RateLimitsDep, ServicesDep
from api.responses import PROBLEMS
from models.procedure import ProcedureCode
from operations import appointments
from operations.appointments import Booking, BookingMove, BookingRequest, SlotList
from operations.booking_reminders import schedule_reminder

SVG = "image/svg+xml"


async def _limited(request: Request, limits: RateLimitsDep) -> None:
    await limits.booking(request)


router = APIRouter(
    prefix="/api/v1/public/appointments", tags=["appointments"], dependencies=[Depends(_limited)]
)
Code = Annotated[
    str,
    Path(pattern=r"^[A-Za-z0-9-]{1,20}$", description="the booking's code, e.g. 7KQ2-M9XA"),
]
PhoneHeader = Annotated[str, Header(max_length=20, description="the phone number booked with")]


@router.get("/slots", response_model=SlotList, responses=PROBLEMS(404, 429))
def get_slots(
    services: ServicesDep,
    procedure: Annotated[ProcedureCode, Query(max_length=20)],
    start: Annotated[
        date | None, Query(alias="from", description="first day (default today)")
    ] = None,
    days: Annotated[int, Query(ge=1, le=31)] = 7,
) -> SlotList:
    """The slots of the counters receiving the procedure, each with its free places: none on a
    day off, slots on a weekend day worked in exchange."""
    return appointments.slots(services, procedure, start, days)


@router.post(
    "", status_code=201, response_model=Booking, responses=PROBLEMS(400, 404, 409, 422, 429)
)
async def book(
    request_body: BookingRequest, services: ServicesDep, client: ClientDep
) -> JSONResponse:
    """Books one place of a slot: the booking's code (keep it, with the phone number, to move or
    cancel it) and the content of its QR code; an email given gets a reminder the working day
    before. A full slot is 409; one identity number holds at
    most `HOSO_APPOINTMENTS_PER_PERSON` future bookings."""
    booking = await asyncio.to_thread(appointments.book, services, request_body)
    await schedule_reminder(services, client, booking)
    return JSONResponse(
        booking.model_dump(mode="json"),
        status_code=201,
        headers={"Location": f"/api/v1/public/appointments/{booking.code}"},
    )


@router.get("/{code}", response_model=Booking, responses=PROBLEMS(404, 429))
def get_booking(code: Code, hoso_phone: PhoneHeader, services: ServicesDep) -> Booking:
    """The booking, for whoever holds its code and phone number (else 404)."""
    return appointments.read(services, code, hoso_phone)


@router.get(
    "/{code}/qr.svg",
    response_class=Response,
    responses={200: {"content": {SVG: {"schema": {"type": "string"}}}}, **PROBLEMS(404, 429)},
)
def get_qr(code: Code, hoso_phone: PhoneHeader, services: ServicesDep) -> Response:
    """The booking's QR code (SVG), which the counter scans to check the citizen in."""
    svg = appointments.qr_svg(services, code, hoso_phone)
    return Response(svg, media_type=SVG, headers={"Cache-Control": "no-store"})


@router.post("/{code}/cancel", response_model=Booking, responses=PROBLEMS(400, 404, 409, 429))
def cancel(code: Code, key: appointments.BookingKey, services: ServicesDep) -> Booking:
    """Cancels the booking (its place is free again at once); a used booking is 409."""
    return appointments.cancel(services, code, key.phone)


@router.post("/{code}/move", response_model=Booking, responses=PROBLEMS(400, 404, 409, 422, 429))
async def move(
    code: Code, change: BookingMove, services: ServicesDep, client: ClientDep
) -> Booking:
    """Moves the booking to another slot; it keeps its place until it has the new one. The
    reminder follows it."""
    booking = await asyncio.to_thread(appointments.move, services, code, change)
    await schedule_reminder(services, client, booking)
    return booking
