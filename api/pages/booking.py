"""The citizen's booking page (đặt lịch hẹn tại Bộ phận Một cửa): choose a procedure (with the
one-stop unit that receives it), see the free slots of the coming working days, book with name,
phone and identity number, and get the booking's code and QR code. The API's operations
(operations/appointments.py) do the work; requests count against the address's booking limit,
as the API's do. Bad input is said beside its field and nothing is recorded."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import groupby
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.pages import booking_messages as say
from api.pages.form_fields import FieldErrors, again, page_router
from api.pages.guard import BookingLimitDep, CsrfDep, services_of
from api.pages.names import catalogue_names
from api.pages.rendering import render
from models.calendar import VIETNAM
from operations import appointments
from operations.access import utc_now
from operations.appointments import BookingRefused, BookingRequest, OpenSlot, SlotFull
from operations.booking_reminders import schedule_reminder
from operations.errors import NotFound
from operations.services import Services

router = page_router(dependencies=[BookingLimitDep])
DAYS = 7  # the calendar days a page of slots shows
Short = Annotated[str, Form(max_length=40)]
Long = Annotated[str, Form(max_length=300)]
BOOKING_FIELDS = ("start", "name", "phone", "id_number", "email")


def slot_days(slots: Iterable[OpenSlot]) -> list[tuple[date, list[OpenSlot]]]:
    """The slots grouped by their day in Vietnam."""
    return [
        (day, list(group))
        for day, group in groupby(slots, key=lambda s: s.start.astimezone(VIETNAM).date())
    ]


async def slot_context(services: Services, procedure: str, first: date | None) -> dict[str, Any]:
    found = await asyncio.to_thread(appointments.slots, services, procedure, first, DAYS)
    shown_from = max(first or date.min, utc_now().astimezone(VIETNAM).date())
    following = shown_from + timedelta(days=DAYS)
    return {"slot_list": found, "days": slot_days(found.slots), "following": following}


def day_of(text: str) -> date | None:
    """The `from` of the address, if it is a plausible date (else the coming days)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2999 else None


async def _page(
    request: Request,
    procedure: str | None,
    first: date | None = None,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    services = services_of(request)
    context: dict[str, Any] = {
        "procedures": await asyncio.to_thread(appointments.bookable, services),
        "names": catalogue_names(services.sessions),
        "procedure": procedure,
        "values": {},
        "errors": {},
    }
    if procedure:
        try:
            context |= await slot_context(services, procedure, first)
        except NotFound:
            context |= {"error": say.NO_PROCEDURE}
            status = 404
    return render(request, "booking.html", context | (extra or {}), status=status)


@router.get("/appointments")
async def booking_page(
    request: Request,
    procedure: Annotated[str | None, Query(max_length=20)] = None,
    first: Annotated[str, Query(alias="from", max_length=10)] = "",
) -> Response:
    return await _page(request, procedure, day_of(first))


async def _book_again(request: Request, errors: FieldErrors) -> Response:
    """The booking form again with what was typed; nothing booked."""
    form = await request.form()
    values = {name: str(form.get(name) or "")[:300] for name in BOOKING_FIELDS}
    return await _again(request, str(form.get("procedure") or "")[:20], values, errors, 400)


@router.post("/appointments", dependencies=[CsrfDep])
@again(_book_again)
async def book(
    request: Request,
    procedure: Short = "",
    name: Long = "",
    phone: Short = "",
    id_number: Short = "",
    start: Short = "",
    email: Long = "",
) -> Response:
    services = services_of(request)
    values = {"start": start, "name": name, "phone": phone, "id_number": id_number, "email": email}
    try:
        asked = BookingRequest.model_validate(
            {**values, "procedure": procedure, "email": email.strip() or None}
        )
        booking = await asyncio.to_thread(appointments.book, services, asked)
    except ValidationError as exc:
        return await _again(request, procedure, values, say.field_errors(exc), 422)
    except BookingRefused as exc:
        return await _again(request, procedure, values, say.refusal(exc), 422)
    except SlotFull:
        return await _again(request, procedure, values, {"start": say.FULL}, 409)
    except NotFound:
        return await _page(request, procedure)
    await schedule_reminder(services, await services.client(), booking)
    context = {
        "booking": booking,
        "qr": appointments.qr_of(booking),
        "names": catalogue_names(services.sessions),
    }
    return render(request, "booking_done.html", context, status=201)


async def _again(
    request: Request, procedure: str, values: dict[str, str], errors: dict[str, str], status: int
) -> Response:
    """The form again with what was typed and a message beside each refused field."""
    if "procedure" in errors:
        return await _page(request, None, extra={"error": say.NO_PROCEDURE}, status=status)
    extra = {"values": values, "errors": errors}
    return await _page(request, procedure, extra=extra, status=status)
