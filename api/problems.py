"""Errors as RFC 9457 problem details, one handler per kind of domain error.

Each kind has a stable `type` URI; validation problems name each bad field by a JSON pointer.
A client never sees a stack trace, SQL or a server path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from activities.publications import PublicationError
from operations.appointments import BookingRefused, SlotFull
from operations.errors import (
    ActionRefused,
    Conflict,
    Forbidden,
    InvalidPeriod,
    NotFound,
    TooLarge,
)
from operations.forms import FormUnreadable
from operations.paging import BadCursor
from operations.payments import PaymentsUnavailable
from operations.refunds import InvalidRefund
from operations.webhooks import InvalidSubscriber
from support.client import TemporalUnreachable
from support.credentials import ActionUnanswered, CredentialError
from support.dossier_queries import FilterError
from support.errors import CatalogueError, IntakeError
from support.registration import ReferenceReused
from support.seals import SealError

log = structlog.get_logger()
MEDIA_TYPE = "application/problem+json"
TYPES = "/api/v1/problems/"


class FieldProblem(BaseModel):
    pointer: str = Field(description="JSON pointer to the field (RFC 6901), or a parameter name")
    detail: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblem] | None = None
    stage: str | None = Field(
        default=None, description="stage-moved-on: the stage the dossier is at now"
    )
    dossier_status: str | None = Field(
        default=None, description="stage-moved-on: the dossier's status now"
    )


class UnsupportedMediaType(Exception):
    """A request body of a type the endpoint does not take."""


class RequestTooLarge(Exception):
    """A request body over its limit."""


class RateLimited(Exception):
    """Too many requests of one kind from one client; `retry_after` in seconds."""

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(f"too many {what}: try again in {retry_after} s")
        self.retry_after = retry_after


class InvalidPart(Exception):
    """A multipart request's JSON part that is missing or does not validate (422)."""

    def __init__(self, kind: str, detail: str, errors: list[FieldProblem] | None = None) -> None:
        super().__init__(detail)
        self.kind, self.errors = kind, errors


class SignatureError(Exception):
    """A request whose signature is missing, malformed, out of its window or wrong."""


TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
    504: "No answer in time",
}


def problem(
    status: int,
    kind: str,
    detail: str | None = None,
    errors: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
    **extensions: str | None,
) -> JSONResponse:
    body = Problem(
        type=TYPES + kind,
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        errors=errors,
        **extensions,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def _pointer(loc: tuple[Any, ...]) -> str:
    where, *rest = loc or ("body",)
    if where != "body":
        return str(rest[0]) if rest else str(where)
    return "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in rest)


def field_problems(errors: Any) -> list[FieldProblem]:
    """Each error by its field; never the value given (personal data, perhaps hostile)."""
    return [FieldProblem(pointer=_pointer(tuple(e["loc"])), detail=str(e["msg"])) for e in errors][
        :50
    ]


def _scrubbed(message: str, request: Request) -> str:
    """A message without the server's folders (the uploads' folder names a file's place)."""
    for folder in getattr(request.app.state, "private_paths", ()):
        message = message.replace(folder + "/", "").replace(folder, "")
    return message


Handler = Callable[[Request, Any], Any]


def _simple(status: int, kind: str, headers: dict[str, str] | None = None) -> Handler:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        return problem(status, kind, _scrubbed(str(exc), request), headers=headers)

    return handle


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    return problem(
        422, "invalid-request", "the request has invalid fields", field_problems(exc.errors())
    )


async def _action_refused(request: Request, exc: ActionRefused) -> JSONResponse:
    if exc.moved_on:
        return problem(409, "stage-moved-on", str(exc), stage=exc.stage, dossier_status=exc.status)
    return problem(422, "action-refused", str(exc))


async def _rate_limited(request: Request, exc: RateLimited) -> JSONResponse:
    return problem(429, "rate-limited", str(exc), headers={"Retry-After": str(exc.retry_after)})


async def _invalid_part(request: Request, exc: InvalidPart) -> JSONResponse:
    return problem(422, exc.kind, str(exc), exc.errors)


async def _http(request: Request, exc: HTTPException) -> JSONResponse:
    kind = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "bad-request")
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else None
    return problem(exc.status_code, kind, detail, headers=getattr(exc, "headers", None))


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.error("request_failed", path=request.url.path, error=type(exc).__name__)
    return problem(500, "internal", "something went wrong on our side; it is logged")


AUTHENTICATE = {"WWW-Authenticate": 'Signature realm="hoso"'}


def install(app: FastAPI) -> None:
    simple: list[tuple[type[Exception], int, str, dict[str, str] | None]] = [
        (NotFound, 404, "not-found", None),
        (SlotFull, 409, "slot-full", None),
        (BookingRefused, 422, "booking-refused", None),
        (Forbidden, 403, "forbidden", None),
        (Conflict, 409, "conflict", None),
        (TooLarge, 413, "too-large", None),
        (RequestTooLarge, 413, "too-large", None),
        (UnsupportedMediaType, 415, "unsupported-media-type", None),
        (ReferenceReused, 409, "conflict", None),
        (IntakeError, 422, "invalid-dossier", None),
        (CatalogueError, 422, "catalogue", None),
        (PublicationError, 422, "catalogue", None),
        (FilterError, 400, "invalid-filter", None),
        (BadCursor, 400, "invalid-cursor", None),
        (CredentialError, 401, "unauthenticated", AUTHENTICATE),
        (SignatureError, 401, "unauthenticated", AUTHENTICATE),
        (TemporalUnreachable, 503, "unavailable", None),
        (PaymentsUnavailable, 503, "unavailable", None),
        (SealError, 503, "unavailable", None),
        (ActionUnanswered, 504, "action-unanswered", None),
        (FormUnreadable, 500, "form-unreadable", None),
        (InvalidPeriod, 422, "invalid-period", None),
        (InvalidSubscriber, 422, "invalid-subscriber", None),
        (InvalidRefund, 422, "invalid-refund", None),
    ]
    for kind, status, name, headers in simple:
        app.add_exception_handler(kind, _simple(status, name, headers))
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(ActionRefused, _action_refused)  # type: ignore[arg-type]
    app.add_exception_handler(RateLimited, _rate_limited)  # type: ignore[arg-type]
    app.add_exception_handler(InvalidPart, _invalid_part)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal)
