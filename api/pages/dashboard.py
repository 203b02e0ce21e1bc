"""The operator's dashboard: open dossiers of their scope by stage and agency, overdue and at
risk, stuck dossiers, webhook deliveries that fail, and the Decision 766 indicators over a
period, drawn as SVG with the same numbers as a table."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from temporalio.service import RPCError

from api.pages.drawings import Bar, percent_bars
from api.pages.form_fields import page_router
from api.pages.guard import OfficerDep, services_of
from api.pages.i18n import language, translator
from api.pages.names import catalogue_names
from api.pages.operator_guard import is_operator, refused
from api.pages.period_form import Period, read_period
from api.pages.rendering import render
from operations import reports, search, webhooks
from operations.access import Caller
from operations.board import board
from operations.search import DossierFilter
from operations.services import Services
from operations.stuck import StuckDossier, stuck_dossiers
from support.reports import GroupBy

router = page_router()
LISTED = 20
STUCK_SECONDS = 5.0  # a server that does not flag failing tasks is asked dossier by dossier
Day = Annotated[str | None, Query(max_length=20)]
INDICATORS = (
    ("on_time_rate", "Đúng hạn (2.1)"),
    ("online_share", "Nộp trực tuyến (3.3)"),
    ("online_payment_share", "Thanh toán trực tuyến (3.6)"),
    ("electronic_result_share", "Kết quả điện tử (4.1)"),
    ("digitised_share", "Số hóa (4.2)"),
    ("satisfaction_proxy", "Mức độ hài lòng (5.4)"),
)


def _late(services: Services, caller: Caller, wanted: DossierFilter) -> search.DossierPage:
    return search.search(services.sessions, services.settings, caller, wanted, size=LISTED)


def _chart(request: Request, report: reports.ReportView) -> Any:
    gettext = translator(_lang(request))
    figures = report.total.indicators
    bars = [Bar(gettext(label), getattr(figures, name)) for name, label in INDICATORS]
    title = gettext("Chỉ số theo Quyết định 766 của toàn phạm vi")
    return percent_bars("indicators", title, bars, gettext("chưa có số liệu"))


def _lang(request: Request) -> str:
    return language(request.headers.get("accept-language"))


async def _stuck(services: Services, caller: Caller) -> list[StuckDossier] | None:
    """The stuck dossiers, or None when Temporal does not answer in time: the rest of the
    dashboard is the projection's and still shows."""
    try:
        return await asyncio.wait_for(
            stuck_dossiers(await services.client(), caller, services), STUCK_SECONDS
        )
    except (TimeoutError, RPCError):
        return None


async def _figures(services: Services, caller: Caller, period: Period) -> dict[str, Any]:
    found: dict[str, Any] = {"report": None}
    if period.valid and period.start and period.end:
        found["report"] = await asyncio.to_thread(
            reports.report, services, caller, period.start, period.end, None, GroupBy.agency
        )
    return found


@router.get("/operations")
async def dashboard_page(
    request: Request,
    signed: OfficerDep,
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
) -> Response:
    if not is_operator(signed):
        return refused(request, signed)
    services = services_of(request)
    caller = signed.caller
    period = read_period(start, end)
    counts = await asyncio.to_thread(board, services, caller)
    overdue = await asyncio.to_thread(_late, services, caller, DossierFilter(overdue=True))
    at_risk = await asyncio.to_thread(_late, services, caller, DossierFilter(at_risk=True))
    stuck = await _stuck(services, caller)
    failing = await asyncio.to_thread(webhooks.failing, caller, services)
    figures = await _figures(services, caller, period)
    context = {
        "officer": caller.officer,
        "names": catalogue_names(services.sessions),
        "board": counts,
        "overdue": overdue.items,
        "at_risk": at_risk.items,
        "stuck": stuck,
        "failing": failing,
        "period": period,
        "report": figures["report"],
        "chart": _chart(request, figures["report"]) if figures["report"] else None,
        "indicators": INDICATORS,
        "can_sign": signed.certificate is not None,
    }
    status = 422 if period.errors else 200
    return render(request, "dashboard.html", context, status=status, cookie=signed.cookie)
