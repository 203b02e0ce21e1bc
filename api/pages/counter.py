"""The counter's pages for the reception officers of a one-stop unit: a dossier brought in
person entered with its scans (the API's submission, received at the counter by this officer),
its code and lookup secret shown once, and its receipt (form 01) opened as PDF to print."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response

from api.forms import file_response
from api.pages import counter_form
from api.pages.counter_form import Problems
from api.pages.dossier import NOT_FOUND, Code
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, OfficerDep, services_of
from api.pages.names import catalogue_names
from api.pages.rendering import render
from models.procedure import DeliveryChannel, Procedure
from operations import forms
from operations.counter_intake import counter_procedures, receive_at_counter
from operations.errors import Forbidden, NotFound
from operations.signin import WebCaller
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


def _refused(request: Request, signed: WebCaller) -> Response:
    context = {"officer": signed.caller.officer, "message": REFUSED}
    return render(request, "error.html", context, status=403, cookie=signed.cookie)


def _chosen(procedures: list[Procedure], code: str | None) -> Procedure | None:
    if code is None and len(procedures) == 1:
        return procedures[0]
    return next((p for p in procedures if p.code == code), None)


def _page(
    request: Request,
    signed: WebCaller,
    procedures: list[Procedure],
    chosen: Procedure | None,
    *,
    values: dict[str, str] | None = None,
    problems: Problems | None = None,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "officer": signed.caller.officer,
        "procedures": procedures,
        "chosen": chosen,
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
) -> Response:
    """The form again with what was typed and each problem beside its field; nothing recorded."""
    return _page(request, signed, procedures, chosen, values=values, problems=problems, status=422)


@router.get("/counter")
async def counter_page(
    request: Request,
    signed: OfficerDep,
    procedure: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    try:
        procedures = counter_procedures(services_of(request), signed.caller)
    except Forbidden:
        return _refused(request, signed)
    return _page(request, signed, procedures, _chosen(procedures, procedure))


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
        return _refused(request, signed)
    form = await request.form()  # as the CSRF check read it, with its limits
    try:
        return await _receive(request, signed, procedures, form)
    finally:
        await form.close()


async def _receive(
    request: Request, signed: WebCaller, procedures: list[Procedure], form: Any
) -> Response:
    services = services_of(request)
    values = _values(form)
    chosen = _chosen(procedures, values["procedure"] or None)
    problems = Problems()
    if chosen is None:
        problems.add("procedure", NO_PROCEDURE)
        return _page(
            request, signed, procedures, None, values=values, problems=problems, status=422
        )
    applicant = counter_form.applicant_of(form, problems)
    delivery = values["delivery"]
    if delivery not in {channel.value for channel in chosen.delivery}:
        problems.add("delivery", counter_form.NO_DELIVERY)
    files = counter_form.files_by_kind(form, chosen)
    counter_form.required_present(chosen, files, problems)
    if problems or applicant is None:
        return _refusal(request, signed, procedures, chosen, values, problems)
    key = values["form_key"] if values["form_key"].startswith(KEY_PREFIX) else None
    with UploadFolder(services.store, services.settings.max_document_bytes) as uploads:
        entries = await counter_form.upload(uploads, files, problems)
        try:
            if problems:
                raise IntakeError("uploads refused")
            dossier = DossierFile(
                procedure=chosen.code,
                applicant=applicant,
                documents=entries,
                delivery=DeliveryChannel(delivery),
            )
            receipt = await receive_at_counter(
                services, await services.client(), signed.caller, dossier, uploads, form_key=key
            )
        except IntakeError as exc:
            if not problems:
                counter_form.place(exc, chosen, entries, problems)
            return _refusal(request, signed, procedures, chosen, values, problems)
        except Forbidden:
            return _refused(request, signed)
    context = {"officer": signed.caller.officer, "receipt": receipt, "procedure": chosen}
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
