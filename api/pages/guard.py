"""What a page receives: the signed-in officer (or a redirect to the sign-in page), and every
form's CSRF token checked before anything is done."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from api.pages.cookies import form_cookie, session_cookie
from api.pages.rendering import render
from api.problems import RateLimited
from api.rate_limits import RateLimits
from api.uploads import MAX_JSON_PART
from models.dossier import MAX_DOCUMENTS
from operations.services import Services
from operations.signin import WebCaller, signed_in
from support.web_sessions import csrf_matches

MAX_FORM_FIELDS = MAX_DOCUMENTS + 20  # the counter's entry: a field a kind, and the applicant's
POLL_HEADER = "hoso-poll"  # a page refreshing itself: not the officer's activity


class SignInRequired(Exception):
    """No live signed-in session: to the sign-in page."""


class CsrfRefused(Exception):
    """A form without the token of this browser's session: refused, nothing done."""


def services_of(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


def officer(request: Request) -> WebCaller:
    cookie = session_cookie(request)
    found = None
    if cookie:
        touch = request.headers.get(POLL_HEADER) != "1"
        found = signed_in(services_of(request), cookie, touch=touch)
    if found is None:
        raise SignInRequired
    return found


OfficerDep = Annotated[WebCaller, Depends(officer)]


async def csrf_checked(request: Request) -> None:
    """The form's `csrf` field (or the X-CSRF-Token header of an htmx request) must be the
    token of this browser's session cookie, or of its form cookie before sign-in."""
    form = await request.form(
        max_files=MAX_DOCUMENTS, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_JSON_PART
    )  # read once: the page that follows gets this form, with these limits
    given = request.headers.get("x-csrf-token") or form.get("csrf")
    token = given if isinstance(given, str) else None
    if not (
        csrf_matches(session_cookie(request), token) or csrf_matches(form_cookie(request), token)
    ):
        raise CsrfRefused


CsrfDep = Depends(csrf_checked)


class TooManyRequests(Exception):
    """A public page asked too often from one address: 429 with Retry-After, nothing done."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


async def booking_limited(request: Request) -> None:
    """The booking pages count against the address's limit of booking requests, as the API's."""
    limits: RateLimits = request.app.state.rate_limits
    try:
        await limits.booking(request)
    except RateLimited as exc:
        raise TooManyRequests(exc.retry_after) from None


BookingLimitDep = Depends(booking_limited)


async def _sign_in_required(request: Request, exc: SignInRequired) -> Response:
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": "/signin"})
    return RedirectResponse("/signin", status_code=303)


async def _csrf_refused(request: Request, exc: CsrfRefused) -> Response:
    message = "Biểu mẫu đã hết hạn hoặc không gửi từ trang của hoso. Hãy tải lại trang và thử lại."
    return render(request, "error.html", {"message": message}, status=403)


async def _too_many(request: Request, exc: TooManyRequests) -> Response:
    message = "Quá nhiều yêu cầu từ địa chỉ này. Hãy thử lại sau ít phút."
    response = render(request, "error.html", {"message": message}, status=429)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _sign_in_required)  # type: ignore[arg-type]
    app.add_exception_handler(CsrfRefused, _csrf_refused)  # type: ignore[arg-type]
    app.add_exception_handler(TooManyRequests, _too_many)  # type: ignore[arg-type]
