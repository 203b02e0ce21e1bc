"""The working calendar: published by the province's administrator, pushed by operators to the
open dossiers (operations/calendar.py)."""

from __future__ import annotations

from fastapi import APIRouter

from api.dependencies import CallerDep, ClientDep, ServicesDep
from api.dossiers import ACTION_PROBLEMS, Code
from api.responses import PROBLEMS
from models.actions import CalendarChange
from operations import calendar
from operations.calendar import CalendarView, SignedCalendar
from operations.dossiers import DossierView

router = APIRouter(prefix="/api/v1", tags=["calendar"])


@router.get("/calendar", response_model=CalendarView, responses=PROBLEMS(401, 403))
async def get_calendar(caller: CallerDep, client: ClientDep, services: ServicesDep) -> CalendarView:
    """The calendar new dossiers take now, and the open dossiers of the operator's scope to
    push it to."""
    return await calendar.current(client, caller, services)


@router.post(
    "/calendar", status_code=201, response_model=CalendarView, responses=PROBLEMS(401, 403, 422)
)
def publish_calendar(
    request: SignedCalendar, caller: CallerDep, services: ServicesDep
) -> CalendarView:
    """Publishes the calendar changes (days off, swapped weekend days), signed by an
    administrator of a province-wide agency: new dossiers take it from now on."""
    return calendar.publish(caller, services, request)


@router.post("/dossiers/{code}/calendar", response_model=DossierView, responses=ACTION_PROBLEMS)
async def push_calendar(
    code: Code, change: CalendarChange, caller: CallerDep, client: ClientDep, services: ServicesDep
) -> DossierView:
    """An operator gives the dossier the calendar published now, signed by them: the dossier
    records it and counts its dates anew."""
    return await calendar.push(client, caller, services, code, change)
