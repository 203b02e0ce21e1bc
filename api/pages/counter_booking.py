"""A checked-in booking's dossier entered at the counter: the counter's entry form for the
booking's procedure, its applicant's name, identity number and phone filled in from the
booking, sent to the API's start-from-booking (`counter_desk.start_dossier`: received at the
counter by this officer, its reference `booking:<code>`, the booking then served)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from api.pages.counter import entry_page, receive, refused
from api.pages.counter_queue import UNKNOWN, BookingCode, why_not
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, OfficerDep, services_of
from api.pages.rendering import render
from models.procedure import Procedure
from operations import counter_desk
from operations.counter_desk import QueueEntry
from operations.counter_intake import counter_procedures
from operations.errors import Conflict, Forbidden, NotFound
from operations.signin import WebCaller
from operations.submission import SubmissionReceipt
from operations.uploads import UploadFolder
from support.intake import DossierFile

router = page_router()


def _error(request: Request, signed: WebCaller, message: str, status: int) -> Response:
    context = {"officer": signed.caller.officer, "message": message}
    return render(request, "error.html", context, status=status, cookie=signed.cookie)


def _booking(
    request: Request, signed: WebCaller, code: str
) -> tuple[list[Procedure], Procedure, QueueEntry]:
    """The unit's procedures, the booking's and the booking: Forbidden to anyone but the unit's
    reception officers, NotFound for a booking of another unit (or of a procedure the unit no
    longer receives)."""
    services = services_of(request)
    procedures = counter_procedures(services, signed.caller)
    entry = counter_desk.read(services, signed.caller, code)
    chosen = next((p for p in procedures if p.code == entry.procedure), None)
    if chosen is None:
        raise NotFound("the booking's procedure is not received at your unit")
    return procedures, chosen, entry


def _not_ready(request: Request, signed: WebCaller, entry: QueueEntry) -> Response:
    """A booking whose citizen is not checked in (or whose dossier was entered): 409."""
    words, values = why_not(entry, "start")
    context = {"officer": signed.caller.officer, "message": words, "values": values}
    return render(request, "error.html", context, status=409, cookie=signed.cookie)


@router.get("/counter/bookings/{code}/dossier")
async def booking_dossier_form(request: Request, signed: OfficerDep, code: BookingCode) -> Response:
    """The entry form filled in from a checked-in booking."""
    try:
        procedures, chosen, entry = _booking(request, signed, code)
    except Forbidden:
        return refused(request, signed)
    except NotFound:
        return _error(request, signed, UNKNOWN, 404)
    if entry.status != "checked_in":
        return _not_ready(request, signed, entry)
    values = {"name": entry.name, "id_number": entry.id_number, "phone": entry.phone}
    return entry_page(request, signed, procedures, chosen, values=values, booking=entry)


@router.post("/counter/bookings/{code}/dossier", dependencies=[CsrfDep])
async def start_booking_dossier(
    request: Request, signed: OfficerDep, code: BookingCode
) -> Response:
    """The booking's dossier received at the counter: refused beside its fields (422, nothing
    recorded), a booking not checked in 409, or received with its code and lookup secret."""
    services = services_of(request)
    try:
        procedures, chosen, entry = _booking(request, signed, code)
    except Forbidden:
        return refused(request, signed)
    except NotFound:
        return _error(request, signed, UNKNOWN, 404)
    if entry.status not in ("checked_in", "started"):
        return _not_ready(request, signed, entry)

    async def started(dossier: DossierFile, uploads: UploadFolder) -> SubmissionReceipt:
        client = await services.client()
        return await counter_desk.start_dossier(
            services, client, signed.caller, entry.code, dossier, uploads
        )

    form = await request.form()  # as the CSRF check read it, with its limits
    try:
        return await receive(request, signed, procedures, chosen, form, started, entry)
    except Conflict:
        return _not_ready(request, signed, counter_desk.read(services, signed.caller, entry.code))
    finally:
        await form.close()
