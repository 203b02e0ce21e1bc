"""Reports (Decision 766 indicators) and the dossier register (form 06) of an agency over a
period, for operators and the agency's leaders.

Who reads which agency: an operator of a province-wide service centre any agency (or all at once);
an operator of one agency and the agency's leaders (models/officer.py, LEADER_ROLES) their own
agency only, which is also what they get when they name none; another agency answers 404, as a
dossier out of reach does. Other officers are refused (403): the figures and the register, which
names applicants, are the leaders' and the operators'.
"""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field

from models.calendar import VIETNAM
from models.officer import LEADER_ROLES, OPERATOR_ROLE
from models.tables import AgencyRecord
from operations.access import Caller, readable_agencies
from operations.errors import Forbidden, InvalidPeriod, NotFound
from operations.services import Services
from support.calendars import calendar_file, resolve_calendar
from support.dossier_register import RegisterLine, register_lines, render_register
from support.reports import (
    GroupBy,
    GroupFigures,
    Indicators,
    Report,
    compute_report,
    period_problem,
)

with warnings.catch_warnings():  # the parent computes `indicators`; here it is a field
    warnings.simplefilter("ignore", UserWarning)

    class GroupView(GroupFigures):
        """A report's row with its indicators."""

        indicators: Indicators = Field(description="the Decision 766 indicators")


class ReportView(Report):
    """A report as the API answers it: every group with its counts and its indicators."""

    groups: list[GroupView]  # type: ignore[assignment]
    total: GroupView


class DossierRegister(BaseModel):
    """The register (sổ theo dõi hồ sơ, form 06) of a receiving agency over a period."""

    agency: str
    agency_name: str | None
    start: date
    end: date
    lines: list[RegisterLine]


def covered_agency(caller: Caller, services: Services, agency: str | None) -> str | None:
    """The agency the caller's report covers (None: every agency, for a province-wide operator)."""
    officer = caller.officer
    if officer.role != OPERATOR_ROLE and officer.role not in LEADER_ROLES:
        raise Forbidden(
            "reports and the dossier register are for operators and the agency's leaders"
        )
    reach = readable_agencies(caller, services.settings)
    if reach is None:
        return agency
    if agency is None:
        return officer.agency
    if agency not in reach:
        raise NotFound(f"no agency {agency} within your reach")
    return agency


def check_period(start: date, end: date) -> None:
    """A report's period, refused (InvalidPeriod) when it runs backwards, too far or too long."""
    problem = period_problem(start, end, datetime.now(VIETNAM).date())
    if problem:
        raise InvalidPeriod(f"from {start} to {end}: {problem}")


def report(
    services: Services, caller: Caller, start: date, end: date, agency: str | None, by: GroupBy
) -> ReportView:
    """Dossiers received, finished and in progress, on time or late, and the 766 indicators."""
    check_period(start, end)
    covered = covered_agency(caller, services, agency)
    this_year = datetime.now(VIETNAM).year
    calendar = resolve_calendar(
        start.year - 3, max(end.year, this_year) + 1, calendar_file(services.settings)
    )
    with services.sessions() as session:
        found = compute_report(session.connection(), calendar, start, end, agency=covered, by=by)
    return ReportView.model_validate(found.as_dict())


def dossier_register(
    services: Services, caller: Caller, agency: str | None, start: date, end: date
) -> DossierRegister:
    """Every dossier the agency received in the period, one line each."""
    check_period(start, end)
    covered = covered_agency(caller, services, agency)
    if covered is None:
        raise InvalidPeriod("name the agency whose register you want (agency=…)")
    with services.sessions() as session:
        lines = register_lines(session, covered, start, end)
        listed = session.get(AgencyRecord, covered)
    name = listed.name if listed else None
    return DossierRegister(agency=covered, agency_name=name, start=start, end=end, lines=lines)


def register_pdf(register: DossierRegister) -> bytes:
    """Form 06 as a PDF, issued now."""
    return render_register(
        register.agency,
        register.start,
        register.end,
        register.lines,
        datetime.now(UTC),
        register.agency_name,
    )
