"""Registering a portal's webhook subscriber and stopping one, from the operator's webhooks page,
as `hoso webhooks add/remove` and `POST/DELETE /api/v1/webhooks` do: the name, the receiver's URL
and the agencies it follows (by default the operator's whole scope); hoso makes the signing
secret and shows it this once. A refused field is said beside it and nothing is registered."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Form, Path, Request
from fastapi.responses import Response
from pydantic import ValidationError

from api.pages.form_fields import FieldErrors, again, page_router
from api.pages.guard import CsrfDep, OfficerDep, officer, services_of
from api.pages.i18n import language, translator
from api.pages.operator_guard import is_operator, refused
from api.pages.rendering import render
from api.pages.webhook_replays import NO_SUBSCRIBER, Registration, page
from models.webhooks import WebhookSubscription
from operations import webhooks
from operations.errors import Conflict, Forbidden, NotFound
from operations.signin import WebCaller

router = page_router()
Name = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$")]
NAME_FORMAT = "Tên: 2–63 chữ thường không dấu, số, dấu chấm, gạch nối; đầu là chữ hoặc số."
URL_FORMAT = "Địa chỉ https:// của máy nhận (http chỉ cho máy nhận 127.0.0.1 khi phát triển)."
URL_CREDENTIALS = "Không ghi tên và mật khẩu trong địa chỉ: cổng kiểm tra chữ ký bằng khóa."
NAME_TAKEN = "Đã có cổng mang tên này."
AGENCY_OUTSIDE = "Chỉ chọn các cơ quan trong phạm vi của bạn."
FIELDS = ("name", "url")


def _typed(form: Any) -> tuple[dict[str, str], list[str]]:
    typed = {name: str(form.get(name) or "")[:2000] for name in FIELDS}
    agencies = [str(a)[:64] for a in form.getlist("agencies")][:100]
    return typed, agencies


async def _register_again(request: Request, errors: FieldErrors) -> Response:
    """The page again when a field is refused before the route runs (too long, empty)."""
    signed = officer(request)
    if not is_operator(signed):
        return refused(request, signed)
    typed, agencies = _typed(await request.form())
    registration = Registration(typed=typed, agencies=agencies, errors=dict(errors))
    return await page(request, signed, registration=registration, status=422)


def _field_errors(error: ValidationError) -> FieldErrors:
    said = {"name": NAME_FORMAT, "url": URL_FORMAT, "agencies": AGENCY_OUTSIDE}
    found: FieldErrors = {}
    for problem in error.errors():
        where = str((problem.get("loc") or ("",))[0])
        found.setdefault(where if where in said else "url", said.get(where, URL_FORMAT))
    return found


def _refusal(exc: Exception) -> FieldErrors:
    """The field a refusal of the registration is about, and what to say there."""
    text = str(exc)
    if isinstance(exc, Conflict):
        return {"name": NAME_TAKEN}
    if isinstance(exc, Forbidden) or "agencies" in text:
        return {"agencies": AGENCY_OUTSIDE}
    return {"url": URL_CREDENTIALS if "no user or password" in text else URL_FORMAT}


@router.post("/operations/webhooks/subscribers", dependencies=[CsrfDep])
@again(_register_again)
async def register(
    request: Request,
    signed: OfficerDep,
    name: Annotated[str, Form(max_length=63)],
    url: Annotated[str, Form(max_length=2000)],
    agencies: Annotated[list[str] | None, Form(max_length=100)] = None,
) -> Response:
    if not is_operator(signed):
        return refused(request, signed)
    typed = {"name": name, "url": url}
    chosen = sorted(set(agencies or []))
    registration = Registration(typed=typed, agencies=chosen)
    try:
        wanted = WebhookSubscription(name=name.strip(), url=url.strip(), agencies=chosen or None)
    except ValidationError as exc:
        registration.errors = _field_errors(exc)
        return await page(request, signed, registration=registration, status=422)
    services = services_of(request)
    try:
        created = await asyncio.to_thread(webhooks.register, signed.caller, services, wanted)
    except (webhooks.InvalidSubscriber, Conflict, Forbidden) as exc:
        registration.errors = _refusal(exc)
        return await page(request, signed, registration=registration, status=422)
    return await page(request, signed, registration=Registration(created=created), status=201)


@router.post("/operations/webhooks/{name}/removal", dependencies=[CsrfDep])
async def remove(request: Request, name: Name, signed: OfficerDep) -> Response:
    """Stops posting to the subscriber (its deliveries stay on record)."""
    if not is_operator(signed):
        return refused(request, signed)
    try:
        await asyncio.to_thread(webhooks.remove, signed.caller, services_of(request), name)
    except NotFound:
        return _missing(request, signed)
    gettext = translator(language(request.headers.get("accept-language")))
    said = gettext("Đã ngừng gửi sự kiện cho %(name)s.", name=name)
    return await page(request, signed, notice=str(said))


def _missing(request: Request, signed: WebCaller) -> Response:
    context = {"officer": signed.caller.officer, "message": NO_SUBSCRIBER}
    return render(request, "error.html", context, status=404, cookie=signed.cookie)
