"""The pages' cookies: HttpOnly, SameSite=Strict, and Secure — plain http only on the loopback
address in development (the browser then keeps a cookie without the __Host- prefix)."""

from __future__ import annotations

from ipaddress import ip_address

from fastapi import Request
from fastapi.responses import Response

from config import Settings

SESSION_COOKIE = "hoso_session"
FORM_COOKIE = "hoso_form"  # before sign-in: the CSRF token of the sign-in and public forms


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_secure(request: Request) -> bool:
    """Cookies are Secure, but for plain http to the loopback address in development."""
    settings: Settings = request.app.state.services.settings
    plain = request.url.scheme == "http"
    development = settings.environment == "development"
    return not (plain and development and _loopback(request.url.hostname or ""))


def plain_http_refused(request: Request) -> bool:
    """Signing in over plain http outside the loopback in development: the Secure cookie would
    never come back, and the password would cross the network in clear."""
    return request.url.scheme == "http" and is_secure(request)


def cookie_name(base: str, secure: bool) -> str:
    return f"__Host-{base}" if secure else base


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    secure = is_secure(request)
    response.set_cookie(
        cookie_name(SESSION_COOKIE, secure),
        value,
        httponly=True,
        secure=secure,
        samesite="strict",
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    secure = is_secure(request)
    response.delete_cookie(
        cookie_name(SESSION_COOKIE, secure),
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def session_cookie(request: Request) -> str | None:
    return request.cookies.get(cookie_name(SESSION_COOKIE, is_secure(request)))


def form_cookie(request: Request) -> str | None:
    return request.cookies.get(cookie_name(FORM_COOKIE, is_secure(request)))
