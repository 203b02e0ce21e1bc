"""A page's form with a field left empty (or longer than its limit): FastAPI refuses it before
the route runs (an empty `Form()` field is "missing") and would answer the API's JSON 422. The
pages' routes (`page_router`) answer with the page again instead, the message beside the field
in the browser's language, and nothing done: the route declares that page with `@again(...)`;
the routes the browser's scripts call (sign.js) answer a problem that names the field, as
`action_words.field_problem` does. The API's problem details (/api/v1) stay as they are."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute

from api.pages.action_words import field_problem
from api.pages.i18n import language, translator
from api.pages.rendering import render

EMPTY = "Hãy điền mục này."
TOO_LONG = "Mục này dài hơn mức cho phép."
INVALID = "Giá trị của mục này không hợp lệ."

FieldErrors = dict[str, str]
"""Vietnamese messages by form field; the page translates them as it draws them."""
Again = Callable[[Request, FieldErrors], Awaitable[Response]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_AGAIN = "__page_again__"


def again(page: Again) -> Callable[[Endpoint], Endpoint]:
    """The page a route shows again when a field of its form is refused (put it under the
    route's decorator): `page(request, errors)`, the form's values read from the request."""

    def mark(endpoint: Endpoint) -> Endpoint:
        setattr(endpoint, _AGAIN, page)
        return endpoint

    return mark


def field_errors(errors: Sequence[Any]) -> FieldErrors:
    """The refused form fields, each with its message (never the value given)."""
    found: FieldErrors = {}
    for error in errors:
        where = tuple(error.get("loc") or ())
        if len(where) < 2 or where[0] != "body":
            continue
        kind = error.get("type")
        message = EMPTY if kind == "missing" else TOO_LONG if kind == "string_too_long" else INVALID
        found.setdefault(str(where[1]), message)
    return found


BAD_PATH = "Không có trang này: địa chỉ không đúng."
BAD_QUERY = "Địa chỉ trang có tham số không hợp lệ. Hãy mở lại trang từ liên kết của hoso."


def address_refused(request: Request, errors: Sequence[Any]) -> Response:
    """A page's address that does not parse (a malformed code in the path: not found; a bad
    query parameter: 400), said as a page in the browser's language, never the API's JSON."""
    in_path = any(tuple(error.get("loc") or ("",))[0] == "path" for error in errors)
    message, status = (BAD_PATH, 404) if in_path else (BAD_QUERY, 400)
    return render(request, "error.html", {"message": message}, status=status)


class PageRoute(APIRoute):
    """A page's route: a refused form field is said on the page, not in the API's JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        page: Again | None = getattr(self.endpoint, _AGAIN, None)

        async def handler(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as exc:
                errors = field_errors(exc.errors())
                if not errors:  # the address, not the form
                    return address_refused(request, exc.errors())
                if page is not None:
                    return await page(request, errors)
                name, message = next(iter(errors.items()))
                gettext = translator(language(request.headers.get("accept-language")))
                return field_problem(request, name, gettext(message))

        return handler


def page_router(**options: Any) -> APIRouter:
    """A router of pages: out of the API's OpenAPI document, its forms refused on the page."""
    return APIRouter(include_in_schema=False, route_class=PageRoute, **options)
