"""Rendering a page: the Jinja2 templates of api/templates with the request's language, the
catalogue's names, and the headers every page carries (no framing, scripts from hoso only)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.pages import i18n, masks
from api.pages.cookies import FORM_COOKIE, cookie_name, is_secure
from api.pages.names import catalogue_names
from config import Settings
from support.web_sessions import csrf_token

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC_VERSION = "13"  # bump with any change of api/static: the files are cached for a day

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters["vndate"] = i18n.vietnamese_date
environment.filters["vntime"] = i18n.vietnamese_time
environment.filters["clock"] = i18n.clock
environment.filters["file_size"] = i18n.file_size
environment.filters["masked_name"] = masks.masked_name
environment.filters["masked_phone"] = masks.masked_phone

PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Vary": "Accept-Language, Cookie",
}


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    cookie: str | None = None,
) -> HTMLResponse:
    """The page in the request's language. Every form carries the CSRF token of `cookie` (the
    session's), or of the form cookie that a browser without a session gets here."""
    lang = i18n.language(request.headers.get("accept-language"))
    gettext = i18n.translator(lang)
    secure = is_secure(request)
    settings: Settings = request.app.state.services.settings
    form_cookie = None
    if cookie is None:
        cookie = request.cookies.get(cookie_name(FORM_COOKIE, secure))
        if not cookie:
            cookie = form_cookie = secrets.token_urlsafe(32)
    values = {
        "request": request,
        "lang": lang,
        "_": gettext,
        "gettext": gettext,
        "ngettext": lambda s, p, n: gettext(s if n == 1 else p),
        "csrf": csrf_token(cookie),
        "static_version": STATIC_VERSION,
        "sso": settings.single_sign_on,
        "password_sign_in": settings.password_sign_in,
        "status_label": lambda s: gettext(i18n.STATUSES.get(s or "", s or "")),
        "role_label": lambda r: gettext(i18n.ROLES.get(r or "", r or "")),
        "waiting_label": lambda w: gettext(i18n.WAITING.get(w, w)),
        "event_label": lambda e: gettext(i18n.EVENTS.get(e, e)),
        "delivery_label": lambda d: gettext(i18n.DELIVERY.get(d, d)),
        "booking_status": lambda b: gettext(i18n.BOOKINGS.get(b, b)),
        "at_counter": lambda o: catalogue_names(request.app.state.services.sessions).at_counter(o),
        **(context or {}),
    }
    body = environment.get_template(template).render(values)
    response = HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)
    response.headers["Content-Language"] = lang
    if form_cookie is not None:
        response.set_cookie(
            cookie_name(FORM_COOKIE, secure),
            form_cookie,
            httponly=True,
            secure=secure,
            samesite="strict",
            path="/",
        )
    return response
