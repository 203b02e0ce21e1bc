"""The worklist page: the dossiers waiting for the signed-in officer, soonest due first, with
their counts; the list refreshes itself (htmx) without reloading the page."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response

from api.pages.form_fields import page_router
from api.pages.guard import OfficerDep, services_of
from api.pages.names import catalogue_names
from api.pages.rendering import render
from operations.paging import BadCursor
from operations.signin import WebCaller
from operations.worklist import FilterError, WorklistFilter, WorklistItem, worklist

router = page_router()
PAGE_SIZE = 50


def _counts(items: list[WorklistItem]) -> dict[str, int]:
    return {
        "all": len(items),
        "overdue": sum(item.overdue for item in items),
        "at_risk": sum(item.at_risk and not item.overdue for item in items),
        "stage": sum(item.waiting == "stage" for item in items),
        "consultation": sum(item.waiting == "consultation" for item in items),
        "council": sum(item.waiting in ("council", "chair") for item in items),
    }


async def _context(
    request: Request, signed: WebCaller, wanted: WorklistFilter, cursor: str | None
) -> dict[str, Any]:
    services = services_of(request)
    error = None
    try:
        page = await asyncio.to_thread(
            worklist, services.sessions, signed.caller, wanted, cursor=cursor, size=PAGE_SIZE
        )
        items, next_cursor = page.items, page.next_cursor
    except (FilterError, BadCursor):
        items, next_cursor, error = [], None, "Bộ lọc không hợp lệ."
    return {
        "officer": signed.caller.officer,
        "items": items,
        "counts": _counts(items),
        "next_cursor": next_cursor,
        "wanted": wanted,
        "names": catalogue_names(services.sessions),
        "error": error,
        "refresh": services.settings.web_refresh_seconds,
        "procedures": catalogue_names(services.sessions).procedures,
    }


def _filter(
    status: str | None, procedure: str | None, due: str | None, due_before: date | None
) -> WorklistFilter:
    return WorklistFilter(
        status=status or None,
        procedure=procedure or None,
        overdue=due == "overdue",
        at_risk=due == "at_risk",
        due_before=due_before,
    )


Status = Annotated[str | None, Query(max_length=40)]
Due = Annotated[str | None, Query(pattern="^(|overdue|at_risk)$")]


@router.get("/")
async def home() -> Response:
    return RedirectResponse("/worklist", 303)


@router.get("/worklist")
async def worklist_page(
    request: Request,
    signed: OfficerDep,
    status: Status = None,
    procedure: Status = None,
    due: Due = None,
    due_before: date | None = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    wanted = _filter(status, procedure, due, due_before)
    context = await _context(request, signed, wanted, cursor)
    return render(request, "worklist.html", context, cookie=signed.cookie)


@router.get("/worklist/items")
async def worklist_items(
    request: Request,
    signed: OfficerDep,
    status: Status = None,
    procedure: Status = None,
    due: Due = None,
    due_before: date | None = None,
) -> Response:
    """The list and its counts alone, for the page to swap in."""
    wanted = _filter(status, procedure, due, due_before)
    context = await _context(request, signed, wanted, None)
    return render(request, "worklist_items.html", context, cookie=signed.cookie)
