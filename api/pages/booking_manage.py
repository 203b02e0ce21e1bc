"""A booking seen, moved or cancelled by whoever holds its code and phone number (both travel
in the form's body, never in an address). A wrong pair reads as an unknown booking; a refused
change leaves the booking as it was, with the reason beside the field."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.pages import booking_messages as say
from api.pages.booking import Short, slot_context
from api.pages.form_fields import FieldErrors, again, page_router
from api.pages.guard import BookingLimitDep, CsrfDep, services_of
from api.pages.names import catalogue_names
from api.pages.rendering import render
from operations import appointments
from operations.appointments import Booking, BookingMove, BookingRefused, SlotFull
from operations.booking_reminders import schedule_reminder
from operations.errors import Conflict, NotFound

router = page_router(dependencies=[BookingLimitDep])
Code = Annotated[str, Form(max_length=20)]


def _form(
    request: Request, code: str = "", errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    context = {"code": code, "errors": errors or {}}
    return render(request, "booking_manage.html", context, status=status)


async def _shown(
    request: Request,
    booking: Booking,
    phone: str,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The booking with its QR code, and the slots it may move to while it is still booked."""
    services = services_of(request)
    context: dict[str, Any] = {
        "booking": booking,
        "phone": phone,
        "qr": appointments.qr_of(booking),
        "names": catalogue_names(services.sessions),
        "errors": {},
    }
    if booking.status == "booked":
        with contextlib.suppress(NotFound):  # counters no longer taking it: it can be cancelled
            context |= await slot_context(services, booking.procedure, None)
    return render(request, "booking_manage.html", context | (extra or {}), status=status)


async def _manage_again(request: Request, errors: FieldErrors) -> Response:
    """The code and phone form again, the code kept; no booking read or changed."""
    typed = (await request.form()).get("code")
    return _form(request, typed[:20] if isinstance(typed, str) else "", errors, 400)


@router.get("/appointments/manage")
async def manage_page(request: Request) -> Response:
    return _form(request)


@router.post("/appointments/manage", dependencies=[CsrfDep])
@again(_manage_again)
async def manage(request: Request, code: Code, phone: Short) -> Response:
    try:
        booking = await asyncio.to_thread(appointments.read, services_of(request), code, phone)
    except NotFound:
        return _form(request, code, {"code": say.NOT_FOUND}, 404)
    return await _shown(request, booking, phone)


@router.post("/appointments/cancel", dependencies=[CsrfDep])
@again(_manage_again)
async def cancel(request: Request, code: Code, phone: Short) -> Response:
    services = services_of(request)
    try:
        booking = await asyncio.to_thread(appointments.cancel, services, code, phone)
    except NotFound:
        return _form(request, code, {"code": say.NOT_FOUND}, 404)
    except Conflict:
        booking = await asyncio.to_thread(appointments.read, services, code, phone)
        return await _shown(request, booking, phone, {"error": say.UNUSED}, 409)
    return await _shown(request, booking, phone, {"done": say.CANCELLED})


@router.post("/appointments/move", dependencies=[CsrfDep])
@again(_manage_again)
async def move(request: Request, code: Code, phone: Short, start: Short = "") -> Response:
    services = services_of(request)
    try:
        change = BookingMove.model_validate({"phone": phone, "start": start})
        booking = await asyncio.to_thread(appointments.move, services, code, change)
    except NotFound:
        return _form(request, code, {"code": say.NOT_FOUND}, 404)
    except ValidationError as exc:
        return await _refused(request, code, phone, say.field_errors(exc), 422)
    except BookingRefused as exc:
        return await _refused(request, code, phone, say.refusal(exc), 422)
    except SlotFull:
        return await _refused(request, code, phone, {"start": say.FULL}, 409)
    except Conflict:
        return await _refused(request, code, phone, {}, 409)
    await schedule_reminder(services, await services.client(), booking)
    return await _shown(request, booking, phone, {"done": say.MOVED})


async def _refused(
    request: Request, code: str, phone: str, errors: dict[str, str], status: int
) -> Response:
    """The booking as it still is, with the reason beside the slots (or above, for a booking
    that can no longer change: no errors given)."""
    try:
        booking = await asyncio.to_thread(appointments.read, services_of(request), code, phone)
    except NotFound:
        return _form(request, code, {"code": say.NOT_FOUND}, 404)
    extra = {"errors": errors} if errors else {"error": say.UNUSED}
    return await _shown(request, booking, phone, extra, status)
