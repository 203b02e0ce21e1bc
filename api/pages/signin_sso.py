"""Signing in through the agency's single sign-on (OpenID Connect): to the provider with state,
nonce and a PKCE challenge, back with a code, then the browser makes its signing key as after
the TOTP step. Each failure is a page that says so, in Vietnamese."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from api.pages.cookies import (
    cookie_name,
    is_secure,
    plain_http_refused,
    session_cookie,
    set_session_cookie,
)
from api.pages.form_fields import page_router
from api.pages.guard import CsrfDep, services_of
from api.pages.rendering import render
from api.pages.signin import HTTPS
from config import Settings
from operations import signin, sso
from support import oidc

log = structlog.get_logger()
router = page_router()
SSO_COOKIE = "hoso_sso"  # the browser's binding to the state, between redirect and callback
SSO_COOKIE_SECONDS = 600
CALLBACK = "/signin/sso/callback"
SSO_OFF = "Đăng nhập một lần (SSO) chưa được cấu hình."
SSO_DOWN = "Không kết nối được với hệ thống đăng nhập một lần (SSO): hãy thử lại sau."
SSO_STATE = "Phiên đăng nhập một lần không khớp hoặc đã hết hạn: hãy đăng nhập lại từ đầu."
SSO_REFUSED = "Hệ thống đăng nhập một lần không xác nhận việc đăng nhập này: hãy đăng nhập lại."
SSO_UNKNOWN = "Tài khoản đăng nhập một lần này không phải của cán bộ nào đang làm việc."
EXPIRED = "Phiên đăng nhập đã hết: hãy đăng nhập lại."


def _settings(request: Request) -> Settings:
    return services_of(request).settings


def _redirect_uri(request: Request) -> str:
    return str(request.base_url).rstrip("/") + CALLBACK


def _failed(request: Request, message: str, status: int) -> Response:
    response = render(request, "signin.html", {"error": message}, status=status)
    _clear_binding(response, request)
    return response


def _clear_binding(response: Response, request: Request) -> None:
    secure = is_secure(request)
    response.delete_cookie(
        cookie_name(SSO_COOKIE, secure), path="/", secure=secure, httponly=True, samesite="lax"
    )


@router.get("/signin/sso")
async def to_provider(request: Request) -> Response:
    """To the provider's sign-in, the browser bound to the state by an HttpOnly cookie (Lax:
    the provider sends the browser back with a cross-site top-level GET)."""
    settings = _settings(request)
    if not settings.single_sign_on:
        return render(request, "error.html", {"message": SSO_OFF}, status=404)
    if plain_http_refused(request):
        return render(request, "error.html", {"message": HTTPS}, status=403)
    try:
        provider = await oidc.discover(settings)
    except oidc.ProviderUnavailable as exc:
        log.warning("sso_provider_unavailable", reason=str(exc))
        return _failed(request, SSO_DOWN, 502)
    binding = oidc.new_binding()
    url = oidc.authorization_url(settings, provider, binding, _redirect_uri(request))
    response = RedirectResponse(url, 303)
    secure = is_secure(request)
    response.set_cookie(
        cookie_name(SSO_COOKIE, secure),
        binding,
        max_age=SSO_COOKIE_SECONDS,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    return response


@router.get(CALLBACK)
async def from_provider(
    request: Request, code: str | None = None, state: str | None = None
) -> Response:
    """Back from the provider: the state checked against this browser's cookie, the code
    exchanged, the ID token checked, its officer signed in; then the page making the key."""
    settings = _settings(request)
    if not settings.single_sign_on:
        return render(request, "error.html", {"message": SSO_OFF}, status=404)
    binding = request.cookies.get(cookie_name(SSO_COOKIE, is_secure(request)))
    if binding is None or not oidc.state_matches(settings, binding, state):
        log.info("sso_sign_in_refused", reason="state does not match this browser")
        return _failed(request, SSO_STATE, 400)
    if not code or len(code) > 2048:  # the provider refused (error=…) or sent nothing
        return _failed(request, SSO_REFUSED, 401)
    try:
        claims = await oidc.signed_in_claims(settings, binding, code, _redirect_uri(request))
        cookie = sso.sign_in(services_of(request), claims)
    except oidc.ProviderUnavailable as exc:
        log.warning("sso_provider_unavailable", reason=str(exc))
        return _failed(request, SSO_DOWN, 502)
    except oidc.TokenRefused as exc:
        log.info("sso_sign_in_refused", reason=str(exc))
        return _failed(request, SSO_REFUSED, 401)
    except sso.UnknownOfficer:
        return _failed(request, SSO_UNKNOWN, 403)
    # A page, not a redirect: after a cross-site arrival the browser would not send the new
    # SameSite=Strict cookie on a redirect; it does on the key page's own form.
    response = render(request, "signin_key.html", cookie=cookie)
    set_session_cookie(response, request, cookie)
    _clear_binding(response, request)
    return response


@router.post("/signin/key", dependencies=[CsrfDep])
async def certify_key(
    request: Request, public_key: Annotated[str, Form(max_length=200)] = ""
) -> Response:
    """The public half of the key the browser made (sign.js), certified for the session."""
    try:
        sso.certify_browser_key(services_of(request), session_cookie(request) or "", public_key)
    except signin.SignInExpired:
        return render(request, "signin.html", {"error": EXPIRED}, status=401)
    return RedirectResponse("/worklist", 303)
