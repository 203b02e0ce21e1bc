"""The counter's pages for the reception officers of a one-stop unit: a dossier brought in
person entered with its scans (the API's submission, received at the counter by this officer),
its code and lookup secret shown once, and its receipt (form 01) opened as PDF to print."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from api.forms import file_response
from api.pages import counter_form
from api.pages.counter_form import Problems
from api.pages.dossier import NOT_FOUND, Code
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, OfficerDep, services_of
from api.pages.names import catalogue_names
from api.pages.rendering import render
from models.dossier import Applicant
from models.procedure import DeliveryChannel, Procedure
from operations import forms
from operations.counter_desk import QueueEntry
from operations.counter_intake import counter_procedures, receive_at_counter
from operations.errors import Forbidden, NotFound
from operations.signin import WebCaller
from operations.submission import SubmissionReceipt
from operations.uploads import UploadFolder
from support.errors import IntakeError
from support.intake import DossierFile

router = page_router()
REFUSED = "Trang quầy tiếp nhận dành cho cán bộ tiếp nhận của bộ phận một cửa."
NOT_YET = (
    "Hồ sơ chưa có phiếu tiếp nhận: phiếu được lập khi hồ sơ được tiếp nhận (thao tác"
    " “Tiếp nhận” trên trang hồ sơ)."
)
KEY_PREFIX = "counter:"
NO_PROCEDURE = "Hãy chọn một thủ tục mà bộ phận của bạn tiếp nhận."
NOT_THE_BOOKINGS = "Số định danh khác với số của người đã đặt lịch hẹn."


def refused(request: Request, signed: WebCaller) -> Response:
    context = {"officer": signed.caller.officer, "message": REFUSED}
    return render(request, "error.html", context, status=403, cookie=signed.cookie)


def chosen_of(procedures: list[Procedure], code: str | None) -> Procedure | None:
    if code is None and len(procedures) == 1:
        return procedures[0]
    return next((p for p in procedures if p.code == code), None)


def entry_page(
    request: Request,
    signed: WebCaller,
    procedures: list[Procedure],
    chosen: Procedure | None,
    *,
    values: dict[str, str] | None = None,
    problems: Problems | None = None,
    status: int = 200,
    booking: QueueEntry | None = None,
) -> Response:
    """The entry form; for a booking's dossier, the booking's procedure only, its applicant's
    name, identity number and phone filled in."""
    context: dict[str, Any] = {
        "officer": signed.caller.officer,
        "procedures": procedures,
        "chosen": chosen,
        "booking": booking,
        "values": values or {},
        "problems": (problems or Problems()).fields,
        "form_key": KEY_PREFIX + uuid.uuid4().hex,
        "names": catalogue_names(services_of(request).sessions),
    }
    return render(request, "counter.html", context, status=status, cookie=signed.cookie)


def _refusal(
    request: Request,
    signed: WebCaller,
    procedures: list[Procedure],
    chosen: Procedure,
    values: dict[str, str],
    problems: Problems,
    booking: QueueEntry | None = None,
) -> Response:
    """The form again with what was typed and each problem beside its field; nothing recorded."""
    return entry_page(
        request,
        signed,
        procedures,
        chosen,
        values=values,
        problems=problems,
        status=422,
        booking=booking,
    )


@router.get("/counter")
async def counter_page(
    request: Request,
    signed: OfficerDep,
    procedure: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    try:
        procedures = counter_procedures(services_of(request), signed.caller)
    except Forbidden:
        return refused(request, signed)
    return entry_page(request, signed, procedures, chosen_of(procedures, procedure))


def _values(form: Any) -> dict[str, str]:
    names = (*counter_form.APPLICANT_FIELDS, "delivery", "procedure", "form_key")
    return {name: str(form.get(name) or "")[:500] for name in names}


@router.post("/counter/dossiers", dependencies=[CsrfDep])
async def enter_dossier(request: Request, signed: OfficerDep) -> Response:
    """The dossier entered at the counter: refused beside its fields (422, nothing recorded),
    or received, its code and lookup secret shown."""
    services = services_of(request)
    try:
        procedures = counter_procedures(services, signed.caller)
    except Forbidden:
        return refused(request, signed)
    form = await request.form()  # as the CSRF check read it, with its limits
    chosen = chosen_of(procedures, str(form.get("procedure") or "") or None)
    key = str(form.get("form_key") or "")

    async def received(dossier: DossierFile, uploads: UploadFolder) -> SubmissionReceipt:
        client = await services.client()
        return await receive_at_counter(
            services, client, signed.caller, dossier, uploads,
            form_key=key if key.startswith(KEY_PREFIX) else None,
        )  # fmt: skip

    try:
        if chosen is None:
            problems = Problems()
            problems.add("procedure", NO_PROCEDURE)
            values = _values(form)
            return entry_page(
                request, signed, procedures, None, values=values, problems=problems, status=422
            )
        return await receive(request, signed, procedures, chosen, form, received)
    finally:
        await form.close()


Send = Callable[[DossierFile, UploadFolder], Awaitable[SubmissionReceipt]]


def _read_entry(
    form: Any, chosen: Procedure, booking: QueueEntry | None
) -> tuple[Applicant | None, dict[str, list[UploadFile]], Problems]:
    """The applicant, the delivery and the files of the entry form, each problem by its field;
    a booking's dossier is for the person who booked (their identity number)."""
    problems = Problems()
    applicant = counter_form.applicant_of(form, problems)
    if str(form.get("delivery") or "") not in {channel.value for channel in chosen.delivery}:
        problems.add("delivery", counter_form.NO_DELIVERY)
    files = counter_form.files_by_kind(form, chosen)
    counter_form.required_present(chosen, files, problems)
    if booking is not None and applicant is not None and applicant.id_number != booking.id_number:
        problems.add("id_number", NOT_THE_BOOKINGS)
    return applicant, files, problems


