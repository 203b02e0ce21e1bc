"""An operator's reset of a stuck dossier from the pages (`hoso unstick`'s, in three requests):
the reset request prepared; signed by the browser's key, the reset, answered with the note the
browser is to sign next (`then`: where to send it); the signed note recorded and the officers'
actions sent again (operations/unsticking.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import JSONResponse, Response

from api.pages.dossier import BrowserSignature, Code, SignedMessage
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, OfficerDep, services_of
from api.pages.i18n import language, translator
from operations.unsticking import MAX_REASON, prepare_reset, resend_signed, reset

router = page_router()
NO_STORE = {"Cache-Control": "no-store"}


@router.post("/dossiers/{code}/unstick/prepare", dependencies=[CsrfDep])
async def prepare(
    request: Request,
    code: Code,
    signed: OfficerDep,
    reason: Annotated[str, Form(max_length=MAX_REASON)] = "",
) -> Response:
    """The reset request the browser is to sign (JSON)."""
    services = services_of(request)
    client = await services.client()
    prepared = await prepare_reset(client, signed.caller, services, code, reason=reason)
    return JSONResponse(prepared.model_dump(), headers=NO_STORE)


@router.post("/dossiers/{code}/unstick", dependencies=[CsrfDep])
async def unstick(
    request: Request,
    code: Code,
    signed: OfficerDep,
    message: SignedMessage,
    signature: BrowserSignature,
) -> Response:
    """Resets the stuck dossier on the signed reset request; the answer (JSON) is the note its
    browser is to sign next, and where to send it."""
    services = services_of(request)
    note = await reset(
        await services.client(),
        signed.caller,
        signed.certificate,
        services,
        code,
        message=message,
        signature=signature,
    )
    answer = {"message": note.message, "then": f"/dossiers/{code}/unstick/resend"}
    return JSONResponse(answer, headers=NO_STORE)


@router.post("/dossiers/{code}/unstick/resend", dependencies=[CsrfDep])
async def resend(
    request: Request,
    code: Code,
    signed: OfficerDep,
    message: SignedMessage,
    signature: BrowserSignature,
) -> Response:
    """The signed note recorded, the actions sent again; the answer says what became of them."""
    services = services_of(request)
    done = await resend_signed(
        await services.client(),
        signed.caller,
        signed.certificate,
        services,
        code,
        message=message,
        signature=signature,
    )
    gettext = translator(language(request.headers.get("accept-language")))
    said = gettext(
        "Đã chạy lại từ sự kiện %(point)s; gửi lại %(sent)s thao tác, %(applied)s được áp dụng.",
        point=done.reset_point,
        sent=len(done.resent),
        applied=done.applied,
    )
    refused = [line for line in done.resent if not line.endswith(": applied")]
    text = " ".join([str(said), *refused])
    return JSONResponse({"said": text, "resent": done.resent}, headers=NO_STORE)
