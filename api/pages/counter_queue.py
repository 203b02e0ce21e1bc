"""The counter's queue of bookings for the reception officers of a one-stop unit: today's
appointments at the unit's counters (the applicant partly masked), a citizen checked in by the
code they show (typed, or the QR code's content pasted), a no-show marked once the slot has
begun; a checked-in booking's dossier is entered from `counter_booking`. The operations are the
API's (`operations/counter_desk.py`); a booking of another unit is one that does not exist."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Path, Request
from fastapi.responses import Response

from api.pages.counter import refused
from api.pages.counter_form import Problems
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, OfficerDep, services_of
from api.pages.i18n import vietnamese_date, vietnamese_time
from api.pages.names import catalogue_names
from api.pages.rendering import render
from operations import counter_desk
from operations.access import utc_now
from operations.counter_desk import Queue, QueueEntry
from operations.counter_intake import counter_procedures
from operations.errors import Conflict, Forbidden, NotFound
from operations.signin import WebCaller

router = page_router()
BookingCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,40}$")]
NO_CODE = "Hãy nhập mã lịch hẹn, hoặc dán nội dung mã QR của lịch hẹn."
UNKNOWN = "Không có lịch hẹn nào với mã này tại bộ phận của bạn."
ALREADY_IN = "Lịch hẹn %(code)s đã vào lượt lúc %(time)s."
STARTED = "Hồ sơ của lịch hẹn %(code)s đã được nhập: %(dossier)s."
CANCELLED = "Lịch hẹn %(code)s đã bị hủy."
NO_SHOW = "Lịch hẹn %(code)s đã được ghi là không đến."
OTHER_DAY = "Lịch hẹn %(code)s là ngày %(day)s: chỉ vào lượt được trong ngày hẹn."
NOT_BEGUN = "Giờ hẹn của lịch hẹn %(code)s chưa đến: chưa ghi là không đến được."
NOT_CHECKED_IN = "Lịch hẹn %(code)s chưa vào lượt: hãy cho người nộp vào lượt trước."
MARKED_NO_SHOW = "Đã ghi lịch hẹn %(code)s là không đến."


def why_not(entry: QueueEntry, doing: str) -> tuple[str, dict[str, str]]:
    """Why the booking does not take what the officer asked (`check_in`, `no_show`, `start`),
    from its status: the words and their values, for the page to translate."""
    values = {"code": entry.code}
    if entry.status == "checked_in":
        return ALREADY_IN, values | {"time": vietnamese_time(entry.checked_in_at)}
    if entry.status == "started":
        return STARTED, values | {"dossier": entry.dossier_code or ""}
    if entry.status == "cancelled":
        return CANCELLED, values
    if entry.status == "no_show":
        return NO_SHOW, values
    if doing == "check_in":
        return OTHER_DAY, values | {"day": vietnamese_date(entry.start)}
    return (NOT_BEGUN if doing == "no_show" else NOT_CHECKED_IN), values


def queue_page(
    request: Request,
    signed: WebCaller,
    queue: Queue,
    *,
    problems: Problems | None = None,
    notice: tuple[str, dict[str, str]] | None = None,
    checked: QueueEntry | None = None,
    typed: str = "",
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "officer": signed.caller.officer,
        "queue": queue,
        "problems": (problems or Problems()).fields,
        "notice": notice,
        "failed": status >= 400,
        "checked": checked,
        "typed": typed,
        "now": utc_now(),
        "names": catalogue_names(services_of(request).sessions),
    }
    return render(request, "counter_queue.html", context, status=status, cookie=signed.cookie)


def _queue(request: Request, signed: WebCaller) -> Queue:
    """Today's queue of the officer's unit; Forbidden to anyone but its reception officers."""
    services = services_of(request)
    counter_procedures(services, signed.caller)
    return counter_desk.queue(services, signed.caller, None)


@router.get("/counter/queue")
async def queue(request: Request, signed: OfficerDep) -> Response:
    try:
        return queue_page(request, signed, _queue(request, signed))
    except Forbidden:
        return refused(request, signed)


@router.post("/counter/queue/check-in", dependencies=[CsrfDep])
async def check_in(
    request: Request, signed: OfficerDep, code: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """The citizen checked in by their booking's code; a code that is not one of the unit's
    bookings (404) or a booking that cannot be checked in now (409) is said beside the field."""
    services = services_of(request)
    try:
        today = _queue(request, signed)
    except Forbidden:
        return refused(request, signed)
    problems = Problems()
    typed = code.strip()
    if not typed:
        problems.add("code", NO_CODE)
        return queue_page(request, signed, today, problems=problems, status=422)
    try:
        checked = counter_desk.check_in(services, signed.caller, typed)
    except NotFound:
        problems.add("code", UNKNOWN)
        return queue_page(request, signed, today, problems=problems, typed=typed, status=404)
    except Conflict:
        words, values = why_not(counter_desk.read(services, signed.caller, typed), "check_in")
        problems.add("code", words, **values)
        return queue_page(request, signed, today, problems=problems, typed=typed, status=409)
    return queue_page(request, signed, _queue(request, signed), checked=checked)


@router.post("/counter/queue/{code}/no-show", dependencies=[CsrfDep])
async def no_show(request: Request, signed: OfficerDep, code: BookingCode) -> Response:
    """The citizen did not come: once the slot has begun, the booking closes as a no-show."""
    services = services_of(request)
    try:
        today = _queue(request, signed)
    except Forbidden:
        return refused(request, signed)
    try:
        entry = counter_desk.no_show(services, signed.caller, code)
    except NotFound:
        return queue_page(request, signed, today, notice=(UNKNOWN, {}), status=404)
    except Conflict:
        why = why_not(counter_desk.read(services, signed.caller, code), "no_show")
        return queue_page(request, signed, today, notice=why, status=409)
    notice = (MARKED_NO_SHOW, {"code": entry.code})
    return queue_page(request, signed, _queue(request, signed), notice=notice)
