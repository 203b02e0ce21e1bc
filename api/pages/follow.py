"""The citizen's page: follow a dossier by its code and lookup secret (as the receipt prints
them) — its status, due date, what is missing, and the result to download once delivered
online. Nothing personal is shown, and a wrong secret reads as an unknown code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.forms import file_response
from api.pages.guard import CsrfDep, services_of
from api.pages.names import catalogue_names
from api.pages.rendering import render
from operations.dossiers import public_status
from operations.errors import NotFound
from operations.forms import public_result

router = APIRouter(include_in_schema=False)
NOT_FOUND = "Không tìm thấy hồ sơ với mã và mã tra cứu này. Hãy kiểm tra lại phiếu tiếp nhận."
CodeField = Annotated[str, Form(max_length=64)]
SecretField = Annotated[str, Form(max_length=100)]


@router.get("/follow")
async def follow_page(request: Request) -> Response:
    return render(request, "follow.html")


@router.post("/follow", dependencies=[CsrfDep])
async def follow(request: Request, code: CodeField, secret: SecretField) -> Response:
    """The code and secret travel in the body, never in an address (history, logs)."""
    services = services_of(request)
    code, secret = code.strip().lower(), secret.strip()
    try:
        found = await public_status(await services.client(), services.sessions, code, secret)
    except NotFound:
        return render(request, "follow.html", {"error": NOT_FOUND, "code": code}, status=404)
    names = catalogue_names(services.sessions)
    context = {"found": found, "code": code, "secret": secret, "names": names}
    return render(request, "follow.html", context)


@router.post("/follow/result", dependencies=[CsrfDep])
async def follow_result(request: Request, code: CodeField, secret: SecretField) -> Response:
    services = services_of(request)
    try:
        form = await public_result(await services.client(), services, code.strip(), secret.strip())
    except NotFound:
        return render(request, "follow.html", {"error": NOT_FOUND}, status=404)
    return file_response(form)
