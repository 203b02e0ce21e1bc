"""Signing in and out: the password, then the TOTP code (enrolled from a QR code the first time),
and signing out. Each step's answer is a page; a failure says so beside the field."""

from __future__ import annotations

import io
from typing import Annotated

import segno
from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from api.pages.cookies import (
    clear_session_cookie,
    plain_http_refused,
    session_cookie,
    set_session_cookie,
)
from api.pages.form_fields import FieldErrors, again, page_router
from api.pages.guard import CsrfDep, services_of
from api.pages.i18n import vietnamese_time
from api.pages.rendering import render
from operations import signin

router = page_router()
WRONG = "Mã cán bộ, mật khẩu hoặc mã xác thực không đúng."
LOCKED = "Đăng nhập sai quá nhiều lần: tài khoản tạm khóa đến %(until)s."
EXPIRED = "Phiên đăng nhập đã hết: hãy nhập lại mật khẩu."
HTTPS = "Hãy đăng nhập qua HTTPS."
PASSWORDS_OFF = "Đăng nhập bằng mật khẩu đã tắt: hãy đăng nhập bằng tài khoản một lần (SSO)."


def _refused(request: Request, template: str, exc: signin.SignInRefused, status: int) -> Response:
    if isinstance(exc, signin.AccountLocked):
        gettext_values = {"until": vietnamese_time(exc.until)}
        return render(request, template, {"error": LOCKED, "values": gettext_values}, status=429)
    return render(request, template, {"error": WRONG}, status=status)


@router.get("/signin")
async def signin_page(request: Request) -> Response:
    if plain_http_refused(request):
        return render(request, "error.html", {"message": HTTPS}, status=403)
    return render(request, "signin.html")


async def _password_again(request: Request, errors: FieldErrors) -> Response:
    """The sign-in form again, the officer id kept (never the password), nothing recorded."""
    typed = (await request.form()).get("officer")
    context = {"errors": errors, "officer_typed": typed if isinstance(typed, str) else ""}
    return render(request, "signin.html", context, status=400)


@router.post("/signin", dependencies=[CsrfDep])
@again(_password_again)
async def signin_password(
    request: Request,
    officer: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
) -> Response:
    if plain_http_refused(request):
        return render(request, "error.html", {"message": HTTPS}, status=403)
    if not services_of(request).settings.password_sign_in:
        return render(request, "signin.html", {"error": PASSWORDS_OFF}, status=403)
    try:
        pending = signin.check_password(services_of(request), officer, password)
    except signin.SignInRefused as exc:
        return _refused(request, "signin.html", exc, 401)
    response = RedirectResponse("/signin/code" if pending.enrolled else "/signin/enrol", 303)
    set_session_cookie(response, request, pending.secret)
    return response


def _qr_svg(uri: str) -> str:
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="QR"
    )
    return out.getvalue().decode()


@router.get("/signin/enrol")
async def enrol_page(request: Request) -> Response:
    cookie = session_cookie(request) or ""
    try:
        uri = signin.enrolment_uri(services_of(request), cookie)
    except signin.SignInRefused:
        return render(request, "signin.html", {"error": EXPIRED}, status=401)
    return _enrol_page(request, cookie, uri)


def _enrol_page(
    request: Request,
    cookie: str,
    uri: str,
    error: str | None = None,
    status: int = 200,
    errors: FieldErrors | None = None,
) -> Response:
    secret = uri.split("secret=")[1].split("&")[0]
    context = {"qr": _qr_svg(uri), "secret": secret, "error": error, "errors": errors}
    return render(request, "signin_enrol.html", context, cookie=cookie, status=status)


@router.get("/signin/code")
async def code_page(request: Request) -> Response:
    return render(request, "signin_code.html", cookie=session_cookie(request))


async def _code_again(request: Request, errors: FieldErrors) -> Response:
    """The code's page again (with the QR code while enrolling); no attempt counted."""
    cookie = session_cookie(request) or ""
    try:
        uri = signin.enrolment_uri(services_of(request), cookie)
    except signin.SignInRefused:
        context = {"errors": errors}
        return render(request, "signin_code.html", context, cookie=cookie or None, status=400)
    return _enrol_page(request, cookie, uri, status=400, errors=errors)


@router.post("/signin/code", dependencies=[CsrfDep])
@again(_code_again)
async def signin_code(
    request: Request,
    code: Annotated[str, Form(max_length=12)],
    public_key: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The code; with it, the public half of the key the browser made (sign.js), to certify."""
    cookie = session_cookie(request) or ""
    try:
        signed = signin.check_code(services_of(request), cookie, code, public_key or None)
    except signin.AccountLocked as exc:
        return _refused(request, "signin.html", exc, 429)
    except signin.SignInExpired:
        return render(request, "signin.html", {"error": EXPIRED}, status=401)
    except signin.SignInRefused as exc:
        try:  # while enrolling, the QR code stays on the page
            uri = signin.enrolment_uri(services_of(request), cookie)
        except signin.SignInRefused:
            return _refused(request, "signin_code.html", exc, 401)
        return _enrol_page(request, cookie, uri, WRONG, 401)
    response = RedirectResponse("/worklist", 303)
    set_session_cookie(response, request, signed)
    return response


@router.post("/signout", dependencies=[CsrfDep])
async def signout(request: Request) -> Response:
    cookie = session_cookie(request)
    if cookie:
        signin.sign_out(services_of(request), cookie)
    response = RedirectResponse("/signin", 303)
    clear_session_cookie(response, request)
    return response
