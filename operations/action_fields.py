"""The fields of the actions that need more than a comment, as the dossier's page asks them: the
new appointment date of an apology (form 04: a working day after the due date) and the council a
`convene` seats (active officers of the registry, the experts as the registry names them).

Each answers in domain facts (a `DateProblem`, the candidates); the pages say them in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import ValidationError
from sqlmodel import select
from temporalio.client import Client

from models.actions import CouncilAppointment, CouncilMember
from models.calendar import WorkingCalendar
from models.officer import seat_problem
from models.procedure import CouncilStage
from models.state import DossierState
from models.tables import OfficerRecord
from operations.access import Caller
from operations.dossiers import readable_state
from operations.errors import ActionRefused
from operations.services import Services
from support.calendars import calendar_for
from workflows.council import experts_needed


@dataclass(frozen=True)
class DateProblem:
    """Why a new appointment date cannot be set: not a date, not after the due date, or a day off
    (`why`: the holiday's name, None for a weekend); `suggested`: a working day that would do."""

    kind: Literal["invalid", "not_after_due", "day_off"]
    day: date | None
    due: date | None
    why: str | None = None
    suggested: date | None = None


@dataclass(frozen=True)
class Candidate:
    """An officer of the registry a council may seat."""

    id: str
    name: str
    role: str
    unit: str
    expert: bool


def first_new_date(state: DossierState, calendar: WorkingCalendar) -> date | None:
    """The earliest new appointment date an apology may set: the working day after the due date."""
    if state.due_date is None:
        return None
    return calendar.next_working_day(state.due_date + timedelta(days=1))


def new_date_problem(
    text: str, state: DossierState, calendar: WorkingCalendar
) -> tuple[date | None, DateProblem | None]:
    """The date typed (ISO, as a date picker sends it, or dd/mm/yyyy) and what is wrong with it."""
    day = _parse(text)
    if day is None:
        return None, DateProblem("invalid", None, state.due_date)
    if state.due_date is not None and day <= state.due_date:
        return day, DateProblem("not_after_due", day, state.due_date)
    if not calendar.covers(day):
        return day, DateProblem("invalid", day, state.due_date)
    if not calendar.is_working_day(day):
        names = [holiday.name for holiday in calendar.holidays if holiday.day == day]
        suggested = calendar.next_working_day(day)
        return day, DateProblem(
            "day_off", day, state.due_date, names[0] if names else None, suggested
        )
    return day, None


def _parse(text: str) -> date | None:
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None


async def apology_date(
    client: Client, caller: Caller, services: Services, code: str, text: str
) -> tuple[date | None, DateProblem | None]:
    """The new appointment date typed for the dossier's apology, checked against its due date
    and the working calendar (the dossier checks it again)."""
    state = await readable_state(client, caller, services.settings, code)
    return new_date_problem(text, state, calendar_for(state.submitted_at, services.settings))


def council_candidates(services: Services, agency: str) -> list[Candidate]:
    """The active officers of the dossier's agency, experts last, by name."""
    with services.sessions() as session:
        rows = session.exec(
            select(OfficerRecord).where(
                OfficerRecord.agency == agency,
                OfficerRecord.active == True,  # noqa: E712
            )
        ).all()
    found = [
        Candidate(r.id, r.name, r.role, r.unit, r.expert)
        for r in rows
        if seat_problem(r.id, r.role) is None
    ]
    return sorted(found, key=lambda c: (c.expert, c.name))


def appointment(services: Services, members: list[str], chair: str) -> CouncilAppointment:
    """The council of the ids chosen, each an expert as the registry says; an id the registry
    does not hold as an active officer is refused (the dossier cannot read the registry)."""
    wanted = list(dict.fromkeys(m.strip() for m in members if m.strip()))
    with services.sessions() as session:
        rows = {
            r.id: r
            for r in session.exec(
                select(OfficerRecord).where(
                    OfficerRecord.id.in_(wanted),  # type: ignore[attr-defined]
                    OfficerRecord.active == True,  # noqa: E712
                )
            )
        }
    unknown = [m for m in wanted if m not in rows]
    if unknown:
        raise ActionRefused(
            f"council member: no active officer {', '.join(unknown)}", moved_on=False
        )
    for member in wanted:
        if problem := seat_problem(member, rows[member].role):
            raise ActionRefused(f"council member: {problem}", moved_on=False)
    try:
        return CouncilAppointment(
            chair=chair.strip(),
            members=[CouncilMember(id=m, expert=rows[m].expert) for m in wanted],
        )
    except ValidationError as exc:
        reason = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
        raise ActionRefused(f"council: {reason}", moved_on=False) from None


def sample_council(stage: CouncilStage) -> CouncilAppointment:
    """A council that meets the stage's rules, to ask the rules whether this officer may
    convene one here (who sits on it is the form's)."""
    size = stage.min_members
    experts = experts_needed(stage, size)
    members = [CouncilMember(id=f"sample.m{i}", expert=i < experts) for i in range(size)]
    return CouncilAppointment(chair=members[-1].id, members=members)