async def receive(
    request: Request,
    signed: WebCaller,
    procedures: list[Procedure],
    chosen: Procedure,
    form: Any,
    send: Send,
    booking: QueueEntry | None = None,
) -> Response:
    """The entry form's dossier checked, its files uploaded and the dossier sent (`send`):
    refused beside its fields (422, nothing recorded), or received, its code and lookup secret
    shown."""
    services = services_of(request)
    values = _values(form)
    applicant, files, problems = _read_entry(form, chosen, booking)
    if problems or applicant is None:
        return _refusal(request, signed, procedures, chosen, values, problems, booking)
    with UploadFolder(services.store, services.settings.max_document_bytes) as uploads:
        entries = await counter_form.upload(uploads, files, problems)
        try:
            if problems:
                raise IntakeError("uploads refused")
            dossier = DossierFile(
                procedure=chosen.code,
                applicant=applicant,
                documents=entries,
                delivery=DeliveryChannel(values["delivery"]),
            )
            receipt = await send(dossier, uploads)
        except IntakeError as exc:
            if not problems:
                counter_form.place(exc, chosen, entries, problems)
            return _refusal(request, signed, procedures, chosen, values, problems, booking)
        except Forbidden:
            return refused(request, signed)
    context = {
        "officer": signed.caller.officer,
        "receipt": receipt,
        "procedure": chosen,
        "booking": booking,
    }
    return render(request, "counter_received.html", context, status=201, cookie=signed.cookie)


@router.get("/dossiers/{code}/receipt")
async def receipt_pdf(request: Request, code: Code, signed: OfficerDep) -> Response:
    """The dossier's receipt (form 01, its latest: the current due date), opened in the browser
    to print; before reception a page says when it is issued."""
    services = services_of(request)
    try:
        form = await forms.latest_form(
            await services.client(), signed.caller, services, code, "receipt"
        )
    except NotFound:
        try:
            await forms.dossier_forms(await services.client(), signed.caller, services, code)
        except NotFound:
            context = {"officer": signed.caller.officer, "message": NOT_FOUND}
            return render(request, "error.html", context, status=404, cookie=signed.cookie)
        context = {"officer": signed.caller.officer, "message": NOT_YET, "code": code}
        return render(request, "error.html", context, status=404, cookie=signed.cookie)
    response = file_response(form)
    response.headers["Content-Disposition"] = f'inline; filename="{form.file_name}"'
    return response
