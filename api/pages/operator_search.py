"""Operators search the dossiers of their scope with the API's filters (`hoso list`); each
found dossier opens on its own page, history included."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from api.pages.form_fields import page_router
from api.pages.guard import OfficerDep, services_of
from api.pages.names import catalogue_names
from api.pages.operator_guard import is_operator, refused
from api.pages.period_form import BAD_DATE, parse_day
from api.pages.rendering import render
from operations import search
from operations.paging import BadCursor
from operations.search import DossierFilter
from support.dossier_queries import FilterError

router = page_router()
PAGE_SIZE = 50
BAD_FILTER = "Bộ lọc không hợp lệ."
Day = Annotated[str, Query(max_length=20)]
Value = Annotated[str, Query(max_length=64)]
Due = Annotated[str, Query(pattern="^(|overdue|at_risk)$")]
DAYS = ("due_before", "received_from", "received_to")


def _filters(
    status: Value = "",
    procedure: Value = "",
    agency: Value = "",
    unit: Value = "",
    stage: Value = "",
    role: Value = "",
    due: Due = "",
) -> DossierFilter:
    """The API's search filters (operations/search.py checks each value)."""
    return DossierFilter(
        status=status or None,
        procedure=procedure or None,
        agency=agency or None,
        unit=unit or None,
        stage=stage or None,
        role=role or None,
        overdue=due == "overdue",
        at_risk=due == "at_risk",
    )


def _days(due_before: Day = "", received_from: Day = "", received_to: Day = "") -> dict[str, str]:
    return {"due_before": due_before, "received_from": received_from, "received_to": received_to}


def _with_days(
    wanted: DossierFilter, typed: dict[str, str]
) -> tuple[DossierFilter, dict[str, str]]:
    """The filter with the days typed as dd/mm/yyyy, and a message for each that is not a day."""
    errors: dict[str, str] = {}
    found: dict[str, date] = {}
    for name in DAYS:
        if typed[name].strip():
            day = parse_day(typed[name])
            if day is None:
                errors[name] = BAD_DATE
            else:
                found[name] = day
    return wanted.model_copy(update=found), errors


@router.get("/operations/search")
async def search_page(
    request: Request,
    signed: OfficerDep,
    wanted: Annotated[DossierFilter, Depends(_filters)],
    typed: Annotated[dict[str, str], Depends(_days)],
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    if not is_operator(signed):
        return refused(request, signed)
    services = services_of(request)
    wanted, errors = _with_days(wanted, typed)
    items, next_cursor, error = [], None, None
    if not errors:
        try:
            page = await asyncio.to_thread(
                search.search,
                services.sessions,
                services.settings,
                signed.caller,
                wanted,
                cursor=cursor,
                size=PAGE_SIZE,
            )
            items, next_cursor = page.items, page.next_cursor
        except (FilterError, BadCursor):
            error = BAD_FILTER
    context = {
        "officer": signed.caller.officer,
        "names": catalogue_names(services.sessions),
        "wanted": wanted,
        "typed": typed,
        "errors": errors,
        "error": error,
        "items": items,
        "next_cursor": next_cursor,
        "query": urlencode(
            [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        ),
    }
    status = 422 if errors or error else 200
    return render(request, "operator_search.html", context, status=status, cookie=signed.cookie)
