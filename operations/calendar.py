"""The working calendar (ngày làm việc): the province's administrator publishes it, operators
push it to the open dossiers.

The calendar is the province's: an administrator of a province-wide agency (the service
centre, settings.province_agencies) signs the changes to the law's holidays (days off announced,
weekend days swapped) on their own machine; they go on the publication record and become the
calendar intake gives new dossiers. An operator then pushes it to each open dossier of their
scope, signing each change; a dossier takes only the calendar published now.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import select
from temporalio.client import Client

from activities.keys import load_public_keys
from activities.publications import ProvidedProofs
from models.actions import CalendarChange
from models.calendar import VIETNAM, WorkingCalendar
from models.publication import CALENDAR_SUBJECT, PublicationKind, PublicationProof, calendar_hash
from models.tables import DossierRecord
from operations import actions
from operations.access import Caller, province_wide, readable_agencies
from operations.dossiers import DossierView
from operations.errors import Conflict, Forbidden
from operations.mending import require_operator
from operations.publishing import check_proof, require_administrator
from operations.services import Services
from support.calendar_publications import (
    changes_json,
    publish_calendar,
    served_calendar_problem,
)
from support.calendars import CalendarChanges, calendar_file, calendar_for, load_calendar_changes
from support.open_dossiers import open_dossiers


class SignedCalendar(BaseModel):
    """The calendar changes, signed by a province-wide agency's administrator."""

    changes: CalendarChanges
    proof: PublicationProof


class CalendarView(BaseModel):
    """The calendar dossiers take now, and the open dossiers of the caller's scope."""

    sha256: str = Field(description="SHA-256 of the published changes")
    calendar: WorkingCalendar
    open: list[str] = Field(default_factory=list, description="open dossiers to push it to")


def _served(services: Services) -> WorkingCalendar:
    return calendar_for(datetime.now(VIETNAM), services.settings)


def publish(caller: Caller, services: Services, request: SignedCalendar) -> CalendarView:
    """Records the signed calendar and serves it to intake from now on."""
    agency = caller.officer.agency
    if agency not in province_wide(services.settings):
        raise Forbidden(
            "only an administrator of a province-wide agency publishes the working calendar:"
            f" {caller.officer.id} is {caller.officer.role} of {agency}"
        )
    require_administrator(caller, agency, "working calendar")
    content = changes_json(request.changes)
    issuers = load_public_keys(services.settings.resolved_keys_dir, "issuer")
    check_proof(
        caller,
        request.proof,
        issuers,
        kind=PublicationKind.calendar,
        subject=CALENDAR_SUBJECT,
        agency=agency,
        sha256=calendar_hash(content),
    )
    with services.sessions() as session:
        digest = publish_calendar(
            session, services.settings, request.changes, ProvidedProofs([request.proof]), agency
        )
    return CalendarView(sha256=digest, calendar=_served(services))


async def current(client: Client, caller: Caller, services: Services) -> CalendarView:
    """The calendar as published now and the open dossiers of the operator's scope."""
    require_operator(caller)
    codes = [c async for c in open_dossiers(client, services.settings.task_queue)]
    agencies = readable_agencies(caller, services.settings)
    if agencies is not None:
        with services.sessions() as session:
            query = select(DossierRecord.code).where(DossierRecord.agency.in_(agencies))  # type: ignore[attr-defined]
            mine = set(session.exec(query))
        codes = [code for code in codes if code in mine]
    content = _served_changes(services)
    return CalendarView(sha256=calendar_hash(content), calendar=_served(services), open=codes)


def _served_changes(services: Services) -> dict[str, object]:
    path = calendar_file(services.settings)
    return changes_json(load_calendar_changes(path)) if path is not None else {}


async def push(
    client: Client, caller: Caller, services: Services, code: str, change: CalendarChange
) -> DossierView:
    """The operator's signed calendar change, sent to the dossier: only the calendar published
    now, and only when the served calendar is the published one."""
    require_operator(caller)
    with services.sessions() as session:
        problem = served_calendar_problem(session, services.settings)
    if problem is not None:
        raise Conflict(f"the calendar is not pushed: {problem}")
    served = _served(services).model_dump(mode="json")
    if change.calendar.model_dump(mode="json") != served:
        raise Conflict(
            "this is not the calendar published now: fetch it again (GET /api/v1/calendar)"
        )
    return await actions.perform(client, caller, services, code, change)
