"""An operator's retry from the pages: the dossier's failing activities run again now, the
cause being fixed. The browser signs the `RetryRequest` with the session's key, as it signs an
officer's action; the dossier verifies it as it does `hoso retry`'s."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import JSONResponse, Response

from api.pages.dossier import BrowserSignature, Code, SignedMessage
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, OfficerDep, services_of
from api.pages.i18n import language, translator
from operations.browser_actions import prepare_retry, retry_signed

router = page_router()
NO_STORE = {"Cache-Control": "no-store"}


@router.post("/dossiers/{code}/retry/prepare", dependencies=[CsrfDep])
async def prepare(
    request: Request,
    code: Code,
    signed: OfficerDep,
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """What the operator's browser is to sign (JSON); refusals are problem details."""
    services = services_of(request)
    prepared = await prepare_retry(
        await services.client(), signed.caller, services, code, note=note
    )
    return JSONResponse(prepared.model_dump(), headers=NO_STORE)


@router.post("/dossiers/{code}/retry", dependencies=[CsrfDep])
async def retry(
    request: Request,
    code: Code,
    signed: OfficerDep,
    message: SignedMessage,
    signature: BrowserSignature,
) -> Response:
    """The retry the browser signed, recorded in the dossier; the answer says what ran again."""
    services = services_of(request)
    outcome = await retry_signed(
        await services.client(),
        signed.caller,
        signed.certificate,
        services,
        code,
        message=message,
        signature=signature,
    )
    gettext = translator(language(request.headers.get("accept-language")))
    if outcome.rerun:
        said = gettext("Đã ghi vào hồ sơ; chạy lại ngay: %(what)s", what="; ".join(outcome.rerun))
    else:
        said = gettext("Đã ghi vào hồ sơ; không có tác vụ nào đang lỗi.")
    return JSONResponse({"said": said, "rerun": outcome.rerun}, headers=NO_STORE)
