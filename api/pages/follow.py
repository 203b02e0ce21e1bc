"""The citizen's page: follow a dossier by its code and lookup secret (as the receipt prints
them) — its status, due date, what is missing, and the result to download once delivered
online. Nothing personal is shown, and a wrong secret reads as an unknown code."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from api.forms import file_response
from api.pages.form_fields import FieldErrors, again, page_router
from api.pages.guard import CsrfDep, services_of
from api.pages.names import catalogue_names
from api.pages.rendering import render
from operations.dossiers import public_status
from operations.errors import Conflict, NotFound
from operations.forms import public_payment_receipt, public_result
from operations.payment_return import payment_return
from operations.payments import RETURN_PATH, PaymentsUnavailable, start_payment

router = page_router()
NOT_FOUND = "Không tìm thấy hồ sơ với mã và mã tra cứu này. Hãy kiểm tra lại phiếu tiếp nhận."
CodeField = Annotated[str, Form(max_length=64)]
SecretField = Annotated[str, Form(max_length=100)]


async def _follow_again(request: Request, errors: FieldErrors) -> Response:
    """The follow form again, the code kept (never the secret); nothing looked up."""
    typed = (await request.form()).get("code")
    code = typed.strip().lower()[:64] if isinstance(typed, str) else ""
    return render(request, "follow.html", {"errors": errors, "code": code}, status=400)


@router.get("/follow")
async def follow_page(request: Request) -> Response:
    return render(request, "follow.html")


@router.post("/follow", dependencies=[CsrfDep])
@again(_follow_again)
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
@again(_follow_again)
async def follow_result(request: Request, code: CodeField, secret: SecretField) -> Response:
    services = services_of(request)
    try:
        form = await public_result(await services.client(), services, code.strip(), secret.strip())
    except NotFound:
        return render(request, "follow.html", {"error": NOT_FOUND}, status=404)
    return file_response(form)


@router.post("/follow/pay", dependencies=[CsrfDep])
@again(_follow_again)
async def follow_pay(request: Request, code: CodeField, secret: SecretField) -> Response:
    """A new attempt to pay the fee: the page links to the gateway with the signed order (a
    link the applicant follows, not a redirect: the pages' forms post to hoso only)."""
    services = services_of(request)
    payer = request.client.host if request.client else "127.0.0.1"
    client = await services.client()
    code, secret = code.strip().lower(), secret.strip()
    try:
        started = await start_payment(
            client, services.sessions, services.settings, code, secret, payer
        )
    except NotFound:
        return render(request, "follow.html", {"error": NOT_FOUND}, status=404)
    except (Conflict, PaymentsUnavailable) as exc:
        found = await public_status(client, services.sessions, code, secret)
        context = {"found": found, "code": code, "secret": secret, "pay_error": str(exc)}
        return render(request, "follow.html", context, status=409)
    return render(request, "payment_start.html", {"started": started})


@router.post("/follow/receipt", dependencies=[CsrfDep])
@again(_follow_again)
async def follow_receipt(request: Request, code: CodeField, secret: SecretField) -> Response:
    services = services_of(request)
    client = await services.client()
    try:
        form = await public_payment_receipt(client, services, code.strip(), secret.strip())
    except NotFound:
        return render(request, "follow.html", {"error": NOT_FOUND}, status=404)
    return file_response(form)


@router.get(RETURN_PATH)
async def payment_returned(request: Request) -> Response:
    """Where the gateway sends the browser back: the attempt's outcome as hoso knows it (only
    the IPN records a payment: before it, a paid attempt is being confirmed)."""
    services = services_of(request)
    outcome = payment_return(services.sessions, services.settings, dict(request.query_params))
    return render(request, "payment_return.html", {"outcome": outcome})
