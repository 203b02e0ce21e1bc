"""The operators' pages are for operators: another officer is refused (403), as the API
refuses them the stuck dossiers and the board."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.pages.rendering import render
from models.officer import OPERATOR_ROLE
from operations.signin import WebCaller

REFUSED = "Trang này dành cho cán bộ vận hành hệ thống."


def is_operator(signed: WebCaller) -> bool:
    return signed.caller.officer.role == OPERATOR_ROLE


def refused(request: Request, signed: WebCaller) -> HTMLResponse:
    context = {"officer": signed.caller.officer, "message": REFUSED}
    return render(request, "error.html", context, status=403, cookie=signed.cookie)
