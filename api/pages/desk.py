"""A dossier's counter actions from its page, each prepared here and signed in the browser as
the stage's actions are: the supplement the applicant brought (its documents uploaded with it),
the applicant's request to withdraw the dossier (refused beside its field once the dossier is
past withdrawing) and the result handed over; and a dossier's documents opened in the browser
(PDF inline, any other format downloaded), authorised as the API's document download is."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from api.forms import file_response
from api.pages.action_words import field_problem
from api.pages.counter_form import Problems, upload
from api.pages.dossier import NOT_FOUND, BrowserSignature, Code, Sha256, SignedMessage, send_signed
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, OfficerDep, services_of
from api.pages.i18n import STATUSES, language, translator
from api.pages.rendering import render
from models.actions import DeliveryConfirmation, Supplement, Withdrawal
from operations import documents
from operations.browser_actions import Prepared
from operations.counter_actions import (
    NotWithdrawable,
    prepare_delivery,
    prepare_supplement,
    prepare_withdrawal,
    withdrawable_now,
)
from operations.errors import ActionRefused, Forbidden, NotFound
from operations.uploads import UploadFolder
from support.errors import IntakeError

router = page_router()
CONFIDENTIAL = "Tài liệu này được bảo mật: chỉ cán bộ đã giữ hồ sơ và lãnh đạo cơ quan được đọc."
BAD_DOCUMENTS = "Tài liệu bổ sung không nhận được: hãy kiểm tra loại và định dạng tệp."
INLINE = frozenset({"application/pdf"})
CLOSED = "Hồ sơ đã kết thúc (%(status)s): không thể rút hồ sơ."
DECIDED = "Hồ sơ đã có kết quả giải quyết: không thể rút hồ sơ."


def _prepared(prepared: Prepared) -> JSONResponse:
    return JSONResponse(prepared.model_dump(), headers={"Cache-Control": "no-store"})


@router.post("/dossiers/{code}/supplement/prepare", dependencies=[CsrfDep])
async def prepare_supplement_page(request: Request, code: Code, signed: OfficerDep) -> Response:
    """The supplement's files (`doc-<kind>`) stored, then what the browser is to sign (JSON)."""
    services = services_of(request)
    form = await request.form()  # as the CSRF check read it, with its limits
    files: dict[str, list[UploadFile]] = {}
    for name, value in form.multi_items():
        if name.startswith("doc-") and isinstance(value, UploadFile) and value.filename:
            files.setdefault(name.removeprefix("doc-"), []).append(value)
    try:
        with UploadFolder(services.store, services.settings.max_document_bytes) as uploads:
            problems = Problems()
            entries = await upload(uploads, files, problems)
            if problems:
                raise IntakeError("uploads refused")
            prepared = await prepare_supplement(
                await services.client(),
                signed.caller,
                services,
                code,
                uploads,
                entries,
                str(form.get("note") or "")[:4000],
            )
    except IntakeError:
        return JSONResponse({"detail": BAD_DOCUMENTS}, status_code=422)
    finally:
        await form.close()
    return _prepared(prepared)


@router.post("/dossiers/{code}/delivery/prepare", dependencies=[CsrfDep])
async def prepare_delivery_page(
    request: Request,
    code: Code,
    signed: OfficerDep,
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    services = services_of(request)
    return _prepared(
        await prepare_delivery(await services.client(), signed.caller, services, code, note)
    )


def _not_withdrawable(request: Request, exc: NotWithdrawable) -> JSONResponse:
    """Why the dossier can no longer be withdrawn, beside the reason's field."""
    gettext = translator(language(request.headers.get("accept-language")))
    if exc.closed:
        status = gettext(STATUSES.get(exc.status or "", exc.status or ""))
        return field_problem(request, "reason", str(gettext(CLOSED, status=status)))
    return field_problem(request, "reason", str(gettext(DECIDED)))


@router.post("/dossiers/{code}/withdrawal/prepare", dependencies=[CsrfDep])
async def prepare_withdrawal_page(
    request: Request,
    code: Code,
    signed: OfficerDep,
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """What the browser signs for the applicant's withdrawal (JSON); a dossier past withdrawing
    is said beside the reason (422), nothing prepared."""
    services = services_of(request)
    client = await services.client()
    try:
        return _prepared(await prepare_withdrawal(client, signed.caller, services, code, reason))
    except NotWithdrawable as exc:
        return _not_withdrawable(request, exc)


@router.post("/dossiers/{code}/withdrawal", dependencies=[CsrfDep])
async def signed_withdrawal(
    request: Request,
    code: Code,
    signed: OfficerDep,
    message: SignedMessage,
    signature: BrowserSignature,
) -> Response:
    """The withdrawal the browser signed, to the dossier (which verifies it); refused because
    the dossier moved past withdrawing meanwhile: said beside the reason."""
    services = services_of(request)
    try:
        try:
            return await send_signed(request, signed, code, message, signature, Withdrawal)
        except ActionRefused:
            await withdrawable_now(await services.client(), signed.caller, services, code)
            raise
    except NotWithdrawable as exc:
        return _not_withdrawable(request, exc)


@router.post("/dossiers/{code}/supplement", dependencies=[CsrfDep])
async def signed_supplement(
    request: Request,
    code: Code,
    signed: OfficerDep,
    message: SignedMessage,
    signature: BrowserSignature,
) -> Response:
    """The supplement the browser signed, to the dossier (which verifies it)."""
    return await send_signed(request, signed, code, message, signature, Supplement)


@router.post("/dossiers/{code}/delivery", dependencies=[CsrfDep])
async def signed_delivery(
    request: Request,
    code: Code,
    signed: OfficerDep,
    message: SignedMessage,
    signature: BrowserSignature,
) -> Response:
    """The delivery confirmation the browser signed, to the dossier (which verifies it)."""
    return await send_signed(request, signed, code, message, signature, DeliveryConfirmation)


@router.get("/dossiers/{code}/documents/{sha256}")
async def dossier_document(
    request: Request, code: Code, sha256: Sha256, signed: OfficerDep
) -> Response:
    """A document of the dossier: a PDF shown in the browser, any other format downloaded."""
    services = services_of(request)
    try:
        found = await documents.document_file(
            await services.client(), signed.caller, services, code, sha256
        )
    except NotFound:
        context = {"officer": signed.caller.officer, "message": NOT_FOUND}
        return render(request, "error.html", context, status=404, cookie=signed.cookie)
    except Forbidden:
        context = {"officer": signed.caller.officer, "message": CONFIDENTIAL}
        return render(request, "error.html", context, status=403, cookie=signed.cookie)
    if found.media_type in INLINE:
        response = file_response(found, found.media_type)
        disposition = response.headers["Content-Disposition"]
        response.headers["Content-Disposition"] = disposition.replace("attachment", "inline", 1)
        return response
    return file_response(found, "application/octet-stream")
