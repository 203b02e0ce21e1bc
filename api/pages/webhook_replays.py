"""The operator's page of the portals' webhooks: each subscriber of their scope (its host, the
events it follows, its latest deliveries), and its deliveries over a period of days replayed,
as `hoso webhooks replay` and `POST /api/v1/webhooks/{name}/replays` replay them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Annotated

from fastapi import Form, Path, Request
from fastapi.responses import Response

from api.pages.form_fields import FieldErrors, again, page_router
from api.pages.guard import CsrfDep, OfficerDep, officer, services_of
from api.pages.i18n import language, translator
from api.pages.names import catalogue_names
from api.pages.operator_guard import is_operator, refused
from api.pages.period_form import Period, checked_days
from api.pages.rendering import render
from models.calendar import VIETNAM
from operations import webhooks
from operations.access import readable_agencies
from operations.errors import InvalidPeriod, NotFound
from operations.signin import WebCaller
from operations.webhook_overview import overview
from operations.webhooks import MAX_REPLAY, ReplayRequest, SubscriberCreated

router = page_router()
Name = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9.-]{1,62}$")]
From = Annotated[str, Form(alias="from", max_length=20)]
To = Annotated[str, Form(alias="to", max_length=20)]
TOO_LONG = "Khoảng gửi lại dài nhiều nhất 366 ngày."
NO_SUBSCRIBER = "Không có cổng nhận webhook này trong phạm vi của bạn."
STATES = {
    "delivered": "Đã nhận",
    "retrying": "Đang gửi lại",
    "given_up": "Đã dừng",
    "waiting": "Chờ gửi",
}


def _today() -> str:
    return datetime.now(VIETNAM).date().isoformat()


def replay_period(start: str, end: str) -> Period:
    """The days typed, checked: each a day, forwards, no longer than a replay may run."""
    period = checked_days({"from": start, "to": end})
    if period.valid and period.start and period.end and period.end - period.start >= MAX_REPLAY:
        period.errors["to"] = TOO_LONG
    return period


def _moments(first: date, last: date) -> ReplayRequest:
    """From the first day's start to the end of the last, in Vietnam's time."""
    since = datetime.combine(first, time(), VIETNAM)
    until = datetime.combine(last + timedelta(days=1), time(), VIETNAM)
    return ReplayRequest(since=since, until=until)


@dataclass
class Registration:
    """The registration form as typed, with its refused fields, or the subscriber it made
    (`created`: its secret shown this once)."""

    typed: dict[str, str] = field(default_factory=dict)
    agencies: list[str] = field(default_factory=list)
    errors: FieldErrors = field(default_factory=dict)
    created: SubscriberCreated | None = None


def _scope(signed: WebCaller, request: Request) -> list[tuple[str, str]]:
    """The agencies a subscriber of this operator may follow: (id, name), by name."""
    services = services_of(request)
    names = catalogue_names(services.sessions).agencies
    scope = readable_agencies(signed.caller, services.settings)
    chosen = names if scope is None else {a: names.get(a, a) for a in scope}
    return sorted(chosen.items(), key=lambda item: item[1])


async def page(
    request: Request,
    signed: WebCaller,
    *,
    period: Period | None = None,
    replayed_for: str | None = None,
    said: str | None = None,
    registration: Registration | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    """The webhooks page: the subscribers, a replay's answer, the registration form's."""
    services = services_of(request)
    context = {
        "officer": signed.caller.officer,
        "subscribers": await asyncio.to_thread(overview, signed.caller, services),
        "period": period or checked_days({"from": _today(), "to": _today()}),
        "replayed_for": replayed_for,
        "said": said,
        "states": STATES,
        "registration": registration or Registration(),
        "notice": notice,
        "scope": _scope(signed, request),
    }
    return render(request, "webhooks.html", context, status=status, cookie=signed.cookie)


@router.get("/operations/webhooks")
async def webhooks_page(request: Request, signed: OfficerDep) -> Response:
    if not is_operator(signed):
        return refused(request, signed)
    return await page(request, signed)


async def _replay_again(request: Request, errors: FieldErrors) -> Response:
    """The page again when a day's field is refused before the route runs (too long)."""
    signed = officer(request)
    if not is_operator(signed):
        return refused(request, signed)
    form = await request.form()
    typed = {name: str(form.get(name) or "")[:20] for name in ("from", "to")}
    period = Period(typed=typed, errors=dict(errors))
    name = str(request.path_params.get("name", ""))
    return await page(request, signed, period=period, replayed_for=name, status=422)


@router.post("/operations/webhooks/{name}/replays", dependencies=[CsrfDep])
@again(_replay_again)
async def replay(
    request: Request, name: Name, signed: OfficerDep, start: From = "", end: To = ""
) -> Response:
    """The subscriber's deliveries of the days from `from` to `to` (both included) queued
    again; the answer says how many, a wrong day is said beside its field."""
    if not is_operator(signed):
        return refused(request, signed)
    period = replay_period(start, end)
    if not period.valid or period.start is None or period.end is None:
        return await page(request, signed, period=period, replayed_for=name, status=422)
    services = services_of(request)
    try:
        done = await asyncio.to_thread(
            webhooks.replay, signed.caller, services, name, _moments(period.start, period.end)
        )
    except NotFound:
        context = {"officer": signed.caller.officer, "message": NO_SUBSCRIBER}
        return render(request, "error.html", context, status=404, cookie=signed.cookie)
    except InvalidPeriod:
        period.errors["to"] = TOO_LONG
        return await page(request, signed, period=period, replayed_for=name, status=422)
    gettext = translator(language(request.headers.get("accept-language")))
    said = gettext(
        "Đã xếp lại %(count)s lần gửi cho %(name)s, theo thứ tự ban đầu.",
        count=done.replayed,
        name=name,
    )
    return await page(request, signed, period=period, replayed_for=name, said=str(said))
